"""The queue dock: a table of jobs with painted progress, ETA, and cancel/retry actions."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.jobs import Job, JobState
from ...domain.media import Refusal
from ..menus import SEPARATOR, popup_menu
from ..models.queue_model import Column, QueueModel, QueueRow
from ..models.roles import FAILURE_COLOR, SUCCESS_COLOR, ActionRole, ObjectRole, ProgressRole

ROW_HEIGHT = 28

# Stopped jobs keep their bar (how far they got) in a colour that says they stopped.
_CHUNK_COLORS = {
    JobState.DONE: SUCCESS_COLOR.darker(130),
    JobState.FAILED: FAILURE_COLOR.darker(140),
    JobState.CANCELLED: QColor(110, 110, 110),
}


class QueuePane(QWidget):
    cancel_requested = Signal(int)
    retry_requested = Signal(int)
    clear_finished_requested = Signal()
    clip_requested = Signal(str)   # video_id of a job's clip, on double-click

    def __init__(self, parent: QWidget | None = None, clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self._model = QueueModel(self, clock=clock)

        self._table = QTableView(self)
        self._table.setModel(self._model)
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self._table.setShowGrid(False)
        self._table.setAlternatingRowColors(True)
        self._table.setWordWrap(False)
        self._table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self._table.setMouseTracking(True)
        self._table.verticalHeader().hide()
        self._table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self._table.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(self._table))
        self._table.setItemDelegateForColumn(Column.ACTIONS, ActionDelegate(self._table))
        self._table.setItemDelegateForColumn(Column.STATE, MessageDelegate(self._table))
        self._table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self._table.customContextMenuRequested.connect(self._show_context_menu)
        self._table.clicked.connect(self._on_clicked)
        self._table.doubleClicked.connect(self._on_double_clicked)
        self._size_columns()

        self._cancel = self._make_action("Cancel", "Cancel the selected uploads", self._cancel_selected)
        self._cancel.setShortcut(QKeySequence.StandardKey.Delete)
        self._retry = self._make_action("Retry", "Queue the selected failed or cancelled uploads again",
                                        self._retry_selected)
        self._clear = self._make_action("Clear finished", "Remove finished, failed and refused rows",
                                        self._clear_finished)

        self._summary = QLabel(self)
        self._summary.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        for action in (self._cancel, self._retry, self._clear):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self._summary)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self._table)

        self._eta_timer = QTimer(self)
        self._eta_timer.setInterval(1000)
        self._eta_timer.timeout.connect(self._model.refresh_eta)

        self._table.selectionModel().selectionChanged.connect(self._update_actions)
        self._model.modelReset.connect(self._on_rows_changed)
        self._model.rowsInserted.connect(self._on_rows_changed)
        self._model.rowsRemoved.connect(self._on_rows_changed)
        self._model.dataChanged.connect(self._on_rows_changed)
        self._on_rows_changed()

    # -- public API --------------------------------------------------------------------------

    def set_jobs(self, jobs: Sequence[Job]) -> None:
        """Replaces every job row, keeping the selection on jobs that are still there."""
        selected = {item.id for item in self._selected_items() if isinstance(item, Job)}
        self._model.set_jobs(jobs)
        selection = self._table.selectionModel()
        for job_id in selected:
            row = self._model.row_of_job(job_id)
            if row is not None:
                selection.select(self._model.index(row, 0),
                                 QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)

    def update_job(self, job: Job) -> None:
        self._model.update_job(job)

    def remove_jobs(self, job_ids: Sequence[int]) -> None:
        self._model.remove_jobs(job_ids)

    def add_refusals(self, refusals: Sequence[Refusal]) -> None:
        self._model.add_refusals(refusals)
        if refusals:
            self._table.scrollToBottom()

    def row_count(self) -> int:
        return self._model.rowCount()

    @property
    def table(self) -> QTableView:
        return self._table

    @property
    def summary_text(self) -> str:
        return self._summary.text()

    # -- actions -------------------------------------------------------------------------------

    def _make_action(self, text: str, tip: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _selected_items(self) -> list[QueueRow]:
        rows = sorted(index.row() for index in self._table.selectionModel().selectedRows())
        return [self._model.item_at(row) for row in rows]

    def _selected_jobs(self, wanted: Callable[[Job], bool]) -> list[Job]:
        return [item for item in self._selected_items() if isinstance(item, Job) and wanted(item)]

    def _cancel_selected(self) -> None:
        for job in self._selected_jobs(lambda job: job.can_cancel):
            self.cancel_requested.emit(job.id)

    def _retry_selected(self) -> None:
        for job in self._selected_jobs(lambda job: job.can_retry):
            self.retry_requested.emit(job.id)

    def _clear_finished(self) -> None:
        self._model.remove_refusals()
        self.clear_finished_requested.emit()

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.column() != Column.ACTIONS:
            return
        item = index.data(ObjectRole)
        action = index.data(ActionRole)
        if action == "cancel":
            self.cancel_requested.emit(item.id)
        elif action == "retry":
            self.retry_requested.emit(item.id)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        item = index.data(ObjectRole)
        if isinstance(item, Job) and item.video_id and index.column() != Column.ACTIONS:
            self.clip_requested.emit(item.video_id)

    def _show_context_menu(self, position: QPoint) -> None:
        popup_menu(self._table.viewport(), position, [self._cancel, self._retry, SEPARATOR, self._clear])

    # -- state ---------------------------------------------------------------------------------

    def _on_rows_changed(self, *_args) -> None:
        counts: dict[str, int] = {}
        for item in self._model.jobs():
            counts[item.state.value] = counts.get(item.state.value, 0) + 1
        refused = len(self._model.refusals())
        parts = [f"{counts[state.value]} {state.value}" for state in JobState if counts.get(state.value)]
        if refused:
            parts.append(f"{refused} refused")
        self._summary.setText(" · ".join(parts) if parts else "No uploads")

        running = bool(counts.get(JobState.RUNNING.value))
        if running and not self._eta_timer.isActive():
            self._eta_timer.start()
        elif not running:
            self._eta_timer.stop()
        self._update_actions()

    def _update_actions(self, *_args) -> None:
        self._cancel.setEnabled(bool(self._selected_jobs(lambda job: job.can_cancel)))
        self._retry.setEnabled(bool(self._selected_jobs(lambda job: job.can_retry)))
        self._clear.setEnabled(
            bool(self._model.refusals()) or any(job.state.is_finished for job in self._model.jobs())
        )

    def _size_columns(self) -> None:
        header = self._table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.STATE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.ETA, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(Column.ACTIONS, QHeaderView.ResizeMode.Fixed)
        for column, width in ((Column.FILE, 180), (Column.TARGET, 96), (Column.PROGRESS, 170),
                              (Column.ETA, 56), (Column.ACTIONS, 76)):
            header.resizeSection(column, width)


class MessageDelegate(QStyledItemDelegate):
    """State text such as an error: its beginning says the most, so it is cut at the end."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideRight


