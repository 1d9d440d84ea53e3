"""Painting of the timeline: batched span rects per colour, cached static-text labels, decimated graphs.

Span rects are built in content pixels (x = seconds * px_per_s) for a window around the view and cached
until the zoom changes or the view leaves the window, so repaints while the playhead moves only slice
the cached lists and call ``drawRects`` once per colour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPolygonF, QStaticText
from shiboken6 import Shiboken

from . import style
from .model import GraphLane, Lane, SpanLane
from .span_layer import SpanLayer
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
    rects_drawn: int = 0
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
        self._ruler_font = QFont()
        self._span_layers: dict[int, SpanLayer] = {}
        self._label_widths: dict[int, np.ndarray] = {}
        self._static_texts: dict[int, list[QStaticText | None]] = {}
        self._span_colours: dict[int, dict[int, QColor]] = {}

    # --- state --------------------------------------------------------------------------------------

    def set_slots(self, slots: list[LaneSlot]) -> None:
        self.slots = slots
        self._span_layers.clear()
        self._label_widths.clear()
        self._static_texts.clear()
        self._span_colours = {
            id(slot.lane): style.span_colours(slot.lane.track) for slot in slots if isinstance(slot.lane, SpanLane)
        }

    def set_font(self, font: QFont) -> None:
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() - 1.0))
        if small != self._label_font:
            self._label_font = small
            self._ruler_font = QFont(small)
            self._label_widths.clear()
            self._static_texts.clear()
            self._span_layers.clear()

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
        lane = slot.lane
        assert isinstance(lane, SpanLane)
        view_x0, view_x1 = axis.offset_px, axis.offset_px + axis.width_px
        texts = self._static_texts.setdefault(id(lane), [None] * len(lane.spans))
        layer = self._span_layer(slot, axis)
        frame = layer.frame(view_x0, view_x1, texts, lambda index: self._static_text(lane, index))
        colours = self._span_colours[id(lane)]
        p.setPen(Qt.PenStyle.NoPen)
        for colour, rects in frame.rect_batches:
            p.setBrush(colours[colour])
            p.drawRects(rects)
        if frame.labels:
            p.setFont(self._label_font)
            p.setPen(style.SPAN_LABEL)
            y = (slot.height - QFontMetrics(self._label_font).height()) / 2
            draw = p.drawStaticText
            for x, text in frame.labels:
                draw(x, y, text)
        self.stats.spans_visible += frame.spans_visible
        self.stats.rects_drawn += frame.rect_count
        self.stats.labels_drawn += len(frame.labels)

    def _span_layer(self, slot: LaneSlot, axis: TimeAxis) -> SpanLayer:
        lane = slot.lane
        assert isinstance(lane, SpanLane)
        view_x0, view_x1 = axis.offset_px, axis.offset_px + axis.width_px
        body_height = slot.height - 2 * style.SPAN_INSET
        layer = self._span_layers.get(id(lane))
        if layer is None or not layer.covers(axis.px_per_s, body_height, view_x0, view_x1):
            margin = axis.width_px // 2  # scrolling this far needs no rebuild
            layer = SpanLayer(
                lane, axis.px_per_s, style.SPAN_INSET, body_height, (view_x0 - margin, view_x1 + margin),
                self._label_width_array(lane), style.LABEL_PADDING, layer.rect_pool if layer else [],
            )
            self._span_layers[id(lane)] = layer
        return layer

    def _label_width_array(self, lane: SpanLane) -> np.ndarray:
        widths = self._label_widths.get(id(lane))
        if widths is None:
            metrics = QFontMetrics(self._label_font)
            measured: dict[str, float] = {}
            widths = np.array(
                [
                    measured.setdefault(s.label, metrics.horizontalAdvance(s.label)) if s.label else np.inf
                    for s in lane.spans
                ],
                dtype=np.float64,
            )
            self._label_widths[id(lane)] = widths
        return widths

    def _static_text(self, lane: SpanLane, index: int) -> QStaticText:
        text = QStaticText(lane.spans[index].label)
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
        metrics = p.fontMetrics()
        p.setPen(palette.color(QPalette.ColorRole.WindowText))
        for slot in self.slots:
            top = style.RULER_HEIGHT + slot.top - view.v_offset
            p.fillRect(QRect(0, top + 2, 3, slot.height - 5), style.track_colour(slot.lane.track))
            p.fillRect(QRect(0, top + slot.height - 1, style.HEADER_WIDTH, 1), dark)
            title = metrics.elidedText(slot.lane.track.title, Qt.TextElideMode.ElideRight, style.HEADER_WIDTH - 16)
            p.drawText(QRect(10, top, style.HEADER_WIDTH - 12, slot.height - 1), Qt.AlignmentFlag.AlignVCenter, title)
        p.restore()
        p.fillRect(QRect(style.HEADER_WIDTH - 1, 0, 1, view.height), dark)

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

