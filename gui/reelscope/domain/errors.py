"""Errors every layer may raise or show; each carries a message fit for the user."""


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
