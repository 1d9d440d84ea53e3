"""The library dock: a filter box over the list of clips, each with its thumbnail and analysis status."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QPainter,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedLayout,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain.analysis import AnalysisStatus
from ...domain.clips import Clip, ClipShelf, ProviderStatus
from ...domain.providers import provider_label
from ...domain.timecode import format_clock
from ..menus import SEPARATOR, popup_menu
from ..models.library_model import ClipListModel
from ..models.roles import (
    FAILURE_COLOR,
    RUNNING_COLOR,
    SUCCESS_COLOR,
    ObjectRole,
    muted_text_color,
)
from ..widgets.hover_scrub import HoverScrub, paint_scrub_frame
from ..widgets.sprite_loader import SpriteLoader
from ..widgets.thumbnail_loader import ThumbnailLoader, paint_thumbnail
from ..widgets.timeline.label_atlas import prepared_text

THUMB_SIZE = QSize(96, 54)
LARGE_LIBRARY_ROWS = 2_000   # above this, filtering waits for a pause in typing (it costs ~3 ms per 1k clips)
FILTER_DEBOUNCE_MS = 150
KEPT_ROW_TEXTS = 512  # prepared rows kept: a few screens of the list
EMPTY_HINT = "Drop video files or folders here to add them"

_PILL_MARKS = {
    AnalysisStatus.QUEUED: ("queued", None),
    AnalysisStatus.RUNNING: ("…", RUNNING_COLOR),
    AnalysisStatus.FINISHED: ("✓", SUCCESS_COLOR),
    AnalysisStatus.FAILED: ("✗", FAILURE_COLOR),
}


class LibraryPane(QWidget):
    clip_selected = Signal(str)
    reveal_requested = Signal(str)       # video_id: show the file in the file manager
    reanalyse_requested = Signal(str)    # video_id: queue the file again
    remove_requested = Signal(str)       # video_id: forget the clip (never the file)
    export_requested = Signal(list)      # video ids of the selected clips
    group_dropped = Signal()             # the list shows every clip again, to show one outside the group

    def __init__(
        self, thumbnails: ThumbnailLoader, parent: QWidget | None = None, sprites: SpriteLoader | None = None
    ) -> None:
        super().__init__(parent)
        self._thumbnails = thumbnails
        self._selected_id: str | None = None
        self._group: tuple[str, str] | None = None   # (id, name) of the group the list is limited to

        self._model = ClipListModel(self)

        self._filter = QLineEdit(self)
        self._filter.setPlaceholderText("Filter clips")
        self._filter.setClearButtonEnabled(True)
        self._filter.textChanged.connect(self._on_filter_changed)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DEBOUNCE_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self._filter.returnPressed.connect(self.apply_filter)

        self._list = _clip_list(self)
        self.scrub = HoverScrub(self._list, ClipDelegate.thumbnail_rect)
        self._list.setItemDelegate(ClipDelegate(thumbnails, self._list, sprites=sprites, scrub=self.scrub))
        if sprites is not None:
            sprites.loaded.connect(self._list.viewport().update)
        self._list.setModel(self._model)
        # After a reset the view lays itself out a turn later and paints everything again; laid out
        # at once, a filter or a new listing costs one paint of the list, not two.
        self._model.modelReset.connect(self._list.doItemsLayout)
        self._list.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self._list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self._list.customContextMenuRequested.connect(self._show_context_menu)
        thumbnails.loaded.connect(self._repaint_rows_showing)

        self._reveal = self._clip_action("Show in folder", self.reveal_requested)
        self._reanalyse = self._clip_action("Analyse again", self.reanalyse_requested)
        self._export = QAction("Export…", self)
        self._export.triggered.connect(lambda: self.export_requested.emit(self.selected_clip_ids()))
        self._remove = self._clip_action("Remove from library…", self.remove_requested)
        self._remove.setShortcut(QKeySequence.StandardKey.Delete)
        self._remove.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._list.addAction(self._remove)

        self._hint = QLabel(EMPTY_HINT, self)
        self._hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._hint.setWordWrap(True)
        self._hint.setMargin(16)
        self._hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self._stack = QStackedLayout()
        self._stack.addWidget(self._list)
        self._stack.addWidget(self._hint)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self._filter)
        layout.addLayout(self._stack)
        self._update_empty_state()

    # -- public API --------------------------------------------------------------------------

    def set_clips(self, clips: Sequence[Clip] | ClipShelf) -> None:
        """Replaces every clip; the selection stays on the same clip if it is still there."""
        keep = self._selected_id
        self._model.set_clips(clips)
        if keep is None or self._model.clip(keep) is None:
            self._selected_id = None
        else:
            row = self._model.row_of(keep)
            if row is not None:
                self._select(self._model.index(row))
        self._update_empty_state()

    def remove_clip(self, video_id: str) -> None:
        if video_id == self._selected_id:
            self._selected_id = None
        self._model.remove_clip(video_id)
        self._update_empty_state()

    def update_clip(self, clip: Clip) -> None:
        self._model.update_clip(clip)
        self._update_empty_state()

    def select_clip(self, video_id: str) -> None:
        """Selects and shows the clip (clearing the filter if it hides it); emits clip_selected on a change."""
        if self._model.clip(video_id) is None:
            return
        row = self._model.row_of(video_id)
        if row is None:  # the filter hides it
            self._filter.clear()
            self.apply_filter()
            row = self._model.row_of(video_id)
        if row is None and self._group is not None:  # the collection the list is limited to hides it
            self.limit_to_group(None)
            self.group_dropped.emit()
            row = self._model.row_of(video_id)
        self._select(self._model.index(row))

    def clip(self, video_id: str) -> Clip | None:
        return self._model.clip(video_id)

    def selected_clip(self) -> Clip | None:
        return self._model.clip(self._selected_id) if self._selected_id else None

    def clip_at_row(self, row: int) -> Clip | None:
        """The clip shown at a row of the (filtered) list."""
        return self._model.clip_at(row) if 0 <= row < self._model.rowCount() else None

    def clip_count(self) -> int:
        """How many clips the list shows (the filter applied)."""
        return self._model.rowCount()

    def selected_clip_ids(self) -> list[str]:
        """The selected clips in list order (the one open first if it is among them)."""
        rows = sorted(self._list.selectionModel().selectedRows(), key=lambda index: index.row())
        ids = [index.data(ObjectRole).id for index in rows]
        if self._selected_id in ids:
            ids.remove(self._selected_id)
            ids.insert(0, self._selected_id)
        return ids

    def add_section(self, widget: QWidget) -> None:
        """Puts a section (a provider's collections, say) above the filter box."""
        self.layout().insertWidget(0, widget)

    def limit_to_group(self, group_id: str | None, name: str = "", clip_ids: set[str] | frozenset[str] = ()) -> None:
        """Lists only these clips (the library clips a collection holds); None lists every clip again."""
        self._group = (group_id, name) if group_id else None
        self._model.set_group(frozenset(clip_ids) if group_id else None)
        self._update_empty_state()

    def _clip_action(self, text: str, signal) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda: self._selected_id and signal.emit(self._selected_id))
        return action

    def _show_context_menu(self, position) -> None:
        index = self._list.indexAt(position)
        if not index.isValid():
            return
        if not self._list.selectionModel().isSelected(index):
            self._select(index)
        actions = [self._reveal, self._reanalyse, self._export, SEPARATOR, self._remove]
        popup_menu(self._list.viewport(), position, actions)

    # -- internals -----------------------------------------------------------------------------

    @property
    def list_view(self) -> QTableView:
        return self._list

    @property
    def filter_edit(self) -> QLineEdit:
        return self._filter

    def _select(self, index: QModelIndex) -> None:
        if index.isValid():
            self._list.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self._list.scrollTo(index)

    def _repaint_rows_showing(self, thumbnail_path: str) -> None:
        """Repaints the visible rows whose thumbnail has just been decoded."""
        view, viewport = self._list, self._list.viewport()
        first, last = view.indexAt(viewport.rect().topLeft()), view.indexAt(viewport.rect().bottomLeft())
        if not first.isValid():
            viewport.update()
            return
        last_row = last.row() if last.isValid() else self._model.rowCount() - 1
        for row in range(first.row(), last_row + 1):
            index = self._model.index(row, 0)
            if index.data(ObjectRole).thumbnail_path == thumbnail_path:
                viewport.update(view.visualRect(index))

    def _on_filter_changed(self, _text: str) -> None:
        if self._model.total_count() > LARGE_LIBRARY_ROWS:
            self._filter_timer.start()
        else:
            self.apply_filter()

    def apply_filter(self) -> None:
        """Filters by the filter box's text now, without waiting for a pause in typing."""
        self._filter_timer.stop()
        self._model.set_filter(self._filter.text())
        self._update_empty_state()

    def _on_selection_changed(self, *_args) -> None:
        selection = self._list.selectionModel()
        rows = selection.selectedRows()
        if not rows:
            return
        current = selection.currentIndex()
        clip = (current if selection.isSelected(current) else rows[0]).data(ObjectRole)
        if clip.id != self._selected_id:
            self._selected_id = clip.id
            self.clip_selected.emit(clip.id)

    def _update_empty_state(self) -> None:
        if self._model.rowCount():
            self._stack.setCurrentWidget(self._list)
            return
        text = self._filter.text().strip()
        if self._group is not None and self._model.total_count():
            where = f"“{self._group[1]}”"
            self._hint.setText(f"No clips in {where} match “{text}”" if text else f"No library clips are in {where}")
        else:
            self._hint.setText(f"No clips match “{text}”" if self._model.total_count() and text else EMPTY_HINT)
        self._stack.setCurrentWidget(self._hint)


