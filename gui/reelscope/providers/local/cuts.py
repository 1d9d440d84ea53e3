"""Hard-cut detection on small luma grids, one frame at a time, with adaptive thresholds.

Two measures compare each frame with the one before it:
- change: the mean absolute luma difference, as a fraction of full scale (0..1). It is high on
  a cut, but also, steadily, during camera motion or under heavy grain.
- histogram distance: half the L1 distance of 16-bin luma histograms (0..1). Motion and grain
  hardly move it; a cut between different shots usually does.

A frame starts a new scene (once the current one is long enough) when either
- its change spikes above the median change of the frames just before it (so a steady pan or
  grain raises the bar) and the histograms confirm it, unless the change is overwhelming; or
- amid fast motion, where the change cannot spike, its histogram distance jumps far above the
  recent median histogram distance.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

HISTOGRAM_BINS = 16


@dataclass(frozen=True)
class CutThresholds:
    min_change: float = 0.03
    change_ratio: float = 2.5           # a spike is this many times the recent median change
    min_rise: float = 0.025             # and at least this much above it
    confirming_histogram_distance: float = 0.12
    overwhelming_change: float = 0.25   # a spike this large needs no confirmation
    histogram_jump: float = 0.25        # a cut amid motion: at least this distance
    histogram_ratio: float = 4.0        # and this many times the recent median distance
    history_frames: int = 15
    min_scene_s: float = 0.2


@dataclass(frozen=True)
class FrameChange:
    change: float
    histogram_distance: float


class CutDetector:
    """Feed it luma grids in presentation order; it answers whether each one starts a scene."""

    def __init__(self, fps: float, thresholds: CutThresholds = CutThresholds()) -> None:
        self.thresholds = thresholds
        self.min_scene_frames = max(1, round(thresholds.min_scene_s * fps))
        self._recent: deque[FrameChange] = deque(maxlen=thresholds.history_frames)
        self._previous_grid: np.ndarray | None = None
        self._previous_histogram: np.ndarray | None = None
        self._frames_in_scene = 0

    def push(self, grid: np.ndarray) -> tuple[bool, float]:
        """(is this frame the first of a new scene, its change from the previous frame)."""
        histogram = _histogram(grid)
        if self._previous_grid is None:
            frame = FrameChange(0.0, 0.0)
            is_cut = False
        else:
            frame = FrameChange(
                change=float(np.abs(grid - self._previous_grid).mean()) / 255.0,
                histogram_distance=0.5 * float(np.abs(histogram - self._previous_histogram).sum()),
            )
            is_cut = self._frames_in_scene >= self.min_scene_frames and self._is_cut(frame)
        self._frames_in_scene = 1 if is_cut else self._frames_in_scene + 1
        self._recent.append(frame)
        self._previous_grid, self._previous_histogram = grid, histogram
        return is_cut, frame.change

    def _is_cut(self, frame: FrameChange) -> bool:
        limits = self.thresholds
        if frame.change < limits.min_change:
            return False
        usual_change = _median(f.change for f in self._recent)
        usual_distance = _median(f.histogram_distance for f in self._recent)
        change_spikes = (
            frame.change >= limits.change_ratio * usual_change
            and frame.change >= usual_change + limits.min_rise
        )
        if change_spikes and (
            frame.histogram_distance >= limits.confirming_histogram_distance
            or frame.change >= limits.overwhelming_change
        ):
            return True
        histogram_jumps = frame.histogram_distance >= max(
            limits.histogram_jump, limits.histogram_ratio * usual_distance
        )
        return histogram_jumps and frame.change >= usual_change


def _median(values: Iterable[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0


def _histogram(grid: np.ndarray) -> np.ndarray:
    bins = (grid * (HISTOGRAM_BINS / 256.0)).astype(np.intp)
    return np.bincount(bins.ravel(), minlength=HISTOGRAM_BINS)[:HISTOGRAM_BINS] / bins.size
