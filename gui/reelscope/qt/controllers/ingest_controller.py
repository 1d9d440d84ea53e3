"""Ingest: dropped or chosen paths into the analysis queue, and the queue's progress back to the user."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject

from ...domain.jobs import Job, JobState
from ...domain.media import one_line
from ...services.analysis import AnalysisService
from ..main_window import MainWindow
from ..panes.queue_pane import QueuePane
from .drop_filter import DropFilter
from .tasks import ErrorSink, TaskRunner

STATUS_MESSAGE_MS = 8_000
FAILURE_MESSAGE_MS = 12_000


class IngestController(QObject):
    def __init__(
        self,
        window: MainWindow,
        queue: QueuePane,
        analysis: AnalysisService,
        tasks: TaskRunner,
        report_error: ErrorSink,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._queue = queue
        self._analysis = analysis
        self._tasks = tasks
        self._report_error = report_error

        self._drops = DropFilter(window)
        self._drops.paths_dropped.connect(self.add_paths)
        self._drops.drag_hovering.connect(self._show_drop_hint)
        window.add_paths_requested.connect(self.add_paths)
        queue.cancel_requested.connect(lambda job_id: tasks.run(analysis.cancel(job_id)))
        queue.retry_requested.connect(lambda job_id: tasks.run(analysis.retry(job_id)))
        queue.clear_finished_requested.connect(lambda: tasks.run(self._clear_finished()))
        self._disconnect_jobs = analysis.job_changed.connect(self._on_job_changed)
        self._disconnect_removed = analysis.jobs_removed.connect(self._queue.remove_jobs)

        self.loaded = tasks.run(self._load_queue())

    def add_paths(self, paths: Sequence[Path], fresh: bool = False) -> asyncio.Task | None:
        """Queues paths for the providers chosen in the toolbar; the task ends once they are queued."""
        targets = self._window.target_providers()
        if not targets:
            self._report_error("Choose where to analyse clips first (Analyse with: … in the toolbar).", None)
            return None
        self._window.queue_dock.show()
        self._window.statusBar().showMessage(f"Adding {_count(len(paths), 'item')}…")
        return self._tasks.run(self._submit(list(paths), targets, fresh))

    async def _submit(self, paths: list[Path], targets: list[str], fresh: bool) -> None:
        report = await self._analysis.submit(paths, targets, fresh=fresh)
        if report.refused:
            self._queue.add_refusals(report.refused)
        parts = [f"Queued {_count(len(report.queued), 'file')}"]
        if report.already_queued:
            parts.append(f"{len(report.already_queued)} already in the queue")
        if report.refused:
            parts.append(f"refused {len(report.refused)} (reasons in the queue)")
        self._window.statusBar().showMessage("; ".join(parts), STATUS_MESSAGE_MS)

    def close(self) -> None:
        self._disconnect_jobs()
        self._disconnect_removed()
        self._drops.detach()

    async def _load_queue(self) -> None:
        self._queue.set_jobs(await self._analysis.jobs())
        self._update_activity()

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
            message = f"{one_line(Path(job.path).name)}: {one_line(job.error)}"
            self._window.statusBar().showMessage(message, FAILURE_MESSAGE_MS)

    async def _clear_finished(self) -> None:
        await self._analysis.clear_finished()
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
