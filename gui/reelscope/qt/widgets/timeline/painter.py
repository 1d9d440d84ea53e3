"""Painting of the timeline: span bodies as rows of pixels built with numpy, labels from an atlas, decimated graphs.

Span bodies are laid out in content pixels (x = seconds * px_per_s) for all span lanes at once, for a
window around the view (``SpanLayer``), and kept until the zoom changes or the view leaves the window.
A paint fills the lanes' backgrounds and the line under each as bands, turns the bodies into one row
of pixel colours per lane (numpy) and fills each body with its row as a texture, which the raster
engine copies down the body row by row; graphs, bands and notes are painted over them, then every label
of the area with one ``drawPixmapFragments`` call from a ``LabelAtlas``. The work of a paint grows with
the pixels and the spans in view, not with Python calls per span.

A paint covers one area of the widget: the whole of it, or during playback the playhead's old and new
strips (``playhead_rect``), for which only the columns, labels, graph columns and ticks meeting it are drawn.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPalette,
    QPixmap,
    QPolygonF,
    QStaticText,
)
from shiboken6 import Shiboken

from ....domain.timeline_layout.lanes import DENSE, KEYED_SHADES, GraphLane, Lane, SpanLane, SpanTable
from ....domain.timeline_layout.ticks import TickScale, choose_tick_scale, tick_label, tick_times
from ....domain.timeline_layout.time_axis import TimeAxis
from . import style
from .label_atlas import LabelAtlas, prepared_text
from .span_layer import Labels, SpanLayer


@dataclass(eq=False)
class LaneSlot:
    lane: Lane
    top: int      # y in lane content (before vertical scrolling), 0 = just under the ruler
    height: int


ShownLanes = list[tuple[int, LaneSlot, int]]   # (index in slots, slot, top in the widget) of lanes in an area
BODY_FORMAT = QImage.Format.Format_RGB32   # of a body's row of pixels (opaque: filling with it copies)
LANE_ROLES = (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase, QPalette.ColorRole.Dark)  # even, odd, line


@dataclass
class PaintStats:
    """What one paint drew, in the area it painted. Spans and rects are counted when asked, not at each paint."""

    labels_drawn: int = 0
    span_areas: list[tuple[SpanLayer, int, int, list[int]]] = field(default_factory=list)  # layer, x0, x1, lanes

    @property
    def spans_visible(self) -> int:
        return sum(int(layer.spans_between(x0, x1)[lanes].sum()) for layer, x0, x1, lanes in self.span_areas)

    @property
    def rects_drawn(self) -> int:
        """Span rects (merged runs count once) that intersect the area."""
        return sum(int(layer.rects_between(x0, x1)[lanes].sum()) for layer, x0, x1, lanes in self.span_areas)


@dataclass
class Viewport:
    """Where things are in the widget for one paint."""

    width: int
    height: int
    lanes_height: int   # between the ruler and the horizontal scrollbar
    v_offset: int       # vertical scroll of the lanes


@dataclass(eq=False)
class _SpanArea:
    """What the span lanes show in the content columns [x0, x1) of one paint."""

    layer: SpanLayer
    x0: int
    x1: int
    labels: Labels


@dataclass(eq=False)
class _LaneRows:
    """The shown lanes in the widget: background bands (top, height) per LANE_ROLES colour, then span bodies."""

    bands: tuple[list[tuple[int, int]], ...]
    body_tops: list[int]
    body_height: int
    body_lanes: np.ndarray    # span lane number of each body
    body_parity: np.ndarray   # its slot index % 2: the background between its spans
    label_tops: np.ndarray    # per span lane number: the top of its labels in the widget, -1 if not shown


def polygon_from_arrays(xs: np.ndarray, ys: np.ndarray) -> QPolygonF:
    """A QPolygonF filled through its memory (as pyqtgraph does): no QPointF per vertex."""
    polygon = QPolygonF()
    polygon.resize(len(xs))
    if len(xs):
        memory = Shiboken.VoidPtr(polygon.data(), len(xs) * 16, True)
        points = np.frombuffer(memory, dtype=np.float64).reshape(-1, 2)
        points[:, 0] = xs
        points[:, 1] = ys
    return polygon


def call_each(function: Callable[..., object], *arguments: Iterable[object]) -> None:
    """function(*args) for each zip of arguments, without a Python loop body: for many Qt calls."""
    deque(map(function, *arguments), maxlen=0)


class TimelineRenderer:
    def __init__(self) -> None:
        self.slots: list[LaneSlot] = []
        self._lanes_height = 0   # of all slots, scrolled or not
        self.stats = PaintStats()
        self._label_font = QFont()
        self._label_height = QFontMetrics(self._label_font).height()
        self._ruler_font = QFont()
        self._span_table = SpanTable.from_lanes([])
        self._lane_numbers: dict[int, int] = {}   # id(SpanLane) -> its lane number in the span table
        self._colour_table = np.zeros((0, KEYED_SHADES - DENSE), np.uint32)
        self._label_texts: list[str] = []                   # each distinct span label once
        self._label_ids = np.zeros(0, np.int64)             # per span table row: its label in _label_texts
        self._span_layer: SpanLayer | None = None
        self._label_widths: np.ndarray | None = None        # per span table row, for the label font
        self._atlas: LabelAtlas | None = None
        self._lane_rows_cache: tuple[object, _LaneRows] | None = None
        self._body_rows: tuple[tuple[object, ...], np.ndarray] | None = None    # the last whole-width ones
        self._header_colours: list[QColor] = []             # per slot
        self._header_titles: list[QStaticText] = []         # per slot, elided to the header in _header_font
        self._header_font: QFont | None = None
        self._headers = QPixmap()                           # the lane headers as last drawn...
        self._headers_key: tuple[object, ...] | None = None  # ...for this scroll, height, palette, font, ratio
        self._ruler_texts: dict[tuple[object, ...], QStaticText] = {}   # (time, scale, fps, hours) -> its label
        self._ruler_widths: dict[str, int] = {}             # text -> its advance in the ruler font
        self._tick_scale_kept: tuple[object, TickScale] | None = None

    # --- state --------------------------------------------------------------------------------------

    def set_slots(self, slots: list[LaneSlot]) -> None:
        self.slots = slots
        self._lanes_height = sum(slot.height for slot in slots)
        span_lanes = [slot.lane for slot in slots if isinstance(slot.lane, SpanLane)]
        self._span_table = SpanTable.from_lanes(span_lanes)
        self._lane_numbers = {id(lane): number for number, lane in enumerate(span_lanes)}
        self._colour_table = np.array(
            [[colours[index].rgb() for index in range(DENSE, KEYED_SHADES)]
             for colours in (style.span_colours(lane.track) for lane in span_lanes)],
            np.uint32,
        ).reshape(len(span_lanes), KEYED_SHADES - DENSE)
        labels = [span.label for lane in span_lanes for span in lane.spans]
        ids = {label: number for number, label in enumerate(dict.fromkeys(labels))}
        self._label_texts = list(ids)
        self._label_ids = np.fromiter(map(ids.__getitem__, labels), np.int64, len(labels))
        self._header_colours = [style.track_colour(slot.lane.track) for slot in slots]
        self._lane_rows_cache = None
        self._forget_span_text()

    def _forget_span_text(self) -> None:
        """Drops the cached layer, label widths, label atlas and header titles (new lanes or a new font)."""
        self._header_font = None
        self._headers_key = None
        self._ruler_texts = {}
        self._ruler_widths = {}
        self._tick_scale_kept = None
        self._span_layer = None
        self._label_widths = None
        self._atlas = None

    def set_font(self, font: QFont) -> None:
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() - 1.0))
        if small != self._label_font:
            self._label_font = small
            self._label_height = QFontMetrics(small).height()
            self._ruler_font = QFont(small)
            self._forget_span_text()

    # --- painting -----------------------------------------------------------------------------------

    def paint(self, p: QPainter, view: Viewport, axis: TimeAxis, palette: QPalette, areas: Iterable[QRect]) -> None:
        """Paints what lies in the areas (widget pixels, not overlapping), and nothing outside them; no playhead."""
        self.stats = PaintStats()
        for area in areas:
            self._paint_area(p, view, axis, palette, area)

    def _paint_area(self, p: QPainter, view: Viewport, axis: TimeAxis, palette: QPalette, area: QRect) -> None:
        lanes_top = style.RULER_HEIGHT
        lanes_clip = QRect(style.HEADER_WIDTH, lanes_top, axis.width_px, view.lanes_height) & area
        lanes_bottom = lanes_top + self._lanes_height - view.v_offset
        base = palette.color(QPalette.ColorRole.Base)
        p.save()
        p.setClipRect(area)
        p.fillRect(QRect(0, lanes_bottom, view.width, view.height - lanes_bottom), base)

        if not lanes_clip.isEmpty():
            # View pixels (x = seconds * px_per_s - offset) of the lane columns to paint.
            columns = (lanes_clip.left() - style.HEADER_WIDTH, lanes_clip.right() + 1 - style.HEADER_WIDTH)
            p.save()
            p.setClipRect(lanes_clip)
            shown = []   # (index, slot, top) of the lanes that meet the area
            clip_top, clip_bottom, shift = lanes_clip.top(), lanes_clip.bottom(), lanes_top - view.v_offset
            for index, slot in enumerate(self.slots):
                top = slot.top + shift
                if clip_top < top + slot.height and top <= clip_bottom:
                    shown.append((index, slot, top))
            spans = self._span_area(shown, axis, columns)
            if shown:
                self._paint_lanes(p, shown, columns, palette, spans)
            for _index, slot, top in shown:
                lane = slot.lane
                if isinstance(lane, SpanLane) and lane.spans and not lane.track.bands:
                    continue
                p.save()
                p.translate(style.HEADER_WIDTH - axis.offset_px, top)
                if isinstance(lane, GraphLane):
                    self._paint_graph(p, slot, axis, columns)
                elif lane.spans:
                    self._paint_bands(p, slot, axis)
                else:
                    self._paint_note(p, slot, axis)
                p.restore()
            if spans is not None:
                self._paint_labels(p, shown, axis, spans.labels)
            p.restore()

        if area.left() < style.HEADER_WIDTH:
            self._paint_headers(p, view, palette)
        if area.top() < style.RULER_HEIGHT:
            self._paint_ruler(p, view, axis, palette, area)
        p.restore()

    def scroll_repaints(self, view: Viewport, axis: TimeAxis, previous_offset: int) -> list[QRect]:
        """Besides the columns it uncovers, what moving the painted view from previous_offset leaves wrong.

        Labels at the view's edges may keep to the left edge, appear or go (SpanLayer.labels_at_edges);
        notes are written at the view's left; graph columns are binned from the offset.
        """
        lanes = QRect(style.HEADER_WIDTH, style.RULER_HEIGHT, axis.width_px, view.lanes_height)
        rects = []
        if any(isinstance(slot.lane, SpanLane) for slot in self.slots):
            left_edges = sorted((previous_offset, axis.offset_px))
            right_edges = (left_edges[0] + axis.width_px, left_edges[1] + axis.width_px)
            left_end, right_start = self._current_span_layer(axis).labels_at_edges(left_edges, right_edges)
            for start, end in ((axis.offset_px, left_end), (right_start, axis.offset_px + axis.width_px)):
                x = style.HEADER_WIDTH + start - axis.offset_px
                rects.append(QRect(x, style.RULER_HEIGHT, end - start, view.lanes_height) & lanes)
        for slot in self.slots:
            if isinstance(slot.lane, GraphLane) or not slot.lane.spans:
                top = style.RULER_HEIGHT + slot.top - view.v_offset
                rects.append(QRect(style.HEADER_WIDTH, top, axis.width_px, slot.height) & lanes)
        return [rect for rect in rects if not rect.isEmpty()]

    def paint_empty(self, p: QPainter, width: int, height: int, palette: QPalette, hint: str) -> None:
        p.fillRect(QRect(0, 0, width, height), palette.color(QPalette.ColorRole.Base))
        p.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        p.drawText(QRect(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, hint)

    # --- span lanes ---------------------------------------------------------------------------------

    def _span_area(self, shown: ShownLanes, axis: TimeAxis, columns: tuple[int, int]) -> _SpanArea | None:
        """Bodies and labels of the span lanes in view columns [x0, x1); notes them in stats."""
        numbers = [self._lane_numbers[id(slot.lane)] for _, slot, _ in shown if isinstance(slot.lane, SpanLane)]
        if not numbers:
            return None
        # TimelineWidget gives all span lanes one height.
        layer = self._current_span_layer(axis)
        x0, x1 = axis.offset_px + columns[0], axis.offset_px + columns[1]
        frame = layer.frame(axis.offset_px, axis.offset_px + axis.width_px)
        labels = frame.labels if columns == (0, axis.width_px) else frame.labels_between(x0, x1)
        self.stats.span_areas.append((layer, x0, x1, numbers))
        return _SpanArea(layer, x0, x1, labels)

    def _paint_lanes(
        self, p: QPainter, shown: ShownLanes, columns: tuple[int, int], palette: QPalette, spans: _SpanArea | None
    ) -> None:
        """Lane backgrounds (alternating, a dark line under each lane) as bands, span bodies as one row each.

        Each body's row of pixel colours is repeated down the body by a texture brush, whose rows are copied
        as they are. The rows of a whole-width paint are kept: a strip of the same view (the playhead's) is
        filled from them.
        """
        rows = self._lane_rows(shown, with_bodies=spans is not None)
        x, width = style.HEADER_WIDTH + columns[0], columns[1] - columns[0]
        for role, bands in zip(LANE_ROLES, rows.bands):
            colour = palette.color(role)
            for top, height in bands:
                p.fillRect(x, top, width, height, colour)
        if spans is None or not rows.body_tops:
            return
        key = (spans.layer, spans.x0 - columns[0], rows, palette.cacheKey())
        kept = self._body_rows
        if kept is not None and kept[0] == key and columns[1] <= kept[1].shape[1]:
            bodies, origin = kept[1], style.HEADER_WIDTH
        else:
            bodies, origin = self._body_pixels(rows, palette, spans), x
            self._body_rows = (key, bodies) if columns[0] == 0 else None
        p.save()
        p.setBrushOrigin(origin, 0)
        row_bytes = bodies.shape[1] * 4
        for number, top in enumerate(rows.body_tops):
            row = QImage(bodies[number].data, bodies.shape[1], 1, row_bytes, BODY_FORMAT)
            p.fillRect(x, top, width, rows.body_height, QBrush(row))
        p.restore()

    def _body_pixels(self, rows: _LaneRows, palette: QPalette, spans: _SpanArea) -> np.ndarray:
        """(bodies, columns) uint32: each shown span lane's body colours, its background where no span is."""
        backgrounds = np.array([palette.color(role).rgb() for role in LANE_ROLES[:2]], np.uint32)
        return spans.layer.body_colours(spans.x0, spans.x1, rows.body_lanes, backgrounds[rows.body_parity])

    def _lane_rows(self, shown: ShownLanes, *, with_bodies: bool) -> _LaneRows:
        """Where the shown lanes' bands and bodies lie, kept while the lanes in view stay where they are."""
        key = (tuple((index, top) for index, _, top in shown), with_bodies, self._label_height)
        if self._lane_rows_cache is not None and self._lane_rows_cache[0] == key:
            return self._lane_rows_cache[1]
        bands: tuple[list[tuple[int, int]], ...] = ([], [], [])
        body_tops, body_lanes, body_parity = [], [], []
        body_height = 0   # TimelineWidget gives all span lanes one height
        label_tops = np.full(len(self._span_table.lanes), -1, np.int64)
        for index, slot, top in shown:
            background = bands[index % 2]
            if with_bodies and isinstance(slot.lane, SpanLane):
                body_top, body_end = top + style.SPAN_INSET, top + slot.height - style.SPAN_INSET
                background += [(top, style.SPAN_INSET), (body_end, top + slot.height - 1 - body_end)]
                body_tops.append(body_top)
                body_height = body_end - body_top
                body_lanes.append(self._lane_numbers[id(slot.lane)])
                body_parity.append(index % 2)
            else:
                background.append((top, slot.height - 1))
            bands[2].append((top + slot.height - 1, 1))
            if isinstance(slot.lane, SpanLane):
                label_tops[self._lane_numbers[id(slot.lane)]] = top + (slot.height - self._label_height) // 2
        rows = _LaneRows(bands, body_tops, body_height, np.array(body_lanes, np.int64),
                         np.array(body_parity, np.int64), label_tops)
        self._lane_rows_cache = (key, rows)
        return rows

    def _paint_labels(self, p: QPainter, shown: ShownLanes, axis: TimeAxis, labels: Labels) -> None:
        """Every label of the shown span lanes, in one call."""
        tops = self._lane_rows(shown, with_bodies=True).label_tops[labels.lane]
        in_view = np.flatnonzero(tops >= 0)
        self.stats.labels_drawn += len(in_view)
        atlas = self._label_atlas(p.device().devicePixelRatioF())
        xs = labels.x[in_view] + (style.HEADER_WIDTH - axis.offset_px)
        atlas.draw(p, xs, tops[in_view], self._label_ids[labels.row[in_view]])

    def _label_atlas(self, dpr: float) -> LabelAtlas:
        atlas = self._atlas
        if atlas is None or not atlas.matches(self._label_font, style.SPAN_LABEL, dpr):
            atlas = self._atlas = LabelAtlas(self._label_texts, self._label_font, style.SPAN_LABEL, dpr)
        return atlas

    def _paint_note(self, p: QPainter, slot: LaneSlot, axis: TimeAxis) -> None:
        """The track's note ("No music found") at the view's left, in a lane with no spans."""
        note = slot.lane.track.note
        if note:
            p.setFont(self._label_font)
            p.setPen(style.NOTE_TEXT)
            area = QRect(axis.offset_px + style.LABEL_PADDING * 2, 0, axis.width_px, slot.height)
            p.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, note)

    def _paint_bands(self, p: QPainter, slot: LaneSlot, axis: TimeAxis) -> None:
        """Bands over a span lane (fades and dissolves between scenes): each a light, hatched rect."""
        start_s, end_s = axis.visible_range()
        height = slot.height - 2 * style.SPAN_INSET
        for band in slot.lane.track.bands:
            if band.end_s >= start_s and band.start_s <= end_s:
                width = max(2.0, (band.end_s - band.start_s) * axis.px_per_s)
                rect = QRectF(band.start_s * axis.px_per_s, style.SPAN_INSET, width, height)
                p.fillRect(rect, QColor(255, 255, 255, 110))
                p.fillRect(rect, QBrush(QColor(30, 30, 30, 170), Qt.BrushStyle.BDiagPattern))

    def _current_span_layer(self, axis: TimeAxis) -> SpanLayer:
        """The layer for this zoom, rebuilt for all span lanes when the zoom changes or the view leaves it."""
        view_x0, view_x1 = axis.offset_px, axis.offset_px + axis.width_px
        layer = self._span_layer
        if layer is None or not layer.covers(axis.px_per_s, view_x0, view_x1):
            margin = axis.width_px // 2  # scrolling this far needs no rebuild
            layer = SpanLayer(
                self._span_table, axis.px_per_s, (view_x0 - margin, view_x1 + margin), self._colour_table,
                self._label_width_array(), style.LABEL_PADDING,
            )
            self._span_layer = layer
        return layer

    def _label_width_array(self) -> np.ndarray:
        """Label width per span table row in the label font; inf for no label (it never fits)."""
        if self._label_widths is None:
            metrics = QFontMetrics(self._label_font)
            widths = np.array([metrics.horizontalAdvance(text) if text else np.inf for text in self._label_texts],
                              np.float64)
            self._label_widths = widths[self._label_ids]
        return self._label_widths

    # --- graph lanes --------------------------------------------------------------------------------

    def _paint_graph(self, p: QPainter, slot: LaneSlot, axis: TimeAxis, columns: tuple[int, int]) -> None:
        """Draws the graph over view columns [x0, x1)."""
        lane = slot.lane
        assert isinstance(lane, GraphLane)
        # Two columns either side: the line's steps and anti-aliasing reach one column past their own.
        x0, x1 = max(0, columns[0] - 2), min(axis.width_px, columns[1] + 2)
        low, high = lane.column_envelope(axis.offset_px / axis.px_per_s, 1 / axis.px_per_s, x1 - x0, x0)
        with_data = np.flatnonzero(~np.isnan(high))
        if not len(with_data):
            return
        low, high = low[with_data[0] : with_data[-1] + 1], high[with_data[0] : with_data[-1] + 1]
        first, last = x0 + int(with_data[0]), x0 + int(with_data[-1]) + 1
        bottom = slot.height - 2.0
        scale = slot.height - 6.0
        # Two points per column (its left and right edge): steps when zoomed in, min/max band when out.
        xs = np.repeat(np.arange(first, last, dtype=np.float64), 2) + axis.offset_px
        xs[1::2] += 1
        top_ys = np.repeat(bottom - high * scale, 2)
        fill_xs = np.concatenate(([xs[0]], xs, [xs[-1]]))
        fill_ys = np.concatenate(([bottom], top_ys, [bottom]))
        line_ys = np.empty_like(xs)
        line_ys[0::2] = bottom - low * scale
        line_ys[1::2] = bottom - high * scale

        fill, line = style.graph_colours(lane.track)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(fill)
        p.drawPolygon(polygon_from_arrays(fill_xs, fill_ys))
        p.setPen(line)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPolyline(polygon_from_arrays(xs, line_ys))
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    # --- chrome -------------------------------------------------------------------------------------

    def _paint_headers(self, p: QPainter, view: Viewport, palette: QPalette) -> None:
        """The lane headers, from a picture kept until the lanes, their scroll, the palette or the font change."""
        dpr = p.device().devicePixelRatioF()
        key = (view.v_offset, view.lanes_height, palette.cacheKey(), p.font().key(), dpr)
        if key != self._headers_key and view.lanes_height > 0:
            picture = QPixmap(math.ceil(style.HEADER_WIDTH * dpr), math.ceil(view.lanes_height * dpr))
            picture.setDevicePixelRatio(dpr)
            painter = QPainter(picture)
            painter.setFont(p.font())
            painter.translate(0, -style.RULER_HEIGHT)
            self._draw_headers(painter, view, palette)
            painter.end()
            self._headers, self._headers_key = picture, key
        if key == self._headers_key:
            p.drawPixmap(0, style.RULER_HEIGHT, self._headers)
        p.fillRect(QRect(style.HEADER_WIDTH - 1, 0, 1, view.height), palette.color(QPalette.ColorRole.Dark))

    def _draw_headers(self, p: QPainter, view: Viewport, palette: QPalette) -> None:
        header = QRect(0, style.RULER_HEIGHT, style.HEADER_WIDTH, view.lanes_height)
        p.fillRect(header, palette.color(QPalette.ColorRole.Window))
        titles = self._header_texts(p.font())
        tops = [style.RULER_HEIGHT + slot.top - view.v_offset for slot in self.slots]
        for slot, top, colour in zip(self.slots, tops, self._header_colours):
            p.fillRect(QRect(0, top + 2, 3, slot.height - 5), colour)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(palette.color(QPalette.ColorRole.Dark))
        p.drawRects([QRect(0, top + slot.height - 1, style.HEADER_WIDTH, 1) for slot, top in zip(self.slots, tops)])
        p.setPen(palette.color(QPalette.ColorRole.WindowText))
        text_height = QFontMetrics(p.font()).height()
        for slot, top, title in zip(self.slots, tops, titles):
            p.drawStaticText(10, top + (slot.height - 1 - text_height) // 2, title)

    def _header_texts(self, font: QFont) -> list[QStaticText]:
        """Each slot's track title, elided to the header width in font."""
        if font != self._header_font:
            metrics = QFontMetrics(font)
            width = style.HEADER_WIDTH - 16
            self._header_titles = [
                prepared_text(metrics.elidedText(slot.lane.track.title, Qt.TextElideMode.ElideRight, width), font)
                for slot in self.slots
            ]
            self._header_font = QFont(font)
        return self._header_titles

    def _paint_ruler(self, p: QPainter, view: Viewport, axis: TimeAxis, palette: QPalette, area: QRect) -> None:
        ruler = QRect(0, 0, view.width, style.RULER_HEIGHT)
        p.fillRect(ruler, palette.color(QPalette.ColorRole.Window))
        p.fillRect(QRect(0, style.RULER_HEIGHT - 1, view.width, 1), palette.color(QPalette.ColorRole.Dark))
        p.save()
        p.setClipRect(QRect(style.HEADER_WIDTH, 0, axis.width_px, style.RULER_HEIGHT), Qt.ClipOperation.IntersectClip)
        with_hours = axis.duration_s >= 3600
        scale = self._tick_scale(axis, with_hours)
        left = max(0, area.left() - style.HEADER_WIDTH)
        right = min(axis.width_px, area.right() + 1 - style.HEADER_WIDTH)
        start_s, end_s = axis.time_at(left - 1), min(axis.time_at(right + 1), axis.duration_s)
        bottom = style.RULER_HEIGHT - 1
        p.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        if scale.minor_s:
            minors = np.round(np.array(tick_times(start_s, end_s, scale.minor_s)) * axis.px_per_s)
            draw_ticks(p, minors - axis.offset_px + style.HEADER_WIDTH + 0.5, bottom - 4, bottom)
        # A major tick's label is drawn right of it: one left of the area may reach into it.
        label_reach_s = (self._ruler_advance("00:00:00.00") + 8) / axis.px_per_s
        majors = tick_times(start_s - label_reach_s, end_s, scale.major_s)
        columns = (np.round(np.array(majors) * axis.px_per_s) - axis.offset_px + style.HEADER_WIDTH).tolist()
        p.setPen(palette.color(QPalette.ColorRole.WindowText).darker(115))
        draw_ticks(p, np.array(columns) + 0.5, bottom - 10, bottom)
        labels = [self._ruler_text(t, scale, axis.fps, with_hours) for t in majors]
        call_each(p.drawStaticText, [x + 4 for x in columns], repeat(3), labels)
        p.restore()

    def _tick_scale(self, axis: TimeAxis, with_hours: bool) -> TickScale:
        key = (axis.px_per_s, axis.fps, with_hours)
        if self._tick_scale_kept is None or self._tick_scale_kept[0] != key:
            scale = choose_tick_scale(
                axis.px_per_s,
                axis.fps,
                frame_label_px=self._ruler_advance("00:00:00.00"),
                clock_label_px=self._ruler_advance("00:00:00" if with_hours else "00:00"),
            )
            self._tick_scale_kept = (key, scale)
        return self._tick_scale_kept[1]

    def _ruler_advance(self, text: str) -> int:
        width = self._ruler_widths.get(text)
        if width is None:
            width = self._ruler_widths[text] = QFontMetrics(self._ruler_font).horizontalAdvance(text)
        return width

    def _ruler_text(self, seconds: float, scale: TickScale, fps: float, with_hours: bool) -> QStaticText:
        """The label of the tick at seconds, kept by tick: zooming at one scale finds most of them made."""
        key = (seconds, scale.frames, fps, with_hours)
        text = self._ruler_texts.get(key)
        if text is None:
            if len(self._ruler_texts) > RULER_TEXT_CACHE:
                self._ruler_texts.clear()
            text = self._ruler_texts[key] = prepared_text(tick_label(seconds, scale, fps, with_hours), self._ruler_font)
        return text

    def paint_playhead(self, p: QPainter, view: Viewport, axis: TimeAxis, position_s: float) -> None:
        x = playhead_column(axis, position_s)
        if x < 0 or x >= axis.width_px:
            return
        x += style.HEADER_WIDTH
        p.fillRect(QRect(x, style.RULER_HEIGHT - 8, 1, view.lanes_height + 8), style.PLAYHEAD)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(style.PLAYHEAD)
        p.drawPolygon(HANDLE.translated(x + 0.5, 0))
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)


