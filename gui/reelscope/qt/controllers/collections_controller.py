"""Seeknetic collections in the library pane: listed from the service, created, chosen for uploads,
and used to limit the clip list; the section shows only while Seeknetic is set up."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QObject

from ...domain.clips import ClipChange
from ...domain.errors import ProviderError
from ...domain.jobs import Job
from ...services.analysis import AnalysisService
from ...services.collections import PROVIDER, CollectionsService
from ...services.provider_setup import ProviderSetup
from ..main_window import MainWindow
from ..panes.collections_section import CollectionsSection
from ..panes.library_pane import LibraryPane
from .tasks import TaskRunner

LIST_TASK = "collections-list"
FILTER_TASK = "collections-filter"
STATUS_MS = 8_000


class CollectionsController(QObject):
    def __init__(
        self,
        window: MainWindow,
        library: LibraryPane,
        section: CollectionsSection,
        service: CollectionsService,
        setup: ProviderSetup,
        analysis: AnalysisService,
        tasks: TaskRunner,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._library = library
        self._section = section
        self._service = service
        self._tasks = tasks
        self._filtering: str | None = None
        library.add_section(section)
        section.refresh_requested.connect(self.refresh)
        section.create_requested.connect(lambda name: tasks.run(self._create(name)))
        section.upload_target_requested.connect(lambda collection_id: tasks.run(self._upload_to(collection_id)))
        section.filter_requested.connect(self._filter)
        library.group_dropped.connect(lambda: section.select_collection(None))
        self._disconnect_setup = setup.changed.connect(self._on_provider_changed)
        self._disconnect_clips = analysis.clip_changed.connect(self._on_clip_changed)
        self._disconnect_jobs = analysis.job_changed.connect(self._on_job_changed)
        self._sent: set[int] = set()   # Seeknetic jobs whose upload the collection list has counted
        disconnects = (self._disconnect_setup, self._disconnect_clips, self._disconnect_jobs)
        window.destroyed.connect(lambda: [disconnect() for disconnect in disconnects])
        self.loaded = self.refresh()

    def refresh(self) -> asyncio.Task | None:
        """Lists the collections again (the section hides while Seeknetic is not set up)."""
        self._section.setVisible(self._service.available)
        if not self._service.available:
            self._library.limit_to_group(None)
            self._filtering = None
            return None
        self._section.show_message("Loading collections…")
        return self._tasks.start(LIST_TASK, self._list())

    def close(self) -> None:
        self._disconnect_setup()
        self._disconnect_clips()
        self._disconnect_jobs()

    async def _list(self) -> None:
        try:
            collections = await self._service.collections()
        except ProviderError as error:
            self._section.show_message(_failure(error), error=True)
            return
        self._section.set_collections(collections, self._service.upload_collection())

    async def _create(self, name: str) -> None:
        try:
            created = await self._service.create(name)
        except ProviderError as error:
            self._section.show_message(_failure(error), error=True)
            return
        self._window.statusBar().showMessage(f"Created the Seeknetic collection “{created.name}”", STATUS_MS)
        await self._list()

    async def _upload_to(self, collection_id: str | None) -> None:
        outcome = await self._service.upload_to(collection_id)
        where = f"“{self._section.collection_name(collection_id)}”" if collection_id else "no collection"
        if outcome.problem:
            self._section.show_message(outcome.message(), error=True)
        else:
            self._window.statusBar().showMessage(f"New Seeknetic analyses upload to {where}", STATUS_MS)

    def _filter(self, collection_id: str | None) -> None:
        self._filtering = collection_id
        if collection_id is None:
            self._tasks.cancel(FILTER_TASK)
            self._library.limit_to_group(None)
            return
        self._tasks.start(FILTER_TASK, self._limit(collection_id))

    async def _limit(self, collection_id: str) -> None:
        clip_ids = await self._service.clip_ids_in(collection_id)
        if self._filtering == collection_id:
            self._library.limit_to_group(collection_id, self._section.collection_name(collection_id), clip_ids)

    def _on_provider_changed(self, provider_id: str) -> None:
        if provider_id == PROVIDER:
            self.refresh()

    def _on_clip_changed(self, change: ClipChange) -> None:
        analysis = change.analysis
        if analysis is not None and analysis.provider == PROVIDER:
            self._collection_grew()

    def _on_job_changed(self, job: Job) -> None:
        """A Seeknetic upload the service took (it answered with the video's id) is in a collection now."""
        if job.provider == PROVIDER and job.remote_id and job.id not in self._sent and self._service.available:
            self._sent.add(job.id)
            self._collection_grew()

    def _collection_grew(self) -> None:
        if self._filtering is not None:
            self._tasks.start(FILTER_TASK, self._limit(self._filtering))
        self._tasks.start(LIST_TASK, self._list())   # its video counts changed


def _failure(error: ProviderError) -> str:
    text = error.without_provider()
    if error.server_message and error.server_message not in text:
        text += f" — server said: {error.server_message}"
    return f"Seeknetic: {text}"
