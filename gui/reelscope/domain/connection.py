"""What a connection test found: the service's answer as it came, for a settings page to show."""

from __future__ import annotations

from .base import Frozen


class ConnectionCheck(Frozen):
    provider: str
    ok: bool
    """The service answered and accepted the key."""
    message: str
    """What it means, in our words: accepted, refused, unreachable."""
    endpoint: str
    """The call made, method and URL without its query (a token may travel there)."""
    elapsed_s: float
    status: int | None = None
    """The HTTP status; None when no answer came."""
    server_message: str | None = None
    """The service's own words (or the start of its answer), verbatim and with secrets masked."""
    hint: str | None = None
