"""Ingest: dropped or chosen paths into the analysis queue, and the queue's progress back to the user."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject

from ...domain.jobs import Job, JobState
from ...services.analysis import AnalysisService
from ..main_window import MainWindow
from ..panes.queue_pane import QueuePane
from .drop_filter import DropFilter
from .tasks import ErrorSink

STATUS_MESSAGE_MS = 8_000
FAILURE_MESSAGE_MS = 12_000


class IngestController(QObject):
    def __init__(
        self, window: MainWindow, queue: QueuePane, analysis: AnalysisService, report_error: ErrorSink
    ) -> None:
        super().__init__(window)
        self._window = window
        self._queue = queue
        self._analysis = analysis
        self._report_error = report_error

        self._drops = DropFilter(window)
        self._drops.paths_dropped.connect(self.add_paths)
        self._drops.drag_hovering.connect(self._show_drop_hint)
        window.add_paths_requested.connect(self.add_paths)
        queue.cancel_requested.connect(analysis.cancel)
        queue.retry_requested.connect(analysis.retry)
        queue.clear_finished_requested.connect(self._clear_finished)
        self._disconnect = analysis.job_changed.connect(self._on_job_changed)

        queue.set_jobs(analysis.jobs())
        self._update_activity()

    def add_paths(self, paths: Sequence[Path]) -> None:
        targets = self._window.target_providers()
        if not targets:
            self._report_error("Choose where to analyse clips first (Analyse with: … in the toolbar).", None)
            return
        report = self._analysis.submit(paths, targets)
        if report.refused:
            self._queue.add_refusals(report.refused)
        self._window.queue_dock.show()
        parts = [f"Queued {_count(len(report.queued), 'file')}"]
        if report.already_queued:
            parts.append(f"{len(report.already_queued)} already in the queue")
        if report.refused:
            parts.append(f"refused {len(report.refused)} (reasons in the queue)")
        self._window.statusBar().showMessage("; ".join(parts), STATUS_MESSAGE_MS)

    def close(self) -> None:
        self._disconnect()
        self._drops.detach()

    def _show_drop_hint(self, count: int) -> None:
        if count:
            message = f"Drop to analyse {_count(count, 'item')} with {self._window.target_names()}"
            self._window.statusBar().showMessage(message)
        else:
            self._window.statusBar().clearMessage()

    def _on_job_changed(self, job: Job) -> None:
        self._queue.update_job(job)
        self._update_activity()
        if job.state is JobState.FAILED and job.error:
            self._window.statusBar().showMessage(f"{Path(job.path).name}: {job.error}", FAILURE_MESSAGE_MS)

    def _clear_finished(self) -> None:
        self._analysis.clear_finished()
        self._queue.set_jobs(self._analysis.jobs())
        self._update_activity()

    def _update_activity(self) -> None:
        counts = self._analysis.job_counts()
        running = counts.get(JobState.RUNNING, 0)
        waiting = counts.get(JobState.QUEUED, 0)
        text = ""
        if running or waiting:
            text = f"Analysing {running}" + (f", {waiting} waiting" if waiting else "")
        self._window.activity_label.setText(text)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"
