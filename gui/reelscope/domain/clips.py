"""A clip in the library: its video facts and where each provider's analysis stands."""

from __future__ import annotations

from collections.abc import Iterable

from .analysis import Analysis, AnalysisStatus, VideoInfo
from .base import Frozen
from .media import readable


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


class ClipShelf:
    """Clips newest first, found by id and by words: arranged once, where it costs no frame.

    Sorting and indexing 20,000 clips takes a tenth of a second; a library view takes a shelf
    arranged on a worker thread and adopts its lists as they are.
    """

    def __init__(self, clips: list[Clip], keys: list[float], by_id: dict[str, Clip], haystacks: list[str]) -> None:
        self.clips = clips
        self.keys = keys  # -added_at per clip, ascending: where a clip goes, by bisection
        self.by_id = by_id
        self.haystacks = haystacks  # what a filter matches, per clip: title and path, case-folded

    @classmethod
    def arrange(cls, clips: Iterable[Clip]) -> ClipShelf:
        ordered = sorted(clips, key=lambda clip: -clip.added_at)
        return cls(
            ordered,
            [-clip.added_at for clip in ordered],
            {clip.video.id: clip for clip in ordered},
            [haystack(clip) for clip in ordered],
        )


def haystack(clip: Clip) -> str:
    """The text a library filter looks in: the clip's title and path, case-folded."""
    return f"{clip.video.title}\n{readable(clip.video.path)}".casefold()


class ClipChange(Frozen):
    """What the library tells its views when a clip changed: the clip as it now is, and the analysis just stored."""

    clip: Clip
    analysis: Analysis | None = None
