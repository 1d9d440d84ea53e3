"""Errors every layer may raise or show; each carries a message a user can act on.

ProviderError and its subclasses are what a provider's client raises, whatever the transport
said: the queue, the search panel and the command line show `str(error)` as it is.
"""

from __future__ import annotations


class ReelscopeError(Exception):
    """An expected failure: its message is shown to the user as it is."""


class MediaError(ReelscopeError):
    """A file that cannot be read as video (empty, truncated, not a video, unsupported codec)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class AnalysisCancelled(ReelscopeError):
    def __init__(self, path: str = "") -> None:
        super().__init__(f"{path}: analysis cancelled" if path else "analysis cancelled")


class ProviderError(ReelscopeError):
    """A provider could not do what was asked.

    `message` says what happened, `hint` what to do about it; `status` is the HTTP status when
    there was one; `server_message` the service's own words, kept verbatim.
    """

    transient = False
    """Whether trying again later, unchanged, may succeed."""

    def __init__(
        self,
        provider: str,
        message: str,
        *,
        status: int | None = None,
        hint: str | None = None,
        server_message: str | None = None,
    ) -> None:
        self.provider = provider
        self.message = message
        self.status = status
        self.hint = hint
        self.server_message = server_message
        super().__init__(self._text())

    def _text(self) -> str:
        return f"{self.provider}: {self.without_provider()}"

    def without_provider(self) -> str:
        """The message for a place that already names the provider (the queue's Target column)."""
        text = self.message
        if self.status is not None:
            text += f" (HTTP {self.status})"
        if self.hint:
            text += f"; {self.hint}"
        return text

    def __reduce__(self):  # keyword-only fields survive pickling across processes
        return (
            _rebuild_provider_error,
            (type(self), self.provider, self.message, self.status, self.hint, self.server_message, self.__dict__),
        )


def _rebuild_provider_error(cls, provider, message, status, hint, server_message, state):
    error = cls.__new__(cls)
    ProviderError.__init__(error, provider, message, status=status, hint=hint, server_message=server_message)
    error.__dict__.update(state)
    return error


class ProviderNotConfigured(ProviderError):
    """No account details for a provider that needs them."""


class AuthenticationFailed(ProviderError):
    """The service refused the key or token (401/403)."""


class RateLimited(ProviderError):
    """Too many requests or the quota is spent (429); retry_after_s when the service said."""

    transient = True

    def __init__(self, provider: str, message: str, *, retry_after_s: float | None = None, **details) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(provider, message, **details)


class NotFound(ProviderError):
    """The service does not know the thing asked for (404): an expired job, a deleted index."""


class BadRequest(ProviderError):
    """The service refused the request (400/413/415/422); server_message says why, in its words."""


class ServiceUnreachable(ProviderError):
    """No answer: the connection failed or timed out."""

    transient = True


class ServiceFault(ProviderError):
    """The service failed (5xx), or answered something that is not what its API documents."""

    transient = True


class LinkExpired(ProviderError):
    """A link the service handed out has expired (Twelve Labs' hour-long thumbnail URLs): search again."""
