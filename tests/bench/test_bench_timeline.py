"""Timeline paint time with many spans and labels in view.

Run: .venv/bin/python -m pytest -m bench -s tests/bench/test_bench_timeline.py

Each lane repeats one labelled span (wide enough for its one-character label) followed by a group of
narrow spans, and the duration is the lane width in seconds so that at zoom-to-fit one second is one
pixel and everything is in view. Scenarios, by what changes between frames:
- zoom: every lane's rects and label candidates are rebuilt, all lanes in one pass (a wheel zoom step,
  a page scroll);
- scroll: the view moves 1 px, the cached rect lists are reused and labels re-placed;
- playback: only the playhead moves; the per-view draw lists are reused.

Every frame also repaints the child horizontal scroll bar (~0.9 ms at 1508 px with the Fusion style).

1600x400 holds 14 span lanes: 10,000 spans fit, but only ~1,300 labels can be wide enough to be shown
(14 lanes x 1,508 px / 16 px per labelled span). The 1600x800 case shows 10,000 spans and 2,000 labels.
"""

from __future__ import annotations

import statistics
import time

import pytest
from PySide6.QtGui import QImage

from reelscope.domain.timeline import TimelineSpan, TimelineTrack, TrackKind
from reelscope.qt.widgets.timeline import TimelineWidget, style

FRAMES = 50
TARGET_MS = 8.0
LABELLED_SPAN_PX = 16


def bench_tracks(lanes: int, lane_px: int, labelled_per_lane: int, narrow_per_group: int) -> list[TimelineTrack]:
    group_px = lane_px / labelled_per_lane
    narrow_px = (group_px - LABELLED_SPAN_PX) / narrow_per_group
    tracks = []
    for lane in range(lanes):
        spans = []
        for group in range(labelled_per_lane):
            t = group * group_px
            spans.append(TimelineSpan(start_s=t, end_s=t + LABELLED_SPAN_PX, label=str(group % 10)))
            t += LABELLED_SPAN_PX
            for _ in range(narrow_per_group):
                spans.append(TimelineSpan(start_s=t, end_s=t + narrow_px, label="narrow"))
                t += narrow_px
        tracks.append(
            TimelineTrack(key=f"bench/lane{lane}", title=f"Lane {lane}", kind=TrackKind.SPANS, provider="bench",
                          spans=tuple(spans))
        )
    return tracks


def measure(widget: TimelineWidget, scenario: str) -> tuple[float, float]:
    """Median and p95 of FRAMES paints into an image, in ms; the scenario says what changes per frame."""
    image = QImage(widget.size(), QImage.Format.Format_ARGB32_Premultiplied)
    widget.zoom_to_fit()
    if scenario == "scroll":
        widget._axis.zoom_at(0, 1.02)  # just past fit, so there is room to scroll
    widget.render(image)  # warm-up: label widths, static texts
    times = []
    for frame in range(FRAMES):
        widget.set_position(frame * 10.0)
        if scenario == "scroll":
            widget._axis.scroll_by(1 if frame % 2 else -1)
        elif scenario == "zoom":  # a zoom step rebuilds every lane's rects and labels; 0.1% keeps all in view
            widget.zoom_to_fit() if frame % 2 else widget._axis.zoom_at(0, 1.001)
        start = time.perf_counter()
        widget.render(image)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


@pytest.mark.bench
@pytest.mark.parametrize(
    ("height", "lanes", "labelled_per_lane", "narrow_per_group", "min_labels"),
    [(400, 14, 94, 7, 1300), (800, 31, 65, 4, 2000)],
    ids=["1600x400", "1600x800"],
)
def test_bench_timeline_paint(qtbot, height, lanes, labelled_per_lane, narrow_per_group, min_labels):
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(1600, height)
    widget.show()
    qtbot.waitExposed(widget)
    lane_px = widget.width() - style.HEADER_WIDTH
    widget.set_tracks(bench_tracks(lanes, lane_px, labelled_per_lane, narrow_per_group), float(lane_px))
    assert widget.lane_rect(f"bench/lane{lanes - 1}").bottom() < height - 14  # every lane in view

    results = {scenario: measure(widget, scenario) for scenario in ("zoom", "scroll", "playback")}
    stats = widget.paint_stats  # of the last playback frame, at zoom-to-fit
    assert stats.spans_visible >= 10_000
    assert stats.labels_drawn >= min_labels
    for scenario, (median, p95) in results.items():
        print(
            f"\ntimeline paint {widget.width()}x{height} {scenario:>8}: {stats.spans_visible} spans / "
            f"{stats.labels_drawn} labels ({stats.rects_drawn} rects): "
            f"median {median:.1f} ms, p95 {p95:.1f} ms (target < {TARGET_MS:.0f} ms)"
        )
    assert results["playback"][0] < TARGET_MS * 2  # generous: shared CI machines are noisy