def _clip_list(parent: QWidget) -> QTableView:
    """A one-column table without headers or grid: a list whose rows all have the delegate's height.

    A QListView lays every row out, asking the model about each one from Python, on every reset and
    every inserted clip: a tenth of a second of the window's time for 20,000 clips. A table's rows are
    fixed-height header sections, so only the rows on screen are ever visited.
    """
    view = QTableView(parent)
    view.horizontalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    rows = view.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setMinimumSectionSize(1)
    rows.setDefaultSectionSize(ClipDelegate.ROW_HEIGHT)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setCornerButtonEnabled(False)
    view.setTabKeyNavigation(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.verticalScrollBar().setSingleStep(ClipDelegate.ROW_HEIGHT)   # a wheel notch moves whole rows
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return view


class ClipDelegate(QStyledItemDelegate):
    """Thumbnail left; title, duration and format, and one pill per provider on the right."""

    MARGIN = 6
    GAP = 10
    ROW_HEIGHT = THUMB_SIZE.height() + 2 * MARGIN

    def __init__(
        self, thumbnails: ThumbnailLoader, parent=None, *, sprites: SpriteLoader | None = None,
        scrub: HoverScrub | None = None,
    ) -> None:
        super().__init__(parent)
        self._thumbnails = thumbnails
        self._sprites = sprites
        self._scrub = scrub
        self._fonts: dict[str, _RowFonts] = {}
        self._texts: OrderedDict[tuple[str, int, str], _RowTexts] = OrderedDict()

    @classmethod
    def thumbnail_rect(cls, item: QRect) -> QRect:
        return QRect(item.left() + cls.MARGIN, item.top() + cls.MARGIN, THUMB_SIZE.width(), THUMB_SIZE.height())

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(240, self.ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        clip: Clip = index.data(ObjectRole)
        widget = option.widget
        style = widget.style() if widget else None
        if style:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)

        painter.save()
        rect = option.rect
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_color = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)

        thumb = self.thumbnail_rect(rect)
        fraction = self._scrub.fraction_at(index) if self._scrub is not None else None
        scrubbed = None
        if fraction is not None and self._sprites is not None:
            painter.fillRect(thumb, palette.color(QPalette.ColorRole.Shadow))
            scrubbed = paint_scrub_frame(painter, thumb, self._sprites, clip.id, fraction, 0.0, clip.video.duration_s)
        if scrubbed is None:
            self._paint_thumbnail(painter, thumb, clip.thumbnail_path, palette)

        left = thumb.right() + self.GAP
        width = rect.right() - self.MARGIN - left
        fonts = self._fonts_for(option.font)
        texts = self._texts_for(clip, width, fonts)
        small_metrics = fonts.small_metrics

        painter.setFont(fonts.title)
        painter.setPen(text_color)
        title_top = thumb.top() - 1
        painter.drawStaticText(left, title_top, texts.title)

        painter.setFont(fonts.small)
        painter.setPen(text_color if selected else muted_text_color(palette))
        painter.drawStaticText(left, title_top + fonts.title_metrics.height(), texts.facts)

        pill_height = small_metrics.height() + 2
        self._paint_pills(painter, QRect(left, thumb.bottom() + 1 - pill_height, width, pill_height),
                          clip.statuses, small_metrics, palette)
        painter.restore()

    def _fonts_for(self, font: QFont) -> _RowFonts:
        key = font.key()
        fonts = self._fonts.get(key)
        if fonts is None:
            fonts = self._fonts[key] = _RowFonts(font)
        return fonts

    def _texts_for(self, clip: Clip, width: int, fonts: _RowFonts) -> _RowTexts:
        """The row's title and facts, elided and laid out once for as long as the clip and width stay."""
        key = (clip.id, width, fonts.key)
        texts = self._texts.get(key)
        if texts is None or texts.video is not clip.video:
            texts = self._texts[key] = _RowTexts(clip, width, fonts)
            if len(self._texts) > KEPT_ROW_TEXTS:
                self._texts.popitem(last=False)
        else:
            self._texts.move_to_end(key)
        return texts

    def _paint_thumbnail(self, painter: QPainter, rect: QRect, path: str | None, palette: QPalette) -> None:
        paint_thumbnail(painter, rect, self._thumbnails.pixmap(path), palette)

    def _paint_pills(self, painter: QPainter, rect: QRect, statuses: Sequence[ProviderStatus],
                     metrics: QFontMetrics, palette: QPalette) -> None:
        text_color = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        x = rect.left()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for index, status in enumerate(statuses):
            mark, color = _PILL_MARKS.get(status.status, (str(status.status), None))
            color = color or text_color
            label = f"{provider_label(status.provider)} {mark}"
            pill_width = metrics.horizontalAdvance(label) + 12
            more = f"+{len(statuses) - index}"   # what does not fit is counted (the tooltip lists it)
            if x + pill_width + (metrics.horizontalAdvance("+9") + 4 if index + 1 < len(statuses) else 0) \
                    > rect.right() + 1:
                painter.setPen(muted_text_color(palette))
                painter.drawText(QRect(x, rect.top(), rect.right() + 1 - x, rect.height()),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, more)
                break
            pill = QRect(x, rect.top(), pill_width, rect.height())
            shape = pill.adjusted(0, 0, -1, -1)
            radius = pill.height() / 2
            tint = QColor(color)
            tint.setAlpha(40)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(base)  # opaque underlay keeps the pill readable on a selected row
            painter.drawRoundedRect(shape, radius, radius)
            painter.setPen(color)
            painter.setBrush(tint)
            painter.drawRoundedRect(shape, radius, radius)
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
            x += pill_width + 4
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)


