"""The one decoding pass: hard cuts, per-frame activity and a representative frame per scene.

Activity values are the mean absolute luma difference between consecutive frames as a fraction
of full scale (0..1, not normalised to the clip's peak): steady camera motion sits around
0.01-0.1, a cut spikes to 0.15 or more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
import av.error

from ...domain.analysis import Activity, Scene
from ...domain.errors import MediaError
from .cuts import CutDetector
from .luma import LumaSampler
from .probe import UNREADABLE_HINT, describe_av_error, open_video
from .timing import activity_on_grid, scenes_from_cuts

ProgressSink = Callable[[float], None]
"""Receives the fraction decoded after every frame; may raise to stop the scan."""

SceneFrameSink = Callable[[int, av.VideoFrame], None]
"""Receives (scene index, its representative frame) as soon as each scene is complete."""

FrameHook = Callable[[float, av.VideoFrame, bool], None]
"""Receives (time_s, frame, starts a scene) for every decoded frame: the frame analysers' tap."""

REPRESENTATIVE_FRAME_DELAY_S = 0.5
# A video that stops this early is reported as truncated (a loose bound: container durations
# of some formats, such as MPEG-TS, are estimates).
TRUNCATED_BELOW_FRACTION = 0.75
TRUNCATED_MIN_GAP_S = 0.5


@dataclass(frozen=True)
class ScanResult:
    scenes: tuple[Scene, ...]
    activity: Activity
    duration_s: float
    frame_count: int


@dataclass
class _Findings:
    frame_times_s: list[float]
    changes: list[float]
    cut_times_s: list[float]
    end_s: float = 0.0  # when the last frame decoded stops showing


def scan_video(
    path: Path,
    *,
    fps: float,
    duration_s: float,
    on_progress: ProgressSink | None = None,
    on_scene_frame: SceneFrameSink | None = None,
    on_frame: FrameHook | None = None,
) -> ScanResult:
    """Decodes every frame once; duration_s <= 0 means unknown (then taken from the frames)."""
    with open_video(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        try:
            findings = _decode(container, stream, fps, duration_s, on_progress, on_scene_frame, on_frame)
        except av.error.FFmpegError as error:
            reason = f"decoding failed: {UNREADABLE_HINT} ({describe_av_error(error)})"
            raise MediaError(str(path), reason) from error
    if not findings.frame_times_s:
        raise MediaError(str(path), f"no video frame could be decoded: {UNREADABLE_HINT}")
    if duration_s <= 0:
        duration_s = findings.end_s
    elif _stops_early(findings.end_s, duration_s):
        reason = (
            f"the video stops at {findings.end_s:.1f} s of {duration_s:.1f} s: "
            "the file may be truncated"
        )
        raise MediaError(str(path), reason)
    return ScanResult(
        scenes=scenes_from_cuts(findings.cut_times_s, duration_s),
        activity=activity_on_grid(findings.frame_times_s, findings.changes, 1.0 / fps, duration_s),
        duration_s=duration_s,
        frame_count=len(findings.frame_times_s),
    )


def _decode(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    fps: float,
    duration_s: float,
    on_progress: ProgressSink | None,
    on_scene_frame: SceneFrameSink | None,
    on_frame: FrameHook | None = None,
) -> _Findings:
    sample_luma = LumaSampler()
    detector = CutDetector(fps)
    chooser = RepresentativeFrames(fps, on_scene_frame) if on_scene_frame else None
    clock = _FrameClock(stream, fps)
    findings = _Findings([], [], [])
    for frame in container.decode(stream):
        time_s = clock.time_of(frame)
        is_cut, change = detector.push(sample_luma(frame))
        is_cut = is_cut and _is_inside(time_s, findings.cut_times_s, duration_s)
        if is_cut:
            findings.cut_times_s.append(time_s)
        if chooser:
            chooser.offer(frame, starts_scene=is_cut)
        if on_frame:
            on_frame(time_s, frame, is_cut)
        findings.frame_times_s.append(time_s)
        findings.changes.append(change)
        findings.end_s = time_s + clock.duration_of(frame)
        if on_progress and duration_s > 0:
            on_progress(min(1.0, time_s / duration_s))
    if chooser:
        chooser.finish()
    return findings


def _stops_early(end_s: float, duration_s: float) -> bool:
    too_early = end_s < TRUNCATED_BELOW_FRACTION * duration_s
    return too_early and duration_s - end_s > TRUNCATED_MIN_GAP_S


def _is_inside(time_s: float, cut_times_s: list[float], duration_s: float) -> bool:
    """Whether a cut at time_s can start a scene: after the last cut, before the end."""
    after_last = time_s > (cut_times_s[-1] if cut_times_s else 0.0)
    return after_last and (duration_s <= 0 or time_s < duration_s)


class _FrameClock:
    """Presentation time of each frame, counted from the first frame."""

    def __init__(self, stream: av.video.stream.VideoStream, fps: float) -> None:
        self.time_base = float(stream.time_base) if stream.time_base else 0.0
        self.fps = fps
        self.origin: float | None = None
        self.frames_seen = 0

    def time_of(self, frame: av.VideoFrame) -> float:
        if frame.pts is not None and self.time_base:
            absolute = frame.pts * self.time_base
        else:
            absolute = self.frames_seen / self.fps
        self.frames_seen += 1
        if self.origin is None:
            self.origin = absolute
        return max(0.0, absolute - self.origin)

    def duration_of(self, frame: av.VideoFrame) -> float:
        if frame.duration and self.time_base:
            return frame.duration * self.time_base
        return 1.0 / self.fps


class RepresentativeFrames:
    """Picks one frame per scene, a little after its start (never the cut frame if avoidable).

    Only a reference to the current pick is held, so memory stays flat however long the clip.
    """

    def __init__(self, fps: float, sink: SceneFrameSink) -> None:
        self.sink = sink
        self.preferred_offset = max(2, round(REPRESENTATIVE_FRAME_DELAY_S * fps))
        self.scene_index = 0
        self.frames_in_scene = 0
        self.pick: av.VideoFrame | None = None

    def offer(self, frame: av.VideoFrame, *, starts_scene: bool) -> None:
        if starts_scene and self.pick is not None:
            self._hand_over()
            self.scene_index += 1
            self.frames_in_scene = 0
        # The first frame stands in for a one-frame scene; the third already avoids the cut
        # frame; the preferred one, half a second in, shows the scene once it has settled.
        if self.frames_in_scene in (0, 2, self.preferred_offset):
            self.pick = frame
        self.frames_in_scene += 1

    def finish(self) -> None:
        if self.pick is not None:
            self._hand_over()

    def _hand_over(self) -> None:
        self.sink(self.scene_index, self.pick)
        self.pick = None
