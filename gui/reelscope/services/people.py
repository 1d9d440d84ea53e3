"""People across the library: clustering of new faces, the gallery's reads and a user's corrections.

Everything runs on the database thread; `people_changed` tells the views (gallery, timeline,
search filters) once something changed, with the video ids whose analyses were rewritten.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.analysis import VideoInfo
from ..domain.people import Face, FaceTrack, Person, PersonMoment
from ..library.storage import Storage
from .observers import Listeners


class PeopleService:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._db = storage.database
        self.people_changed: Listeners[tuple[str, ...]] = Listeners()

    # -- the local engine's PersonDirectory ----------------------------------------------------

    async def assign(self, video: VideoInfo, faces: tuple[FaceTrack, ...]) -> dict[int, str]:
        ids = await self._db.run(self._storage.people.assign, video, faces)
        self.people_changed.emit(())
        return ids

    # -- reads ---------------------------------------------------------------------------------

    async def persons(self) -> list[Person]:
        return await self._db.run(self._storage.people.persons)

    async def names(self) -> dict[str, str]:
        return await self._db.run(self._storage.people.names)

    async def faces_of(self, person_id: str) -> list[Face]:
        return await self._db.run(self._storage.people.faces_of, person_id)

    async def moments_of(self, person_id: str) -> list[PersonMoment]:
        return await self._db.run(self._storage.people.moments_of, person_id)

    # -- corrections ---------------------------------------------------------------------------

    async def rename(self, person_id: str, name: str) -> Person | None:
        person = await self._db.run(self._storage.people.rename, person_id, name)
        self.people_changed.emit(await self._videos_of([person_id]))
        return person

    async def merge(self, source_id: str, target_id: str) -> Person | None:
        videos = await self._videos_of([source_id, target_id])
        person = await self._db.run(self._storage.people.merge, source_id, target_id)
        self.people_changed.emit(videos)
        return person

    async def move_face(self, face_id: int, to_person: str | None = None) -> Person | None:
        faces = await self._db.run(self._storage.people.videos_of_face, face_id)
        person = await self._db.run(self._storage.people.move_face, face_id, to_person)
        self.people_changed.emit(faces)
        return person

    async def _videos_of(self, person_ids: Sequence[str]) -> tuple[str, ...]:
        def read() -> tuple[str, ...]:
            videos: dict[str, None] = {}
            for person_id in person_ids:
                videos.update(dict.fromkeys(face.video_id for face in self._storage.people.faces_of(person_id)))
            return tuple(videos)

        return await self._db.run(read)
