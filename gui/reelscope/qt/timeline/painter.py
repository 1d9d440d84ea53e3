"""Painting of the timeline: batched span rects per colour, cached static-text labels, decimated graphs.

Span rects are built in content pixels (x = seconds * px_per_s) for all span lanes at once, for a window
around the view, and cached until the zoom changes or the view leaves the window, so repaints while the
playhead moves reuse the cached lists and call ``drawRects`` once per lane and colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPalette, QPolygonF, QStaticText
from shiboken6 import Shiboken

from . import style
from .model import GraphLane, Lane, SpanLane, SpanTable
from .span_layer import SpanFrame, SpanLayer, call_each
from .ticks import choose_tick_scale, tick_label, tick_times
from .view_state import TimeAxis


@dataclass(eq=False)
class LaneSlot:
    lane: Lane
    top: int      # y in lane content (before vertical scrolling), 0 = just under the ruler
    height: int


@dataclass
class PaintStats:
    spans_visible: int = 0
    rects_drawn: int = 0    # span rects (merged runs count once) that intersect the view
    labels_drawn: int = 0


@dataclass
class Viewport:
    """Where things are in the widget for one paint."""

    width: int
    height: int
    lanes_height: int   # between the ruler and the horizontal scrollbar
    v_offset: int       # vertical scroll of the lanes


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


class TimelineRenderer:
    def __init__(self) -> None:
        self.slots: list[LaneSlot] = []
        self.stats = PaintStats()
        self._label_font = QFont()
        self._label_height = QFontMetrics(self._label_font).height()
        self._ruler_font = QFont()
        self._span_table = SpanTable.from_lanes([])
        self._lane_numbers: dict[int, int] = {}   # id(SpanLane) -> its lane number in the span table
        self._span_colours: list[dict[int, QColor]] = []
        self._span_layer: SpanLayer | None = None
        self._label_widths: np.ndarray | None = None        # per span table row, for the label font
        self._static_texts: list[QStaticText | None] = []   # per span table row, made on first use
        self._header_colours: list[QColor] = []             # per slot
        self._header_titles: list[str] = []                 # per slot, elided to the header in _header_font
        self._header_font: QFont | None = None

    # --- state --------------------------------------------------------------------------------------

    def set_slots(self, slots: list[LaneSlot]) -> None:
        self.slots = slots
        span_lanes = [slot.lane for slot in slots if isinstance(slot.lane, SpanLane)]
        self._span_table = SpanTable.from_lanes(span_lanes)
        self._lane_numbers = {id(lane): number for number, lane in enumerate(span_lanes)}
        self._span_colours = [style.span_colours(lane.track) for lane in span_lanes]
        self._header_colours = [style.track_colour(slot.lane.track) for slot in slots]
        self._forget_span_text()

    def _forget_span_text(self) -> None:
        """Drops the cached layer, label widths, label texts and header titles (new lanes or a new font)."""
        self._header_font = None
        self._span_layer = None
        self._label_widths = None
        self._static_texts = [None] * len(self._span_table)

    def set_font(self, font: QFont) -> None:
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() - 1.0))
        if small != self._label_font:
            self._label_font = small
            self._label_height = QFontMetrics(small).height()
            self._ruler_font = QFont(small)
            self._forget_span_text()

    # --- painting -----------------------------------------------------------------------------------

    def paint(self, p: QPainter, view: Viewport, axis: TimeAxis, position_s: float, palette: QPalette) -> None:
        self.stats = PaintStats()
        lanes_top = style.RULER_HEIGHT
        lanes_clip = QRect(style.HEADER_WIDTH, lanes_top, axis.width_px, view.lanes_height)
        lanes_bottom = lanes_top + sum(slot.height for slot in self.slots) - view.v_offset
        base = palette.color(QPalette.ColorRole.Base)
        p.fillRect(QRect(0, lanes_bottom, view.width, view.height - lanes_bottom), base)

        p.save()
        p.setClipRect(lanes_clip)
        for index, slot in enumerate(self.slots):
            top = lanes_top + slot.top - view.v_offset
            if top + slot.height <= lanes_top or top >= lanes_top + view.lanes_height:
                continue
            self._paint_lane_background(p, index, QRect(style.HEADER_WIDTH, top, axis.width_px, slot.height), palette)
            p.save()
            p.translate(style.HEADER_WIDTH - axis.offset_px, top)
            if isinstance(slot.lane, SpanLane):
                self._paint_spans(p, slot, axis)
            else:
                self._paint_graph(p, slot, axis)
            p.restore()
        p.restore()

        self._paint_headers(p, view, palette)
        self._paint_ruler(p, view, axis, palette)
        self._paint_playhead(p, view, axis, position_s)

    def paint_empty(self, p: QPainter, width: int, height: int, palette: QPalette, hint: str) -> None:
        p.fillRect(QRect(0, 0, width, height), palette.color(QPalette.ColorRole.Base))
        p.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        p.drawText(QRect(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, hint)

    def _paint_lane_background(self, p: QPainter, index: int, rect: QRect, palette: QPalette) -> None:
        role = QPalette.ColorRole.AlternateBase if index % 2 else QPalette.ColorRole.Base
        p.fillRect(rect, palette.color(role))
        p.fillRect(QRect(rect.left(), rect.bottom(), rect.width(), 1), palette.color(QPalette.ColorRole.Dark))

    # --- span lanes ---------------------------------------------------------------------------------

    def _paint_spans(self, p: QPainter, slot: LaneSlot, axis: TimeAxis) -> None:
        number = self._lane_numbers[id(slot.lane)]
        layer = self._current_span_layer(slot.height, axis)
        frame = self._span_frame(layer, axis)
        colours = self._span_colours[number]
        p.setPen(Qt.PenStyle.NoPen)
        for colour, rects in layer.rect_batches[number]:
            p.setBrush(colours[colour])
            p.drawRects(rects)
        self._paint_bands(p, slot, axis)
        labels = frame.labels[number]
        if labels.texts:
            p.setFont(self._label_font)
            p.setPen(style.SPAN_LABEL)
            y = (slot.height - self._label_height) / 2
            call_each(p.drawStaticText, labels.xs, repeat(y), labels.texts)
        self.stats.spans_visible += int(frame.spans_visible[number])
        self.stats.rects_drawn += int(frame.rects_visible[number])
        self.stats.labels_drawn += len(labels.texts)

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

    def _current_span_layer(self, lane_height: int, axis: TimeAxis) -> SpanLayer:
        """The layer for this zoom, rebuilt for all span lanes when the zoom changes or the view leaves it."""
        view_x0, view_x1 = axis.offset_px, axis.offset_px + axis.width_px
        # TimelineWidget gives all span lanes one height (lanes of different heights would rebuild each paint).
        body_height = lane_height - 2 * style.SPAN_INSET
        layer = self._span_layer
        if layer is None or not layer.covers(axis.px_per_s, body_height, view_x0, view_x1):
            margin = axis.width_px // 2  # scrolling this far needs no rebuild
            layer = SpanLayer(
                self._span_table, axis.px_per_s, style.SPAN_INSET, body_height, (view_x0 - margin, view_x1 + margin),
                self._label_width_array(), style.LABEL_PADDING, layer.rect_pool if layer else [],
            )
            self._span_layer = layer
        return layer

    def _span_frame(self, layer: SpanLayer, axis: TimeAxis) -> SpanFrame:
        view_x0, view_x1 = axis.offset_px, axis.offset_px + axis.width_px
        return layer.frame(view_x0, view_x1, self._static_texts, self._static_text)

    def _label_width_array(self) -> np.ndarray:
        """Label width per span table row in the label font; inf for no label (it never fits)."""
        if self._label_widths is None:
            metrics = QFontMetrics(self._label_font)
            widths: dict[str, float] = {"": np.inf}
            for lane in self._span_table.lanes:
                for span in lane.spans:
                    if span.label not in widths:
                        widths[span.label] = metrics.horizontalAdvance(span.label)
            labels = (span.label for lane in self._span_table.lanes for span in lane.spans)
            self._label_widths = np.fromiter(map(widths.__getitem__, labels), np.float64, len(self._span_table))
        return self._label_widths

    def _static_text(self, row: int) -> QStaticText:
        """The prepared label of the span in this span table row."""
        text = QStaticText(self._span_table.span(row).label)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
        text.prepare(font=self._label_font)
        return text

    # --- graph lanes --------------------------------------------------------------------------------

    def _paint_graph(self, p: QPainter, slot: LaneSlot, axis: TimeAxis) -> None:
        lane = slot.lane
        assert isinstance(lane, GraphLane)
        low, high = lane.column_envelope(axis.offset_px / axis.px_per_s, 1 / axis.px_per_s, axis.width_px)
        columns = np.flatnonzero(~np.isnan(high))
        if not len(columns):
            return
        first, last = int(columns[0]), int(columns[-1]) + 1
        low, high = low[first:last], high[first:last]
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
        header = QRect(0, style.RULER_HEIGHT, style.HEADER_WIDTH, view.lanes_height)
        p.save()
        p.setClipRect(header)
        p.fillRect(header, palette.color(QPalette.ColorRole.Window))
        dark = palette.color(QPalette.ColorRole.Dark)
        p.setPen(palette.color(QPalette.ColorRole.WindowText))
        titles = self._elided_titles(p.font())
        for slot, colour, title in zip(self.slots, self._header_colours, titles):
            top = style.RULER_HEIGHT + slot.top - view.v_offset
            p.fillRect(QRect(0, top + 2, 3, slot.height - 5), colour)
            p.fillRect(QRect(0, top + slot.height - 1, style.HEADER_WIDTH, 1), dark)
            p.drawText(QRect(10, top, style.HEADER_WIDTH - 12, slot.height - 1), Qt.AlignmentFlag.AlignVCenter, title)
        p.restore()
        p.fillRect(QRect(style.HEADER_WIDTH - 1, 0, 1, view.height), dark)

    def _elided_titles(self, font: QFont) -> list[str]:
        """Each slot's track title, elided to the header width in font."""
        if font != self._header_font:
            metrics = QFontMetrics(font)
            width = style.HEADER_WIDTH - 16
            self._header_titles = [
                metrics.elidedText(slot.lane.track.title, Qt.TextElideMode.ElideRight, width) for slot in self.slots
            ]
            self._header_font = QFont(font)
        return self._header_titles

    def _paint_ruler(self, p: QPainter, view: Viewport, axis: TimeAxis, palette: QPalette) -> None:
        ruler = QRect(0, 0, view.width, style.RULER_HEIGHT)
        p.fillRect(ruler, palette.color(QPalette.ColorRole.Window))
        p.fillRect(QRect(0, style.RULER_HEIGHT - 1, view.width, 1), palette.color(QPalette.ColorRole.Dark))
        p.save()
        p.setClipRect(QRect(style.HEADER_WIDTH, 0, axis.width_px, style.RULER_HEIGHT))
        metrics = QFontMetrics(self._ruler_font)
        with_hours = axis.duration_s >= 3600
        scale = choose_tick_scale(
            axis.px_per_s,
            axis.fps,
            frame_label_px=metrics.horizontalAdvance("00:00:00.00"),
            clock_label_px=metrics.horizontalAdvance("00:00:00" if with_hours else "00:00"),
        )
        start_s, end_s = axis.visible_range()
        end_s = min(end_s, axis.duration_s)
        bottom = style.RULER_HEIGHT - 1
        p.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        def column(t: float) -> float:
            return round(axis.x_at(t)) + style.HEADER_WIDTH + 0.5

        if scale.minor_s:
            minors = tick_times(start_s, end_s, scale.minor_s)
            p.drawLines([QLineF(column(t), bottom - 4, column(t), bottom) for t in minors])
        majors = tick_times(start_s - scale.major_s, end_s, scale.major_s)
        p.setPen(palette.color(QPalette.ColorRole.WindowText).darker(115))
        p.drawLines([QLineF(column(t), bottom - 10, column(t), bottom) for t in majors])
        p.setFont(self._ruler_font)
        baseline = 3 + metrics.ascent()
        for t in majors:
            x = round(axis.x_at(t)) + style.HEADER_WIDTH + 4
            p.drawText(QPointF(x, baseline), tick_label(t, scale, axis.fps, with_hours))
        p.restore()

    def _paint_playhead(self, p: QPainter, view: Viewport, axis: TimeAxis, position_s: float) -> None:
        x = playhead_column(axis, position_s)
        if x < 0 or x >= axis.width_px:
            return
        x += style.HEADER_WIDTH
        p.fillRect(QRect(x, style.RULER_HEIGHT - 8, 1, view.lanes_height + 8), style.PLAYHEAD)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(style.PLAYHEAD)
        centre = x + 0.5
        handle_bottom = style.RULER_HEIGHT - 2
        p.drawPolygon(
            QPolygonF(
                [
                    QPointF(centre - 5.5, 3),
                    QPointF(centre + 5.5, 3),
                    QPointF(centre + 5.5, handle_bottom - 6),
                    QPointF(centre, handle_bottom),
                    QPointF(centre - 5.5, handle_bottom - 6),
                ]
            )
        )
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)


def playhead_column(axis: TimeAxis, position_s: float) -> int:
    """The lane-area pixel column the playhead is drawn in."""
    return int(round(position_s * axis.px_per_s)) - axis.offset_px

