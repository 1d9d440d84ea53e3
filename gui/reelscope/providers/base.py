"""The interface every provider implements."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from ..domain.analysis import Analysis, VideoInfo

ProgressCallback = Callable[[float], None]
"""Called with the fraction done, 0..1; may be called from the event loop only."""

VideoCallback = Callable[[VideoInfo], None]
"""Called once, on the event loop, as soon as the provider knows the clip's facts."""


class Capability(StrEnum):
    ANALYZE = "analyze"
    SEARCH = "search"
    UPLOAD = "upload"


class Provider(Protocol):
    id: str
    display_name: str
    capabilities: frozenset[Capability]

    async def analyze(
        self, path: Path, on_progress: ProgressCallback | None = None, on_video: VideoCallback | None = None
    ) -> Analysis:
        """Analyses one file; raises MediaError for unreadable media, AnalysisCancelled on cancel.

        on_video lets the library show the clip while the analysis runs. Cancelling the awaiting
        task must stop the underlying work promptly.
        """
        ...

    async def aclose(self) -> None: ...
