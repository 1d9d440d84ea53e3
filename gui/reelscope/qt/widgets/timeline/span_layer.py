"""Span lanes laid out for one zoom, so that scrolling and playback reuse the layout (docs/architecture.md).

A ``SpanLayer`` holds, for one zoom and a window of content pixels (x = seconds * px_per_s) around the
view, every span lane's body rects and the labels that fit their span at that zoom. All lanes are laid
out together, in one numpy pass over a ``SpanTable``: the cost of a zoom step grows with the number of
spans, hardly with the number of lanes. A ``SpanFrame`` is the part of a layer inside one view: the
labels to draw. Scrolling within the window builds a new frame; zooming a new layer.

Span bodies fill whole pixels and every row of a lane's body is the same, so a paint does not draw rects:
``body_colours`` gives each lane one row of pixel colours for the columns painted, and the painter
repeats it down the body. Where spans overlap, the rect drawn last in the order (lane, colour index, x0)
wins, as when the bodies were drawn rect by rect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ....domain.timeline_layout.lanes import DENSE, SpanTable, layout_spans

LABEL_OVERHANG_PX = 2
NO_SPAN = 0   # body colour of a column no span covers (span colours are opaque: their alpha is never 0)


@dataclass(eq=False)
class Labels:
    """Labels to draw, in lane order: content x of the text's left, span table row, lane number."""

    x: np.ndarray
    row: np.ndarray
    lane: np.ndarray

    def __len__(self) -> int:
        return len(self.x)

    def take(self, index: np.ndarray) -> Labels:
        return Labels(self.x[index], self.row[index], self.lane[index])


