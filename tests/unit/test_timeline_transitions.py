"""Fades and dissolves on the scenes lane: a band each, named with its time range."""

from __future__ import annotations

from reelscope.domain.analysis import Analysis, Scene, Transition, VideoInfo
from reelscope.domain.timeline import tracks_from_analysis

VIDEO = VideoInfo(
    id="v", path="/clips/a.mp4", title="a", duration_s=20.0, fps=25.0, width=1280, height=720, size_bytes=1, sha256="s"
)


def test_transitions_are_bands_on_the_scenes_lane_with_their_time_range():
    analysis = Analysis(
        provider="local",
        status="finished",
        video=VIDEO,
        scenes=(Scene(start_s=0.0, end_s=8.0), Scene(start_s=8.0, end_s=20.0)),
        transitions=(Transition(kind="dissolve", start_s=12.16, end_s=13.0),),
    )

    scenes = tracks_from_analysis(analysis)[0]

    assert [(band.start_s, band.end_s) for band in scenes.bands] == [(12.16, 13.0)]
    assert scenes.bands[0].tooltip == "Dissolve 00:00:12.04 – 00:00:13.00"
    assert "Dissolve" not in scenes.spans[0].tooltip
    assert scenes.spans[1].tooltip.endswith("\nDissolve 00:00:12.04 – 00:00:13.00")


def test_a_clip_without_transitions_has_no_bands():
    analysis = Analysis(provider="local", status="finished", video=VIDEO, scenes=(Scene(start_s=0.0, end_s=20.0),))
    assert tracks_from_analysis(analysis)[0].bands == ()
