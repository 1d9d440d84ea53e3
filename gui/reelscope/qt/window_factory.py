"""Builds the main window and its panes around a Core and wires them with a Workspace."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QSize

from ..library.config import DATA_DIR_VARIABLE, config_path, save_user_choices
from .controllers.tasks import TaskRunner
from .controllers.workspace import Workspace
from .error_reporter import ErrorReporter
from .main_window import MainWindow
from .panes.library_pane import LibraryPane
from .panes.queue_pane import QueuePane
from .panes.search_pane import SearchPane
from .settings_dialog import SettingsDialog
from .widgets.player import PlayerPane
from .widgets.sprite_loader import SpriteLoader
from .widgets.thumbnail_loader import ThumbnailLoader
from .widgets.timeline import TimelineWidget


def build_window(core, config_dir: Path) -> tuple[MainWindow, Workspace, TaskRunner]:
    clip_thumbnails = ThumbnailLoader(QSize(96, 54))
    hit_thumbnails = ThumbnailLoader(QSize(160, 90))
    sprites = SpriteLoader(core.storage.thumbnails.root)
    library = LibraryPane(clip_thumbnails, sprites=sprites)
    player = PlayerPane()
    timeline = TimelineWidget()
    search = SearchPane(hit_thumbnails, sprites=sprites)
    queue = QueuePane()
    layout_store = QSettings(str(config_dir / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        library=library,
        player=player,
        timeline=timeline,
        search=search,
        queue=queue,
        layout_store=layout_store,
        providers={provider_id: provider.label for provider_id, provider in core.providers.items()},
    )
    clip_thumbnails.setParent(window)
    hit_thumbnails.setParent(window)
    sprites.setParent(window)
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
        tasks=tasks,
        report_error=reporter,
    )
    window.settings_requested.connect(lambda: _open_settings(window, core))
    window.error_reporter = reporter
    return window, workspace, tasks


def _open_settings(window: MainWindow, core) -> None:
    override = DATA_DIR_VARIABLE if os.environ.get(DATA_DIR_VARIABLE) else None
    dialog = SettingsDialog(core.settings.data_dir, core.settings.local_workers, window, data_dir_override=override)

    def save(data_dir: str, workers: int) -> None:
        save_user_choices(config_path(), data_dir=None if override else data_dir, local_workers=workers)
        window.statusBar().showMessage("Settings saved; they apply at the next start.", 8000)

    dialog.settings_accepted.connect(save)
    dialog.open()
