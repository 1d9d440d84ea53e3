"""The people gallery: persons from the library, a person's faces and moments, and a user's corrections."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PySide6.QtCore import QObject

from ...domain.people import PersonMoment
from ...services.people import PeopleService
from ..panes.people_pane import PeoplePane
from .tasks import TaskRunner

LOAD_TASK = "people-load"
PERSON_TASK = "people-person"


class PeopleController(QObject):
    def __init__(
        self,
        parent: QObject,
        pane: PeoplePane,
        service: PeopleService,
        tasks: TaskRunner,
        open_clip: Callable[[str, float | None], object],
        on_persons: Callable[[list], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._pane = pane
        self._service = service
        self._tasks = tasks
        self._open_clip = open_clip
        self._on_persons = on_persons
        pane.person_selected.connect(self.show_person)
        pane.rename_requested.connect(lambda person_id, name: self._tasks.run(self._service.rename(person_id, name)))
        pane.merge_requested.connect(lambda source, target: self._tasks.run(self._merge(source, target)))
        pane.move_face_requested.connect(lambda face_id: self._tasks.run(self._service.move_face(face_id)))
        pane.moment_activated.connect(self._open_moment)
        self._disconnect = service.people_changed.connect(lambda _videos: self.reload())
        self.loaded = tasks.run(self._load())

    def reload(self) -> asyncio.Task:
        return self._tasks.start(LOAD_TASK, self._load())

    def show_person(self, person_id: str) -> asyncio.Task:
        return self._tasks.start(PERSON_TASK, self._show(person_id))

    def close(self) -> None:
        self._disconnect()

    async def _load(self) -> None:
        persons = await self._service.persons()
        self._pane.set_persons(persons)
        if self._on_persons is not None:
            self._on_persons(persons)
        selected = self._pane.selected_person()
        if selected is not None:
            await self._show(selected)

    async def _show(self, person_id: str) -> None:
        faces, moments = await asyncio.gather(self._service.faces_of(person_id), self._service.moments_of(person_id))
        person = next((p for p in self._pane.persons() if p.person_id == person_id), None)
        self._pane.show_person(person, faces, moments)

    async def _merge(self, source: str, target: str) -> None:
        await self._service.merge(source, target)
        self._pane.select_person(target)

    def _open_moment(self, moment: PersonMoment) -> None:
        self._open_clip(moment.video_id, moment.start_s)
