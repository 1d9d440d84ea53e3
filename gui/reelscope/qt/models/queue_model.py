"""The job queue as a Qt table: one row per job (file x target), plus transient refusal rows."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ...domain.jobs import (
    Job,
    JobPhase,
    JobState,
    estimate_eta_s,
    progress_is_measured,
    upload_rate_bytes_per_s,
    was_already_analysed,
)
from ...domain.media import Refusal, one_line
from ...domain.providers import provider_label
from ...domain.timecode import format_clock
from .roles import (
    FAILURE_COLOR,
    RUNNING_COLOR,
    SUCCESS_COLOR,
    WARNING_COLOR,
    ActionRole,
    ObjectRole,
    ProgressRole,
    SortRole,
)

_Index = QModelIndex | QPersistentModelIndex
QueueRow = Job | Refusal


class Column(IntEnum):
    FILE = 0
    TARGET = 1
    PROGRESS = 2
    STATE = 3
    ETA = 4
    ACTIONS = 5


HEADERS = {
    Column.FILE: "File",
    Column.TARGET: "Target",
    Column.PROGRESS: "Progress",
    Column.STATE: "State",
    Column.ETA: "ETA",
    Column.ACTIONS: "",
}

_PHASE_WORDS = {
    JobPhase.WAITING: "Starting",
    JobPhase.HASHING: "Reading",
    JobPhase.UPLOADING: "Uploading",
    JobPhase.PROCESSING: "Processing",
    JobPhase.FETCHING: "Fetching results",
}

_STATE_WORDS = {
    JobState.QUEUED: "Queued",
    JobState.RUNNING: "Running",
    JobState.DONE: "Done",
    JobState.FAILED: "Failed",
    JobState.CANCELLED: "Cancelled",
}

_STATE_COLORS = {
    JobState.RUNNING: RUNNING_COLOR,
    JobState.DONE: SUCCESS_COLOR,
    JobState.FAILED: FAILURE_COLOR,
}

# Stopped jobs keep their bar (how far they got) in a colour that says they stopped.
_CHUNK_COLORS = {
    JobState.DONE: SUCCESS_COLOR.darker(130),
    JobState.FAILED: FAILURE_COLOR.darker(140),
    JobState.CANCELLED: QColor(110, 110, 110),
}


@dataclass(frozen=True, slots=True)
class RowLook:
    """Everything the queue paints for one row, worked out once per change of the row."""

    texts: tuple[str, ...]
    """The display text of each column."""
    state_color: QColor | None
    fraction: float | None
    """How far the progress bar is filled, 0..1; None for a row without a bar (a refusal)."""
    chunk_color: QColor | None
    """The bar's fill when the job has stopped; None for the palette's highlight."""


class QueueModel(QAbstractTableModel):
    def __init__(self, parent=None, clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self._clock = clock
        self._rows: list[QueueRow] = []
        self._job_rows: dict[int, int] = {}
        self._looks: dict[int, RowLook] = {}

    # -- Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == ObjectRole:
            return row
        if isinstance(row, Refusal):
            return _refusal_data(row, column, role)
        return self._job_data(row, column, role)

    # -- updates -------------------------------------------------------------------------------

    def set_jobs(self, jobs: Sequence[Job]) -> None:
        """Replaces every job row; refusal rows stay, after the jobs."""
        self.beginResetModel()
        self._rows = [*jobs, *self.refusals()]
        self._reindex()
        self.endResetModel()

    def update_job(self, job: Job) -> None:
        row = self._job_rows.get(job.id)
        if row is None:
            row = len(self._rows)
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.append(job)
            self._job_rows[job.id] = row
            self.endInsertRows()
            return
        before = self._rows[row]
        self._rows[row] = job
        self._looks.pop(row, None)
        if isinstance(before, Job) and _same_file_target_and_action(before, job):
            # a step of progress: the cells around the bar change, the file, target and button do not
            self.dataChanged.emit(self.index(row, Column.PROGRESS), self.index(row, Column.ETA))
        else:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def add_refusals(self, refusals: Sequence[Refusal]) -> None:
        if not refusals:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(refusals) - 1)
        self._rows.extend(refusals)
        self.endInsertRows()

    def remove_jobs(self, job_ids: Sequence[int]) -> None:
        for row in sorted((self._job_rows[i] for i in job_ids if i in self._job_rows), reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
        self._reindex()

    def remove_refusals(self) -> None:
        for row in range(len(self._rows) - 1, -1, -1):
            if isinstance(self._rows[row], Refusal):
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
        self._reindex()

    def refresh_eta(self) -> None:
        """Repaints the cells of running jobs that depend on the clock: the ETA, and an upload's speed."""
        for row, item in enumerate(self._rows):
            if isinstance(item, Job) and item.state is JobState.RUNNING:
                self._looks.pop(row, None)
                first = Column.STATE if item.phase is JobPhase.UPLOADING else Column.ETA
                display = [Qt.ItemDataRole.DisplayRole]
                self.dataChanged.emit(self.index(row, first), self.index(row, Column.ETA), display)

    # -- queries -------------------------------------------------------------------------------

    def jobs(self) -> list[Job]:
        return [row for row in self._rows if isinstance(row, Job)]

    def refusals(self) -> list[Refusal]:
        return [row for row in self._rows if isinstance(row, Refusal)]

    def row_of_job(self, job_id: int) -> int | None:
        return self._job_rows.get(job_id)

    def item_at(self, row: int) -> QueueRow:
        return self._rows[row]

    def look(self, row: int) -> RowLook:
        """The row as painted; the delegate asks once per cell, so it is kept until the row changes."""
        look = self._looks.get(row)
        if look is None:
            look = self._looks[row] = self._make_look(self._rows[row])
        return look

    def _make_look(self, item: QueueRow) -> RowLook:
        display = Qt.ItemDataRole.DisplayRole
        if isinstance(item, Refusal):
            return RowLook(texts=tuple(_refusal_data(item, column, display) for column in Column),
                           state_color=WARNING_COLOR, fraction=None, chunk_color=None)
        return RowLook(texts=tuple(self._job_data(item, column, display) for column in Column),
                       state_color=_STATE_COLORS.get(item.state),
                       fraction=max(0.0, min(1.0, self._job_data(item, Column.PROGRESS, ProgressRole))),
                       chunk_color=_CHUNK_COLORS.get(item.state))

    def _reindex(self) -> None:
        self._looks.clear()
        self._job_rows = {row.id: i for i, row in enumerate(self._rows) if isinstance(row, Job)}

    def _job_data(self, job: Job, column: Column, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            if column is Column.FILE:
                return one_line(os.path.basename(job.path) or job.path)
            if column is Column.TARGET:
                return provider_label(job.provider)
            if column is Column.PROGRESS:
                return progress_text(job, self._clock())
            if column is Column.STATE:
                return state_text(job, self._clock())
            if column is Column.ETA:
                eta = estimate_eta_s(job, self._clock())
                if eta is not None and eta < 1 and job.phase is JobPhase.PROCESSING:
                    return "soon"   # the service's estimate ran out; it has not finished yet
                return "" if eta is None else format_clock(math.ceil(eta))
            if column is Column.ACTIONS:
                return {"cancel": "Cancel", "retry": "Retry"}.get(_action(job), "")
        elif role == Qt.ItemDataRole.ToolTipRole:
            if column is Column.FILE:
                return one_line(job.path)
            if job.error and column in (Column.STATE, Column.PROGRESS, Column.ACTIONS):
                return job.error
            if job.detail and column in (Column.STATE, Column.PROGRESS):
                running = job.state is JobState.RUNNING and job.phase in (JobPhase.PROCESSING, JobPhase.FETCHING)
                return f"{provider_label(job.provider)} reports: {job.detail}" if running else job.detail
            if column is Column.ETA and job.state is JobState.RUNNING:
                if job.eta_s is not None:
                    return f"{provider_label(job.provider)}'s own estimate of the time left"
                return "Estimated from the progress so far" if progress_is_measured(job) else None
            if column is Column.PROGRESS and job.bytes_total and job.phase is JobPhase.UPLOADING:
                return f"{_megabytes(job.bytes_done)} of {_megabytes(job.bytes_total)} sent"
        elif role == Qt.ItemDataRole.ForegroundRole and column is Column.STATE:
            return _STATE_COLORS.get(job.state)
        elif role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.ETA, Column.ACTIONS):
            return int(Qt.AlignmentFlag.AlignCenter)
        elif role == ProgressRole:
            return 1.0 if job.state is JobState.DONE else job.progress
        elif role == ActionRole:
            return _action(job)
        elif role == SortRole:
            return job.id
        return None


