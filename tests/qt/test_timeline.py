"""The timeline widget: maths (no Qt), then the real widget shown offscreen."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QHelpEvent, QImage, QMouseEvent, QPainter, QPalette, QRegion, QWheelEvent
from PySide6.QtWidgets import QApplication, QScrollBar, QToolTip, QWidget

from reelscope.domain.timeline import TimelineSpan, TimelineTrack, TrackKind
from reelscope.domain.timeline_layout.lanes import DENSE, GraphLane, SpanLane, SpanTable, layout_spans
from reelscope.domain.timeline_layout.ticks import choose_tick_scale, step_candidates, tick_label, tick_times
from reelscope.domain.timeline_layout.time_axis import TimeAxis
from reelscope.qt.widgets.timeline import TimelineWidget, style
from reelscope.qt.widgets.timeline.scroll_bar import TimelineScrollBar
from reelscope.qt.widgets.timeline.span_layer import SpanLayer

DURATION_S = 60.0
SCENE_S = 6.0


def scenes_track() -> TimelineTrack:
    spans = tuple(
        TimelineSpan(
            start_s=i * SCENE_S,
            end_s=(i + 1) * SCENE_S,
            label=str(i + 1),
            tooltip=f"Scene {i + 1}: {i * SCENE_S:.2f}s – {(i + 1) * SCENE_S:.2f}s",
        )
        for i in range(int(DURATION_S / SCENE_S))
    )
    return TimelineTrack(key="local/scenes", title="Scenes", kind=TrackKind.SPANS, provider="local", spans=spans)


def activity_track() -> TimelineTrack:
    values = tuple(float(v) for v in np.linspace(0.0, 1.0, int(DURATION_S * 2)))
    return TimelineTrack(
        key="local/activity", title="Activity", kind=TrackKind.GRAPH, provider="local", interval_s=0.5, values=values
    )


@pytest.fixture
def timeline(qtbot) -> TimelineWidget:
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(900, 200)
    widget.set_tracks([scenes_track(), activity_track()], DURATION_S)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def px_in_seconds(widget: TimelineWidget) -> float:
    start, end = widget.visible_range()
    return (end - start) / widget.lane_rect("local/scenes").width()


def time_under(widget: TimelineWidget, x: float) -> float:
    start, end = widget.visible_range()
    lane = widget.lane_rect("local/scenes")
    return start + (x - lane.left()) / lane.width() * (end - start)


def wheel(widget: TimelineWidget, pos: QPoint, dy: int = 0, dx: int = 0, modifiers=Qt.KeyboardModifier.NoModifier):
    point = QPointF(pos)
    event = QWheelEvent(
        point, QPointF(widget.mapToGlobal(pos)), QPoint(), QPoint(dx, dy),
        Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False,
    )
    QApplication.sendEvent(widget, event)


def mouse(widget: TimelineWidget, kind: QEvent.Type, pos: QPoint) -> None:
    held = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else Qt.MouseButton.LeftButton
    event = QMouseEvent(
        kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), Qt.MouseButton.LeftButton, held,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


# --- maths without Qt -------------------------------------------------------------------------------


def test_axis_zoom_keeps_anchor_and_respects_limits():
    axis = TimeAxis(width_px=1000)
    axis.reset(100.0, 25.0)
    assert axis.visible_range() == (0.0, 100.0)
    anchor = axis.time_at(400)
    axis.zoom_at(400, 4.0)
    assert abs(axis.time_at(400) - anchor) <= 1 / axis.px_per_s
    assert axis.visible_range()[1] - axis.visible_range()[0] == pytest.approx(25.0)
    axis.zoom_at(400, 1e9)
    assert axis.width_px / axis.px_per_s == pytest.approx(10 / 25.0)  # deepest zoom: 10 frames
    axis.zoom_at(400, 1e-9)
    assert axis.is_fitted and axis.offset_px == 0


def test_axis_scroll_is_clamped_and_resize_keeps_fit():
    axis = TimeAxis(width_px=500)
    axis.reset(50.0, 25.0)
    axis.zoom_at(0, 2.0)
    axis.scroll_by(10**9)
    assert axis.visible_range()[1] == pytest.approx(50.0, abs=1 / axis.px_per_s)
    axis.fit()
    axis.set_width(800)
    assert axis.visible_range() == (0.0, 50.0)


@pytest.mark.parametrize("px_per_s", [0.05, 0.5, 3.0, 20.0, 100.0, 700.0, 4000.0])
def test_tick_labels_never_collide(px_per_s):
    frame_px, clock_px = 70.0, 30.0
    scale = choose_tick_scale(px_per_s, 25.0, frame_px, clock_px)
    label_px = frame_px if scale.frames else clock_px
    assert scale.major_s * px_per_s >= label_px or scale.major_s == step_candidates(25.0)[-1][0]
    if scale.minor_s:
        ratio = scale.major_s / scale.minor_s
        assert abs(ratio - round(ratio)) < 0.01 and scale.minor_s * px_per_s >= 6


def test_tick_choice_goes_from_frames_to_minutes():
    fine = choose_tick_scale(2000.0, 25.0, 70.0, 30.0)
    assert fine.frames and fine.major_s == pytest.approx(0.04 * 5)
    assert tick_label(1.2, fine, 25.0, with_hours=False) == "00:00:01.05"
    coarse = choose_tick_scale(0.5, 25.0, 70.0, 30.0)
    assert not coarse.frames and coarse.major_s == 120
    assert tick_label(120.0, coarse, 25.0, with_hours=False) == "2:00"
    assert tick_times(0.5, 10.0, 5.0) == [5.0, 10.0]


def test_span_lane_visible_slice_handles_overlaps_and_hits():
    spans = (
        TimelineSpan(start_s=0, end_s=50),   # long span overlapping the next ones
        TimelineSpan(start_s=10, end_s=12),
        TimelineSpan(start_s=20, end_s=22),
    )
    lane = SpanLane.from_track(TimelineTrack(key="x/tags", title="T", kind=TrackKind.SPANS, provider="x", spans=spans))
    assert lane.visible_slice(30, 40) == (0, 3)  # the long one still counts; the others are culled by draw
    assert lane.visible_slice(60, 70)[1] - lane.visible_slice(60, 70)[0] == 0
    assert lane.index_at(11) == 1
    assert lane.index_at(15) == 0
    assert lane.index_at(51.0, tolerance_s=2.0) == 0
    assert lane.index_at(60.0, tolerance_s=2.0) is None


def test_layout_merges_runs_of_narrow_spans():
    starts = np.arange(100) * 0.1
    geometry = layout_spans(starts, starts + 0.1, np.arange(100) % 2, px_per_s=10.0)  # 1 px each
    assert geometry.colour.tolist() == [DENSE] and geometry.width.tolist() == [100]
    wide = layout_spans(np.array([0.0, 1.0]), np.array([1.0, 2.0]), np.array([0, 1]), px_per_s=10.0)
    assert wide.x0.tolist() == [0, 10] and wide.width.tolist() == [9, 9]  # 1 px gap after each


def test_layout_never_merges_a_run_across_lanes():
    starts = np.array([0.0, 0.1, 0.0, 0.1])  # two narrow spans in lane 0, the same two in lane 1
    geometry = layout_spans(starts, starts + 0.1, np.array([0, 1, 0, 1]), px_per_s=10.0, lanes=np.array([0, 0, 1, 1]))
    assert geometry.lane.tolist() == [0, 1] and geometry.colour.tolist() == [DENSE, DENSE]
    assert geometry.x0.tolist() == [0, 0] and geometry.width.tolist() == [2, 2]


def test_layout_orders_rects_by_lane_then_colour_then_x():
    starts = np.array([0.0, 1.0, 2.0, 0.0, 1.0])
    geometry = layout_spans(starts, starts + 1.0, np.array([0, 1, 0, 1, 0]), 10.0, np.array([0, 0, 0, 1, 1]))
    assert list(zip(geometry.lane.tolist(), geometry.colour.tolist(), geometry.x0.tolist())) == [
        (0, 0, 0), (0, 0, 20), (0, 1, 10), (1, 0, 10), (1, 1, 0),
    ]


def test_span_table_rows_match_each_lanes_slice():
    def lane(key: str, bounds: list[tuple[float, float]]) -> SpanLane:
        spans = tuple(TimelineSpan(start_s=a, end_s=b, label=f"{key}{a}") for a, b in bounds)
        return SpanLane.from_track(TimelineTrack(key=key, title=key, kind=TrackKind.SPANS, provider="x", spans=spans))

    lanes = [lane("x/a", [(0, 50), (10, 12), (20, 22)]), lane("x/b", []), lane("x/c", [(5, 6), (30, 31), (40, 45)])]
    table = SpanTable.from_lanes(lanes)
    for start_s, end_s in [(0, 100), (30, 40), (13, 19), (60, 70)]:
        expected = []
        for number, each in enumerate(lanes):
            i0, i1 = each.visible_slice(start_s, end_s)
            expected += range(int(table.first_row[number]) + i0, int(table.first_row[number]) + i1)
        assert table.rows_in(start_s, end_s).tolist() == expected
    assert table.span(4) is lanes[2].spans[1]


def random_span_lanes(layout: str) -> list[SpanLane]:
    """Three lanes of spans at 10 px/s, 2 to 40 px wide and apart, or from a twentieth of a pixel and touching
    (a span too narrow to show still gets a pixel, which the next span may also cover), or overlapping."""
    rng = np.random.default_rng(11)
    lanes = []
    for number in range(3):
        if layout == "apart":   # starts at least 2 px apart
            starts, widths = np.sort(rng.choice(np.arange(0, 100, 0.2), 300, replace=False)), [0.2, 1.0, 4.0]
        else:
            starts, widths = np.sort(rng.uniform(0, 100, 300)), [0.005, 0.05, 0.2, 1.0, 4.0]
        ends = starts + rng.choice(widths, 300)
        if layout != "overlapping":
            ends = np.minimum(ends, np.append(starts[1:], 100.0))
        spans = tuple(TimelineSpan(start_s=a, end_s=b, label=f"{number}-{i}")
                      for i, (a, b) in enumerate(zip(starts.tolist(), ends.tolist())))
        lanes.append(SpanLane.from_track(TimelineTrack(key=f"x/{number}", title="x", kind=TrackKind.SPANS,
                                                       provider="x", spans=spans)))
    return lanes


@pytest.mark.parametrize("layout", ["apart", "touching", "overlapping"])
def test_body_colours_are_the_rects_painted_one_by_one_in_drawing_order(layout):
    lanes = random_span_lanes(layout)
    table = SpanTable.from_lanes(lanes)
    colour_table = (0xFF000000 + np.arange(len(lanes) * 5, dtype=np.uint32) + 1).reshape(len(lanes), 5)
    px_per_s = 10.0
    layer = SpanLayer(table, px_per_s, (-50, 1050), colour_table, np.zeros(len(table)), 4)
    rects = layout_spans(table.starts, table.ends, table.colours, px_per_s, table.lane)   # in drawing order
    backgrounds = np.array([0xFF0000AA, 0xFF0000BB, 0xFF0000CC], np.uint32)
    for x0, x1 in [(0, 1000), (-50, 1050), (333, 334), (480, 720)]:
        for shown in ([0, 1, 2], [1, 2], [0, 2], [1]):
            expected = np.repeat(backgrounds[: len(shown), None], x1 - x0, axis=1)
            for left, width, colour, lane in zip(rects.x0, rects.width, rects.colour, rects.lane):
                a, b = max(left, x0), min(left + width, x1)
                if a < b and lane in shown:
                    expected[shown.index(lane), a - x0 : b - x0] = colour_table[lane, colour - DENSE]
            found = layer.body_colours(x0, x1, np.array(shown), backgrounds[: len(shown)])
            assert (found == expected).all(), (x0, x1, shown)


def test_neighbouring_lanes_keep_their_own_labels_and_colours(qtbot):
    # In the span table the row after lane a's last span is lane b's first, which starts earlier:
    # it must not count as an overlapping successor that hides a's label.
    tracks = [
        TimelineTrack(key=f"x/{key}", title=key, kind=TrackKind.SPANS, provider="x",
                      spans=(TimelineSpan(start_s=start, end_s=60.0, label=f"lane {key}"),))
        for key, start in (("a", 20.0), ("b", 0.0))
    ]
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(900, 200)
    widget.set_tracks(tracks, DURATION_S)
    widget.show()
    qtbot.waitExposed(widget)
    image = widget.grab().toImage()
    assert widget.paint_stats.labels_drawn == 2 and widget.paint_stats.rects_drawn == 2
    for track in tracks:
        lane = widget.lane_rect(track.key)
        y = lane.top() + style.SPAN_INSET + 1
        inside = round(widget.x_for_time(track.spans[0].start_s + 1.0))
        before = round(widget.x_for_time(track.spans[0].start_s - 1.0))
        assert image.pixelColor(inside, y).rgb() == style.span_colours(track)[0].rgb()
        assert image.pixelColor(before, y).rgb() != style.span_colours(track)[0].rgb()


def test_graph_envelope_is_min_max_per_column():
    lane = GraphLane.from_track(activity_track())
    low, high = lane.column_envelope(0.0, 10.0, 8)  # 20 samples per column, data ends in column 6
    values = lane.values
    assert low[0] == values[0] and high[0] == values[19]
    assert high[5] == values[119] and np.isnan(high[6:]).all()
    part_low, part_high = lane.column_envelope(0.0, 10.0, 3, first_column=4)  # columns 4, 5, 6 of the same view
    np.testing.assert_array_equal(part_low, low[4:7])
    np.testing.assert_array_equal(part_high, high[4:7])


# --- the widget -------------------------------------------------------------------------------------


def test_set_tracks_lays_out_lanes_and_fits(timeline):
    scenes, activity = timeline.lane_rect("local/scenes"), timeline.lane_rect("local/activity")
    assert scenes.isValid() and activity.isValid()
    assert scenes.bottom() < activity.top()
    assert scenes.height() == style.SPAN_LANE_HEIGHT and activity.height() == style.GRAPH_LANE_HEIGHT
    assert timeline.visible_range() == pytest.approx((0.0, DURATION_S))
    assert timeline.lane_rect("nope").isNull()
    assert timeline.sizeHint().height() >= style.RULER_HEIGHT + scenes.height() + activity.height()


def test_click_on_span_seeks_to_its_start(timeline, qtbot):
    lane = timeline.lane_rect("local/scenes")
    span = scenes_track().spans[3]
    x = round(timeline.x_for_time((span.start_s + span.end_s) / 2))
    with qtbot.waitSignal(timeline.seek_requested, timeout=1000) as blocker:
        qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, lane.center().y()))
    assert blocker.args == [pytest.approx(span.start_s)]
    assert timeline.position() == pytest.approx(span.start_s)


def test_click_on_ruler_seeks_to_time_under_cursor(timeline, qtbot):
    x = 517
    expected = time_under(timeline, x)
    with qtbot.waitSignal(timeline.seek_requested, timeout=1000) as blocker:
        qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, style.RULER_HEIGHT // 2))
    assert blocker.args[0] == pytest.approx(expected, abs=px_in_seconds(timeline))


def test_click_on_empty_graph_lane_seeks_to_time_under_cursor(timeline, qtbot):
    lane = timeline.lane_rect("local/activity")
    x = 300
    with qtbot.waitSignal(timeline.seek_requested, timeout=1000) as blocker:
        qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, lane.center().y()))
    assert blocker.args[0] == pytest.approx(time_under(timeline, x), abs=px_in_seconds(timeline))


def test_wheel_zooms_in_around_cursor(timeline):
    lane = timeline.lane_rect("local/scenes")
    cursor = QPoint(600, lane.center().y())
    before_start, before_end = timeline.visible_range()
    anchor = time_under(timeline, cursor.x())
    wheel(timeline, cursor, dy=120)
    wheel(timeline, cursor, dy=240)
    start, end = timeline.visible_range()
    assert end - start < (before_end - before_start) / 1.5
    assert time_under(timeline, cursor.x()) == pytest.approx(anchor, abs=px_in_seconds(timeline))
    wheel(timeline, cursor, dy=-120 * 50)
    assert timeline.visible_range() == pytest.approx((0.0, DURATION_S))  # never zooms out past fit


def test_shift_wheel_scrolls_and_scrollbar_follows(timeline):
    lane = timeline.lane_rect("local/scenes")
    wheel(timeline, lane.center(), dy=120 * 5)
    start, _ = timeline.visible_range()
    wheel(timeline, lane.center(), dy=-120, modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert timeline.visible_range()[0] > start
    bar = timeline._hbar
    assert bar.maximum() > 0 and bar.value() == round(timeline.x_for_time(0) * -1 + lane.left())
    bar.setValue(0)
    assert timeline.visible_range()[0] == pytest.approx(0.0)


def test_set_position_far_away_scrolls_it_into_view(timeline):
    lane = timeline.lane_rect("local/scenes")
    wheel(timeline, QPoint(lane.left() + 10, lane.center().y()), dy=120 * 8)
    start, end = timeline.visible_range()
    assert end < 50.0
    timeline.set_position(55.0)
    start, end = timeline.visible_range()
    assert start <= 55.0 <= end
    assert lane.left() <= timeline.x_for_time(55.0) < lane.right()


def test_playback_page_scrolls_while_following_but_not_after_manual_scroll(timeline):
    lane = timeline.lane_rect("local/scenes")
    wheel(timeline, QPoint(lane.left(), lane.center().y()), dy=120 * 8)
    timeline.set_position(2.0)  # a jump: following resumes
    position = 2.0
    while position < 30.0:
        position += 0.04
        timeline.set_position(position)
        start, end = timeline.visible_range()
        assert start <= position <= end
    wheel(timeline, lane.center(), dy=120, modifiers=Qt.KeyboardModifier.ShiftModifier)  # scroll back by hand
    paused_range = timeline.visible_range()
    for _ in range(100):
        position += 0.04
        timeline.set_position(position)
    assert timeline.visible_range() == paused_range


def test_dragging_the_playhead_seeks_continuously(timeline):
    seeks: list[float] = []
    timeline.seek_requested.connect(seeks.append)
    y = style.RULER_HEIGHT // 2
    mouse(timeline, QEvent.Type.MouseButtonPress, QPoint(200, y))
    for x in (260, 330, 410, 500):
        mouse(timeline, QEvent.Type.MouseMove, QPoint(x, y))
    mouse(timeline, QEvent.Type.MouseButtonRelease, QPoint(500, y))
    assert len(seeks) == 5
    assert seeks == sorted(seeks) and seeks[0] < seeks[-1]
    assert timeline.position() == pytest.approx(seeks[-1])
    seeks.clear()
    mouse(timeline, QEvent.Type.MouseMove, QPoint(600, y))  # released: no more seeking
    assert seeks == []


def test_tooltips_for_span_and_graph(timeline, qtbot):
    span = scenes_track().spans[2]
    lane = timeline.lane_rect("local/scenes")
    pos = QPoint(round(timeline.x_for_time(span.start_s + 1.0)), lane.center().y())
    assert timeline.tooltip_at(pos) == span.tooltip
    QApplication.sendEvent(timeline, QHelpEvent(QEvent.Type.ToolTip, pos, timeline.mapToGlobal(pos)))
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    assert QToolTip.text() == span.tooltip
    graph = timeline.lane_rect("local/activity")
    text = timeline.tooltip_at(QPoint(round(timeline.x_for_time(30.25)), graph.center().y()))
    assert text.startswith("Activity: 0.5") and "00:00:30" in text
    assert timeline.tooltip_at(QPoint(5, 5)) == ""


def test_span_at_returns_track_and_span(timeline):
    lane = timeline.lane_rect("local/scenes")
    track, span = timeline.span_at(QPoint(round(timeline.x_for_time(40.0)), lane.center().y()))
    assert track.key == "local/scenes" and span.start_s == 36.0
    assert timeline.span_at(timeline.lane_rect("local/activity").center()) is None


def test_empty_state_paints_hint(qtbot):
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(900, 200)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_tracks([scenes_track()], DURATION_S)
    widget.clear()
    image = widget.grab().toImage()
    background = image.pixelColor(5, 5)
    centre_row = [image.pixelColor(x, 100) for x in range(300, 600)]
    assert any(colour != background for colour in centre_row)  # the hint's text
    assert widget.visible_range() == (0.0, 0.0)
    assert widget.span_at(QPoint(450, 100)) is None


def test_rendered_pixels_show_spans_and_playhead(timeline, qtbot):
    timeline.set_position(33.3)
    qtbot.wait(10)
    image = timeline.grab().toImage()
    assert image.width() == timeline.width()  # no device-pixel scaling in the offscreen grab
    lane = timeline.lane_rect("local/scenes")
    colours = style.span_colours(scenes_track())
    y = lane.top() + style.SPAN_INSET + 1  # above the label text
    for index in (1, 4):  # scenes alternate between two shades
        span = scenes_track().spans[index]
        x = round(timeline.x_for_time((span.start_s + span.end_s) / 2))
        assert image.pixelColor(x, y).rgb() == colours[index % 2].rgb()
    assert colours[0].rgb() != colours[1].rgb()
    playhead_x = round(timeline.x_for_time(33.3))
    graph = timeline.lane_rect("local/activity")
    for probe_y in (lane.center().y(), graph.top() + 2):
        assert image.pixelColor(playhead_x, probe_y).rgb() == style.PLAYHEAD.rgb()
    assert image.pixelColor(playhead_x, 6).rgb() == style.PLAYHEAD.rgb()  # the handle in the ruler
    # The activity ramps from 0 to 1: filled low down late in the clip, empty high up early on.
    lane_background = image.pixelColor(round(timeline.x_for_time(2.0)), graph.top() + 4)
    assert image.pixelColor(round(timeline.x_for_time(50.0)), graph.bottom() - 6) != lane_background
    assert image.pixelColor(round(timeline.x_for_time(3.0)), graph.top() + 4) == lane_background


# --- playback repaints ------------------------------------------------------------------------------


class PaintRegions(QObject):
    """Records the region of each paint event of the widgets it watches, until stop()."""

    def __init__(self, *widgets) -> None:
        super().__init__()
        self.regions: dict[object, QRegion] = {}
        self._widgets = widgets
        for widget in widgets:
            widget.installEventFilter(self)

    def stop(self) -> None:
        for widget in self._widgets:
            widget.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.regions[watched] = self.regions.get(watched, QRegion()) | event.region()
        return False


def settle(widget: TimelineWidget) -> None:
    """Paints whatever is pending, so that what is recorded next comes from the next change."""
    widget.repaint()
    QApplication.processEvents()


def playback_step_region(qtbot, widget: TimelineWidget, seconds: float) -> tuple[QRegion, PaintRegions]:
    """The region repainted after set_position(seconds), and every widget's recorded paints."""
    settle(widget)
    paints = PaintRegions(widget, *widget.findChildren(QScrollBar))
    widget.set_position(seconds)
    qtbot.waitUntil(lambda: widget in paints.regions, timeout=2000)
    QApplication.processEvents()
    paints.stop()
    return paints.regions[widget], paints


