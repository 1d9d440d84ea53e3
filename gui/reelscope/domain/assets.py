"""What a provider holds of a file's content: known by sha256, not by path, so a moved or copied
file is never sent twice, and a remote job survives a quit, a crash or a kill."""

from __future__ import annotations

from enum import StrEnum

from .base import Frozen


class AssetState(StrEnum):
    SENDING = "sending"        # an upload began; the service may or may not have the file
    PROCESSING = "processing"  # the service took it and answered with remote_id
    DONE = "done"              # its analysis is in the catalogue
    FAILED = "failed"          # the service gave up on it

    @property
    def is_in_flight(self) -> bool:
        return self in (AssetState.SENDING, AssetState.PROCESSING)


class ProviderAsset(Frozen):
    sha256: str
    provider: str
    scope: str = ""
    """The collection or index the content went to; '' for providers that have none."""
    remote_id: str | None = None
    state: AssetState
    video_id: str | None = None
    details: dict[str, str] = {}
    """Provider-specific references (a second request id, an upload key), for resuming."""
    updated_at: float = 0.0
