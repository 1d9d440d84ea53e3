"""What one span lane draws, prepared once per zoom and reused while only the playhead moves.

A ``SpanLayer`` holds, for one zoom and a window of content pixels (x = seconds * px_per_s) around the
view, the span rects grouped by colour and the labels that fit their span at that zoom. A ``SpanFrame``
is the part of it inside one view: rect list slices and (x, text) pairs, ready for ``drawRects`` and
``drawStaticText``. Scrolling within the window builds a new frame; zooming builds a new layer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat

import numpy as np
from PySide6.QtCore import QRect
from PySide6.QtGui import QStaticText

from .model import SpanLane, layout_spans


@dataclass(eq=False)
class SpanFrame:
    rect_batches: list[tuple[int, list[QRect]]]   # (colour index, rects)
    labels: list[tuple[float, QStaticText]]       # (content x, text)
    spans_visible: int
    rect_count: int


@dataclass(eq=False)
class _RectBatch:
    colour: int
    rects: list[QRect]
    x0: np.ndarray
    reach: np.ndarray   # running max of right edges: monotonic for searchsorted


class SpanLayer:
    def __init__(
        self,
        lane: SpanLane,
        px_per_s: float,
        body_top: int,
        body_height: int,
        window: tuple[int, int],
        label_widths: np.ndarray,
        label_padding: int,
        recycled: list[QRect],
    ) -> None:
        self.lane = lane
        self.px_per_s = px_per_s
        self.body_height = body_height
        self.window = window
        self._padding = label_padding
        self._frame_key: tuple[int, int] | None = None
        self._frame: SpanFrame | None = None

        i0, i1 = lane.visible_slice(window[0] / px_per_s, window[1] / px_per_s)
        geometry = layout_spans(lane.starts[i0:i1], lane.ends[i0:i1], lane.colours[i0:i1], px_per_s)
        order = np.lexsort((geometry.x0, geometry.colour))  # grouped by colour, left to right within
        colour, x0, width = geometry.colour[order], geometry.x0[order], geometry.width[order]
        # QRect.setRect on recycled rects is ~3x cheaper than constructing (and later freeing) new ones.
        count = len(order)
        rects = recycled[:count] + [QRect() for _ in range(count - len(recycled))]
        deque(map(QRect.setRect, rects, x0.tolist(), repeat(body_top), width.tolist(), repeat(body_height)), 0)
        self.rect_pool = rects + recycled[count:]
        bounds = [0, *(np.flatnonzero(np.diff(colour)) + 1).tolist(), count]
        self._batches = [
            _RectBatch(int(colour[a]), rects[a:b], x0[a:b], np.maximum.accumulate(x0[a:b] + width[a:b]))
            for a, b in zip(bounds, bounds[1:])
            if b > a
        ]

        # Labels that fit their span at this zoom (scrolling can only take room away).
        left = np.rint(lane.starts[i0:i1] * px_per_s)
        limit = np.rint(lane.ends[i0:i1] * px_per_s) - 1  # the body ends before its 1 px gap
        successors = np.full(i1 - i0, np.inf)  # an overlapping successor hides the rest of a span
        following = lane.starts[i0 + 1 : i1 + 1]
        successors[: len(following)] = np.rint(following * px_per_s) - 1
        limit = np.minimum(limit, successors)
        widths = label_widths[i0:i1]
        fits = np.flatnonzero(limit - left - 2 * label_padding >= widths)
        self._label_index = fits + i0
        self._label_left = left[fits]
        self._label_limit = limit[fits]
        self._label_reach = np.maximum.accumulate(self._label_limit) if len(fits) else self._label_limit
        self._label_width = widths[fits]

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
        """The draw lists for one view; texts caches each span's label (made by make_text on first use)."""
        if self._frame is None or self._frame_key != (view_x0, view_x1):
            self._frame = self._build_frame(view_x0, view_x1, texts, make_text)
            self._frame_key = (view_x0, view_x1)
        return self._frame

    def _build_frame(
        self, view_x0: int, view_x1: int, texts: list[QStaticText | None], make_text: Callable[[int], QStaticText]
    ) -> SpanFrame:
        batches = []
        rect_count = 0
        for batch in self._batches:
            j0 = int(np.searchsorted(batch.reach, view_x0, side="right"))
            j1 = int(np.searchsorted(batch.x0, view_x1, side="left"))
            if j1 > j0:
                batches.append((batch.colour, batch.rects[j0:j1]))
                rect_count += j1 - j0
        labels: list[tuple[float, QStaticText]] = []
        j0 = int(np.searchsorted(self._label_reach, view_x0, side="right"))
        j1 = int(np.searchsorted(self._label_left, view_x1, side="left"))
        if j1 > j0:
            left = np.maximum(self._label_left[j0:j1], view_x0)  # labels stick to the view's left edge
            room = np.minimum(self._label_limit[j0:j1], view_x1) - left - 2 * self._padding
            shown = np.flatnonzero(room >= self._label_width[j0:j1])
            xs = (left[shown] + self._padding).tolist()
            indices = self._label_index[j0:j1][shown].tolist()
            for index in indices:
                if texts[index] is None:
                    texts[index] = make_text(index)
            labels = list(zip(xs, map(texts.__getitem__, indices)))
        i0, i1 = self.lane.visible_slice(view_x0 / self.px_per_s, view_x1 / self.px_per_s)
        return SpanFrame(batches, labels, i1 - i0, rect_count)
