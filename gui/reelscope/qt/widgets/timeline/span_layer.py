"""Span lanes laid out for one zoom, so that scrolling and playback reuse the layout (docs/architecture.md).

A ``SpanLayer`` holds, for one zoom and a window of content pixels (x = seconds * px_per_s) around the
view, every span lane's body rects and the labels that fit their span at that zoom. All lanes are laid
out together, in one numpy pass over a ``SpanTable``: the cost of a zoom step grows with the number of
spans, hardly with the number of lanes. A ``SpanFrame`` is the part of a layer inside one view: the
labels to draw. Scrolling within the window builds a new frame; zooming a new layer.

Span bodies fill whole pixels and every row of a lane's body is the same, so a paint does not draw rects:
``body_colours`` gives each lane one row of pixel colours for the columns painted, and the painter
repeats it down the body. Where spans overlap, the rect drawn last in the order (lane, colour index, x0)
wins, as when the bodies were drawn rect by rect; where none does (most tracks), a row is the runs of
background and rect colour one after another.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ....domain.timeline_layout.lanes import DENSE, SpanGeometry, SpanTable, lane_changes, layout_edges, span_edges

LABEL_OVERHANG_PX = 2


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

        if window[0] <= 0 and window[1] >= table.end_s * px_per_s:
            rows, table_rows = slice(None), None   # all of it (zoomed out): views, not copies
            new_lane = table.new_lane
        else:
            rows = table_rows = table.rows_in(window[0] / px_per_s, window[1] / px_per_s)
            new_lane = lane_changes(table.lane[rows])
        left, right = span_edges(table.edges_s[:, rows], px_per_s)
        geometry = layout_edges(left, right, table.colours[rows], table.lane[rows], new_lane)
        self._rect_x0 = geometry.x0
        self._rect_x1 = geometry.x0 + geometry.width
        self._rect_lane = geometry.lane
        self._rect_class = geometry.colour - DENSE   # 0 for DENSE, then the colour indices in drawing order
        self._rect_colour = colour_table[geometry.lane, self._rect_class]
        self._colour_table = colour_table
        # Per rect but the last: whether the next one is in its lane.
        same_lane = geometry.lane[1:] == geometry.lane[:-1]
        self._over = _overlapping(self._rect_x0, self._rect_x1, geometry.lane, same_lane)
        self._any_over = bool(self._over.any())
        self._labels = self._label_candidates(geometry, same_lane, label_widths[rows], table_rows)

    def _label_candidates(
        self, geometry: SpanGeometry, same_lane: np.ndarray, widths: np.ndarray, table_rows: np.ndarray | None
    ) -> _LabelCandidates:
        """widths are the labels' of the layer's spans; table_rows their rows in the table (None: the same).

        Only a rect of one span holds a label: the spans of a merged run have no room for one. The label's
        room ends with the body (a wide span's ends before its 1 px gap; a narrow one's has no room for a
        label at all), or before the next rect of its lane begins. The span after a lane's last one in the
        window starts past the window, where no frame reaches.
        """
        x0, x1 = self._rect_x0, self._rect_x1
        limit = x1.copy()
        np.minimum(x1[:-1], np.where(same_lane, x0[1:] - 1, x1[:-1]), out=limit[:-1])
        width = widths[geometry.row]
        fits = np.flatnonzero((limit - x0 - 2 * self._padding >= width) & (geometry.colour != DENSE))
        rows = geometry.row[fits]
        return _LabelCandidates(rows if table_rows is None else table_rows[rows], geometry.lane[fits], x0[fits],
                                limit[fits], width[fits])

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

    def body_colours(self, x0: int, x1: int, lanes: np.ndarray, backgrounds: np.ndarray) -> np.ndarray:
        """(len(lanes), x1 - x0) uint32: the body colour in each content column [x0, x1) of these lanes.

        lanes are lane numbers in increasing order; where no span is, a lane's row is backgrounds[its index].
        """
        width = x1 - x0
        hit = (self._rect_x1 > x0) & (self._rect_x0 < x1)
        out_row = None   # body_colours's row of each lane number, when not all lanes are painted
        if len(lanes) < len(self.table.lanes):
            out_row = np.full(len(self.table.lanes), -1, np.int64)
            out_row[lanes] = np.arange(len(lanes))
            hit &= out_row[self._rect_lane] >= 0
        side_by_side = np.flatnonzero(hit & ~self._over if self._any_over else hit)
        rows, left, right = self._flat_extents(side_by_side, out_row, x0, width)
        if not self._any_over:
            return _runs(left, right, rows, self._rect_colour[side_by_side], backgrounds, width)
        # Some rects overlap others: paint classes (0 for background, else 1 + the class), the highest wins.
        on_top = _runs(left, right, rows, (self._rect_class[side_by_side] + 1).astype(np.uint32),
                       np.zeros(len(lanes), np.uint32), width).ravel()
        over = np.flatnonzero(hit & self._over)
        _, left, right = self._flat_extents(over, out_row, x0, width)
        widths = right - left
        columns = np.arange(int(widths.sum())) + np.repeat(left - (np.cumsum(widths) - widths), widths)
        np.maximum.at(on_top, columns, np.repeat((self._rect_class[over] + 1).astype(np.uint32), widths))
        # Per lane: its background, then its colour per class; indexed by row * (classes + 1) + on_top.
        colours = np.hstack([backgrounds[:, None].astype(np.uint32), self._colour_table[lanes]])
        row_first = (np.arange(len(lanes)) * colours.shape[1])[:, None]
        return colours.ravel().take(on_top.reshape(len(lanes), width) + row_first)

    def _flat_extents(
        self, rects: np.ndarray, out_row: np.ndarray | None, x0: int, width: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows of these rects among body_colours's, and their [left, right) in its flat array."""
        lane = self._rect_lane[rects]
        rows = lane if out_row is None else out_row[lane]
        row_start = rows * width - x0
        left = row_start + np.maximum(self._rect_x0[rects], x0)
        right = row_start + np.minimum(self._rect_x1[rects], x0 + width)
        return rows, left, right

    def spans_between(self, x0: int, x1: int) -> np.ndarray:
        """Per lane number, the spans that may meet content x in [x0, x1)."""
        table = self.table
        rows = table.rows_in(x0 / self.px_per_s, x1 / self.px_per_s)
        return np.bincount(table.lane[rows], minlength=len(table.lanes))

    def rects_between(self, x0: int, x1: int) -> np.ndarray:
        """Per lane number, the rects that meet content x in [x0, x1)."""
        return np.bincount(self._rect_lane[self._rects_between(x0, x1)], minlength=len(self.table.lanes))

    def _rects_between(self, x0: int, x1: int) -> np.ndarray:
        return np.flatnonzero((self._rect_x1 > x0) & (self._rect_x0 < x1))

    def frame(self, view_x0: int, view_x1: int) -> SpanFrame:
        """The labels for one view."""
        if self._frame is None or self._frame_key != (view_x0, view_x1):
            self._frame = self._build_frame(view_x0, view_x1)
            self._frame_key = (view_x0, view_x1)
        return self._frame

    def _build_frame(self, view_x0: int, view_x1: int) -> SpanFrame:
        candidates = self._labels
        left = np.maximum(candidates.left, view_x0)
        room = np.minimum(candidates.limit, view_x1) - left - 2 * self._padding
        # The labels with room inside the view; they stick to the view's left edge.
        shown = np.flatnonzero(room >= candidates.width)
        x = left[shown] + self._padding
        labels = Labels(x, candidates.rows[shown], candidates.lane[shown])
        # Glyphs may overhang their advance width by a pixel or two.
        ink_left, ink_right = x - LABEL_OVERHANG_PX, x + candidates.width[shown] + LABEL_OVERHANG_PX
        return SpanFrame(labels, ink_left, ink_right)