HANDLE_HALF_WIDTH = 5.5
_HANDLE_BOTTOM = style.RULER_HEIGHT - 2
HANDLE = QPolygonF([   # the playhead's handle in the ruler, around x = 0
    QPointF(-HANDLE_HALF_WIDTH, 3),
    QPointF(HANDLE_HALF_WIDTH, 3),
    QPointF(HANDLE_HALF_WIDTH, _HANDLE_BOTTOM - 6),
    QPointF(0, _HANDLE_BOTTOM),
    QPointF(-HANDLE_HALF_WIDTH, _HANDLE_BOTTOM - 6),
])
RULER_TEXT_CACHE = 512


def draw_ticks(p: QPainter, xs: np.ndarray, top: float, bottom: float) -> None:
    """Vertical lines from top to bottom at xs, in one drawLines call reading QPointF pairs from numpy memory."""
    if not len(xs):
        return
    points = np.empty((2 * len(xs), 2), dtype=np.float64)
    points[:, 0] = np.repeat(xs, 2)
    points[0::2, 1] = top
    points[1::2, 1] = bottom
    p.drawLines(Shiboken.wrapInstance(points.__array_interface__["data"][0], QPointF), len(xs))


def playhead_column(axis: TimeAxis, position_s: float) -> int:
    """The lane-area pixel column the playhead is drawn in."""
    return int(round(position_s * axis.px_per_s)) - axis.offset_px


def playhead_rect(axis: TimeAxis, column: int, lanes_height: int) -> QRect:
    """The widget pixels the playhead covers in a lane-area column (line and handle), within the lane area."""
    reach = int(HANDLE_HALF_WIDTH) + 1
    x = style.HEADER_WIDTH + column
    strip = QRect(x - reach, 0, 2 * reach + 1, style.RULER_HEIGHT + lanes_height)
    return strip & QRect(0, 0, style.HEADER_WIDTH + axis.width_px, style.RULER_HEIGHT + lanes_height)

