"""Track data prepared for fast drawing and hit-testing, no Qt: sorted numpy arrays per lane."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..timeline import TimelineSpan, TimelineTrack, TrackKind

KEYED_SHADES = 4   # colour variants for tracks whose labels repeat (tags, sections, people)
DENSE = -1         # colour index of a merged run of spans too narrow to draw one by one
MIN_BODY_PX = 3    # a span narrower than this (in pixels) has no room for its 1 px gap


@dataclass(eq=False)
class SpanLane:
    track: TimelineTrack
    spans: tuple[TimelineSpan, ...]   # sorted by start
    starts: np.ndarray
    ends: np.ndarray
    reach: np.ndarray                 # running maximum of ends: monotonic even when spans overlap
    colours: np.ndarray               # colour index per span (0..KEYED_SHADES-1)

    @classmethod
    def from_track(cls, track: TimelineTrack) -> SpanLane:
        spans = tuple(sorted(track.spans, key=lambda span: (span.start_s, span.end_s)))
        starts = np.fromiter((s.start_s for s in spans), dtype=np.float64, count=len(spans))
        ends = np.fromiter((max(s.end_s, s.start_s) for s in spans), dtype=np.float64, count=len(spans))
        reach = np.maximum.accumulate(ends) if len(ends) else ends
        labels = [s.label for s in spans]
        if len(set(labels)) < len(labels):
            colours = np.fromiter((zlib.crc32(x.encode()) % KEYED_SHADES for x in labels), np.int64, len(labels))
        else:
            colours = np.arange(len(spans), dtype=np.int64) % 2
        return cls(track, spans, starts, ends, reach, colours)

    @property
    def end_s(self) -> float:
        return float(self.reach[-1]) if len(self.reach) else 0.0

    def visible_slice(self, start_s: float, end_s: float) -> tuple[int, int]:
        """Index range [i0, i1) of the spans that may intersect [start_s, end_s]."""
        i0 = int(np.searchsorted(self.reach, start_s, side="right"))
        i1 = int(np.searchsorted(self.starts, end_s, side="right"))
        return i0, max(i0, i1)

    def index_at(self, seconds: float, tolerance_s: float = 0.0) -> int | None:
        """The span drawn on top at seconds (the last one containing it), else the nearest within tolerance."""
        i0, i1 = self.visible_slice(seconds - tolerance_s, seconds + tolerance_s)
        best: int | None = None
        best_distance = tolerance_s
        for index in range(i1 - 1, i0 - 1, -1):
            start, end = self.starts[index], self.ends[index]
            if start <= seconds < end or (start == end == seconds):
                return index
            distance = start - seconds if seconds < start else seconds - end
            if distance <= best_distance:
                best, best_distance = index, distance
        return best


@dataclass(eq=False)
class GraphLane:
    track: TimelineTrack
    values: np.ndarray
    interval_s: float

    @classmethod
    def from_track(cls, track: TimelineTrack) -> GraphLane:
        values = np.clip(np.asarray(track.values, dtype=np.float64), 0.0, 1.0)
        return cls(track, values, track.interval_s if track.interval_s > 0 else 1.0)

    @property
    def end_s(self) -> float:
        return len(self.values) * self.interval_s

    def value_at(self, seconds: float) -> float | None:
        index = int(seconds // self.interval_s)
        if 0 <= index < len(self.values) and seconds >= 0:
            return float(self.values[index])
        return None

    def column_envelope(
        self, start_s: float, s_per_px: float, columns: int, first_column: int = 0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Min and max value per pixel column from start_s; NaN where a column has no data.

        With first_column, the envelope of columns [first_column, first_column + columns) of the same view.
        """
        edges = start_s + np.arange(first_column, first_column + columns, dtype=np.float64) * s_per_px
        first = np.floor(edges / self.interval_s).astype(np.int64)
        inside = (first >= 0) & (first < len(self.values))
        low = np.full(columns, np.nan)
        high = np.full(columns, np.nan)
        if not inside.any() or not len(self.values):
            return low, high
        bins = first[inside]
        # reduceat runs its last bin to the end of the array: cut the array at the view's end.
        end_s = start_s + (first_column + columns) * s_per_px
        limit = min(len(self.values), max(int(bins[-1]) + 1, int(np.ceil(end_s / self.interval_s))))
        visible = self.values[:limit]
        low[inside] = np.minimum.reduceat(visible, bins)
        high[inside] = np.maximum.reduceat(visible, bins)
        return low, high


Lane = SpanLane | GraphLane


def build_lanes(tracks: Sequence[TimelineTrack]) -> list[Lane]:
    return [GraphLane.from_track(t) if t.kind == TrackKind.GRAPH else SpanLane.from_track(t) for t in tracks]


