"""The one decoding pass: hard cuts, gradual transitions, per-frame activity and a frame per scene.

Every frame is decoded, with the in-loop deblocking filter skipped: the detectors read means of
cells 16 pixels wide or more at 640 pixels and up, which that filter hardly moves, and skipping it
saves about a fifth of H.264 decoding time. Skipped on reference frames too, it lets the picture
drift a little until the next keyframe; in smaller, cheaper pictures, where cells are a few pixels
and that drift shows as a jump at keyframes of heavily compressed video, it is skipped only on
frames nothing refers to. Every frame is still analysed, so each cut is placed on its exact frame
and activity has a real value per frame interval.

Activity values are the mean absolute luma difference between consecutive frames as a fraction
of full scale (0..1, not normalised to the clip's peak): steady camera motion sits around
0.01-0.1, a cut spikes to 0.15 or more.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import av
import av.error

from ...domain.analysis import Activity, Scene, Transition
from ...domain.errors import MediaError
from .cuts import CutDetector, FrameVerdict
from .frame_change import Signature
from .frame_clock import FrameClock
from .probe import UNREADABLE_HINT, decode_in_threads, describe_av_error, open_video
from .sampling import FrameSampler
from .scene_frames import RepresentativeFrames, SceneFrameSink
from .timing import activity_on_grid, scenes_from_cuts, transitions_from_frames
from .transitions import FoundTransition, TransitionFinder

ProgressSink = Callable[[float], None]
"""Receives the fraction decoded after every frame; may raise to stop the scan."""

FrameSink = Callable[[float, av.VideoFrame, bool], None]
"""Receives (time in seconds, the decoded frame, whether it starts a scene) for every frame, in order, as
soon as the cut detector has judged it (a few frames late); it must not keep the frame."""

SKIP_EVERY_LOOP_FILTER_FROM_WIDTH = 640
# A video whose frames end this much before its stated duration was cut short. Durations that
# the container only estimates (no stream duration, as in MPEG-TS or MPEG-PS) get the loose bound.
SHORT_READ_FRAMES = 3
SHORT_READ_FRACTION = 0.02
ESTIMATED_SHORT_READ_FRACTION = 0.25


@dataclass(frozen=True)
class ScanResult:
    scenes: tuple[Scene, ...]
    transitions: tuple[Transition, ...]
    activity: Activity
    duration_s: float
    frame_count: int


@dataclass
class _Findings:
    frame_times_s: list[float] = field(default_factory=list)
    activity: list[float] = field(default_factory=list)
    cut_times_s: list[float] = field(default_factory=list)
    transitions: list[FoundTransition] = field(default_factory=list)
    end_s: float = 0.0
    raw_end_s: float = 0.0


def scan_video(
    path: Path,
    *,
    fps: float,
    duration_s: float,
    duration_is_estimate: bool = False,
    on_progress: ProgressSink | None = None,
    on_scene_frame: SceneFrameSink | None = None,
    on_frame: FrameSink | None = None,
) -> ScanResult:
    """Decodes every frame once; duration_s <= 0 means unknown (then taken from the frames).

    on_frame sees every decoded frame with its time and cut verdict (sprite sheets, frame analysers).
    """
    with open_video(path) as container:
        stream = container.streams.video[0]
        decode_in_threads(stream)
        stream.codec_context.options = _reduced_decoding(stream.codec_context.width)
        try:
            findings = _decode(container, stream, fps, duration_s, on_progress, on_scene_frame, on_frame)
        except av.error.FFmpegError as error:
            reason = f"decoding failed: {UNREADABLE_HINT} ({describe_av_error(error)})"
            raise MediaError(str(path), reason) from error
    if not findings.frame_times_s:
        raise MediaError(str(path), f"no video frame could be decoded: {UNREADABLE_HINT}")
    if duration_s > 0 and _reads_short(findings.raw_end_s, duration_s, fps, duration_is_estimate):
        reason = (
            f"the video stops at {findings.raw_end_s:.1f} s of {duration_s:.1f} s: "
            "the file may be truncated"
        )
        raise MediaError(str(path), reason)
    duration_s = findings.end_s
    times = findings.frame_times_s
    return ScanResult(
        scenes=scenes_from_cuts(findings.cut_times_s, duration_s),
        transitions=transitions_from_frames(findings.transitions, times, duration_s),
        activity=activity_on_grid(times, findings.activity, 1.0 / fps, duration_s),
        duration_s=duration_s,
        frame_count=len(times),
    )


def _decode(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    fps: float,
    duration_s: float,
    on_progress: ProgressSink | None,
    on_scene_frame: SceneFrameSink | None,
    on_frame: FrameSink | None,
) -> _Findings:
    sample = FrameSampler()
    cuts = CutDetector(fps)
    transitions = TransitionFinder(fps)
    chooser = RepresentativeFrames(fps, on_scene_frame) if on_scene_frame else None
    clock = FrameClock(stream, fps)
    findings = _Findings()
    waiting: deque[av.VideoFrame] = deque()  # decoded frames whose verdict is not in yet

    def take(verdicts: list[FrameVerdict]) -> None:
        for verdict in verdicts:
            frame = waiting.popleft()
            is_cut = verdict.is_cut
            if is_cut:
                findings.cut_times_s.append(findings.frame_times_s[verdict.index])
            transitions.push(verdict.index, verdict.signature, verdict.change, is_cut)
            findings.activity.append(verdict.activity)
            if chooser:
                chooser.offer(frame, starts_scene=is_cut, signature=verdict.signature)
            if on_frame:
                on_frame(findings.frame_times_s[verdict.index], frame, is_cut)

    for frame in container.decode(stream):
        time_s = clock.time_of(frame)
        findings.frame_times_s.append(time_s)
        waiting.append(frame if chooser or on_frame else None)
        take(cuts.push(Signature(sample(frame))))
        if on_progress and duration_s > 0:
            on_progress(min(1.0, time_s / duration_s))
    take(cuts.finish())
    findings.transitions = transitions.finish()
    if chooser:
        chooser.finish()
    findings.end_s, findings.raw_end_s = clock.end_s, clock.raw_end_s
    return findings


def _reduced_decoding(width: int) -> dict[str, str]:
    return {"skip_loop_filter": "all" if width >= SKIP_EVERY_LOOP_FILTER_FROM_WIDTH else "noref"}


def _reads_short(end_s: float, duration_s: float, fps: float, duration_is_estimate: bool) -> bool:
    if duration_is_estimate:
        return end_s < (1 - ESTIMATED_SHORT_READ_FRACTION) * duration_s
    tolerance = max(SHORT_READ_FRAMES / fps, SHORT_READ_FRACTION * duration_s)
    return duration_s - end_s > tolerance