def playhead_x(widget: TimelineWidget) -> int:
    return round(widget.x_for_time(widget.position()))


def test_playback_repaints_only_the_playhead_strip_and_not_the_scroll_bar(timeline, qtbot):
    lane_area_bottom = timeline.lane_rect("local/activity").bottom()
    timeline.set_position(20.0)
    for _ in range(5):
        before = playhead_x(timeline)
        region, paints = playback_step_region(qtbot, timeline, timeline.position() + 0.2)  # 3 px at this zoom
        after = playhead_x(timeline)
        assert after > before
        bounds = region.boundingRect()
        assert bounds.left() <= before - 5 and after + 5 <= bounds.right()  # both handles, old and new
        assert bounds.width() <= after - before + 16  # a strip a few px wide, not the widget
        assert bounds.top() == 0 and lane_area_bottom <= bounds.bottom() < timeline.height() - 10
        assert list(paints.regions) == [timeline]  # no scroll bar repaint


def test_playhead_jump_in_view_repaints_two_strips(timeline, qtbot):
    timeline.set_position(10.0)
    region, _ = playback_step_region(qtbot, timeline, 40.0)
    assert region.rectCount() == 2
    assert all(rect.width() <= 16 for rect in region)
    assert region.contains(QPoint(round(timeline.x_for_time(10.0)), 30))
    assert region.contains(QPoint(playhead_x(timeline), 30))


