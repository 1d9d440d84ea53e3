"""The queue dock: a table of jobs with painted progress, ETA, and cancel/retry actions."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QPainter, QPalette, QStaticText
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.jobs import Job, JobState
from ...domain.media import Refusal
from ..menus import SEPARATOR, popup_menu
from ..models.queue_model import Column, QueueModel, QueueRow, RowLook
from ..models.roles import ActionRole, ObjectRole
from ..widgets.timeline.label_atlas import prepared_text

ROW_HEIGHT = 28
CELL_MARGIN = 4
MAX_KEPT_TEXTS = 512   # prepared texts the queue keeps: far more than its rows show

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
        self._model.modelReset.connect(self._table.doItemsLayout)   # laid out at once: one paint, not two
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self._table.setShowGrid(False)
        self._table.setAlternatingRowColors(True)
        self._table.setWordWrap(False)
        self._table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self._table.setMouseTracking(True)
        self._table.verticalHeader().hide()
        self._table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self._table.setItemDelegate(QueueRowDelegate(self._model, self._table))
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
        # The file name gives way in a narrow queue (elided in the middle): the state beside it stays readable.
        header.setSectionResizeMode(Column.FILE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.ETA, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(Column.ACTIONS, QHeaderView.ResizeMode.Fixed)
        for column, width in ((Column.TARGET, 96), (Column.PROGRESS, 140), (Column.STATE, 150),
                              (Column.ETA, 56), (Column.ACTIONS, 76)):
            header.resizeSection(column, width)


class QueueRowDelegate(QStyledItemDelegate):
    """Paints each cell of the queue from the model's kept look of its row, with a few painter calls.

    The style's item drawing asks the model a dozen questions per cell, Fusion draws its progress bar
    and button with gradients, and laying out a line of text costs several times drawing it: the queue
    repaints on every progress step of every job, so this is the difference between a frame and a
    fraction of one.
    """

    def __init__(self, model: QueueModel, parent: QWidget) -> None:
        super().__init__(parent)
        self._model = model
        self._texts: dict[tuple[str, int, Qt.TextElideMode, str], QStaticText] = {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        look = self._model.look(index.row())
        column = index.column()
        palette = option.palette
        state = option.state
        group = _color_group(state)
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(option.rect, palette.color(group, QPalette.ColorRole.Highlight))
        text = look.texts[column]
        if not text:
            return
        if column == Column.PROGRESS:
            if look.fraction is not None:
                self._paint_bar(painter, option, look, text)
        elif column == Column.ACTIONS:
            self._paint_button(painter, option, text)
        else:
            if selected:
                color = palette.color(group, QPalette.ColorRole.HighlightedText)
            elif column == Column.STATE and look.state_color is not None:
                color = look.state_color
            else:
                color = palette.color(group, QPalette.ColorRole.Text)
            inner = option.rect.adjusted(CELL_MARGIN, 0, -CELL_MARGIN, 0)
            elide = Qt.TextElideMode.ElideRight if column == Column.STATE else Qt.TextElideMode.ElideMiddle
            painter.setPen(color)
            self._draw_text(painter, option, inner, text, elide, centred=column == Column.ETA)

    def _draw_text(self, painter: QPainter, option: QStyleOptionViewItem, box: QRect, text: str,
                   elide: Qt.TextElideMode = Qt.TextElideMode.ElideNone, centred: bool = True) -> None:
        key = (text, box.width(), elide, option.font.key())
        static = self._texts.get(key)
        if static is None:
            if len(self._texts) >= MAX_KEPT_TEXTS:
                self._texts.clear()
            metrics = option.fontMetrics
            shown = text if elide is Qt.TextElideMode.ElideNone else metrics.elidedText(text, elide, box.width())
            static = self._texts[key] = prepared_text(shown, option.font)
        size = static.size()
        x = box.x() + (box.width() - size.width()) / 2 if centred else box.x()
        painter.drawStaticText(QPointF(x, box.y() + (box.height() - size.height()) / 2), static)

    def _paint_bar(self, painter: QPainter, option: QStyleOptionViewItem, look: RowLook, text: str) -> None:
        """A flat bar: the track, the part done in the highlight (or the stopped job's colour), the words
        centred, light over the fill and plain over the track."""
        palette = option.palette
        bar = option.rect.adjusted(4, 4, -4, -4)
        done = QRect(bar.x(), bar.y(), round(bar.width() * look.fraction), bar.height())
        fill = look.chunk_color or palette.color(QPalette.ColorRole.Highlight)
        if option.state & QStyle.StateFlag.State_Selected:
            fill = fill.lighter(135)   # apart from the selected row's own highlight
        painter.fillRect(bar, palette.color(QPalette.ColorRole.Base))
        painter.fillRect(done, fill)
        painter.setPen(palette.color(QPalette.ColorRole.Dark))
        painter.drawRect(bar.adjusted(0, 0, -1, -1))
        painter.save()
        painter.setClipRect(done)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        self._draw_text(painter, option, bar, text)
        painter.setClipRect(QRect(done.right() + 1, bar.y(), bar.right() - done.right(), bar.height()))
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        self._draw_text(painter, option, bar, text)
        painter.restore()

    def _paint_button(self, painter: QPainter, option: QStyleOptionViewItem, text: str) -> None:
        """The row's one action (Cancel or Retry) as a small button; QueuePane handles the click."""
        palette = option.palette
        button = _button_rect(option.rect)
        fill = palette.color(QPalette.ColorRole.Button)
        if option.state & QStyle.StateFlag.State_MouseOver:
            fill = fill.lighter(125)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(palette.color(QPalette.ColorRole.Dark))
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(button).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        painter.setPen(palette.color(QPalette.ColorRole.ButtonText))
        self._draw_text(painter, option, button, text)
        painter.restore()


def _color_group(state: QStyle.StateFlag) -> QPalette.ColorGroup:
    if not state & QStyle.StateFlag.State_Enabled:
        return QPalette.ColorGroup.Disabled
    return QPalette.ColorGroup.Active if state & QStyle.StateFlag.State_Active else QPalette.ColorGroup.Inactive


def _button_rect(cell: QRect) -> QRect:
    return cell.adjusted(6, 3, -6, -3)
