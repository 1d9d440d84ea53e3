"""Presentation time of each decoded frame, counted from the first one and bounded by the frames seen.

Times come from the frames' timestamps (variable frame rates included), relative to the first
frame, so a stream that starts at 5,000 s starts at 0. A jump in the timestamps longer than
MAX_FRAME_HOLD_S is shortened to that: the picture before it is held that long, a gap in the
timeline rather than hours of nothing, so durations and the activity grid stay bounded by the
number of frames decoded whatever a timestamp says. `raw_end_s` keeps the file's own reckoning,
for the short-read check.
"""

from __future__ import annotations

import av

MAX_FRAME_HOLD_S = 10.0


class FrameClock:
    def __init__(self, stream: av.video.stream.VideoStream, fps: float) -> None:
        self.time_base = float(stream.time_base) if stream.time_base else 0.0
        self.fps = fps
        self.frames_seen = 0
        self._origin: float | None = None
        self._last_raw = 0.0
        self._removed = 0.0   # seconds of over-long gaps taken out so far
        self.end_s = 0.0      # when the last frame stops showing, on the bounded timeline
        self.raw_end_s = 0.0  # the same by the file's timestamps

    def time_of(self, frame: av.VideoFrame) -> float:
        if frame.pts is not None and self.time_base:
            absolute = frame.pts * self.time_base
        else:
            absolute = self.frames_seen / self.fps
        if self._origin is None:
            self._origin = absolute
        raw = max(self._last_raw, absolute - self._origin)
        if self.frames_seen and raw - self._last_raw > MAX_FRAME_HOLD_S:
            self._removed += raw - self._last_raw - MAX_FRAME_HOLD_S
        self.frames_seen += 1
        self._last_raw = raw
        duration = self._duration_of(frame)
        self.raw_end_s = max(self.raw_end_s, raw + duration)
        time_s = raw - self._removed
        self.end_s = max(self.end_s, time_s + duration)
        return time_s

    def _duration_of(self, frame: av.VideoFrame) -> float:
        if frame.duration and self.time_base:
            return min(frame.duration * self.time_base, MAX_FRAME_HOLD_S)
        return 1.0 / self.fps
