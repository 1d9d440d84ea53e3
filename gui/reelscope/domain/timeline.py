"""Timeline tracks derived from analyses: what the timeline widget draws, free of any toolkit."""

from __future__ import annotations

from enum import StrEnum

from .analysis import Analysis, Scene, Transition
from .base import Frozen
from .timecode import format_timecode

CUT_GUARD_SAMPLES = 1
ACTIVITY_QUIET_CEILING = 0.02  # mean luma change per sample, as a fraction of full scale


class TrackKind(StrEnum):
    SPANS = "spans"
    GRAPH = "graph"


class TimelineSpan(Frozen):
    start_s: float
    end_s: float
    label: str = ""
    tooltip: str = ""


class TimelineTrack(Frozen):
    key: str                      # stable id, e.g. "local/scenes"
    title: str                    # lane header, e.g. "Scenes"
    kind: TrackKind
    provider: str
    spans: tuple[TimelineSpan, ...] = ()
    bands: tuple[TimelineSpan, ...] = ()  # SPANS only: drawn over the spans, e.g. transitions between scenes
    interval_s: float = 0.0       # GRAPH only: seconds per value
    values: tuple[float, ...] = ()  # GRAPH only: 0..1


def tracks_from_analysis(analysis: Analysis) -> list[TimelineTrack]:
    """The lanes one analysis contributes, in display order; empty categories give no lane."""
    provider = analysis.provider
    fps = analysis.video.fps
    tracks: list[TimelineTrack] = []
    if analysis.scenes:
        transitions = tuple(transition_band(transition, fps) for transition in analysis.transitions)
        tracks.append(
            TimelineTrack(
                key=f"{provider}/scenes",
                title="Scenes",
                kind=TrackKind.SPANS,
                provider=provider,
                spans=tuple(
                    TimelineSpan(
                        start_s=scene.start_s,
                        end_s=scene.end_s,
                        label=str(number),
                        tooltip="\n".join(
                            (
                                f"Scene {number}: {format_timecode(scene.start_s, fps)} – "
                                f"{format_timecode(scene.end_s, fps)} ({scene.end_s - scene.start_s:.2f} s)",
                                *(band.tooltip for band in transitions if _overlaps(band, scene)),
                            )
                        ),
                    )
                    for number, scene in enumerate(analysis.scenes, start=1)
                ),
                bands=transitions,
            )
        )
    if analysis.activity and analysis.activity.values:
        tracks.append(
            TimelineTrack(
                key=f"{provider}/activity",
                title="Activity",
                kind=TrackKind.GRAPH,
                provider=provider,
                interval_s=analysis.activity.interval_s,
                values=activity_within_shots(analysis),
            )
        )
    return tracks


def transition_band(transition: Transition, fps: float) -> TimelineSpan:
    """A fade or dissolve as a band over the scenes lane: 'Dissolve 00:00:12.04 – 00:00:13.00'."""
    return TimelineSpan(
        start_s=transition.start_s,
        end_s=transition.end_s,
        tooltip=(
            f"{transition.kind.capitalize()} {format_timecode(transition.start_s, fps)} – "
            f"{format_timecode(transition.end_s, fps)}"
        ),
    )


def _overlaps(band: TimelineSpan, scene: Scene) -> bool:
    return band.start_s < scene.end_s and scene.start_s < band.end_s


def activity_within_shots(analysis: Analysis) -> tuple[float, ...]:
    """Activity scaled to its peak, with the jump at each cut held at the level before it.

    A cut changes every pixel, so left in place it dwarfs the motion inside the shots; the scenes
    lane already marks it. A clip whose peak is below ACTIVITY_QUIET_CEILING is drawn against that
    ceiling instead, so encoder noise in a still shot stays flat rather than filling the lane.
    """
    assert analysis.activity is not None
    interval = analysis.activity.interval_s
    values = list(analysis.activity.values)
    for scene in analysis.scenes[1:]:
        cut = round(scene.start_s / interval) if interval > 0 else 0
        before = cut - CUT_GUARD_SAMPLES - 1
        held = values[before] if 0 <= before < len(values) else 0.0
        for index in range(max(0, cut - CUT_GUARD_SAMPLES), min(len(values), cut + CUT_GUARD_SAMPLES + 1)):
            values[index] = held
    scale = max(max(values, default=0.0), ACTIVITY_QUIET_CEILING)
    return tuple(min(1.0, value / scale) for value in values)