def right_of_headers(widget: TimelineWidget) -> QRegion:
    return QRegion(QRect(style.HEADER_WIDTH, 0, widget.width() - style.HEADER_WIDTH, widget.height()))


def test_following_playback_repaints_the_whole_view_but_the_headers_when_it_pages(timeline, qtbot):
    lane = timeline.lane_rect("local/scenes")
    wheel(timeline, QPoint(lane.left(), lane.center().y()), dy=120 * 8)
    timeline.set_position(1.0)
    end = timeline.visible_range()[1]
    region, paints = playback_step_region(qtbot, timeline, end + 0.1)  # the playhead leaves the view
    assert timeline.visible_range()[0] > 1.0
    assert region.intersected(right_of_headers(timeline)) == right_of_headers(timeline)
    assert not region.contains(QPoint(style.HEADER_WIDTH // 2, lane.center().y()))
    assert len(paints.regions) > 1  # the scroll bar moved with the view


@pytest.mark.parametrize("zoom_notches", [0, 3])
def test_strip_repaints_leave_the_same_pixels_as_a_full_repaint(timeline, qtbot, zoom_notches):
    lane = timeline.lane_rect("local/scenes")
    wheel(timeline, QPoint(lane.center().x(), lane.center().y()), dy=120 * zoom_notches)
    start, end = timeline.visible_range()
    label_x = timeline.x_for_time(SCENE_S * (int(start / SCENE_S) + 1)) + style.LABEL_PADDING + 2
    steps = [
        time_under(timeline, lane.left() + 1),     # the handle overlaps the lane headers
        time_under(timeline, lane.left() + 4),
        time_under(timeline, label_x),             # over a span's label
        time_under(timeline, label_x + 2),
        time_under(timeline, label_x + 30),        # two strips close enough for a ruler label to span both
        (start + end) / 2,                         # a jump: two strips apart
        time_under(timeline, lane.right() - 1),    # the last column
    ]
    shown = QImage(timeline.size(), QImage.Format.Format_ARGB32_Premultiplied)
    timeline.set_position(steps[0] + 5 * px_in_seconds(timeline))
    timeline.render(shown)
    for seconds in steps:
        region, _ = playback_step_region(qtbot, timeline, seconds)
        assert region.boundingRect() != timeline.rect()
        timeline.render(shown, region.boundingRect().topLeft(), region)  # the offset is where the region goes
        full = QImage(timeline.size(), QImage.Format.Format_ARGB32_Premultiplied)
        full.fill(0)
        timeline.render(full)
        differing = [
            (x, y) for y in range(full.height()) for x in range(full.width()) if shown.pixel(x, y) != full.pixel(x, y)
        ] if shown != full else []
        assert not differing, f"at {seconds:.2f} s, {len(differing)} pixels differ, e.g. {differing[:5]}"
        assert timeline.paint_stats.labels_drawn > 0


# --- scrolling, narrow spans, labels and the scroll bar as painted -----------------------------------


def shown_pixels(widget) -> np.ndarray:
    """What the window shows (the offscreen screen's copy of its backing store), not a fresh render."""
    image = widget.screen().grabWindow(widget.winId()).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    return np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), -1).copy()


