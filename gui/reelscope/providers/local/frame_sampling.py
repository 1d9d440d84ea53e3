"""Pictures for the frame analysers (text, faces), picked from the one decoding pass.

The decoding pass hands every frame to a FrameSampler. Every CHECK_INTERVAL_S it reduces the
frame to a tiny grey picture (a few hundred pixels, read by swscale) and asks each analyser
whether it wants this moment; only then is the frame converted, once, to the analysis size.

An analyser wants a moment through its ChangeGate: always at a scene's first frame; early when
part of the picture changed a lot (text appearing, a face entering), so span edges land close to
where they happen; and at its regular interval only if something changed at all. A still picture
is analysed once, however long it lasts.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import av
import numpy as np

from .frame_scaler import FrameScaler

CHECK_INTERVAL_S = 0.2
PROBE_SIZE = (64, 36)
PROBE_BLOCKS = (8, 6)   # columns, rows of the blocks a change is measured in
ANALYSIS_WIDTH = 960
MIN_ANALYSIS_WIDTH = 640


@dataclass(frozen=True)
class Picture:
    time_s: float
    scene_index: int
    starts_scene: bool
    rgb: np.ndarray      # height x width x 3, uint8, at the analysis size
    scale: float         # analysis pixels per source pixel


class FrameAnalyser(Protocol):
    name: str
    gate: ChangeGate

    def analyse(self, picture: Picture) -> None: ...

    def finish(self, end_s: float) -> None: ...


def probe_picture(frame: av.VideoFrame, scaler: FrameScaler) -> np.ndarray:
    """The frame as a tiny grey picture (float32, 0..255), for change checks."""
    return scaler.array(frame, PROBE_SIZE[0], PROBE_SIZE[1], "gray", "AREA").astype(np.float32)


def block_change(current: np.ndarray, previous: np.ndarray) -> float:
    """The largest mean absolute difference of any block, as a fraction of full scale (0..1)."""
    columns, rows = PROBE_BLOCKS
    height, width = current.shape
    difference = np.abs(current - previous)[: height - height % rows, : width - width % columns]
    blocks = difference.reshape(rows, height // rows, columns, width // columns).mean(axis=(1, 3))
    return float(blocks.max()) / 255.0


@dataclass
class ChangeGate:
    """When an analyser looks at the picture: scene starts, strong changes, and changed intervals."""

    interval_s: float
    min_gap_s: float = 0.4
    strong_change: float = 0.08
    weak_change: float = 0.02
    last_time_s: float | None = None
    last_probe: np.ndarray | None = field(default=None, repr=False)

    def wants(self, time_s: float, starts_scene: bool, probe: np.ndarray) -> bool:
        if starts_scene or self.last_probe is None or self.last_time_s is None:
            return True
        since = time_s - self.last_time_s
        if since < self.min_gap_s:
            return False
        change = block_change(probe, self.last_probe)
        return change >= self.strong_change or (since >= self.interval_s and change >= self.weak_change)

    def passed(self, time_s: float, probe: np.ndarray) -> None:
        self.last_time_s = time_s
        self.last_probe = probe


class FrameSampler:
    """The decoding pass's per-frame hook: converts only the frames some analyser wants."""

    def __init__(self, analysers: Sequence[FrameAnalyser], check_interval_s: float = CHECK_INTERVAL_S) -> None:
        self.analysers = list(analysers)
        self.check_interval_s = check_interval_s
        self.scene_index = 0
        self.frames_seen = 0
        self.pictures = 0
        self.seconds: dict[str, float] = {}
        self._next_check_s = 0.0
        self._probe_scaler = FrameScaler()
        self._picture_scaler = FrameScaler()

    def __call__(self, time_s: float, frame: av.VideoFrame, starts_scene: bool) -> None:
        if starts_scene and self.frames_seen:
            self.scene_index += 1
        self.frames_seen += 1
        if not self.analysers or (time_s < self._next_check_s and not starts_scene):
            return
        self._next_check_s = (math.floor(time_s / self.check_interval_s + 1e-6) + 1) * self.check_interval_s - 1e-6
        started = time.perf_counter()
        starts = starts_scene or self.frames_seen == 1
        probe = probe_picture(frame, self._probe_scaler)
        takers = [analyser for analyser in self.analysers if analyser.gate.wants(time_s, starts, probe)]
        if takers:
            picture = to_picture(frame, time_s, self.scene_index, starts, self._picture_scaler)
            self.pictures += 1
        self._count("frame sampling", started)
        for analyser in takers:
            started = time.perf_counter()
            analyser.gate.passed(time_s, probe)
            analyser.analyse(picture)
            self._count(analyser.name, started)

    def _count(self, name: str, started: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def finish(self, end_s: float) -> None:
        for analyser in self.analysers:
            started = time.perf_counter()
            analyser.finish(end_s)
            self._count(analyser.name, started)


def analysis_size(width: int, height: int) -> tuple[int, int]:
    """Frames wider than ANALYSIS_WIDTH are reduced to it; small ones enlarged to MIN_ANALYSIS_WIDTH."""
    target = min(ANALYSIS_WIDTH, max(MIN_ANALYSIS_WIDTH, width))
    return target, max(2, round(height * target / width / 2) * 2)


def to_picture(
    frame: av.VideoFrame, time_s: float, scene_index: int, starts_scene: bool, scaler: FrameScaler
) -> Picture:
    width, height = analysis_size(frame.width, frame.height)
    rgb = scaler.array(frame, width, height, "rgb24", "AREA")
    return Picture(time_s, scene_index, starts_scene, np.ascontiguousarray(rgb), width / frame.width)
