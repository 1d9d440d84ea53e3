"""The library's use cases for the window: list clips, open one, remove one. All off the GUI thread."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..domain.analysis import Analysis, AnalysisStatus
from ..domain.clips import Clip, ClipShelf
from ..domain.markers import UserMarker
from ..library.heap import long_lived_batch
from ..library.storage import Storage


@dataclass(frozen=True)
class OpenedClip:
    clip: Clip
    analyses: tuple[Analysis, ...]
    """Finished analyses, the local one first."""
    file_exists: bool
    person_names: dict[str, str] = field(default_factory=dict)
    """The names users gave to persons of the library (by person id)."""


class LibraryService:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._db = storage.database

    async def clips(self, filter_text: str = "") -> list[Clip]:
        return await self._db.run(self._storage.catalogue.clips, filter_text)

    async def shelf(self) -> ClipShelf:
        """Every clip, newest first and indexed, arranged on the database thread for a library view."""
        return await self._db.run(self._arrange_shelf)

    def _arrange_shelf(self) -> ClipShelf:
        with long_lived_batch():
            return ClipShelf.arrange(self._storage.catalogue.clips())

    async def clip(self, video_id: str) -> Clip | None:
        return await self._db.run(self._storage.catalogue.clip, video_id)

    async def open_clip(self, video_id: str) -> OpenedClip | None:
        """The clip with its finished analyses, and whether its file is still where it was."""
        return await self._db.run(self._open_now, video_id)

    def _open_now(self, video_id: str) -> OpenedClip | None:
        catalogue = self._storage.catalogue
        clip = catalogue.clip(video_id)
        if clip is None:
            return None
        analyses = tuple(a for a in catalogue.analyses(video_id) if a.status is AnalysisStatus.FINISHED)
        return OpenedClip(
            clip=clip, analyses=analyses, file_exists=os.path.isfile(clip.video.path),
            person_names=self._storage.people.names(),
        )

    async def remove_clip(self, video_id: str) -> None:
        """Forgets the clip, its analyses and thumbnails; the file itself is never touched."""
        await self._db.run(self._storage.catalogue.remove_clip, video_id)

    async def add_marker(self, video_id: str, time_s: float, label: str = "") -> UserMarker:
        return await self._db.run(self._storage.markers.add, video_id, time_s, label)

    async def markers(self, video_id: str) -> list[UserMarker]:
        return await self._db.run(self._storage.markers.for_clip, video_id)

    async def remove_marker(self, marker_id: int) -> None:
        await self._db.run(self._storage.markers.remove, marker_id)
