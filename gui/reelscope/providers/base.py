"""The interface every provider implements: analysis jobs that report phases, and paged search.

A provider is handed an AnalysisRequest and an AnalysisEvents to report through; it raises
MediaError for media it cannot read, AnalysisCancelled when it gave up on its own, and
ProviderError subclasses (domain.errors) for everything a service refused or failed to do.
See docs/architecture.md for the whole way from a drop to the timeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..domain.analysis import Analysis, VideoInfo
from ..domain.jobs import JobProgress
from ..domain.providers import Capability
from ..domain.search import SearchPage, SearchQuery

__all__ = [
    "AnalysisEvents", "AnalysisProvider", "AnalysisRequest", "Capability", "NoEvents", "ProviderLimits",
    "SearchProvider",
]


@dataclass(frozen=True)
class ProviderLimits:
    """How the queue paces a provider's jobs: at most max_jobs at once, starts min_start_interval_s apart."""

    max_jobs: int = 2
    min_start_interval_s: float = 0.0


@dataclass(frozen=True)
class AnalysisRequest:
    path: Path
    sha256: str | None = None
    """The content hash, when the queue already computed it (the provider then need not)."""
    remote_id: str | None = None
    """The service's job for this file from an earlier run: resume it instead of sending the file again."""
    fresh: bool = False
    """Analyse again even if the service has this content already."""
    interrupted_upload: bool = False
    """An earlier upload of this content stopped part-way: the service may hold all, part or none of it."""
    options: Mapping[str, str] = field(default_factory=dict)
    """Per-provider choices, such as the collection to upload to."""
    remote_details: Mapping[str, str] = field(default_factory=dict)
    """What the provider stored with remote_job(..., details) on an earlier run, for resuming."""


class AnalysisEvents(Protocol):
    """What a running analysis tells the queue. Called on the event loop's thread only."""

    def progress(self, update: JobProgress) -> None: ...

    def video(self, video: VideoInfo) -> None:
        """The clip's facts, as soon as they are known: the library lists it while it is analysed."""

    async def remote_job(self, remote_id: str, details: Mapping[str, str] | None = None) -> None:
        """The service took the job: returns once the id is stored, before the provider goes on."""


class NoEvents:
    """For callers that follow nothing (a script, a test)."""

    def progress(self, update: JobProgress) -> None:
        pass

    def video(self, video: VideoInfo) -> None:
        pass

    async def remote_job(self, remote_id: str, details: Mapping[str, str] | None = None) -> None:
        pass


@runtime_checkable
class AnalysisProvider(Protocol):
    id: str
    label: str
    capabilities: frozenset[Capability]
    limits: ProviderLimits

    async def analyze(self, request: AnalysisRequest, events: AnalysisEvents) -> Analysis:
        """Analyses one file. Cancelling the awaiting task must stop the underlying work promptly."""
        ...

    async def aclose(self) -> None: ...


@runtime_checkable
class SearchProvider(Protocol):
    id: str
    label: str

    async def search(self, query: SearchQuery, cursor: str | None = None) -> SearchPage:
        """One page of moments; cursor is a page's next_cursor or previous_cursor, None for the first."""
        ...
