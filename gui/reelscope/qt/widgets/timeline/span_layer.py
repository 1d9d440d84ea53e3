"""What the span lanes draw, prepared once per zoom and reused while only the playhead moves.

A ``SpanLayer`` holds, for one zoom and a window of content pixels (x = seconds * px_per_s) around the
view, every span lane's rects grouped by colour and the labels that fit their span at that zoom. All
lanes are laid out together, in one numpy pass over a ``SpanTable``: the cost of a zoom step grows with
the number of spans, hardly with the number of lanes. A ``SpanFrame`` is the part of a layer inside one
view: the labels to draw, per lane. Scrolling within the window builds a new frame; zooming a new layer.
A repaint of a narrow strip (the playhead's, during playback) draws only the rects and labels that meet it.

Rects are not cut to the view: a layer's rects stay within its window (at most a view's width either
side), and drawing the few outside the view costs less than slicing the lists again on each scroll.
They live in one numpy array laid out as QRects (x1, y1, x2, y2 as int32), which QPainter.drawRects
reads directly: no QRect object is made per rect.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRect
from PySide6.QtGui import QPainter, QStaticText
from shiboken6 import Shiboken

from ....domain.timeline_layout.lanes import SpanTable, layout_spans

LABEL_OVERHANG_PX = 2


@dataclass(eq=False)
class RectRun:
    """count rects, consecutive in a QRect-shaped numpy array: one QPainter.drawRects call."""

    memory: np.ndarray   # (n, 4) int32 x1, y1, x2, y2; kept here while first points into it
    first: QRect         # a view of the run's first rect, not a copy
    count: int

    def draw(self, painter: QPainter) -> None:
        painter.drawRects(self.first, self.count)


RectBatch = tuple[int, RectRun]   # (colour index, rects)


def rect_memory(x0: np.ndarray, width: np.ndarray, top: int, height: int) -> np.ndarray:
    """Rects as QRect lays them out in memory."""
    rects = np.empty((len(x0), 4), dtype=np.int32)
    rects[:, 0] = x0
    rects[:, 1] = top
    rects[:, 2] = x0 + width - 1
    rects[:, 3] = top + height - 1
    return rects


def rect_run(memory: np.ndarray, first: int, end: int) -> RectRun:
    address = memory.__array_interface__["data"][0] + first * memory.strides[0]
    return RectRun(memory, Shiboken.wrapInstance(address, QRect), end - first)


def call_each(function: Callable[..., object], *arguments: Iterable[object]) -> None:
    """function(*args) for each zip of arguments, without a Python loop body: for thousands of Qt calls."""
    deque(map(function, *arguments), maxlen=0)


@dataclass(eq=False)
class LaneLabels:
    xs: list[float]            # content x of each text
    texts: list[QStaticText]


@dataclass(eq=False)
class SpanFrame:
    labels: list[LaneLabels]     # per lane number
    spans_visible: np.ndarray    # per lane number: spans that may intersect the view
    rects_visible: np.ndarray    # per lane number: rects that intersect the view
    label_xs: list[float]        # every label of the view, in lane order
    label_texts: list[QStaticText]
    label_lane: np.ndarray
    label_left: np.ndarray       # content x where the label's ink may start...
    label_right: np.ndarray      # ...and end

    def labels_between(self, x0: int, x1: int) -> list[LaneLabels]:
        """Per lane number, the labels whose ink may meet content x in [x0, x1)."""
        hit = np.flatnonzero((self.label_right > x0) & (self.label_left < x1)).tolist()
        xs = list(map(self.label_xs.__getitem__, hit))
        texts = list(map(self.label_texts.__getitem__, hit))
        return _split_by_lane(xs, texts, self.label_lane[hit], len(self.labels))


@dataclass(eq=False)
class _LabelCandidates:
    """Spans whose label fits at this zoom (scrolling can only take room away), in table order."""

    rows: np.ndarray
    lane: np.ndarray
    left: np.ndarray    # content x of the span's left edge
    limit: np.ndarray   # content x where the label's room ends
    width: np.ndarray   # label width in pixels


class SpanLayer:
    def __init__(
        self,
        table: SpanTable,
        px_per_s: float,
        body_top: int,
        body_height: int,
        window: tuple[int, int],
        label_widths: np.ndarray,
        label_padding: int,
    ) -> None:
        self.table = table
        self.px_per_s = px_per_s
        self.body_height = body_height
        self.window = window
        self._padding = label_padding
        self._frame_key: tuple[int, int] | None = None
        self._frame: SpanFrame | None = None

        rows = table.rows_in(window[0] / px_per_s, window[1] / px_per_s)
        self._lay_out_rects(rows, body_top)
        self._labels = self._label_candidates(rows, label_widths)

    # --- built once per zoom ------------------------------------------------------------------------

    def _lay_out_rects(self, rows: np.ndarray, body_top: int) -> None:
        """Sets rect_batches (per lane number, in drawing order) and the rect extents."""
        table = self.table
        geometry = layout_spans(
            table.starts[rows], table.ends[rows], table.colours[rows], self.px_per_s, table.lane[rows]
        )
        self._rects = rect_memory(geometry.x0, geometry.width, body_top, self.body_height)
        self._rect_x0 = geometry.x0
        self._rect_x1 = geometry.x0 + geometry.width
        self._rect_lane = geometry.lane
        self._rect_colour = geometry.colour
        self.rect_batches = self._group_rects(self._rects, geometry.lane, geometry.colour)

    def _group_rects(self, rects: np.ndarray, lanes: np.ndarray, colours: np.ndarray) -> list[list[RectBatch]]:
        """Cuts the rects (sorted by lane, then colour) into one batch per lane and colour."""
        batches: list[list[RectBatch]] = [[] for _ in self.table.lanes]
        changes = np.flatnonzero((np.diff(lanes) != 0) | (np.diff(colours) != 0)) + 1
        bounds = [0, *changes.tolist(), len(rects)]
        firsts = bounds[:-1] if len(rects) else []
        for first, end, lane, colour in zip(firsts, bounds[1:], lanes[firsts].tolist(), colours[firsts].tolist()):
            batches[lane].append((colour, rect_run(rects, first, end)))
        return batches

    def _label_candidates(self, rows: np.ndarray, label_widths: np.ndarray) -> _LabelCandidates:
        table = self.table
        left = np.rint(table.starts[rows] * self.px_per_s)
        limit = np.rint(table.ends[rows] * self.px_per_s) - 1  # the body ends before its 1 px gap
        successor = np.rint(table.next_starts(rows) * self.px_per_s) - 1  # an overlapping successor hides the rest
        limit = np.minimum(limit, successor)
        widths = label_widths[rows]
        fits = np.flatnonzero(limit - left - 2 * self._padding >= widths)
        return _LabelCandidates(rows[fits], table.lane[rows[fits]], left[fits], limit[fits], widths[fits])

    def rect_batches_between(self, x0: int, x1: int) -> list[list[RectBatch]]:
        """rect_batches cut to the rects that meet content x in [x0, x1)."""
        hit = np.flatnonzero((self._rect_x1 > x0) & (self._rect_x0 < x1))
        return self._group_rects(self._rects[hit], self._rect_lane[hit], self._rect_colour[hit])

    # --- per view -----------------------------------------------------------------------------------

    def covers(self, px_per_s: float, body_height: int, view_x0: int, view_x1: int) -> bool:
        return (
            px_per_s == self.px_per_s
            and body_height == self.body_height
            and self.window[0] <= view_x0
            and view_x1 <= self.window[1]
        )

    def frame(
        self, view_x0: int, view_x1: int, texts: list[QStaticText | None], make_text: Callable[[int], QStaticText]
    ) -> SpanFrame:
        """The labels and counts for one view; texts caches each row's label (made by make_text on first use)."""
        if self._frame is None or self._frame_key != (view_x0, view_x1):
            self._frame = self._build_frame(view_x0, view_x1, texts, make_text)
            self._frame_key = (view_x0, view_x1)
        return self._frame

    def _build_frame(
        self, view_x0: int, view_x1: int, texts: list[QStaticText | None], make_text: Callable[[int], QStaticText]
    ) -> SpanFrame:
        lane_count = len(self.table.lanes)
        span_rows = self.table.rows_in(view_x0 / self.px_per_s, view_x1 / self.px_per_s)
        spans_visible = np.bincount(self.table.lane[span_rows], minlength=lane_count)
        rect_in_view = (self._rect_x1 > view_x0) & (self._rect_x0 < view_x1)
        rects_visible = np.bincount(self._rect_lane[rect_in_view], minlength=lane_count)
        candidates = self._labels
        left = np.maximum(candidates.left, view_x0)
        room = np.minimum(candidates.limit, view_x1) - left - 2 * self._padding
        # The labels with room inside the view; they stick to the view's left edge.
        shown = np.flatnonzero(room >= candidates.width)
        x = left[shown] + self._padding
        rows = candidates.rows[shown].tolist()
        for row in rows:
            if texts[row] is None:
                texts[row] = make_text(row)
        xs, shown_texts, shown_lanes = x.tolist(), list(map(texts.__getitem__, rows)), candidates.lane[shown]
        labels = _split_by_lane(xs, shown_texts, shown_lanes, lane_count)
        # Glyphs may overhang their advance width by a pixel or two.
        ink_left, ink_right = x - LABEL_OVERHANG_PX, x + candidates.width[shown] + LABEL_OVERHANG_PX
        return SpanFrame(labels, spans_visible, rects_visible, xs, shown_texts, shown_lanes, ink_left, ink_right)


def _split_by_lane(xs: list[float], texts: list[QStaticText], lanes: np.ndarray, lane_count: int) -> list[LaneLabels]:
    """Labels sorted by lane number, cut into one LaneLabels per lane number."""
    bounds = np.searchsorted(lanes, np.arange(lane_count + 1)).tolist()
    return [LaneLabels(xs[first:end], texts[first:end]) for first, end in zip(bounds, bounds[1:])]
