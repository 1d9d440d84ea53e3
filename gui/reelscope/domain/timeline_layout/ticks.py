"""Ruler tick choice, no Qt: the finest step whose labels do not collide, and minor ticks under it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..timecode import format_clock, format_timecode

# Frame steps that divide a second evenly, so labels read .00 .05 .10 ... and never straddle seconds.
_FRAME_STEPS = (1, 2, 3, 5, 6, 10, 12, 15, 30)
_SECOND_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400)

LABEL_GAP_PX = 18   # free space between two ruler labels
MIN_MINOR_PX = 6    # minor ticks closer than this are left out


@dataclass(frozen=True)
class TickScale:
    major_s: float
    minor_s: float | None
    frames: bool  # labels carry frames (HH:MM:SS.FF) rather than a clock (M:SS)


def step_candidates(fps: float) -> list[tuple[float, bool]]:
    """(seconds, is_frame_step), ascending."""
    nominal = max(1, round(fps))
    frame_steps = [(n / fps, True) for n in _FRAME_STEPS if n < nominal and nominal % n == 0]
    return frame_steps + [(float(s), False) for s in _SECOND_STEPS]


def choose_tick_scale(px_per_s: float, fps: float, frame_label_px: float, clock_label_px: float) -> TickScale:
    """The finest major step whose labels fit with a gap; minor ticks the finest even subdivision."""
    fps = fps if fps > 0 else 25.0
    candidates = step_candidates(fps)
    major_s, frames = candidates[-1]
    for step_s, is_frames in candidates:
        label_px = frame_label_px if is_frames else clock_label_px
        if step_s * px_per_s >= label_px + LABEL_GAP_PX:
            major_s, frames = step_s, is_frames
            break
    minor_s = None
    for step_s, _ in candidates:
        if step_s >= major_s:
            break
        ratio = major_s / step_s
        if step_s * px_per_s >= MIN_MINOR_PX and abs(ratio - round(ratio)) < 0.01:
            minor_s = step_s
            break
    return TickScale(major_s, minor_s, frames)


def tick_times(start_s: float, end_s: float, step_s: float) -> list[float]:
    """Multiples of step_s within [start_s, end_s]."""
    if step_s <= 0 or end_s < start_s:
        return []
    first = math.ceil(start_s / step_s - 1e-9)
    last = math.floor(end_s / step_s + 1e-9)
    return [k * step_s for k in range(max(first, 0), last + 1)]


def tick_label(seconds: float, scale: TickScale, fps: float, with_hours: bool) -> str:
    if scale.frames:
        return format_timecode(seconds, fps)
    return format_clock(seconds, with_hours=with_hours)