def shown_after(widget: TimelineWidget, change) -> tuple[np.ndarray, QRegion]:
    """After change(): the (y, x) of the pixels the window shows that a full repaint then changes, and the
    region the change repainted."""
    settle(widget)
    paints = PaintRegions(widget)
    change()
    QApplication.processEvents()
    paints.stop()
    changed = shown_pixels(widget)
    widget.update()
    QApplication.processEvents()
    return np.argwhere(changed != shown_pixels(widget)), paints.regions.get(widget, QRegion())


@pytest.fixture
def busy_timeline(qtbot) -> TimelineWidget:
    """Labels crossing both view edges, overlapping spans, a graph, an empty lane with a note, marks."""
    rng = np.random.default_rng(7)
    overlapping = tuple(
        TimelineSpan(start_s=float(start), end_s=float(start + length), label=f"Person {i % 5}")
        for i, (start, length) in enumerate(zip(rng.uniform(0, 55, 120), rng.uniform(0.05, 8, 120)))
    )
    words = tuple(TimelineSpan(start_s=i * 2.5, end_s=i * 2.5 + 2.2, label=f"Sale {i}") for i in range(24))
    tracks = [
        scenes_track(),
        TimelineTrack(key="local/people/a", title="People", kind=TrackKind.SPANS, provider="local",
                      spans=overlapping),
        TimelineTrack(key="local/ocr", title="Text", kind=TrackKind.SPANS, provider="local", spans=words),
        TimelineTrack(key="local/music", title="Music", kind=TrackKind.SPANS, provider="local",
                      note="No music found"),
        activity_track(),
    ]
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(900, 240)
    widget.set_tracks(tracks, DURATION_S)
    widget.set_marks(12.0, 31.0)
    widget.set_markers([5.0, 44.4])
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.mark.parametrize("zoom_notches", [1, 4, 9])
def test_after_scrolling_the_window_shows_what_a_full_repaint_shows(busy_timeline, qtbot, zoom_notches):
    widget = busy_timeline
    lane = widget.lane_rect("local/scenes")
    wheel(widget, QPoint(lane.left() + 40, lane.center().y()), dy=120 * zoom_notches)
    widget.set_position(widget.visible_range()[0] + 3 * px_in_seconds(widget))  # its handle over the headers
    steps = [1, 1, -1, 3, -7, 25, 2, -40, 90, 5]
    for number, step in enumerate(steps):
        if number % 2:   # a horizontal wheel or trackpad
            change = functools.partial(wheel, widget, lane.center(), dx=-step * 120 // 40 or -1)
        else:
            change = functools.partial(widget._hbar.setValue, widget._hbar.value() + step)
        differing, painted = shown_after(widget, change)
        assert not len(differing), f"step {number}: {len(differing)} pixels differ, e.g. (y, x) {differing[:4]}"
        assert painted.boundingRect() != widget.rect() or abs(step) > 20  # the moved pixels are not painted again


def test_after_zooming_and_paging_the_window_shows_what_a_full_repaint_shows(busy_timeline, qtbot):
    widget = busy_timeline
    lane = widget.lane_rect("local/scenes")
    widget.set_position(3 * px_in_seconds(widget))  # its handle over the headers
    changes = [
        lambda: wheel(widget, QPoint(lane.left() + 2, lane.center().y()), dy=120 * 3),   # the handle stays near
        lambda: wheel(widget, QPoint(lane.center().x(), lane.center().y()), dy=120 * 2),  # it leaves the view
        lambda: widget.set_position(widget.visible_range()[1] + 1.0),                     # playback pages
        lambda: wheel(widget, QPoint(lane.right() - 5, lane.center().y()), dy=-120 * 2),
        lambda: wheel(widget, QPoint(lane.left() + 40, 10), dy=120),                      # over the ruler
        widget.zoom_to_fit,
    ]
    for number, change in enumerate(changes):
        differing, painted = shown_after(widget, change)
        assert not painted.isEmpty(), f"change {number} repainted nothing"
        assert not len(differing), f"change {number}: {len(differing)} pixels differ, e.g. (y, x) {differing[:4]}"
        assert not painted.contains(QPoint(style.HEADER_WIDTH // 2, lane.center().y())), "the headers were repainted"


def test_a_span_narrower_than_a_pixel_still_shows_in_its_colour(qtbot):
    spans = (TimelineSpan(start_s=10.0, end_s=10.01, label="blink"), TimelineSpan(start_s=40.0, end_s=41.0, label="b"))
    track = TimelineTrack(key="local/tags", title="Tags", kind=TrackKind.SPANS, provider="local", spans=spans)
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(900, 120)
    widget.set_tracks([track], DURATION_S)
    widget.show()
    qtbot.waitExposed(widget)
    lane = widget.lane_rect("local/tags")
    start, end = widget.visible_range()
    assert (end - start) / lane.width() > 0.05   # the first span is a fifth of a pixel wide or less
    image = widget.grab().toImage()
    y = lane.top() + lane.height() // 2
    x = int(widget.x_for_time(10.0))
    colour = style.span_colours(track)[0].rgb()
    assert image.pixelColor(x, y).rgb() == colour
    assert image.pixelColor(x - 2, y).rgb() != colour and image.pixelColor(x + 2, y).rgb() != colour


def test_labels_are_the_pixels_of_their_text_drawn_on_the_span(timeline, qtbot):
    image = timeline.grab().toImage()
    lane = timeline.lane_rect("local/scenes")
    span = scenes_track().spans[3]
    left = round(timeline.x_for_time(span.start_s))
    font = QFont(timeline.font())
    font.setPointSizeF(max(7.0, font.pointSizeF() - 1.0))
    text_top = lane.top() + (lane.height() - QFontMetrics(font).height()) // 2
    # The same label drawn as text on a patch of the span's colour, where the timeline puts it.
    box = QRect(left, lane.top() + style.SPAN_INSET, 30, lane.height() - 2 * style.SPAN_INSET)
    expected = QImage(image.size(), image.format())
    expected.fill(0)
    painter = QPainter(expected)
    painter.fillRect(box, style.span_colours(scenes_track())[1])
    painter.setFont(font)
    painter.setPen(style.SPAN_LABEL)
    painter.drawText(QPointF(left + style.LABEL_PADDING, text_top + QFontMetrics(font).ascent()), span.label)
    painter.end()
    assert image.copy(box) == expected.copy(box)
    assert image.copy(box) != QImage(box.size(), image.format())   # there is text there


def test_timeline_scroll_bar_shows_what_the_styles_scroll_bar_shows(qtbot):
    host = QWidget()
    host.setAutoFillBackground(True)
    palette = host.palette()
    palette.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.Base))   # as beneath the bar
    host.setPalette(palette)
    qtbot.addWidget(host)
    host.resize(1200, 100)
    ours, theirs = TimelineScrollBar(Qt.Orientation.Horizontal, host), QScrollBar(Qt.Orientation.Horizontal, host)
    ours.setGeometry(20, 40, 1100, 15)
    theirs.setGeometry(20, 70, 1100, 15)
    host.show()
    qtbot.waitExposed(host)
    rng = np.random.default_rng(3)
    cases = [(0, 0), (1, 0), (2, 1), (30, 0), (30, 1), (30, 29), (30, 30), (100_000, 0), (100_000, 50_000)]
    cases += [(int(end), int(rng.integers(0, end + 1))) for end in rng.integers(0, 3000, 30)]
    for maximum, value in cases * 2:   # the second time round, from pictures kept the first time
        for bar in (ours, theirs):
            bar.setRange(0, maximum)
            bar.setPageStep(1100)
            bar.setValue(value)
        QApplication.processEvents()
        pixels = shown_pixels(host)
        assert (pixels[40:55, 20:1120] == pixels[70:85, 20:1120]).all(), f"range {maximum}, value {value}"


def test_playback_after_the_view_changed_shows_the_changed_view(busy_timeline, qtbot):
    widget = busy_timeline
    lane = widget.lane_rect("local/scenes")
    wheel(widget, QPoint(lane.left() + 40, lane.center().y()), dy=120 * 3)
    start, end = widget.visible_range()
    widget.set_position(start + (end - start) / 3)
    playback_step_region(qtbot, widget, widget.position() + 4 * px_in_seconds(widget))   # before any change
    changes = [
        lambda: widget.set_marks(start + 1.0, widget.position() + 2.0),
        lambda: widget._hbar.setValue(widget._hbar.value() + 7),
        lambda: widget.select_track("local/ocr"),
        lambda: widget.set_markers([widget.position() + 1.0]),
        lambda: wheel(widget, QPoint(lane.center().x(), lane.center().y()), dy=120),
    ]
    for number, change in enumerate(changes):
        change()
        for _ in range(3):   # the first move after the change, then moves in the same view
            region, _ = playback_step_region(qtbot, widget, widget.position() + 4 * px_in_seconds(widget))
            assert region.boundingRect() != widget.rect()
            during_playback = shown_pixels(widget)
            widget.update()
            QApplication.processEvents()
            differing = np.argwhere(during_playback != shown_pixels(widget))
            assert not len(differing), f"change {number}: {len(differing)} pixels differ, e.g. {differing[:4]}"


def test_a_paint_that_fails_leaves_the_next_one_whole(timeline, qtbot, qtlog, monkeypatch):
    def failing(*args: object) -> None:
        raise RuntimeError("a paint that fails half way")

    monkeypatch.setattr(type(timeline._renderer), "_paint_labels", failing)
    with pytest.raises(RuntimeError, match="half way") as failure:
        timeline.repaint()
    monkeypatch.undo()
    timeline.repaint()   # while the failure, and the frames it went through, are still kept
    assert failure.value
    assert not [record for record in qtlog.records if "active painter" in record.message]
    track = scenes_track()
    lane = timeline.lane_rect(track.key)
    x = round(timeline.x_for_time(track.spans[0].start_s + 1.0))
    image = timeline.grab().toImage()
    assert image.pixelColor(x, lane.top() + style.SPAN_INSET + 1).rgb() == style.span_colours(track)[0].rgb()
