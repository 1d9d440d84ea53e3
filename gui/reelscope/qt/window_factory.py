"""Builds the main window and its panes around a Core and wires them with a Workspace."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QSize

from .controllers.collections_controller import CollectionsController
from .controllers.settings_controller import SettingsController
from .controllers.tasks import TaskRunner
from .controllers.workspace import Workspace
from .error_reporter import ErrorReporter
from .main_window import MainWindow
from .panes.collections_section import CollectionsSection
from .panes.library_pane import LibraryPane
from .panes.people_pane import FACE_SIZE, PeoplePane
from .panes.queue_pane import QueuePane
from .panes.search_pane import SearchPane
from .panes.timeline_pane import TimelinePane
from .widgets.player import PlayerPane
from .widgets.sprite_loader import SpriteLoader
from .widgets.thumbnail_loader import ThumbnailLoader
from .widgets.timeline import TimelineWidget


def build_window(core, config_dir: Path) -> tuple[MainWindow, Workspace, TaskRunner]:
    clip_thumbnails = ThumbnailLoader(QSize(96, 54))
    hit_thumbnails = ThumbnailLoader(QSize(160, 90), fetch=core.images.local_file)
    span_pictures = ThumbnailLoader(QSize(160, 160), fetch=core.images.local_file, cache_size=200)
    sprites = SpriteLoader(core.storage.thumbnails.root)
    library = LibraryPane(clip_thumbnails, sprites=sprites)
    player = PlayerPane()
    timeline = TimelineWidget()
    timeline.set_picture_loader(span_pictures)
    timeline_pane = TimelinePane(timeline)
    search = SearchPane(hit_thumbnails, sprites=sprites)
    queue = QueuePane()
    face_thumbnails = ThumbnailLoader(FACE_SIZE)
    people = PeoplePane(face_thumbnails)
    layout_store = QSettings(str(config_dir / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        library=library,
        player=player,
        timeline=timeline_pane,
        people=people,
        search=search,
        queue=queue,
        layout_store=layout_store,
        providers={provider_id: provider.label for provider_id, provider in core.providers.items()},
    )
    clip_thumbnails.setParent(window)
    hit_thumbnails.setParent(window)
    sprites.setParent(window)
    face_thumbnails.setParent(window)
    span_pictures.setParent(window)
    _remember_hidden_providers(timeline_pane, layout_store)
    reporter = ErrorReporter(window)
    tasks = TaskRunner(reporter)
    workspace = Workspace(
        window,
        library=library,
        player=player,
        timeline=timeline,
        search=search,
        queue=queue,
        library_service=core.library,
        analysis=core.analysis,
        search_service=core.search,
        export_service=core.export,
        people=people,
        people_service=core.people,
        images=core.images,
        tasks=tasks,
        report_error=reporter,
    )
    window.settings_controller = SettingsController(window, core.setup, core.providers, tasks, reporter)
    window.collections_controller = CollectionsController(
        window, library, CollectionsSection(parent=library), core.collections, core.setup, core.analysis, tasks
    )
    window.error_reporter = reporter
    disconnect = core.setup.changed.connect(workspace.provider_changed)
    window.destroyed.connect(lambda *_: disconnect())
    return window, workspace, tasks


HIDDEN_PROVIDERS_KEY = "timeline/hidden_providers"


def _remember_hidden_providers(pane: TimelinePane, store: QSettings) -> None:
    """The providers whose lanes were hidden stay hidden at the next start."""
    remembered = store.value(HIDDEN_PROVIDERS_KEY)
    if remembered:
        pane.set_hidden_providers(frozenset(str(remembered).split(",")))
    pane.hidden_providers_changed.connect(lambda hidden: store.setValue(HIDDEN_PROVIDERS_KEY, ",".join(sorted(hidden))))