class ProgressDelegate(QStyledItemDelegate):
    """A progress bar with its phase and percent; greyed once the job has stopped."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        self._paint_background(painter, option, index)
        fraction = index.data(ProgressRole)
        if fraction is None:
            return
        item = index.data(ObjectRole)
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(4, 4, -4, -4)
        bar.palette = QPalette(option.palette)
        bar.fontMetrics = option.fontMetrics
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = round(max(0.0, min(1.0, fraction)) * 1000)
        bar.text = index.data(Qt.ItemDataRole.DisplayRole)
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = QStyle.StateFlag.State_Horizontal | QStyle.StateFlag.State_Enabled
        chunk = _CHUNK_COLORS.get(item.state) if isinstance(item, Job) else None
        if chunk is not None:
            bar.palette.setColor(QPalette.ColorRole.Highlight, chunk)
        widget = option.widget
        widget.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)

    @staticmethod
    def _paint_background(painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        background = QStyleOptionViewItem(option)
        background.text = ""
        widget = option.widget
        widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, widget)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(160, ROW_HEIGHT)


class ActionDelegate(QStyledItemDelegate):
    """The row's one action (Cancel or Retry) drawn as a small button; QueuePane handles the click."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        ProgressDelegate._paint_background(painter, option, index)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not text:
            return
        button = QStyleOptionButton()
        button.rect = _button_rect(option.rect)
        button.text = text
        button.palette = option.palette
        button.fontMetrics = option.fontMetrics
        button.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
        if option.state & QStyle.StateFlag.State_MouseOver:
            button.state |= QStyle.StateFlag.State_MouseOver
        widget = option.widget
        widget.style().drawControl(QStyle.ControlElement.CE_PushButton, button, painter, widget)


def _button_rect(cell: QRect) -> QRect:
    return cell.adjusted(6, 3, -6, -3)
