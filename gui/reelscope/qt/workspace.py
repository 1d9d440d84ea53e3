"""Connects the panes to the services: what happens when the user drops, selects, seeks or searches."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from ..domain.analysis import Analysis, AnalysisStatus
from ..domain.jobs import Job, JobState
from ..domain.overlay import overlay_lines
from ..domain.search import SearchHit
from ..domain.timeline import tracks_from_analysis
from ..library.catalogue import Catalogue
from ..services.analysis import AnalysisService
from ..services.search import SearchService
from .drop_filter import DropFilter
from .library_pane import LibraryPane
from .main_window import MainWindow
from .player import PlayerPane
from .queue_pane import QueuePane
from .search_pane import SearchPane
from .tasks import ErrorSink, TaskRunner
from .timeline import TimelineWidget

SEARCH_PAGE_SIZE = 60


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
        catalogue: Catalogue,
        analysis: AnalysisService,
        search_service: SearchService,
        tasks: TaskRunner,
        report_error: ErrorSink,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.library = library
        self.player = player
        self.timeline = timeline
        self.search = search
        self.queue = queue
        self._catalogue = catalogue
        self._analysis = analysis
        self._search_service = search_service
        self._tasks = tasks
        self._report_error = report_error
        self._current_clip_id: str | None = None
        self._current_analyses: list[Analysis] = []
        self._query = ""
        self._search_offset = 0

        self.drops = DropFilter(window)
        self.drops.paths_dropped.connect(self.add_paths)
        self.drops.drag_hovering.connect(self._show_drop_hint)
        window.add_paths_requested.connect(self.add_paths)
        window.quick_search_requested.connect(self._quick_search)

        self._disconnects = [
            analysis.job_changed.connect(self._on_job_changed),
            analysis.clip_changed.connect(self._on_clip_changed),
        ]
        library.clip_selected.connect(self.open_clip)
        library.reveal_requested.connect(self._reveal_clip)
        library.reanalyse_requested.connect(self._reanalyse_clip)
        library.remove_requested.connect(self._confirm_remove_clip)
        queue.clip_requested.connect(self.open_clip)
        queue.cancel_requested.connect(analysis.cancel)
        queue.retry_requested.connect(analysis.retry)
        queue.clear_finished_requested.connect(self._clear_finished)
        timeline.seek_requested.connect(player.seek)
        player.position_changed.connect(self._on_position)
        player.error_occurred.connect(lambda message: report_error(message, None))
        search.search_requested.connect(self.run_search)
        search.more_requested.connect(self._next_search_page)
        search.hit_activated.connect(self.open_hit)

        window.add_playback_action("Play / pause", "Space", player.toggle_play)
        window.add_playback_action("Frame back", "Left", lambda: player.step_frames(-1))
        window.add_playback_action("Frame forward", "Right", lambda: player.step_frames(1))
        window.add_playback_action("Go to start", "Home", lambda: player.seek(0.0))
        window.add_playback_action("Mute", "M", player.toggle_mute)

        library.set_clips(catalogue.clips())
        queue.set_jobs(analysis.jobs())
        self._update_activity()

    # -- ingest ------------------------------------------------------------------------------------
    def add_paths(self, paths: Sequence[Path]) -> None:
        targets = self.window.target_providers()
        if not targets:
            self._report_error("Choose where to analyse clips first (Analyse with: … in the toolbar).", None)
            return
        report = self._analysis.submit(paths, targets)
        if report.refused:
            self.queue.add_refusals(report.refused)
        self.window.queue_dock.show()
        parts = [f"Queued {len(report.queued)} file{'s' if len(report.queued) != 1 else ''}"]
        if report.already_queued:
            parts.append(f"{len(report.already_queued)} already in the queue")
        if report.refused:
            parts.append(f"refused {len(report.refused)} (reasons in the queue)")
        self.window.statusBar().showMessage("; ".join(parts), 8000)

    def _show_drop_hint(self, count: int) -> None:
        if count:
            items = f"{count} item{'s' if count != 1 else ''}"
            self.window.statusBar().showMessage(f"Drop to analyse {items} with {self.window.target_names()}")
        else:
            self.window.statusBar().clearMessage()

    def _on_job_changed(self, job: Job) -> None:
        self.queue.update_job(job)
        self._update_activity()
        if job.state is JobState.FAILED and job.error:
            self.window.statusBar().showMessage(f"{Path(job.path).name}: {job.error}", 12000)

    def _clear_finished(self) -> None:
        self._analysis.clear_finished()
        self.queue.set_jobs(self._analysis.jobs())
        self._update_activity()

    def _update_activity(self) -> None:
        counts = self._analysis.job_counts()
        running = counts.get(JobState.RUNNING, 0)
        waiting = counts.get(JobState.QUEUED, 0)
        text = ""
        if running or waiting:
            text = f"Analysing {running}" + (f", {waiting} waiting" if waiting else "")
        self.window.activity_label.setText(text)

    # -- library and playback ----------------------------------------------------------------------
    def _on_clip_changed(self, video_id: str) -> None:
        clip = self._catalogue.clip(video_id)
        if clip is None:
            return
        self.library.update_clip(clip)
        if video_id == self._current_clip_id:
            self._load_tracks(video_id)

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
            self.add_paths([Path(clip.video.path)])

    def _confirm_remove_clip(self, video_id: str) -> None:
        clip = self._catalogue.clip(video_id)
        if clip is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove from library",
            f"Remove “{clip.title}” from the library?",
            QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setInformativeText("The file stays where it is; its analyses and thumbnails are forgotten.")
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _result: box.clickedButton() is remove and self.remove_clip(video_id))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # never exec(): it would nest an event loop under asyncio

    def remove_clip(self, video_id: str) -> None:
        for job in self._analysis.jobs():
            if job.video_id == video_id and job.can_cancel:
                self._analysis.cancel(job.id)
        self._catalogue.remove_clip(video_id)
        self.library.remove_clip(video_id)
        if video_id == self._current_clip_id:
            self._current_clip_id = None
            self._current_analyses = []
            self.player.unload()
            self.timeline.clear()
            self.window.setWindowTitle("Reelscope")

    def open_clip(self, video_id: str, at_s: float | None = None) -> None:
        clip = self._catalogue.clip(video_id)
        if clip is None:
            self._report_error("That clip is no longer in the library.", None)
            return
        if video_id != self._current_clip_id:
            self._current_clip_id = video_id
            self.library.select_clip(video_id)
            self.window.setWindowTitle(f"{clip.title} — Reelscope")
            video = clip.video
            if Path(video.path).is_file():
                self.player.load(video.path, fps=video.fps, duration_s=video.duration_s, width=video.width, height=video.height)
            else:
                self.player.unload()
                self._report_error(f"{video.path} is missing: it was moved or deleted. Its analysis is still shown.", None)
            self._load_tracks(video_id)
        if at_s is not None:
            self.player.seek(at_s)

    def _load_tracks(self, video_id: str) -> None:
        clip = self._catalogue.clip(video_id)
        analyses = [a for a in self._catalogue.analyses(video_id) if a.status is AnalysisStatus.FINISHED]
        self._current_analyses = analyses
        tracks = [track for analysis in analyses for track in tracks_from_analysis(analysis)]
        if clip is None:
            self.timeline.clear()
            return
        self.timeline.set_tracks(tracks, clip.video.duration_s, fps=clip.video.fps)
        self._on_position(self.player.position())

    def _on_position(self, seconds: float) -> None:
        self.timeline.set_position(seconds)
        self.player.set_overlay_lines(overlay_lines(self._current_analyses, seconds))

    def current_clip_id(self) -> str | None:
        return self._current_clip_id

    # -- search ------------------------------------------------------------------------------------
    def _quick_search(self, query: str) -> None:
        self.window.search_dock.show()
        self.window.search_dock.raise_()
        self.search.set_query(query)

    def run_search(self, query: str) -> None:
        self._query = query
        self._search_offset = 0
        self._tasks.start("search", self._search_page(query, append=False))

    def _next_search_page(self) -> None:
        if self._query and not self._tasks.is_running("search"):
            self._tasks.start("search", self._search_page(self._query, append=True))

    async def _search_page(self, query: str, *, append: bool) -> None:
        self.search.set_busy(True)
        try:
            result = await self._search_service.search(query, limit=SEARCH_PAGE_SIZE, offset=self._search_offset)
        except Exception as error:
            self.search.show_error(f"Search failed: {error}")
            raise
        finally:
            self.search.set_busy(False)
        self._search_offset += len(result.hits)
        self.search.set_results(result, append=append)
        self.search.set_has_more(result.total is not None and self._search_offset < result.total)

    def open_hit(self, hit: SearchHit) -> None:
        self.open_clip(hit.video_id, at_s=hit.start_s)

    def close(self) -> None:
        for disconnect in self._disconnects:
            disconnect()
        self.drops.detach()
