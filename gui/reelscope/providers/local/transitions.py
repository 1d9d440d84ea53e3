"""Gradual transitions: fades and dissolves, found as a run of frames that blend one picture into another.

Over a window of L frames with no cut in it, a dissolve from picture A to picture B shows
mid-window frames that are the average of its ends, and a quarter in, three quarters A. So a
window is evidence of a transition when its ends differ a lot (like a cut would), no single
step carries that difference (that would be a cut amid motion), and its middle and quarter
frames are close to those blends; a pan or a zoom fails the blend test because the average of
two views is a double exposure, not the view between them; a change of exposure or light blends
too, but its ends are the same picture (their luma correlates). Overlapping evidence that still
blends as one run is merged; the start and end are then placed where the frames' blend weight
(their projection on B - A) leaves 0 and reaches 1. A fade is a dissolve to or from near-black.

Windows are checked at several lengths (WINDOW_SECONDS), on coarse pictures kept for a few
seconds only, so memory stays flat however long the clip.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from .frame_change import Signature

WINDOW_SECONDS = (0.3, 0.6, 1.2, 2.0)
MIN_ENDS_CHANGE = 0.04          # the ends of a transition differ at least this much (0..1)
ENDS_OVER_NOISE = 4.0           # and this many times the usual frame-to-frame change before it
MAX_STEP_SHARE = 0.5            # no single step carries more than this share of it
MAX_BLEND_ERROR = 0.2           # middle and quarter frames within this share of it from the blend
BLACK_LEVEL = 0.12              # mean luma (0..1, black is 0.063 in video range) of a near-black picture
BLEND_EDGE = 0.06               # blend weight under which a frame still shows A (over 1 - it, B)
SAME_PICTURE = 0.9              # luma correlation of the ends above which it is one picture relit


@dataclass(frozen=True)
class FoundTransition:
    kind: str          # "fade" | "dissolve"
    first_frame: int   # the last frame that still shows only the outgoing picture
    last_frame: int    # the first frame that shows only the incoming picture


@dataclass
class _Frame:
    index: int
    vector: np.ndarray
    luma_cells: int
    mean_luma: float
    step: float        # its change from the frame before
    usual_step: float  # the usual step over the second before it


@dataclass
class _Span:
    first: int
    last: int
    stale_after: int


class TransitionFinder:
    """Feed it every frame in order, with whether a cut starts it; collect transitions as they end."""

    def __init__(self, fps: float) -> None:
        self.lengths = sorted({max(4, 2 * round(seconds * fps / 2)) for seconds in WINDOW_SECONDS})
        self.longest = self.lengths[-1]
        self.noise_frames = max(8, round(fps))
        self._frames: deque[_Frame] = deque(maxlen=4 * self.longest + self.noise_frames)
        self._steps: deque[float] = deque(maxlen=self.noise_frames)
        self._last_cut = -1
        self._span: _Span | None = None
        self.found: list[FoundTransition] = []

    def push(self, index: int, signature: Signature, step: float, is_cut: bool) -> None:
        usual_step = _upper_quartile(self._steps)
        frame = _Frame(index, signature.coarse, signature.coarse_luma_cells, signature.mean_luma, step, usual_step)
        self._frames.append(frame)
        if is_cut:  # the usual step is the new shot's own, from here on
            self._last_cut = index
            self._steps.clear()
        else:
            self._steps.append(step)
        for length, ends in self._ends_changes():
            if self._is_blend_window(length, ends):
                self._add_evidence(index - length, index)
        if self._span is not None and index > self._span.stale_after:
            self._close_span()

    def finish(self) -> list[FoundTransition]:
        if self._span is not None:
            self._close_span()
        return self.found

    def _at(self, index: int) -> _Frame | None:
        if not self._frames:
            return None
        position = index - self._frames[0].index
        return self._frames[position] if 0 <= position < len(self._frames) else None

    def _ends_changes(self) -> list[tuple[int, float]]:
        """(length, change between the window's ends) of each window length the frames held cover."""
        count, end = len(self._frames), self._frames[-1].index
        lengths = [length for length in self.lengths if length < count and self._last_cut <= end - length]
        if not lengths:
            return []
        starts = np.stack([self._frames[count - 1 - length].vector for length in lengths])
        changes = np.abs(starts - self._frames[-1].vector).mean(axis=1) / 255.0
        return [(length, float(change)) for length, change in zip(lengths, changes) if change >= MIN_ENDS_CHANGE]

    def _is_blend_window(self, length: int, ends: float) -> bool:
        end = self._frames[-1]
        start = self._at(end.index - length)
        if start is None or ends < ENDS_OVER_NOISE * start.usual_step:
            return False
        first = len(self._frames) - length
        if max(self._frames[i].step for i in range(first, len(self._frames))) > MAX_STEP_SHARE * ends:
            return False
        return _blends(start, end, [self._at(start.index + length * k // 4) for k in (1, 2, 3)], ends)

    def _add_evidence(self, first: int, last: int) -> None:
        span = self._span
        if span is not None and first <= span.last:
            start, end = self._at(span.first), self._at(last)
            middle = [self._at(span.first + (last - span.first) * k // 4) for k in (1, 2, 3)]
            if start is not None and end is not None and _blends(start, end, middle, None):
                span.first, span.last = min(span.first, first), max(span.last, last)
                span.stale_after = last + self.longest
                return
        if span is not None:
            self._close_span()
        self._span = _Span(first, last, last + self.longest)

    def _close_span(self) -> None:
        span, self._span = self._span, None
        assert span is not None
        frames = [f for f in (self._at(i) for i in range(span.first, span.last + 1)) if f is not None]
        placed = _placed(frames) if len(frames) == span.last - span.first + 1 else None
        if placed is None:
            return
        first, last = placed
        kind = "fade" if min(f.mean_luma for f in frames) < BLACK_LEVEL else "dissolve"
        previous = self.found[-1] if self.found else None
        if previous is not None and first < previous.last_frame:  # one transition, seen in two runs
            first, kind = min(first, previous.first_frame), previous.kind
            self.found.pop()
        self.found.append(FoundTransition(kind, first, last))


def _placed(frames: list[_Frame]) -> tuple[int, int] | None:
    """(last frame of the outgoing picture, first of the incoming) of a run that blends its ends."""
    start, end = frames[0], frames[-1]
    direction = end.vector - start.vector
    norm = float(direction @ direction)
    if norm <= 0 or _same_picture(start, end):
        return None
    weights = [(f.index, float((f.vector - start.vector) @ direction) / norm) for f in frames]
    moving = [index for index, weight in weights if BLEND_EDGE < weight < 1 - BLEND_EDGE]
    if not moving:
        return None
    first = max((i for i, w in weights if w <= BLEND_EDGE and i < moving[0]), default=start.index)
    last = min((i for i, w in weights if w >= 1 - BLEND_EDGE and i > moving[-1]), default=end.index)
    return first, last


def _blends(start: _Frame, end: _Frame, between: list[_Frame | None], ends: float | None) -> bool:
    """Whether the frames a quarter, half and three quarters in are those blends of start and end."""
    if ends is None:
        ends = _distance(start.vector, end.vector)
    if ends <= 0:
        return False
    for share, frame in zip((0.25, 0.5, 0.75), between):
        if frame is None:
            return False
        blend = start.vector * (1 - share) + end.vector * share
        if _distance(blend, frame.vector) > MAX_BLEND_ERROR * ends:
            return False
    return True


def _same_picture(start: _Frame, end: _Frame) -> bool:
    a, b = start.vector[: start.luma_cells], end.vector[: end.luma_cells]
    a, b = a - a.mean(), b - b.mean()
    spread = float(np.sqrt((a @ a) * (b @ b)))
    return spread > 0 and float(a @ b) / spread > SAME_PICTURE


def _upper_quartile(values: deque[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[(len(ordered) * 3) // 4]


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).mean()) / 255.0
