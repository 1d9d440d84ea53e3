"""Painting of the timeline: batched span rects per colour, cached static-text labels, decimated graphs.

Span rects are built in content pixels (x = seconds * px_per_s) for all span lanes at once, for a window
around the view, and cached until the zoom changes or the view leaves the window, so repaints while the
playhead moves reuse the cached lists and call ``drawRects`` once per lane and colour.

A paint covers one area of the widget: the whole of it, or during playback the playhead's old and new
strips (``playhead_rect``), for which only the rects, labels, graph columns and ticks meeting it are drawn.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPalette, QPolygonF, QStaticText
from shiboken6 import Shiboken

from ....domain.timeline_layout.lanes import GraphLane, Lane, SpanLane, SpanTable
from ....domain.timeline_layout.ticks import choose_tick_scale, tick_label, tick_times
from ....domain.timeline_layout.time_axis import TimeAxis
from . import style
from .span_layer import LaneLabels, RectBatch, SpanFrame, SpanLayer, call_each


@dataclass(eq=False)
class LaneSlot:
    lane: Lane
    top: int      # y in lane content (before vertical scrolling), 0 = just under the ruler
    height: int


@dataclass
class PaintStats:
    """What one paint drew, in the area it painted."""

    spans_visible: int = 0
    rects_drawn: int = 0    # span rects (merged runs count once) that intersect the area
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
        self._header_titles: list[QStaticText] = []         # per slot, elided to the header in _header_font
        self._header_font: QFont | None = None
        self._last_strip: _Strip | None = None
        self._ruler_texts: dict[str, QStaticText] = {}      # tick label -> its text in the ruler font

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
        self._ruler_texts = {}
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

    def paint(
        self, p: QPainter, view: Viewport, axis: TimeAxis, position_s: float, palette: QPalette, areas: Iterable[QRect]
    ) -> None:
        """Paints what lies in the areas (widget pixels, not overlapping), and nothing outside them."""
        self.stats = PaintStats()
        for area in areas:
            self._paint_area(p, view, axis, position_s, palette, area)

    def _paint_area(
        self, p: QPainter, view: Viewport, axis: TimeAxis, position_s: float, palette: QPalette, area: QRect
    ) -> None:
        lanes_top = style.RULER_HEIGHT
        lanes_clip = QRect(style.HEADER_WIDTH, lanes_top, axis.width_px, view.lanes_height) & area
        lanes_bottom = lanes_top + sum(slot.height for slot in self.slots) - view.v_offset
        base = palette.color(QPalette.ColorRole.Base)
        p.save()
        p.setClipRect(area)
        p.fillRect(QRect(0, lanes_bottom, view.width, view.height - lanes_bottom), base)

        if not lanes_clip.isEmpty():
            # Content pixels (x = seconds * px_per_s) of the lane columns to paint.
            columns = (lanes_clip.left() - style.HEADER_WIDTH, lanes_clip.right() + 1 - style.HEADER_WIDTH)
            whole_width = columns == (0, axis.width_px)
            p.save()
            p.setClipRect(lanes_clip)
            shown = []   # (index, slot, top) of the lanes that meet the area
            for index, slot in enumerate(self.slots):
                top = lanes_top + slot.top - view.v_offset
                if lanes_clip.top() < top + slot.height and top <= lanes_clip.bottom():
                    shown.append((index, slot, top))
            self._paint_lane_backgrounds(p, shown, axis, palette)
            for _index, slot, top in shown:
                p.save()
                p.translate(style.HEADER_WIDTH - axis.offset_px, top)
                if isinstance(slot.lane, SpanLane):
                    self._paint_spans(p, slot, axis, None if whole_width else columns)
                else:
                    self._paint_graph(p, slot, axis, columns)
                p.restore()
            p.restore()

        if area.left() < style.HEADER_WIDTH:
            self._paint_headers(p, view, palette)
        if area.top() < style.RULER_HEIGHT:
            self._paint_ruler(p, view, axis, palette, area)
        self._paint_playhead(p, view, axis, position_s)
        p.restore()

    def paint_empty(self, p: QPainter, width: int, height: int, palette: QPalette, hint: str) -> None:
        p.fillRect(QRect(0, 0, width, height), palette.color(QPalette.ColorRole.Base))
        p.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        p.drawText(QRect(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, hint)

    def _paint_lane_backgrounds(
        self, p: QPainter, shown: list[tuple[int, LaneSlot, int]], axis: TimeAxis, palette: QPalette
    ) -> None:
        """Alternating lane backgrounds with a dark line under each lane; shown holds (index, slot, top)."""
        left, width = style.HEADER_WIDTH, axis.width_px
        even = [QRect(left, top, width, slot.height) for index, slot, top in shown if not index % 2]
        odd = [QRect(left, top, width, slot.height) for index, slot, top in shown if index % 2]
        lines = [QRect(left, top + slot.height - 1, width, 1) for _, slot, top in shown]
        p.setPen(Qt.PenStyle.NoPen)
        for rects, role in ((even, QPalette.ColorRole.Base), (odd, QPalette.ColorRole.AlternateBase),
                            (lines, QPalette.ColorRole.Dark)):
            p.setBrush(palette.color(role))
            p.drawRects(rects)

    # --- span lanes ---------------------------------------------------------------------------------

    def _paint_spans(self, p: QPainter, slot: LaneSlot, axis: TimeAxis, columns: tuple[int, int] | None) -> None:
        """Draws the lane's spans, or with columns (view pixels [x0, x1)) only those that meet them."""
        if not slot.lane.spans:
            self._paint_note(p, slot, axis)
            return
        number = self._lane_numbers[id(slot.lane)]
        layer = self._current_span_layer(slot.height, axis)
        frame = self._span_frame(layer, axis)
        if columns is None:
            batches, labels = layer.rect_batches[number], frame.labels[number]
            self.stats.spans_visible += int(frame.spans_visible[number])
            self.stats.rects_drawn += int(frame.rects_visible[number])
        else:
            strip = self._strip(layer, frame, axis.offset_px + columns[0], axis.offset_px + columns[1])
            batches, labels = strip.rect_batches[number], strip.labels[number]
            self.stats.spans_visible += int(strip.spans[number])
            self.stats.rects_drawn += sum(rects.count for _, rects in batches)
        colours = self._span_colours[number]
        p.setPen(Qt.PenStyle.NoPen)
        for colour, rects in batches:
            p.setBrush(colours[colour])
            rects.draw(p)
        self._paint_bands(p, slot, axis)
        if labels.texts:
            p.setFont(self._label_font)
            p.setPen(style.SPAN_LABEL)
            y = (slot.height - self._label_height) / 2
            call_each(p.drawStaticText, labels.xs, repeat(y), labels.texts)
        self.stats.labels_drawn += len(labels.texts)

    def _paint_note(self, p: QPainter, slot: LaneSlot, axis: TimeAxis) -> None:
        """The track's note ("No music found") at the view's left, in a lane with no spans."""
        note = slot.lane.track.note
        if note:
            p.setFont(self._label_font)
            p.setPen(style.NOTE_TEXT)
            area = QRect(axis.offset_px + style.LABEL_PADDING * 2, 0, axis.width_px, slot.height)
            p.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, note)

    def _strip(self, layer: SpanLayer, frame: SpanFrame, x0: int, x1: int) -> _Strip:
        """What every span lane draws in content x [x0, x1), worked out once for all lanes of one paint."""
        strip = self._last_strip
        if strip is None or strip.layer is not layer or strip.frame is not frame or strip.columns != (x0, x1):
            table = self._span_table
            spans = np.bincount(table.lane[table.rows_in(x0 / layer.px_per_s, x1 / layer.px_per_s)],
                                minlength=len(table.lanes))
            batches, labels = layer.rect_batches_between(x0, x1), frame.labels_between(x0, x1)
            strip = self._last_strip = _Strip(layer, frame, (x0, x1), batches, labels, spans)
        return strip
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
                self._label_width_array(), style.LABEL_PADDING,
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
        return prepared_text(self._span_table.span(row).label, self._label_font)

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
        header = QRect(0, style.RULER_HEIGHT, style.HEADER_WIDTH, view.lanes_height)
        p.save()
        p.setClipRect(header, Qt.ClipOperation.IntersectClip)
        p.fillRect(header, palette.color(QPalette.ColorRole.Window))
        dark = palette.color(QPalette.ColorRole.Dark)
        titles = self._header_texts(p.font())
        tops = [style.RULER_HEIGHT + slot.top - view.v_offset for slot in self.slots]
        for slot, top, colour in zip(self.slots, tops, self._header_colours):
            p.fillRect(QRect(0, top + 2, 3, slot.height - 5), colour)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(dark)
        p.drawRects([QRect(0, top + slot.height - 1, style.HEADER_WIDTH, 1) for slot, top in zip(self.slots, tops)])
        p.setPen(palette.color(QPalette.ColorRole.WindowText))
        text_height = QFontMetrics(p.font()).height()
        for slot, top, title in zip(self.slots, tops, titles):
            p.drawStaticText(10, top + (slot.height - 1 - text_height) // 2, title)
        p.restore()
        p.fillRect(QRect(style.HEADER_WIDTH - 1, 0, 1, view.height), dark)

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
        metrics = QFontMetrics(self._ruler_font)
        with_hours = axis.duration_s >= 3600
        scale = choose_tick_scale(
            axis.px_per_s,
            axis.fps,
            frame_label_px=metrics.horizontalAdvance("00:00:00.00"),
            clock_label_px=metrics.horizontalAdvance("00:00:00" if with_hours else "00:00"),
        )
        left = max(0, area.left() - style.HEADER_WIDTH)
        right = min(axis.width_px, area.right() + 1 - style.HEADER_WIDTH)
        start_s, end_s = axis.time_at(left - 1), min(axis.time_at(right + 1), axis.duration_s)
        bottom = style.RULER_HEIGHT - 1
        p.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        if scale.minor_s:
            minors = np.round(np.array(tick_times(start_s, end_s, scale.minor_s)) * axis.px_per_s)
            draw_ticks(p, minors - axis.offset_px + style.HEADER_WIDTH + 0.5, bottom - 4, bottom)
        # A major tick's label is drawn right of it: one left of the area may reach into it.
        label_reach_s = (metrics.horizontalAdvance("00:00:00.00") + 8) / axis.px_per_s
        majors = tick_times(start_s - label_reach_s, end_s, scale.major_s)
        columns = (np.round(np.array(majors) * axis.px_per_s) - axis.offset_px + style.HEADER_WIDTH).tolist()
        p.setPen(palette.color(QPalette.ColorRole.WindowText).darker(115))
        draw_ticks(p, np.array(columns) + 0.5, bottom - 10, bottom)
        labels = [self._ruler_text(tick_label(t, scale, axis.fps, with_hours)) for t in majors]
        call_each(p.drawStaticText, [x + 4 for x in columns], repeat(3), labels)
        p.restore()

    def _ruler_text(self, label: str) -> QStaticText:
        text = self._ruler_texts.get(label)
        if text is None:
            if len(self._ruler_texts) > RULER_TEXT_CACHE:
                self._ruler_texts.clear()
            text = self._ruler_texts[label] = prepared_text(label, self._ruler_font)
        return text

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
        half = HANDLE_HALF_WIDTH
        handle_bottom = style.RULER_HEIGHT - 2
        p.drawPolygon(
            QPolygonF(
                [
                    QPointF(centre - half, 3),
                    QPointF(centre + half, 3),
                    QPointF(centre + half, handle_bottom - 6),
                    QPointF(centre, handle_bottom),
                    QPointF(centre - half, handle_bottom - 6),
                ]
            )
        )
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)


@dataclass(eq=False)
class _Strip:
    layer: SpanLayer
    frame: SpanFrame
    columns: tuple[int, int]              # content x [x0, x1)
    rect_batches: list[list[RectBatch]]   # per lane number
    labels: list[LaneLabels]              # per lane number
    spans: np.ndarray                     # per lane number: spans that may meet the strip


HANDLE_HALF_WIDTH = 5.5
RULER_TEXT_CACHE = 512


def prepared_text(text: str, font: QFont) -> QStaticText:
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
    static.prepare(font=font)
    return static


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

