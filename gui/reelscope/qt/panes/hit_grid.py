"""The search results grid: a wrapping grid of moment tiles, and the delegate that paints a tile
(thumbnail, time range, provider badge, title, what matched, score and confidence) or a clip's heading.

A tile is painted again and again while it is on screen (each thumbnail that arrives, each page that
lays the grid out again), so its texts are drawn once into pixmaps (`_TileTexts`) and copied after.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from PySide6.QtCore import QMargins, QModelIndex, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette, QPixmap
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
from ..models.search_model import SearchHitModel, confidence_text, score_fraction, time_range_text
from ..widgets.hover_scrub import HoverScrub, paint_scrub_frame
from ..widgets.provider_badge import paint_provider_badge
from ..widgets.sprite_loader import SpriteLoader
from ..widgets.thumbnail_loader import ThumbnailLoader, paint_thumbnail

THUMB_SIZE = QSize(160, 90)
TEXTS_CACHED = 200
"""Tiles whose texts are kept drawn: several screens, about 40 KB each at a pixel ratio of 1."""
AHEAD_SCREENS = 2
AHEAD_TURN_S = 0.003
"""How long one turn of the event loop may spend drawing texts ahead of a scroll."""
APART_MS = 1
"""How long a paint of the grid and a turn of drawing ahead keep apart, so that what came in meanwhile (a key,
the next scroll step) is handled between the two rather than after both."""
PAINT_TEXTS_S = 0.002
"""How long one paint may spend drawing tiles' texts; tiles beyond it are painted without them, and their
texts follow a turn later (a new page of tiles appears at once, its captions a frame after)."""

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
        self._ahead = QTimer(self)
        self._ahead.setSingleShot(True)
        self._ahead.timeout.connect(self._draw_ahead)
        self._painted = False   # since the last turn of drawing ahead
        self._waited = False    # the last turn was put off for a paint
        self._to_repaint: list[int] = []   # rows on screen whose texts a turn drew after their paint
        self._repaint_timer = QTimer(self)
        self._repaint_timer.setSingleShot(True)
        self._repaint_timer.setInterval(APART_MS)
        self._repaint_timer.timeout.connect(self._repaint_rows_put_off)
        self.verticalScrollBar().valueChanged.connect(self._draw_ahead_soon)

    def setModel(self, model) -> None:
        super().setModel(model)
        for changed in (model.rowsInserted, model.modelReset, model.dataChanged):
            changed.connect(self._draw_ahead_soon)

    def _draw_ahead_soon(self, *_args) -> None:
        if not self._ahead.isActive():
            self._ahead.start(0)

    def _draw_ahead(self) -> None:
        """Draws the texts of the tiles on screen and the next AHEAD_SCREENS down, a few tiles a turn of the
        event loop, so that a scroll finds them drawn and paints only pictures.

        It runs after every scroll step: finding the tiles already drawn walks the model's own rows and
        compares looks, without a Qt call per tile. A turn and a paint do not follow each other in the same
        round of the event loop (APART_MS): a turn waits after a paint, and the tiles on screen it drew texts
        for are repainted after it. A turn waits once only, so that a grid repainting in every round still gets
        its texts.
        """
        if self._painted and not self._waited:
            self._painted, self._waited = False, True
            self._ahead.start(APART_MS)
            return
        self._painted = self._waited = False
        delegate, model = self.itemDelegate(), self.model()
        if not isinstance(delegate, HitDelegate) or not isinstance(model, SearchHitModel):
            return
        first = self._first_on_screen()
        if not first.isValid():
            return
        tile = self.visualRect(first).size().grownBy(QMargins(0, 0, self.spacing(), self.spacing()))
        columns = max(1, self.viewport().width() // max(1, tile.width()))
        lines = (AHEAD_SCREENS + 1) * self.viewport().height() // max(1, tile.height()) + 2
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.palette.setCurrentColorGroup(QPalette.ColorGroup.Normal)   # as the view paints an enabled item
        ratio = self.devicePixelRatioF()
        common = _TileTexts.common_look(option, ratio)
        selections = self.selectionModel()
        selected = {index.row() for index in selections.selectedIndexes()} if selections is not None else set()
        deadline = time.perf_counter() + AHEAD_TURN_S
        shown = self.viewport().rect()
        for row in range(max(0, first.row() - columns), min(model.rowCount(), first.row() + columns * lines)):
            hit = model.hit_at(row)
            if hit is None or delegate.is_drawn(hit, model.relevance(hit), row in selected, common):
                continue
            index = model.index(row, 0)
            delegate.draw_ahead(option, index, row in selected)
            if self.visualRect(index).intersects(shown):   # painted without its texts: the paint ran out of time
                self._to_repaint.append(row)
            if time.perf_counter() > deadline:
                self._ahead.start(0)
                break
        if self._to_repaint and not self._repaint_timer.isActive():
            self._repaint_timer.start()

    def _repaint_rows_put_off(self) -> None:
        rows, self._to_repaint = self._to_repaint, []
        model = self.model()
        for row in rows:
            self.update(model.index(row, 0))

    def paintEvent(self, event) -> None:
        delegate = self.itemDelegate()
        if isinstance(delegate, HitDelegate):
            delegate.start_paint()
        super().paintEvent(event)
        self._painted = True
        if isinstance(delegate, HitDelegate) and delegate.texts_left_out:
            self._draw_ahead_soon()

    def _first_on_screen(self) -> QModelIndex:
        """The first tile at the top of the view (the top edge may fall between two rows of tiles)."""
        x = self.spacing() + THUMB_SIZE.width() // 2
        for y in range(0, min(self.viewport().height(), 4 * HitDelegate.HEADER_HEIGHT), 8):
            index = self.indexAt(QPoint(x, y))
            if index.isValid():
                return index
        return QModelIndex()

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
        self._texts = _TileTexts()
        self._texts_until = float("inf")
        self._texts_drawn = 0
        self.texts_left_out = False
        """Whether the last paint left some tiles' texts out, for lack of time."""

    def start_paint(self) -> None:
        """A paint of the grid begins: it may draw texts for PAINT_TEXTS_S, and always for one tile."""
        self._texts_until = time.perf_counter() + PAINT_TEXTS_S
        self._texts_drawn = 0
        self.texts_left_out = False

    def is_drawn(self, hit: SearchHit, relevance: float | None, selected: bool, common: tuple) -> bool:
        """Whether the tile's texts are drawn for this look (common: `_TileTexts.common_look`)."""
        return self._texts.is_drawn(hit, hit.title, selected, relevance, common)

    def draw_ahead(self, option: QStyleOptionViewItem, index: QModelIndex, selected: bool) -> None:
        """Draws the texts of index's tile before it is painted (unless they are drawn already)."""
        option.state = option.state | QStyle.StateFlag.State_Selected if selected else \
            option.state & ~QStyle.StateFlag.State_Selected
        hit = index.data(ObjectRole)
        self._texts.of(hit, hit.title, option, index.data(RelevanceRole), self._view.devicePixelRatioF())

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
        thumb = self.thumbnail_rect(rect)
        fraction = self._scrub.fraction_at(index) if self._scrub is not None else None
        scrubbed = None
        if fraction is not None and self._sprites is not None:
            painter.fillRect(thumb, palette.color(QPalette.ColorRole.Shadow))
            scrubbed = paint_scrub_frame(painter, thumb, self._sprites, hit.video_id, fraction, hit.start_s, hit.end_s)
        if scrubbed is None:
            self._paint_thumbnail(painter, thumb, hit, palette)
        relevance, ratio = index.data(RelevanceRole), self._view.devicePixelRatioF()
        texts = self._texts.kept(hit, caption, option, relevance, ratio)
        if texts is None:
            if self._texts_drawn and time.perf_counter() > self._texts_until:
                self.texts_left_out = True
                return
            texts = self._texts.of(hit, caption, option, relevance, ratio)
            self._texts_drawn += 1
        painter.drawPixmap(thumb.left() + texts.badge_at.x(), thumb.top() + texts.badge_at.y(), texts.badge)
        if self.show_providers and hit.provider:
            paint_provider_badge(painter, thumb, hit.provider, self._labels.get(hit.provider, hit.provider),
                                 option.font)
        painter.drawPixmap(thumb.left(), thumb.bottom() + 5, texts.caption)

    @classmethod
    def paint_texts(
        cls, painter: QPainter, option: QStyleOptionViewItem, hit: SearchHit, caption: str, relevance: float | None
    ) -> None:
        """The title, what matched, the score and the confidence, in lines from (0, 0), THUMB_SIZE wide."""
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_color = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = text_color if selected else muted_text_color(palette)
        metrics = option.fontMetrics
        line = metrics.height()

        title_rect = QRect(0, 0, THUMB_SIZE.width(), line)
        painter.setFont(option.font)
        painter.setPen(text_color)
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(caption, Qt.TextElideMode.ElideRight, title_rect.width()))

        match_rect = QRect(0, title_rect.bottom() + 2, THUMB_SIZE.width(), line)
        cls._paint_match(painter, match_rect, hit, option.font, text_color, muted, palette)

        info_rect = QRect(0, match_rect.bottom() + 2, THUMB_SIZE.width(), line)
        bar_color = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight)
        shown_score = score_fraction(hit.score) if relevance is None else relevance
        cls._paint_score(painter, info_rect, shown_score, bar_color, palette, muted)
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
    def time_badge_rect(text: str, base_font: QFont) -> tuple[QRect, QFont]:
        """Where the time range sits on the thumbnail (relative to its top left), and in which font."""
        font = QFont(base_font)
        font.setPointSizeF(max(6.0, base_font.pointSizeF() - 1))
        metrics = QFontMetrics(font)
        badge = QRect(0, 0, metrics.horizontalAdvance(text) + 10, metrics.height() + 2)
        badge.moveBottomLeft(QPoint(0, THUMB_SIZE.height() - 1) + QPoint(4, -4))
        return badge, font

    @staticmethod
    def paint_time_badge(painter: QPainter, badge: QRect, text: str, font: QFont) -> None:
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