class _RowFonts:
    """The fonts of a row, derived from the view's font once rather than for every row painted."""

    def __init__(self, base: QFont) -> None:
        self.key = base.key()
        self.title = QFont(base)
        self.title.setBold(True)
        self.small = QFont(base)
        self.small.setPointSizeF(max(6.0, base.pointSizeF() - 1))
        self.title_metrics = QFontMetrics(self.title)
        self.small_metrics = QFontMetrics(self.small)


class _RowTexts:
    """A row's two lines, elided to its width and prepared for drawing: laying text out costs several
    times drawing it, and the list repaints its rows on every thumbnail, status and selection change."""

    def __init__(self, clip: Clip, width: int, fonts: _RowFonts) -> None:
        self.video = clip.video
        self.title = prepared_text(fonts.title_metrics.elidedText(clip.title, Qt.TextElideMode.ElideRight, width),
                                  fonts.title)
        self.facts = prepared_text(fonts.small_metrics.elidedText(_facts(clip), Qt.TextElideMode.ElideRight, width),
                                  fonts.small)


def _facts(clip: Clip) -> str:
    video = clip.video
    parts = [format_clock(video.duration_s)]
    if video.width and video.height:
        parts.append(f"{video.width}×{video.height}")
    if video.fps:
        parts.append(f"{video.fps:.2f}".rstrip("0").rstrip(".") + " fps")
    return "  ·  ".join(parts)
