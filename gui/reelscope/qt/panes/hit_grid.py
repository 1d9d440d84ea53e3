"""The search results grid: a wrapping grid of moment tiles, and the delegate that paints a tile
(thumbnail, time range, provider badge, title, what matched, score and confidence) or a clip's heading."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ...domain.search import SearchHit
from ..models.roles import SUCCESS_COLOR, WARNING_COLOR, ObjectRole, RelevanceRole, muted_text_color
from ..models.search_model import confidence_text, score_fraction, time_range_text
from ..widgets.hover_scrub import HoverScrub, paint_scrub_frame
from ..widgets.provider_badge import paint_provider_badge
from ..widgets.sprite_loader import SpriteLoader
from ..widgets.thumbnail_loader import ThumbnailLoader, paint_thumbnail

THUMB_SIZE = QSize(160, 90)

_CONFIDENCE_COLORS = {"high": SUCCESS_COLOR, "medium": WARNING_COLOR}


KIND_WORDS = {"ocr": "Text", "person": "Person", "music": "Music", "tag": "Tag", "section": "Section",
              "title": "Title"}


class HitGrid(QListView):
    """A wrapping thumbnail grid; Enter activates the current hit (clicks come from `clicked`)."""

    enter_pressed = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSpacing(4)
        self.setDragEnabled(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setMouseTracking(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.enter_pressed.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class HitDelegate(QStyledItemDelegate):
    """A moment: thumbnail with its time range, the clip title, a score bar and the confidence.

    In grouped mode, a clip's header row spans the grid's width.
    """

    PAD = 6
    HEADER_HEIGHT = 30

    def __init__(
        self, thumbnails: ThumbnailLoader, view: QListView, *, sprites: SpriteLoader | None = None,
        scrub: HoverScrub | None = None, labels: dict[str, str] | None = None,
    ) -> None:
        super().__init__(view)
        self._labels = labels if labels is not None else {}
        self.show_providers = False
        """Whether each tile names its provider (when the search is not of this library alone)."""
        self._thumbnails = thumbnails
        self._view = view
        self._sprites = sprites
        self._scrub = scrub
        self._scrubbed: tuple[str, float, float] | None = None   # (hit key, start_s, time shown)

    @classmethod
    def thumbnail_rect(cls, item: QRect) -> QRect:
        return QRect(item.left() + cls.PAD, item.top() + cls.PAD, THUMB_SIZE.width(), THUMB_SIZE.height())

    def scrubbed_time(self, index: QModelIndex) -> float | None:
        """The time of the frame the tile of index shows while scrubbed, else None."""
        hit = index.data(ObjectRole)
        if not isinstance(hit, SearchHit) or self._scrub is None or self._sprites is None:
            return None
        fraction = self._scrub.fraction_at(index)
        if fraction is None or self._sprites.sheet(hit.video_id) is None:
            return None
        from ...domain.sprites import scrub_time

        layout = self._sprites.sheet(hit.video_id).layout
        return layout.times_s[layout.tile_at_time(scrub_time(fraction, hit.start_s, hit.end_s))]

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        if not isinstance(index.data(ObjectRole), SearchHit):
            width = self._view.viewport().width() - 2 * self._view.spacing() - 1
            return QSize(max(width, THUMB_SIZE.width()), self.HEADER_HEIGHT)
        line = option.fontMetrics.height()
        return QSize(THUMB_SIZE.width() + 2 * self.PAD, THUMB_SIZE.height() + 2 * self.PAD + 3 * line + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        item = index.data(ObjectRole)
        painter.save()
        if isinstance(item, SearchHit):
            self._paint_hit(painter, option, item, item.title, index)
        else:
            self._paint_header(painter, option, index.data(Qt.ItemDataRole.DisplayRole))
        painter.restore()

    def _paint_header(self, painter: QPainter, option: QStyleOptionViewItem, text: str) -> None:
        rect = option.rect
        font = QFont(option.font)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        text_rect = rect.adjusted(self.PAD, 0, -self.PAD, -2)
        elided = QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, text_rect.width())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, elided)
        painter.setPen(option.palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(rect.left() + self.PAD, rect.bottom(), rect.right() - self.PAD, rect.bottom())

    def _paint_hit(
        self, painter: QPainter, option: QStyleOptionViewItem, hit: SearchHit, caption: str, index: QModelIndex
    ) -> None:
        widget = option.widget
        if widget:
            widget.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        rect = option.rect
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_color = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = text_color if selected else muted_text_color(palette)
        metrics = option.fontMetrics
        line = metrics.height()

        thumb = self.thumbnail_rect(rect)
        fraction = self._scrub.fraction_at(index) if self._scrub is not None else None
        scrubbed = None
        if fraction is not None and self._sprites is not None:
            painter.fillRect(thumb, palette.color(QPalette.ColorRole.Shadow))
            scrubbed = paint_scrub_frame(painter, thumb, self._sprites, hit.video_id, fraction, hit.start_s, hit.end_s)
        if scrubbed is None:
            self._paint_thumbnail(painter, thumb, hit, palette)
        self._paint_time_badge(painter, thumb, time_range_text(hit), option.font)
        if self.show_providers and hit.provider:
            paint_provider_badge(painter, thumb, hit.provider, self._labels.get(hit.provider, hit.provider),
                                 option.font)

        title_rect = QRect(thumb.left(), thumb.bottom() + 5, thumb.width(), line)
        painter.setFont(option.font)
        painter.setPen(text_color)
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(caption, Qt.TextElideMode.ElideRight, title_rect.width()))

        match_rect = QRect(thumb.left(), title_rect.bottom() + 2, thumb.width(), line)
        self._paint_match(painter, match_rect, hit, option.font, text_color, muted, palette)

        info_rect = QRect(thumb.left(), match_rect.bottom() + 2, thumb.width(), line)
        bar_color = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight)
        relevance = index.data(RelevanceRole)
        shown_score = score_fraction(hit.score) if relevance is None else relevance
        self._paint_score(painter, info_rect, shown_score, bar_color, palette, muted)
        confidence = confidence_text(hit.confidence)
        if confidence:
            painter.setPen(_CONFIDENCE_COLORS.get(hit.confidence or "", muted))
            painter.drawText(info_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, confidence)

    @staticmethod
    def _paint_match(painter: QPainter, rect: QRect, hit: SearchHit, base_font: QFont, text_color: QColor,
                     muted: QColor, palette: QPalette) -> None:
        """What matched, its matching words in bold and the highlight colour, elided to the width."""
        if not hit.snippet:
            return
        kind = KIND_WORDS.get(hit.kind or "", "")
        pieces: list[tuple[str, bool]] = [(f"{kind}: ", False)] if kind else []
        position = 0
        for start, end in hit.highlights:
            pieces.append((hit.snippet[position:start], False))
            pieces.append((hit.snippet[start:end], True))
            position = end
        pieces.append((hit.snippet[position:], False))
        bold = QFont(base_font)
        bold.setBold(True)
        x, right = rect.left(), rect.right()
        for index, (text, strong) in enumerate(pieces):
            if not text:
                continue
            font = bold if strong else base_font
            metrics = QFontMetrics(font)
            room = right - x
            if room <= metrics.horizontalAdvance("…"):
                break
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
            painter.setFont(font)
            colour = palette.color(QPalette.ColorRole.Highlight).lighter(150) if strong else (
                muted if index == 0 and kind else text_color)
            painter.setPen(colour)
            painter.drawText(QRect(x, rect.top(), room, rect.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)
            x += metrics.horizontalAdvance(shown)
            if shown != text:
                break
        painter.setFont(base_font)

    def _paint_thumbnail(self, painter: QPainter, rect: QRect, hit: SearchHit, palette: QPalette) -> None:
        paint_thumbnail(painter, rect, self._thumbnails.pixmap(hit.thumbnail_url), palette)

    @staticmethod
    def _paint_time_badge(painter: QPainter, thumb: QRect, text: str, base_font: QFont) -> None:
        font = QFont(base_font)
        font.setPointSizeF(max(6.0, base_font.pointSizeF() - 1))
        metrics = QFontMetrics(font)
        badge = QRect(0, 0, metrics.horizontalAdvance(text) + 10, metrics.height() + 2)
        badge.moveBottomLeft(thumb.bottomLeft() + QPoint(4, -4))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 215))
        painter.drawRoundedRect(badge, 3, 3)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setFont(font)
        painter.setPen(QColor(255, 255, 255))  # on the picture, not on the palette
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)

    @staticmethod
    def _paint_score(painter: QPainter, rect: QRect, fraction: float | None, bar_color: QColor,
                     palette: QPalette, text_color: QColor) -> None:
        if fraction is None:
            return
        bar = QRect(rect.left(), rect.center().y() - 2, 44, 5)
        painter.fillRect(bar, palette.color(QPalette.ColorRole.Mid))
        filled = QRect(bar)
        filled.setWidth(max(1, round(bar.width() * fraction)))
        painter.fillRect(filled, bar_color)
        painter.setPen(text_color)
        text_rect = QRect(bar.right() + 6, rect.top(), rect.width() - bar.width() - 6, rect.height())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{fraction:.0%}")
