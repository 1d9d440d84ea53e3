"""From per-frame findings at frame timestamps to domain scenes and a fixed-interval activity."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ...domain.analysis import Activity, Scene, Transition
from .transitions import FoundTransition


def scenes_from_cuts(cut_times_s: Sequence[float], duration_s: float) -> tuple[Scene, ...]:
    """Contiguous scenes covering [0, duration_s], one more than there are cuts inside it."""
    bounds = [0.0]
    for cut in sorted(cut_times_s):
        if bounds[-1] < cut < duration_s:
            bounds.append(cut)
    bounds.append(max(duration_s, bounds[-1]))
    return tuple(Scene(start_s=start, end_s=end) for start, end in zip(bounds, bounds[1:]))


def activity_on_grid(
    frame_times_s: Sequence[float], values: Sequence[float], interval_s: float, duration_s: float
) -> Activity:
    """Resamples per-frame values to one value per interval_s (variable frame rates included).

    Each interval takes the largest value of the frames that start in it, so no spike is lost;
    an interval no frame starts in is interpolated from its neighbours.
    """
    slots = max(1, math.ceil(duration_s / interval_s - 1e-6))
    if not values:
        return Activity(interval_s=interval_s, values=(0.0,) * slots)
    times = np.asarray(frame_times_s, dtype=np.float64)
    slot_of_frame = np.clip(np.floor(times / interval_s + 1e-6).astype(np.int64), 0, slots - 1)
    grid = np.full(slots, -np.inf)
    np.maximum.at(grid, slot_of_frame, np.asarray(values, dtype=np.float64))
    filled = np.isfinite(grid)
    if not filled.all():
        slot_numbers = np.arange(slots)
        grid = np.interp(slot_numbers, slot_numbers[filled], grid[filled])
    return Activity(interval_s=interval_s, values=tuple(round(float(v), 5) for v in grid))


def transitions_from_frames(
    found: Sequence[FoundTransition], frame_times_s: Sequence[float], duration_s: float
) -> tuple[Transition, ...]:
    """Transitions in seconds: from the last frame of the outgoing picture to the first of the incoming."""
    transitions = []
    for transition in found:
        start = frame_times_s[transition.first_frame]
        end = frame_times_s[transition.last_frame] if transition.last_frame < len(frame_times_s) else duration_s
        if end > start:
            transitions.append(Transition(kind=transition.kind, start_s=start, end_s=min(end, duration_s)))
    return tuple(transitions)
