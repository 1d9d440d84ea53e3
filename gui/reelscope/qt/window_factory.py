"""Builds the main window and its panes around a Core and wires them with a Workspace."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QSize

from ..library.config import (
    DATA_DIR_VARIABLE,
    MUSIC_DIR_VARIABLE,
    config_path,
    save_local_engine,
    save_user_choices,
)
from .controllers.tasks import TaskRunner
from .controllers.workspace import Workspace
from .error_reporter import ErrorReporter
from .main_window import MainWindow
from .panes.library_pane import LibraryPane
from .panes.people_pane import FACE_SIZE, PeoplePane
from .panes.queue_pane import QueuePane
from .panes.search_pane import SearchPane
from .settings_dialog import SettingsDialog
from .widgets.player import PlayerPane
from .widgets.thumbnail_loader import ThumbnailLoader
from .widgets.timeline import TimelineWidget


def build_window(core, config_dir: Path) -> tuple[MainWindow, Workspace, TaskRunner]:
    clip_thumbnails = ThumbnailLoader(QSize(96, 54))
    hit_thumbnails = ThumbnailLoader(QSize(160, 90))
    library = LibraryPane(clip_thumbnails)
    player = PlayerPane()
    timeline = TimelineWidget()
    search = SearchPane(hit_thumbnails)
    queue = QueuePane()
    face_thumbnails = ThumbnailLoader(FACE_SIZE)
    people = PeoplePane(face_thumbnails)
    layout_store = QSettings(str(config_dir / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        library=library,
        player=player,
        timeline=timeline,
        search=search,
        queue=queue,
        layout_store=layout_store,
        providers={provider_id: provider.label for provider_id, provider in core.providers.items()},
        people=people,
    )
    clip_thumbnails.setParent(window)
    face_thumbnails.setParent(window)
    hit_thumbnails.setParent(window)
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
        tasks=tasks,
        report_error=reporter,
        people=people,
        people_service=core.people,
    )
    window.settings_requested.connect(lambda: _open_settings(window, core))
    window.error_reporter = reporter
    return window, workspace, tasks


def _file_music_dir() -> str | None:
    """The music folder the config file names, whatever the environment says."""
    import tomllib

    path = config_path()
    if not path.is_file():
        return None
    return tomllib.loads(path.read_text(encoding="utf-8")).get("local", {}).get("music_dir")


def _open_settings(window: MainWindow, core) -> None:
    override = DATA_DIR_VARIABLE if os.environ.get(DATA_DIR_VARIABLE) else None
    music_override = MUSIC_DIR_VARIABLE if os.environ.get(MUSIC_DIR_VARIABLE) else None
    dialog = SettingsDialog(
        core.settings.data_dir, core.settings.local_workers, window, data_dir_override=override,
        local=core.settings.local, music_dir_override=music_override,
    )

    def save(data_dir: str, workers: int) -> None:
        save_user_choices(config_path(), data_dir=None if override else data_dir, local_workers=workers)
        window.statusBar().showMessage("Settings saved; they apply at the next start.", 8000)

    dialog.settings_accepted.connect(save)

    def save_engine(local) -> None:
        if music_override:  # the environment's folder is not the user's choice to write down
            local = local.model_copy(update={"music_dir": _file_music_dir()})
        save_local_engine(config_path(), local)

    dialog.local_engine_accepted.connect(save_engine)
    dialog.open()
