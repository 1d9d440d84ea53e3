"""Timeline tracks derived from analyses: what the timeline widget draws, free of any toolkit."""

from __future__ import annotations

from enum import StrEnum

from .analysis import Analysis
from .base import Frozen


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
    interval_s: float = 0.0       # GRAPH only: seconds per value
    values: tuple[float, ...] = ()  # GRAPH only: 0..1


def tracks_from_analysis(analysis: Analysis) -> list[TimelineTrack]:
    """The lanes one analysis contributes, in display order; empty categories give no lane."""
    provider = analysis.provider
    tracks: list[TimelineTrack] = []
    if analysis.scenes:
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
                        tooltip=f"Scene {number}: {scene.start_s:.2f}s – {scene.end_s:.2f}s",
                    )
                    for number, scene in enumerate(analysis.scenes, start=1)
                ),
            )
        )
    if analysis.activity and analysis.activity.values:
        peak = max(analysis.activity.values) or 1.0
        tracks.append(
            TimelineTrack(
                key=f"{provider}/activity",
                title="Activity",
                kind=TrackKind.GRAPH,
                provider=provider,
                interval_s=analysis.activity.interval_s,
                values=tuple(min(1.0, v / peak) for v in analysis.activity.values),
            )
        )
    return tracks
