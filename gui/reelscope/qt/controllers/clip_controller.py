"""The open clip: library selection to player and timeline, playhead to overlay, and clip actions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from ...domain.analysis import Analysis, AnalysisStatus
from ...domain.clips import Clip
from ...domain.overlay import overlay_lines
from ...domain.timeline import tracks_from_analysis
from ...library.catalogue import Catalogue
from ...services.analysis import AnalysisService
from ..main_window import MainWindow
from ..panes.library_pane import LibraryPane
from ..panes.queue_pane import QueuePane
from ..widgets.player import PlayerPane
from ..widgets.timeline import TimelineWidget
from .tasks import ErrorSink

WINDOW_TITLE = "Reelscope"


class ClipController(QObject):
    def __init__(
        self,
        window: MainWindow,
        *,
        library: LibraryPane,
        player: PlayerPane,
        timeline: TimelineWidget,
        queue: QueuePane,
        catalogue: Catalogue,
        analysis: AnalysisService,
        add_paths: Callable[[Sequence[Path]], None],
        report_error: ErrorSink,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._library = library
        self._player = player
        self._timeline = timeline
        self._catalogue = catalogue
        self._analysis = analysis
        self._add_paths = add_paths
        self._report_error = report_error
        self._current_clip_id: str | None = None
        self._current_analyses: list[Analysis] = []

        library.clip_selected.connect(self.open_clip)
        library.reveal_requested.connect(self._reveal_clip)
        library.reanalyse_requested.connect(self._reanalyse_clip)
        library.remove_requested.connect(self._confirm_remove_clip)
        queue.clip_requested.connect(self.open_clip)
        timeline.seek_requested.connect(player.seek)
        player.position_changed.connect(self._on_position)
        player.error_occurred.connect(lambda message: report_error(message, None))
        self._disconnect = analysis.clip_changed.connect(self._on_clip_changed)

        window.add_playback_action("Play / pause", "Space", player.toggle_play)
        window.add_playback_action("Frame back", "Left", lambda: player.step_frames(-1))
        window.add_playback_action("Frame forward", "Right", lambda: player.step_frames(1))
        window.add_playback_action("Go to start", "Home", lambda: player.seek(0.0))
        window.add_playback_action("Mute", "M", player.toggle_mute)

        library.set_clips(catalogue.clips())

    def current_clip_id(self) -> str | None:
        return self._current_clip_id

    def open_clip(self, video_id: str, at_s: float | None = None) -> None:
        clip = self._catalogue.clip(video_id)
        if clip is None:
            self._report_error("That clip is no longer in the library.", None)
            return
        if video_id != self._current_clip_id:
            self._current_clip_id = video_id
            self._library.select_clip(video_id)
            self._window.setWindowTitle(f"{clip.title} — {WINDOW_TITLE}")
            video = clip.video
            if Path(video.path).is_file():
                self._player.load(
                    video.path, fps=video.fps, duration_s=video.duration_s, width=video.width, height=video.height
                )
            else:
                self._player.unload()
                self._report_error(
                    f"{video.path} is missing: it was moved or deleted. Its analysis is still shown.", None
                )
            self._load_tracks(clip)
        if at_s is not None:
            self._player.seek(at_s)

    def remove_clip(self, video_id: str) -> None:
        for job in self._analysis.jobs():
            if job.video_id == video_id and job.can_cancel:
                self._analysis.cancel(job.id)
        self._catalogue.remove_clip(video_id)
        self._library.remove_clip(video_id)
        if video_id == self._current_clip_id:
            self._current_clip_id = None
            self._current_analyses = []
            self._player.unload()
            self._timeline.clear()
            self._window.setWindowTitle(WINDOW_TITLE)

    def close(self) -> None:
        self._disconnect()

    def _on_clip_changed(self, video_id: str) -> None:
        clip = self._catalogue.clip(video_id)
        if clip is None:
            return
        self._library.update_clip(clip)
        if video_id == self._current_clip_id:
            self._load_tracks(clip)

    def _load_tracks(self, clip: Clip) -> None:
        self._current_analyses = [
            analysis for analysis in self._catalogue.analyses(clip.id) if analysis.status is AnalysisStatus.FINISHED
        ]
        tracks = [track for analysis in self._current_analyses for track in tracks_from_analysis(analysis)]
        self._timeline.set_tracks(tracks, clip.video.duration_s, fps=clip.video.fps)
        self._on_position(self._player.position())

    def _on_position(self, seconds: float) -> None:
        self._timeline.set_position(seconds)
        self._player.set_overlay_lines(overlay_lines(self._current_analyses, seconds))

    def _reveal_clip(self, video_id: str) -> None:
        clip = self._catalogue.clip(video_id)
        if clip is None:
            return
        folder = Path(clip.video.path).parent
        if not folder.is_dir():
            self._report_error(f"{folder} is missing: the clip was moved or its drive is not connected.", None)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _reanalyse_clip(self, video_id: str) -> None:
        clip = self._catalogue.clip(video_id)
        if clip is not None:
            self._add_paths([Path(clip.video.path)])

    def _confirm_remove_clip(self, video_id: str) -> None:
        clip = self._catalogue.clip(video_id)
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