@dataclass(eq=False)
class SpanTable:
    """Every span lane's arrays end to end, lane after lane: a row is one span, its lane number says whose.

    A zoom lays out all lanes in one numpy pass over this table instead of one small pass per lane.
    """

    lanes: list[SpanLane]
    edges_s: np.ndarray    # (2, rows): starts, then ends (one multiply gives a zoom's pixel edges)
    reach: np.ndarray      # running maximum of ends within each lane (SpanLane.reach)
    colours: np.ndarray
    lane: np.ndarray       # lane number (index into lanes) of each row
    new_lane: np.ndarray   # whether a row's lane is not the row before it's (the first row's is)
    first_row: np.ndarray  # row of each lane's first span, then the row count: len(lanes) + 1 entries
    end_s: float           # the latest end of any span, 0 if none

    @classmethod
    def from_lanes(cls, lanes: Sequence[SpanLane]) -> SpanTable:
        counts = [len(lane.spans) for lane in lanes]
        first_row = np.concatenate(([0], np.cumsum(counts, dtype=np.int64))).astype(np.int64)
        lane_numbers = np.repeat(np.arange(len(lanes), dtype=np.int64), counts)
        edges_s = np.stack((_joined([lane.starts for lane in lanes], np.float64),
                            _joined([lane.ends for lane in lanes], np.float64)))
        reach = _joined([lane.reach for lane in lanes], np.float64)
        return cls(
            list(lanes),
            edges_s,
            reach,
            _joined([lane.colours for lane in lanes], np.int64),
            lane_numbers,
            lane_changes(lane_numbers),
            first_row,
            float(reach.max()) if len(reach) else 0.0,
        )

    @property
    def starts(self) -> np.ndarray:
        return self.edges_s[0]

    @property
    def ends(self) -> np.ndarray:
        return self.edges_s[1]

    def __len__(self) -> int:
        return len(self.starts)

    def span(self, row: int) -> TimelineSpan:
        number = int(self.lane[row])
        return self.lanes[number].spans[row - int(self.first_row[number])]

    def rows_in(self, start_s: float, end_s: float) -> np.ndarray:
        """Rows of the spans that may intersect [start_s, end_s]: in each lane, SpanLane.visible_slice's range."""
        return np.flatnonzero((self.reach > start_s) & (self.starts <= end_s))


def _joined(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.empty(0, dtype)


@dataclass
class SpanGeometry:
    """Span bodies in content pixels (x = seconds * px_per_s): x0, width, colour index and lane number per rect,
    and the index of its (first) span among those laid out."""

    x0: np.ndarray
    width: np.ndarray
    colour: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    lane: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    row: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))


def lane_changes(lanes: np.ndarray) -> np.ndarray:
    """Per row, whether its lane differs from the previous row's (the first row's does)."""
    changes = np.empty(len(lanes), bool)
    changes[:1] = True
    np.not_equal(lanes[1:], lanes[:-1], out=changes[1:])
    return changes


def span_edges(edges_s: np.ndarray, px_per_s: float) -> np.ndarray:
    """The content pixel columns (x = seconds * px_per_s, rounded) of edges in seconds, in one int64 array."""
    return np.rint(edges_s * px_per_s).astype(np.int64)


def layout_spans(
    starts: np.ndarray,
    ends: np.ndarray,
    colours: np.ndarray,
    px_per_s: float,
    lanes: np.ndarray | None = None,
) -> SpanGeometry:
    """Whole-pixel rects, 1 px gap after each span; runs of too-narrow spans merge into one DENSE rect.

    lanes (default: all in lane 0) gives each span's lane number, spans sorted by start within a lane;
    a run never crosses lanes. The rects come in drawing order: by lane, then colour index, then x0
    (layout_edges gives them by lane, then x0).
    """
    left, right = span_edges(np.stack((starts, ends)), px_per_s)
    lanes = np.zeros(len(starts), np.int64) if lanes is None else lanes
    geometry = layout_edges(left, right, colours, lanes, lane_changes(lanes))
    order = np.lexsort((geometry.x0, geometry.colour, geometry.lane))
    return SpanGeometry(geometry.x0[order], geometry.width[order], geometry.colour[order], geometry.lane[order],
                        geometry.row[order])


def layout_edges(
    left: np.ndarray, right: np.ndarray, colours: np.ndarray, lanes: np.ndarray, new_lane: np.ndarray
) -> SpanGeometry:
    """layout_spans from span_edges, rects by lane then x0: each wide span, then each run of narrow ones, in order.

    A run breaks at a wide span, at a visible hole between neighbours and at a new lane (new_lane is
    lane_changes(lanes)): a rect starts at every wide span and at every narrow one after such a break, and
    takes in the narrow rows up to the next.
    """
    count = len(left)
    if not count:
        empty = np.empty(0, np.int64)
        return SpanGeometry(empty, empty, empty, empty, empty)
    wide = (right - left) >= MIN_BODY_PX
    first = new_lane.copy()
    first[1:] |= wide[1:] | wide[:-1] | (left[1:] > right[:-1])
    rows = np.flatnonzero(first)
    x0 = left[rows]
    # A wide span's body ends before its 1 px gap; a run covers its spans.
    x1 = np.maximum.reduceat(right - wide, rows)
    colour = colours[rows]
    colour[:-1][rows[1:] - rows[:-1] > 1] = DENSE   # a run of more than one span
    if rows[-1] < count - 1:
        colour[-1] = DENSE
    return SpanGeometry(x0, np.maximum(1, x1 - x0), colour, lanes[rows], rows)
