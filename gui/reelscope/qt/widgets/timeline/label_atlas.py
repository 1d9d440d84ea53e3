"""Span labels drawn from an atlas: each distinct label is rasterised once, then a paint draws all its labels
with one QPainter.drawPixmapFragments call that reads the fragments from numpy memory (no Python per label).

A label's cell holds its text as drawStaticText draws it, on a transparent page, with a margin for ink
that overhangs the advance box; drawing the cell at whole-pixel positions gives the pixels drawing the
text there would give (text is translation invariant by whole pixels). Only the part of the cell with
ink in it is drawn: blending the transparent rest would cost as much and change nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap, QStaticText
from shiboken6 import Shiboken

MARGIN_PX = 3          # around a label's advance box: glyphs may overhang it
PAGE_WIDTH_PX = 2048   # a label wider than a page (less its margins) is drawn as text
PAGE_HEIGHT_PX = 512
MAX_PAGES = 8          # beyond this the atlas starts again, with the labels of the paint at hand
FRAGMENT_FIELDS = 10   # QPainter.PixmapFragment: x, y, sourceLeft, sourceTop, width, height, scaleX, scaleY,
                       # rotation, opacity as doubles; x and y are the fragment's centre


def _even(pixels: int) -> int:
    """Cells have even sizes: a fragment is placed by its centre, which must not fall on half a pixel."""
    return pixels + pixels % 2


def _even_span(start: int, end: int, limit: int) -> tuple[int, int]:
    """[start, end) grown by a pixel if its length is odd, within [0, limit) (limit is even)."""
    if (end - start) % 2:
        return (start, end + 1) if end < limit else (start - 1, end)
    return start, end


def prepared_text(text: str, font: QFont) -> QStaticText:
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
    static.prepare(font=font)
    return static


class LabelAtlas:
    """The labels texts[i] in one font and colour, for a device of this pixel ratio."""

    def __init__(self, texts: Sequence[str], font: QFont, colour: QColor, dpr: float) -> None:
        self.texts = texts
        self.font = QFont(font)
        self.colour = QColor(colour)
        self.dpr = dpr
        metrics = QFontMetrics(font)
        self._advance = [metrics.horizontalAdvance(text) for text in texts]
        self._cell_height = _even(metrics.height() + 2 * MARGIN_PX)
        self._clear()

    def matches(self, font: QFont, colour: QColor, dpr: float) -> bool:
        return (font, colour, dpr) == (self.font, self.colour, self.dpr)

    def _clear(self) -> None:
        self._pages: list[QPixmap] = []
        self._page = np.full(len(self.texts), -1, np.int64)   # per text: its page, -1 until drawn there
        self._source_x = np.zeros(len(self.texts), np.float64)
        self._source_y = np.zeros(len(self.texts), np.float64)
        self._width = np.zeros(len(self.texts), np.float64)
        # Per text, its fragment for a label whose advance box's top left is at (0, 0): the inked part of its
        # cell (even sizes; with no ink, two transparent pixels of its margin).
        self._fragments = np.zeros((len(self.texts), FRAGMENT_FIELDS), np.float64)
        self._shelf = (0, PAGE_HEIGHT_PX)   # where the next cell goes on the last page: x, y

    def draw(self, p: QPainter, xs: np.ndarray, tops: np.ndarray, ids: np.ndarray) -> None:
        """Draws texts[ids[i]] with its advance box's left at xs[i] and its top at tops[i] (whole pixels)."""
        if not len(ids):
            return
        pages = self._page[ids]
        if (pages < 0).any():
            if not self._add(np.unique(ids[pages < 0]).tolist()):
                self._clear()
                self._add(np.unique(ids).tolist())
            pages = self._page[ids]
        placed = pages >= 0
        if len(self._pages) == 1 and placed.all():
            self._draw_page(p, self._pages[0], xs, tops, ids)
            return
        for page_number, page in enumerate(self._pages):
            on_page = np.flatnonzero(pages == page_number)
            if len(on_page):
                self._draw_page(p, page, xs[on_page], tops[on_page], ids[on_page])
        p.save()
        p.setFont(self.font)
        p.setPen(self.colour)
        for index in np.flatnonzero(~placed).tolist():   # too wide for a page, or the atlas is full
            p.drawStaticText(QPointF(xs[index], tops[index]),
                             prepared_text(self.texts[ids[index]], self.font))
        p.restore()

    def _draw_page(self, p: QPainter, page: QPixmap, xs: np.ndarray, tops: np.ndarray, ids: np.ndarray) -> None:
        fragments = self._fragments[ids]
        fragments[:, 0] += xs
        fragments[:, 1] += tops
        first = Shiboken.wrapInstance(fragments.__array_interface__["data"][0], QPainter.PixmapFragment)
        p.drawPixmapFragments(first, len(ids), page)

    def _add(self, ids: list[int]) -> bool:
        """Draws these texts into cells; False if the atlas ran out of pages (those left are not placed)."""
        painter: QPainter | None = None
        placed: list[int] = []
        try:
            for text_id in ids:
                width = _even(self._advance[text_id] + 2 * MARGIN_PX)
                if width > PAGE_WIDTH_PX:
                    continue
                x, y = self._shelf
                if x + width > PAGE_WIDTH_PX:
                    x, y = 0, y + self._cell_height
                if y + self._cell_height > PAGE_HEIGHT_PX:
                    if len(self._pages) == MAX_PAGES:
                        return False
                    if painter is not None:
                        painter.end()
                    self._pages.append(self._new_page())
                    painter = None
                    x, y = 0, 0
                if painter is None:
                    painter = QPainter(self._pages[-1])
                    painter.setFont(self.font)
                    painter.setPen(self.colour)
                text = prepared_text(self.texts[text_id], self.font)
                painter.drawStaticText(QPointF(x + MARGIN_PX, y + MARGIN_PX), text)
                self._page[text_id] = len(self._pages) - 1
                placed.append(text_id)
                self._source_x[text_id], self._source_y[text_id], self._width[text_id] = x, y, width
                self._shelf = (x + width, y)
        finally:
            if painter is not None:
                painter.end()
            self._find_ink(placed)
        return True

    def _find_ink(self, ids: list[int]) -> None:
        """Where in their cells these texts, just drawn, have ink."""
        alphas = {}   # page -> its alpha channel, in device pixels
        ratio = self.dpr
        for text_id in ids:
            page = int(self._page[text_id])
            if page not in alphas:
                image = self._pages[page].toImage()   # shares the pixmap's pixels: no painter is active
                pixels = np.frombuffer(image.constBits(), np.uint32, image.sizeInBytes() // 4)
                alphas[page] = (pixels.reshape(image.height(), image.bytesPerLine() // 4) >> 24, image)
            alpha = alphas[page][0]
            x, y = self._source_x[text_id], self._source_y[text_id]
            cell = alpha[round(y * ratio) : math.ceil((y + self._cell_height) * ratio),
                         round(x * ratio) : math.ceil((x + self._width[text_id]) * ratio)]
            rows, columns = np.flatnonzero(cell.any(axis=1)), np.flatnonzero(cell.any(axis=0))
            if ratio != int(ratio):   # a part of a cell may start inside a device pixel: the whole cell is drawn
                left, top, right, bottom = 0, 0, int(self._width[text_id]), self._cell_height
            elif len(rows):
                left, top = math.floor(columns[0] / ratio), math.floor(rows[0] / ratio)
                right, bottom = math.ceil((columns[-1] + 1) / ratio), math.ceil((rows[-1] + 1) / ratio)
                left, right = _even_span(left, right, int(self._width[text_id]))
                top, bottom = _even_span(top, bottom, self._cell_height)
            else:
                left, top, right, bottom = 0, 0, 2, 2
            width, height = right - left, bottom - top
            self._fragments[text_id] = (
                left - MARGIN_PX + width / 2, top - MARGIN_PX + height / 2,   # the centre, from the label's
                (x + left) * ratio, (y + top) * ratio, width * ratio, height * ratio, 1 / ratio, 1 / ratio, 0.0, 1.0,
            )

    def _new_page(self) -> QPixmap:
        page = QPixmap(math.ceil(PAGE_WIDTH_PX * self.dpr), math.ceil(PAGE_HEIGHT_PX * self.dpr))
        page.setDevicePixelRatio(self.dpr)
        page.fill(Qt.GlobalColor.transparent)
        return page
