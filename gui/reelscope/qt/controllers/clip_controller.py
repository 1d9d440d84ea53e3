"""The open clip: library selection to player and timeline, playhead to overlay, and clip actions."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from ...domain.analysis import Analysis, AnalysisStatus
from ...domain.clips import Clip, ClipChange
from ...domain.overlay import overlay_lines
from ...domain.timeline import labelled_by_provider, tracks_from_analysis
from ...services.analysis import AnalysisService
from ...services.library import LibraryService
from ...services.people import PeopleService
from ..main_window import MainWindow
from ..panes.library_pane import LibraryPane
from ..panes.queue_pane import QueuePane
from ..widgets.player import PlayerPane
from ..widgets.timeline import TimelineWidget
from .tasks import ErrorSink, TaskRunner

WINDOW_TITLE = "Reelscope"
OPEN_CLIP_TASK = "open-clip"
MUTE_KEY = "Shift+M"   # M adds a marker, as in editing suites


class ClipController(QObject):
    clip_shown = Signal(object, object)   # Clip, list[Analysis]: the open clip with its finished analyses
    clip_closed = Signal()

    def __init__(
        self,
        window: MainWindow,
        *,
        library: LibraryPane,
        player: PlayerPane,
        timeline: TimelineWidget,
        queue: QueuePane,
        library_service: LibraryService,
        analysis: AnalysisService,
        tasks: TaskRunner,
        add_paths: Callable[[Sequence[Path], bool], object],
        report_error: ErrorSink,
        people: PeopleService | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._library = library
        self._player = player
        self._timeline = timeline
        self._service = library_service
        self._analysis = analysis
        self._tasks = tasks
        self._add_paths = add_paths
        self._report_error = report_error
        self._current: Clip | None = None
        self._current_analyses: list[Analysis] = []
        self._person_names: dict[str, str] = {}
        self._opening: tuple[str, asyncio.Task] | None = None

        library.clip_selected.connect(self.open_clip)
        library.reveal_requested.connect(self._reveal_clip)
        library.reanalyse_requested.connect(self._reanalyse_clip)
        library.remove_requested.connect(self._confirm_remove_clip)
        queue.clip_requested.connect(self.open_clip)
        timeline.seek_requested.connect(player.seek)
        player.position_changed.connect(self._on_position)
        player.error_occurred.connect(lambda message: report_error(message, None))
        self._disconnect = analysis.clip_changed.connect(self._on_clip_changed)
        self._disconnect_people = (
            people.people_changed.connect(self._on_people_changed) if people is not None else (lambda: None)
        )

        window.add_playback_action("Play / pause", "Space", player.toggle_play)
        window.add_playback_action("Frame back", "Left", lambda: player.step_frames(-1))
        window.add_playback_action("Frame forward", "Right", lambda: player.step_frames(1))
        window.add_playback_action("Go to start", "Home", lambda: player.seek(0.0))
        window.add_playback_action("Mute", MUTE_KEY, player.toggle_mute)

        self.loaded = tasks.run(self._load_library())

    def reload_library(self) -> asyncio.Task:
        """Lists the library again from the catalogue (read and arranged off the GUI thread)."""
        self.loaded = self._tasks.start("load-library", self._load_library())
        return self.loaded

    def current_clip_id(self) -> str | None:
        return self._current.id if self._current else None

    def current_clip(self) -> Clip | None:
        return self._current

    def open_clip(self, video_id: str, at_s: float | None = None) -> asyncio.Task:
        """Opens a clip (read off the GUI thread); the returned task ends once it is shown.

        Asking again for the clip being opened (the library selecting it echoes the request) joins
        that opening instead of starting over; another clip or a new time supersedes it.
        """
        opening = self._opening
        if opening is not None and not opening[1].done() and opening[0] == video_id and at_s is None:
            return opening[1]
        task = self._tasks.start(OPEN_CLIP_TASK, self._open(video_id, at_s))
        self._opening = (video_id, task)
        return task

    async def _open(self, video_id: str, at_s: float | None) -> None:
        if self._current is not None and video_id == self._current.id:
            if at_s is not None:
                self._player.seek(at_s)
            return
        opened = await self._service.open_clip(video_id)
        if opened is None:
            self._report_error("That clip is no longer in the library.", None)
            return
        clip = opened.clip
        self._current = clip
        self._library.select_clip(video_id)
        self._window.setWindowTitle(f"{clip.title} — {WINDOW_TITLE}")
        video = clip.video
        if opened.file_exists:
            self._player.load(
                video.path, fps=video.fps, duration_s=video.duration_s, width=video.width, height=video.height
            )
        else:
            self._player.unload()
            self._report_error(
                f"{clip.title} is missing from {Path(video.path).parent}: it was moved or deleted. "
                "Its analysis is still shown.",
                None,
            )
        self._person_names = opened.person_names
        self._show_analyses(clip, list(opened.analyses))
        if at_s is not None:
            self._player.seek(at_s)

    def remove_clip(self, video_id: str) -> asyncio.Task:
        return self._tasks.run(self._remove(video_id))

    async def _remove(self, video_id: str) -> None:
        for job in self._analysis.active_jobs():
            if job.video_id == video_id:
                await self._analysis.cancel(job.id)
        await self._service.remove_clip(video_id)
        self._library.remove_clip(video_id)
        if self._current is not None and video_id == self._current.id:
            self._current = None
            self._current_analyses = []
            self._player.unload()
            self._timeline.clear()
            self._window.setWindowTitle(WINDOW_TITLE)
            self.clip_closed.emit()

    def close(self) -> None:
        self._disconnect()
        self._disconnect_people()

    def _on_people_changed(self, _videos) -> None:
        """Names or persons changed: the open clip's lanes and overlay show them as they now are."""
        if self._current is not None:
            self._tasks.start("refresh-clip", self._refresh(self._current.id))

    async def _refresh(self, video_id: str) -> None:
        opened = await self._service.open_clip(video_id)
        if opened is None or self._current is None or self._current.id != video_id:
            return
        self._person_names = opened.person_names
        self._show_analyses(opened.clip, list(opened.analyses))

    async def _load_library(self) -> None:
        self._library.set_clips(await self._service.shelf())

    def _on_clip_changed(self, change: ClipChange) -> None:
        self._library.update_clip(change.clip)
        if self._current is None or change.clip.id != self._current.id:
            return
        self._current = change.clip
        analysis = change.analysis
        if analysis is not None and analysis.status is AnalysisStatus.FINISHED:
            others = [a for a in self._current_analyses if a.provider != analysis.provider]
            self._show_analyses(change.clip, sorted([*others, analysis], key=_display_order))

    def _show_analyses(self, clip: Clip, analyses: list[Analysis]) -> None:
        self._current_analyses = analyses
        tracks = labelled_by_provider(
            [track for analysis in analyses for track in tracks_from_analysis(analysis, self._person_names)]
        )
        self._timeline.set_tracks(tracks, clip.video.duration_s, fps=clip.video.fps)
        self._on_position(self._player.position())
        self.clip_shown.emit(clip, list(analyses))

    def current_analyses(self) -> list[Analysis]:
        return list(self._current_analyses)

    def _on_position(self, seconds: float) -> None:
        self._timeline.set_position(seconds)
        self._player.set_overlay_lines(overlay_lines(self._current_analyses, seconds, self._person_names))

    def _reveal_clip(self, video_id: str) -> None:
        self._tasks.run(self._reveal(video_id))

    async def _reveal(self, video_id: str) -> None:
        opened = await self._service.open_clip(video_id)
        if opened is None:
            return
        folder = Path(opened.clip.video.path).parent
        if not opened.file_exists and not await asyncio.get_running_loop().run_in_executor(None, folder.is_dir):
            self._report_error(f"{folder} is missing: the clip was moved or its drive is not connected.", None)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _reanalyse_clip(self, video_id: str) -> None:
        clip = self._library.clip(video_id)
        if clip is not None:
            self._add_paths([Path(clip.video.path)], True)

    def _confirm_remove_clip(self, video_id: str) -> None:
        clip = self._library.clip(video_id)
        if clip is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove from library",
            f"Remove “{clip.title}” from the library?",
            QMessageBox.StandardButton.Cancel,
            self._window,
        )
        box.setInformativeText("The file stays where it is; its analyses and thumbnails are forgotten.")
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _result: box.clickedButton() is remove and self.remove_clip(video_id))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # never exec(): it would nest an event loop under asyncio


def _display_order(analysis: Analysis) -> tuple[bool, str]:
    return analysis.provider != "local", analysis.provider
