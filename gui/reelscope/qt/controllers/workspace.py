"""The window's behaviour: the panes wired to the services through one controller per concern."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject

from ...domain.search import SearchHit
from ...services.analysis import AnalysisService
from ...services.export import ExportService
from ...services.images import ImageService
from ...services.library import LibraryService
from ...services.people import PeopleService
from ...services.search import SearchService
from ..main_window import MainWindow
from ..panes.library_pane import LibraryPane
from ..panes.people_pane import PeoplePane
from ..panes.queue_pane import QueuePane
from ..panes.search_pane import SearchPane
from ..shortcuts_dialog import ShortcutsDialog, shortcut_rows
from ..widgets.player import PlayerPane
from ..widgets.timeline import TimelineWidget
from .clip_controller import ClipController
from .editing_keys import CHORD_HELP, EditingKeys
from .export_controller import ExportController
from .ingest_controller import IngestController
from .people_controller import PeopleController
from .search_controller import SearchController
from .tasks import ErrorSink, TaskRunner


class Workspace(QObject):
    def __init__(
        self,
        window: MainWindow,
        *,
        library: LibraryPane,
        player: PlayerPane,
        timeline: TimelineWidget,
        search: SearchPane,
        queue: QueuePane,
        library_service: LibraryService,
        analysis: AnalysisService,
        search_service: SearchService,
        export_service: ExportService,
        tasks: TaskRunner,
        report_error: ErrorSink,
        people: PeoplePane | None = None,
        people_service: PeopleService | None = None,
        images: ImageService | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.library = library
        self.player = player
        self.timeline = timeline
        self.search = search
        self.queue = queue
        self._ingest = IngestController(window, queue, analysis, tasks, report_error)
        self._clips = ClipController(
            window,
            library=library,
            player=player,
            timeline=timeline,
            queue=queue,
            library_service=library_service,
            analysis=analysis,
            tasks=tasks,
            add_paths=self._ingest.add_paths,
            report_error=report_error,
            people=people_service,
        )
        self._search = SearchController(
            window, search, search_service, tasks, self._clips.open_clip, current_clip=self._clips.current_clip_id,
            images=images,
        )
        self.people = people
        self._people: PeopleController | None = None
        if people is not None and people_service is not None:
            self._people = PeopleController(
                window, people, people_service, tasks, self._clips.open_clip, on_persons=self._search.set_persons
            )
        self.keys = EditingKeys(
            window, player=player, timeline=timeline, library_service=library_service, tasks=tasks,
            current_clip=self._clips.current_clip,
        )
        self._clips.clip_shown.connect(self.keys.clip_shown)
        self._clips.clip_closed.connect(self.keys.clip_closed)
        self.export = ExportController(
            window, library=library, search=search, service=export_service, tasks=tasks, report_error=report_error,
            current_clip=self._clips.current_clip, marks=self.keys.marks,
        )
        self.shortcuts_dialog: ShortcutsDialog | None = None
        window.shortcuts_requested.connect(self.show_shortcuts)

    def show_shortcuts(self) -> None:
        menus = [action.menu() for action in self.window.menuBar().actions() if action.menu()]
        dialog = ShortcutsDialog(shortcut_rows(menus, CHORD_HELP), self.window)
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self.shortcuts_dialog = dialog
        dialog.open()

    async def loaded(self) -> None:
        """Returns once the library and the queue show what the catalogue holds."""
        loading = [self._clips.loaded, self._ingest.loaded]
        if self._people is not None:
            loading.append(self._people.loaded)
        await asyncio.gather(*loading, return_exceptions=False)

    def reload_library(self) -> asyncio.Task:
        return self._clips.reload_library()

    def add_paths(self, paths: Sequence[Path], fresh: bool = False) -> asyncio.Task | None:
        return self._ingest.add_paths(paths, fresh)

    def open_clip(self, video_id: str, at_s: float | None = None) -> asyncio.Task:
        return self._clips.open_clip(video_id, at_s)

    def open_hit(self, hit: SearchHit) -> None:
        self._search.open_hit(hit)

    def remove_clip(self, video_id: str) -> asyncio.Task:
        return self._clips.remove_clip(video_id)

    def provider_changed(self, provider_id: str) -> None:
        """A cloud provider was set up, rebuilt or removed while the app runs."""
        self._search.provider_changed(provider_id)

    def current_clip_id(self) -> str | None:
        return self._clips.current_clip_id()

    def close(self) -> None:
        self._search.close()
        self._ingest.close()
        self._clips.close()
        self.keys.close()
        if self._people is not None:
            self._people.close()