@dataclass(eq=False)
class SpanFrame:
    labels: Labels
    spans_visible: np.ndarray    # per lane number: spans that may intersect the view
    rects_visible: np.ndarray    # per lane number: rects that intersect the view
    label_left: np.ndarray       # content x where a label's ink may start...
    label_right: np.ndarray      # ...and end

    def labels_between(self, x0: int, x1: int) -> Labels:
        """The labels whose ink may meet content x in [x0, x1)."""
        return self.labels.take(np.flatnonzero((self.label_right > x0) & (self.label_left < x1)))


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
        window: tuple[int, int],
        colour_table: np.ndarray,
        label_widths: np.ndarray,
        label_padding: int,
    ) -> None:
        """colour_table[lane number, colour index - DENSE] is the 0xAARRGGBB of a body of that colour."""
        self.table = table
        self.px_per_s = px_per_s
        self.window = window
        self._padding = label_padding
        self._frame_key: tuple[int, int] | None = None
        self._frame: SpanFrame | None = None

        rows = table.rows_in(window[0] / px_per_s, window[1] / px_per_s)
        geometry = layout_spans(
            table.starts[rows], table.ends[rows], table.colours[rows], px_per_s, table.lane[rows], ordered=False
        )
        self._rect_x0 = geometry.x0
        self._rect_x1 = geometry.x0 + geometry.width
        self._rect_lane = geometry.lane
        self._rect_class = geometry.colour - DENSE   # 0 for DENSE, then the colour indices in drawing order
        self._classes = colour_table.shape[1]
        # Per lane: NO_SPAN, then its colour per class; flat, indexed by lane * (classes + 1) + 1 + class.
        self._colours = np.hstack([np.full((len(colour_table), 1), NO_SPAN, np.uint32), colour_table]).ravel()
        self._labels = self._label_candidates(rows, label_widths)

    def _label_candidates(self, rows: np.ndarray, label_widths: np.ndarray) -> _LabelCandidates:
        table = self.table
        left = np.rint(table.starts[rows] * self.px_per_s)
        limit = np.rint(table.ends[rows] * self.px_per_s) - 1  # the body ends before its 1 px gap
        successor = np.rint(table.next_starts(rows) * self.px_per_s) - 1  # an overlapping successor hides the rest
        limit = np.minimum(limit, successor)
        widths = label_widths[rows]
        fits = np.flatnonzero(limit - left - 2 * self._padding >= widths)
        return _LabelCandidates(rows[fits], table.lane[rows[fits]], left[fits], limit[fits], widths[fits])

    def labels_at_edges(self, left_edges: tuple[int, int], right_edges: tuple[int, int]) -> tuple[int, int]:
        """Content x up to which, and from which, labels may change when a view's edges move within these.

        A label whose span starts left of the view is held at the view's left edge, and may appear or go as
        its room there changes; one whose span crosses the view's right edge may appear or go there. The
        first is x where the left-edge labels end (left_edges[0] if none), the second x where the
        right-edge ones start (right_edges[1] if none).
        """
        candidates, reach = self._labels, self._padding + LABEL_OVERHANG_PX
        held = (candidates.left < left_edges[1]) & (candidates.limit > left_edges[0])
        left_end = left_edges[1] + reach + int(candidates.width[held].max()) if held.any() else left_edges[0]
        crossing = (candidates.left < right_edges[1]) & (candidates.limit > right_edges[0])
        right_start = int(candidates.left[crossing].min()) - LABEL_OVERHANG_PX if crossing.any() else right_edges[1]
        return left_end, right_start

    def covers(self, px_per_s: float, view_x0: int, view_x1: int) -> bool:
        return px_per_s == self.px_per_s and self.window[0] <= view_x0 and view_x1 <= self.window[1]

    # --- per paint ----------------------------------------------------------------------------------

    def body_colours(self, x0: int, x1: int) -> np.ndarray:
        """(lanes, x1 - x0) uint32: the body colour in each content column [x0, x1) of each lane, else NO_SPAN.

        Where rects overlap, the one drawn last in the order (lane, colour index, x0) wins; within a lane
        that is the highest colour index covering the column, so no sort is needed.
        """
        lane_count, width = len(self.table.lanes), x1 - x0
        hit = self._rects_between(x0, x1)
        left = (np.maximum(self._rect_x0[hit], x0) - x0).astype(np.int32)
        widths = (np.minimum(self._rect_x1[hit], x1) - x0).astype(np.int32) - left
        firsts = np.cumsum(widths, dtype=np.int32) - widths
        # One entry per column a rect covers: the column in the flat (lanes, width) array, and the rect's class.
        starts = (self._rect_lane[hit] * width).astype(np.int32) + left - firsts
        columns = np.arange(int(widths.sum()), dtype=np.int32) + np.repeat(starts, widths)
        on_top = np.zeros(lane_count * width, np.int32)   # 0: no rect; else 1 + the top rect's class
        np.maximum.at(on_top, columns, np.repeat((self._rect_class[hit] + 1).astype(np.int32), widths))
        lane_first = (np.arange(lane_count, dtype=np.int32) * (self._classes + 1))[:, None]
        return self._colours.take(on_top.reshape(lane_count, width) + lane_first)

    def rects_between(self, x0: int, x1: int) -> np.ndarray:
        """Per lane number, the rects that meet content x in [x0, x1)."""
        return np.bincount(self._rect_lane[self._rects_between(x0, x1)], minlength=len(self.table.lanes))

    def _rects_between(self, x0: int, x1: int) -> np.ndarray:
        return np.flatnonzero((self._rect_x1 > x0) & (self._rect_x0 < x1))

    def frame(self, view_x0: int, view_x1: int) -> SpanFrame:
        """The labels and counts for one view."""
        if self._frame is None or self._frame_key != (view_x0, view_x1):
            self._frame = self._build_frame(view_x0, view_x1)
            self._frame_key = (view_x0, view_x1)
        return self._frame

    def _build_frame(self, view_x0: int, view_x1: int) -> SpanFrame:
        lane_count = len(self.table.lanes)
        span_rows = self.table.rows_in(view_x0 / self.px_per_s, view_x1 / self.px_per_s)
        spans_visible = np.bincount(self.table.lane[span_rows], minlength=lane_count)
        rects_visible = self.rects_between(view_x0, view_x1)
        candidates = self._labels
        left = np.maximum(candidates.left, view_x0)
        room = np.minimum(candidates.limit, view_x1) - left - 2 * self._padding
        # The labels with room inside the view; they stick to the view's left edge.
        shown = np.flatnonzero(room >= candidates.width)
        x = left[shown] + self._padding
        labels = Labels(x, candidates.rows[shown], candidates.lane[shown])
        # Glyphs may overhang their advance width by a pixel or two.
        ink_left, ink_right = x - LABEL_OVERHANG_PX, x + candidates.width[shown] + LABEL_OVERHANG_PX
        return SpanFrame(labels, spans_visible, rects_visible, ink_left, ink_right)