class _DrawnTexts:
    __slots__ = ("hit", "look", "caption", "badge", "badge_at")

    def __init__(self, hit: SearchHit, look: tuple, caption: QPixmap, badge: QPixmap, badge_at: QPoint) -> None:
        self.hit, self.look, self.caption, self.badge, self.badge_at = hit, look, caption, badge, badge_at


class _TileTexts:
    """Each tile's texts drawn into transparent pixmaps once per hit and look (selection, relevance, font,
    palette, pixel ratio), the least recently painted forgotten past TEXTS_CACHED."""

    def __init__(self) -> None:
        self._drawn: OrderedDict[int, _DrawnTexts] = OrderedDict()   # id(hit) -> its texts (holding the hit)

    def is_drawn(self, hit: SearchHit, caption: str, selected: bool, relevance: float | None, common: tuple) -> bool:
        return self._matching(hit, (caption, selected, relevance, *common)) is not None

    @staticmethod
    def common_look(option: QStyleOptionViewItem, ratio: float) -> tuple:
        """What every tile's look shares: font, palette and pixel ratio."""
        palette = option.palette
        return option.font.key(), palette.cacheKey(), palette.currentColorGroup(), ratio

    @classmethod
    def _look(cls, caption: str, option: QStyleOptionViewItem, relevance: float | None, ratio: float) -> tuple:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        return caption, selected, relevance, *cls.common_look(option, ratio)

    def kept(self, hit: SearchHit, caption: str, option: QStyleOptionViewItem, relevance: float | None,
             ratio: float) -> _DrawnTexts | None:
        """The tile's texts if they are drawn for this look, else None."""
        drawn = self._matching(hit, self._look(caption, option, relevance, ratio))
        if drawn is not None:
            self._drawn.move_to_end(id(hit))
        return drawn

    def of(self, hit: SearchHit, caption: str, option: QStyleOptionViewItem, relevance: float | None,
           ratio: float) -> _DrawnTexts:
        """The tile's texts for this look, drawn now unless they are already."""
        look = self._look(caption, option, relevance, ratio)
        drawn = self._matching(hit, look)
        if drawn is None:
            drawn = self._drawn[id(hit)] = self._draw(hit, caption, option, relevance, ratio, look)
        self._drawn.move_to_end(id(hit))
        while len(self._drawn) > TEXTS_CACHED:
            self._drawn.popitem(last=False)
        return drawn

    def _matching(self, hit: SearchHit, look: tuple) -> _DrawnTexts | None:
        drawn = self._drawn.get(id(hit))
        return drawn if drawn is not None and drawn.hit is hit and drawn.look == look else None

    @staticmethod
    def _draw(hit: SearchHit, caption: str, option: QStyleOptionViewItem, relevance: float | None, ratio: float,
              look: tuple) -> _DrawnTexts:
        lines = QSize(THUMB_SIZE.width(), 3 * option.fontMetrics.height() + 4)
        texts = _transparent(lines, ratio)
        painter = QPainter(texts)
        HitDelegate.paint_texts(painter, option, hit, caption, relevance)
        painter.end()
        time_range = time_range_text(hit)
        where, font = HitDelegate.time_badge_rect(time_range, option.font)
        badge = _transparent(where.size(), ratio)
        painter = QPainter(badge)
        HitDelegate.paint_time_badge(painter, QRect(QPoint(0, 0), where.size()), time_range, font)
        painter.end()
        return _DrawnTexts(hit, look, texts, badge, where.topLeft())


def _transparent(size: QSize, ratio: float) -> QPixmap:
    pixmap = QPixmap(size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    return pixmap
