"""The interface every provider implements."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from ..domain.analysis import Analysis

ProgressCallback = Callable[[float], None]
"""Called with the fraction done, 0..1; may be called from the event loop only."""


class Capability(StrEnum):
    ANALYZE = "analyze"
    SEARCH = "search"
    UPLOAD = "upload"


class Provider(Protocol):
    id: str
    display_name: str
    capabilities: frozenset[Capability]

    async def analyze(self, path: Path, on_progress: ProgressCallback | None = None) -> Analysis:
        """Analyses one file; raises MediaError for unreadable media, AnalysisCancelled on cancel.

        Cancelling the awaiting task must stop the underlying work promptly.
        """
        ...

    async def aclose(self) -> None: ...