def _overlapping(x0: np.ndarray, x1: np.ndarray, lane: np.ndarray, same_lane: np.ndarray) -> np.ndarray:
    """Per rect (by lane, then x0): whether it starts before an earlier rect of its lane ends.

    same_lane says, per rect but the last, whether the next one is in its lane. The others are side by side:
    none of them overlaps another.
    """
    if not len(x0):
        return np.zeros(0, bool)
    # If a rect overlaps any earlier one, the first rect after that one overlaps it too: pairs tell whether any do.
    if not np.any((x0[1:] < x1[:-1]) & same_lane):
        return np.zeros(len(x0), bool)
    span = int(x1.max()) - int(x0.min()) + 1   # lifts each lane above the one before it
    reach = np.maximum.accumulate(x1 + lane * span)
    return np.concatenate(([False], x0[1:] + lane[1:] * span < reach[:-1]))


def _runs(left: np.ndarray, right: np.ndarray, rows: np.ndarray, values: np.ndarray, gaps: np.ndarray,
          width: int) -> np.ndarray:
    """(len(gaps), width): row r is gaps[r] but in the side-by-side rects, flat [left, right) in row rows[i], values[i].

    The rows come in order. An empty rect at each row's start keeps every run of gap within one row, that of
    the rect before it.
    """
    if not len(gaps):
        return np.zeros((0, width), values.dtype)
    row_numbers = np.arange(len(gaps))
    empty = np.searchsorted(rows, row_numbers) + row_numbers   # where the empty rects go among the others
    count = len(left) + len(gaps)
    others = np.ones(count, bool)
    others[empty] = False

    def with_empty(values_of_others: np.ndarray, values_of_empty: np.ndarray | int) -> np.ndarray:
        joined = np.empty(count, values_of_others.dtype)
        joined[others] = values_of_others
        joined[empty] = values_of_empty
        return joined

    left = with_empty(left, row_numbers * width)
    right = with_empty(right, row_numbers * width)
    lengths = np.empty(2 * count + 1, np.int64)   # a gap, then a rect, ..., the last gap
    lengths[0] = 0
    lengths[1:-1:2] = right - left
    lengths[2:-1:2] = left[1:] - right[:-1]
    lengths[-1] = len(gaps) * width - right[-1]
    runs = np.empty(len(lengths), values.dtype)
    runs[0] = 0
    runs[1:-1:2] = with_empty(values, 0)
    runs[2::2] = gaps[with_empty(rows, row_numbers)]
    return np.repeat(runs, lengths).reshape(len(gaps), width)