def _same_file_target_and_action(before: Job, after: Job) -> bool:
    return (before.path, before.provider, _action(before)) == (after.path, after.provider, _action(after))


def progress_text(job: Job, now: float) -> str:
    if job.state is JobState.QUEUED:
        return "Queued"
    if job.state is JobState.DONE:
        return "Not sent again" if was_already_analysed(job) else "Done"
    percent = f"{round(job.progress * 100)}%"
    if job.state is not JobState.RUNNING:
        return f"{_STATE_WORDS[job.state]} at {percent}"
    words = _PHASE_WORDS.get(job.phase, job.phase.value.capitalize())
    if job.phase is JobPhase.HASHING and job.detail:
        return "Waiting to read"   # files are hashed one after another: the note says why
    if job.phase is JobPhase.UPLOADING and job.bytes_total:
        if job.bytes_done >= job.bytes_total:
            return f"Sent {_megabytes(job.bytes_total)}, waiting"
        return f"{words} {job.bytes_done / 1e6:.1f}/{_megabytes(job.bytes_total)}"   # the speed is in State
    if not progress_is_measured(job):
        return f"{words}…"   # the service gives no measure: its own word is in the State column
    return f"{words} {percent}"


def state_text(job: Job, now: float | None = None) -> str:
    """The state, with the upload's speed or the service's own word on where it stands while running,
    and why when stopped."""
    word = _STATE_WORDS[job.state]
    if job.state is JobState.FAILED and job.error:
        return f"{word}: {one_line(job.error.splitlines()[0])}"
    if job.state is JobState.DONE and job.detail:
        return f"{word} · {one_line(job.detail).split(' (')[0]}"
    if job.state is JobState.RUNNING and job.phase is JobPhase.UPLOADING:
        rate = upload_rate_bytes_per_s(job, now) if now is not None else None
        where = f" {one_line(job.detail)}" if job.detail else ""
        return f"{word} · uploading{where}" + (f" at {_megabytes(rate)}/s" if rate else "")
    if job.state is JobState.RUNNING and job.detail:
        if job.phase in (JobPhase.PROCESSING, JobPhase.FETCHING):
            return f"{word} · “{one_line(job.detail)}”"
    return word


def _action(job: Job) -> str | None:
    if job.can_cancel:
        return "cancel"
    if job.can_retry:
        return "retry"
    return None


def _refusal_data(refusal: Refusal, column: Column, role: int):
    if role == Qt.ItemDataRole.DisplayRole:
        if column is Column.FILE:
            return one_line(os.path.basename(refusal.path) or refusal.path)
        if column is Column.TARGET:
            return "—"
        if column is Column.STATE:
            return f"Refused: {refusal.reason}"
        return ""
    if role == Qt.ItemDataRole.ToolTipRole:
        return one_line(refusal.path) if column is Column.FILE else f"Not queued: {refusal.reason}"
    if role == Qt.ItemDataRole.ForegroundRole and column is Column.STATE:
        return WARNING_COLOR
    if role == SortRole:
        return math.inf
    return None


def _megabytes(size: float) -> str:
    return f"{size / 1_000_000:.1f} MB"
