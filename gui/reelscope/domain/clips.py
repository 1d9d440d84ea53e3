"""A clip in the library: its video facts and where each provider's analysis stands."""

from __future__ import annotations

from .analysis import Analysis, AnalysisStatus, VideoInfo
from .base import Frozen


class ProviderStatus(Frozen):
    provider: str
    status: AnalysisStatus
    error: str | None = None


class Clip(Frozen):
    video: VideoInfo
    added_at: float
    thumbnail_path: str | None = None
    scene_count: int = 0
    statuses: tuple[ProviderStatus, ...] = ()

    @property
    def id(self) -> str:
        return self.video.id

    @property
    def title(self) -> str:
        return self.video.title

    def status_for(self, provider: str) -> ProviderStatus | None:
        return next((s for s in self.statuses if s.provider == provider), None)


class ClipChange(Frozen):
    """What the library tells its views when a clip changed: the clip as it now is, and the analysis just stored."""

    clip: Clip
    analysis: Analysis | None = None
