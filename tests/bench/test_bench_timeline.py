"""Timeline paint time with many spans and labels in view, as ratios to two baselines painting the same spans.

Run: .venv/bin/python -m pytest -m bench -s tests/bench/test_bench_timeline.py

Machines differ (one where plain Python runs 2.5x slower measured zoom at 15-20 ms where this one measured
6-7 ms), so every figure is also printed as a ratio to baselines measured in the same run, frame by frame
in turn with the timeline, painting the same spans at the same size:
- one at a time: a QWidget whose paint draws each span with one fillRect and each label with drawText;
- graphics view: a QGraphicsView over a scene of one QGraphicsRectItem per span and one
  QGraphicsSimpleTextItem per label.

Each lane repeats one labelled span (wide enough for its one-character label) followed by a group of
narrow spans, and the duration is the lane width in seconds so that at zoom-to-fit one second is one
pixel and everything is in view. Scenarios, by what changes between frames:
- zoom: every lane's rects and label candidates are rebuilt, all lanes in one pass (a wheel zoom step,
  a page scroll); the lane headers stay;
- scroll: the view moves 1 px, the cached rect lists are reused and labels re-placed;
- playback: only the playhead moves, by a few pixels.
Each scenario times what each widget actually does for the change: the change itself (a scroll moves the
already painted pixels there, with QWidget.scroll for the timeline, as QGraphicsView does for its
viewport) plus the paint of the region it then asked to repaint, caught from its paint events and its
scroll bar's: all but the lane headers on a zoom, the uncovered columns and what keeps to the view on a
scroll, the playhead's strips during playback for the timeline; the whole widget for the one-at-a-time
baseline; what the scene found dirty for the graphics view. A zoom or scroll step's paint is timed before
the widget's own paint of it (which would leave the new layout made), in the region the same step asked
for two frames before, which each step is checked to ask for again (a step that asked for another region,
or repainted the whole timeline, is not counted; more than a few fail the run). The timeline's playback
strip paint is also compared with its own full repaint.

1600x400 (lanes 1,508 px wide; the widget is that plus the lane headers) holds 14 span lanes: 10,000
spans fit, but only ~1,300 labels can be wide enough to be shown (14 lanes x 1,508 px / 16 px per
labelled span). The 1600x800 case shows 10,000 spans and 2,000 labels.
"""

from __future__ import annotations

import functools
import statistics
import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QRegion,
    QTransform,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QScrollBar,
    QWidget,
)
from targets import check_target

from reelscope.domain.timeline import TimelineSpan, TimelineTrack, TrackKind
from reelscope.domain.timeline_layout.lanes import SpanLane
from reelscope.qt.widgets.timeline import TimelineWidget, style

FRAMES = 50
WARM_UP_FRAMES = 4   # untimed: they learn what a step of each kind asks to repaint
MAX_STRAY_STEPS = 5  # steps not counted because something else repainted too, before the benchmark fails
LABELLED_SPAN_PX = 16
LANE_PX = 1508   # the lanes' width (the widget's less the lane headers) the span patterns are laid out for
PLAYBACK_STEP_PX = 3
ZOOM_SCROLL_TARGET = 0.15       # of the one-at-a-time paint
PLAYBACK_TARGET = 0.25          # of the timeline's own full repaint
# Fail only this far over a target. Zoom sits at 0.16-0.19 of the one-at-a-time paint (a miss, printed
# as such) and the ratio moves by a third with the load of a shared 2-core machine.
FAR_OFF = 3.0


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


def label_font(widget: QWidget) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(max(7.0, font.pointSizeF() - 1.0))
    return font


def lane_spans(tracks: list[TimelineTrack]) -> list[list[tuple[float, float, str, QColor]]]:
    """Per lane: (start, end, label, colour) of each span, coloured as the timeline colours them."""
    lanes = []
    for track in tracks:
        lane = SpanLane.from_track(track)
        colours = style.span_colours(track)
        lanes.append([(span.start_s, span.end_s, span.label, colours[int(colour)])
                      for span, colour in zip(lane.spans, lane.colours)])
    return lanes


class OneAtATimeTimeline(QWidget):
    """Baseline: each paint walks every span, one fillRect per span and one drawText per label that fits."""

    def __init__(self, tracks: list[TimelineTrack], duration_s: float) -> None:
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._lanes = lane_spans(tracks)
        self._font = label_font(self)
        metrics = QFontMetrics(self._font)
        self._label_widths = {span[2]: metrics.horizontalAdvance(span[2]) for lane in self._lanes for span in lane}
        self._baseline = (style.SPAN_LANE_HEIGHT + metrics.ascent() - metrics.descent()) / 2
        self._duration_s = duration_s
        self.px_per_s = 1.0
        self.offset_px = 0.0
        self.position_s = 0.0
        self.labels_drawn = 0

    def fit(self, factor: float = 1.0) -> None:
        self.px_per_s = (self.width() - style.HEADER_WIDTH) / self._duration_s * factor
        self.offset_px = 0.0
        self.update()

    def set_position(self, seconds: float) -> None:
        self.position_s = seconds
        self.update()

    def scroll_px(self, step: int) -> None:
        self.offset_px += step
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        p.setClipRect(style.HEADER_WIDTH, 0, self.width() - style.HEADER_WIDTH, self.height())
        p.setFont(self._font)
        p.setPen(style.SPAN_LABEL)
        left, right = style.HEADER_WIDTH - self.offset_px, self.width()
        labels = 0
        for number, spans in enumerate(self._lanes):
            top = style.RULER_HEIGHT + number * style.SPAN_LANE_HEIGHT
            for start_s, end_s, label, colour in spans:
                x0 = round(left + start_s * self.px_per_s)
                x1 = round(left + end_s * self.px_per_s)
                if x1 < style.HEADER_WIDTH or x0 > right:
                    continue
                p.fillRect(x0, top + style.SPAN_INSET, max(1, x1 - x0 - 1),
                           style.SPAN_LANE_HEIGHT - 2 * style.SPAN_INSET, colour)
                if x1 - 1 - x0 - 2 * style.LABEL_PADDING >= self._label_widths[label]:
                    p.drawText(QPointF(x0 + style.LABEL_PADDING, top + self._baseline), label)
                    labels += 1
        p.fillRect(round(left + self.position_s * self.px_per_s), 0, 1, self.height(), style.PLAYHEAD)
        p.end()
        self.labels_drawn = labels


class GraphicsViewTimeline(QGraphicsView):
    """Baseline: a scene of one rect item per span and one text item per label, x in seconds."""

    def __init__(self, tracks: list[TimelineTrack], duration_s: float, label_px_per_s: float) -> None:
        self._scene = QGraphicsScene()
        super().__init__(self._scene)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        font = label_font(self)
        metrics = QFontMetrics(font)
        body_height = style.SPAN_LANE_HEIGHT - 2 * style.SPAN_INSET
        self.items_count = self.labels_count = 0
        lanes = lane_spans(tracks)
        for number, spans in enumerate(lanes):
            top = number * style.SPAN_LANE_HEIGHT
            for start_s, end_s, label, colour in spans:
                rect = QGraphicsRectItem(start_s, top + style.SPAN_INSET, end_s - start_s, body_height)
                rect.setPen(Qt.PenStyle.NoPen)
                rect.setBrush(colour)
                self._scene.addItem(rect)
                self.items_count += 1
                room = (end_s - start_s) * label_px_per_s - 1 - 2 * style.LABEL_PADDING
                if room >= metrics.horizontalAdvance(label):
                    text = QGraphicsSimpleTextItem(label)
                    text.setFont(font)
                    text.setBrush(style.SPAN_LABEL)
                    text.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
                    text.setPos(start_s + style.LABEL_PADDING / label_px_per_s, top + style.SPAN_INSET)
                    self._scene.addItem(text)
                    self.labels_count += 1
        height = len(lanes) * style.SPAN_LANE_HEIGHT
        self._scene.setSceneRect(0, 0, duration_s, height)
        self.playhead = self._scene.addLine(0, 0, 0, height, QPen(style.PLAYHEAD, 0))
        self._duration_s = duration_s

    def zoom(self, factor: float) -> None:
        fit = self.viewport().width() / self._duration_s
        self.setTransform(QTransform.fromScale(fit * factor, 1.0))

    def set_position(self, seconds: float) -> None:
        self.playhead.setX(seconds)


class PaintRegion(QObject):
    """The region of the paint events of a widget (its own, and render()'s) since the last take()."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.region = QRegion()
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.region |= event.region()
        return False

    def take(self) -> QRegion:
        region, self.region = self.region, QRegion()
        return region


def timed(paint: Callable[[], None]) -> float:
    start = time.perf_counter()
    paint()
    return (time.perf_counter() - start) * 1000


def region_paint(target: QWidget, image: QImage, region: QRegion) -> Callable[[], None]:
    return lambda: QWidget.render(target, image, region.boundingRect().topLeft(), region)


def scroll_bar_by(bar: QScrollBar, step: int) -> Callable[[], None]:
    return lambda: bar.setValue(bar.value() + step)


def in_parent(region: QRegion, child: QWidget) -> QRegion:
    return region.translated(child.pos())


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, round(len(ordered) * 0.95) - 1)]


def frame_ratio(times: list[float], baseline: list[float]) -> float:
    """Median of the per-frame ratios: each pair was painted moments apart, under the same load."""
    return statistics.median(mine / theirs for mine, theirs in zip(times, baseline))


def settle(qtbot, *regions: PaintRegion) -> list[QRegion]:
    """Lets every widget paint what its last change asked for; the regions they repainted."""
    QApplication.processEvents()
    qtbot.waitUntil(lambda: all(not watched.region.isEmpty() for watched in regions), timeout=5000)
    return [watched.take() for watched in regions]


def measure(qtbot, timeline: TimelineWidget, naive: OneAtATimeTimeline, view: GraphicsViewTimeline,
            scenario: str) -> dict[str, list[float]]:
    """Per implementation, the paint time of each frame in ms; frames interleave the implementations."""
    images = {name: QImage(widget.size(), QImage.Format.Format_ARGB32_Premultiplied)
              for name, widget in (("timeline", timeline), ("one at a time", naive), ("graphics view", view))}
    watched = [PaintRegion(timeline), PaintRegion(naive), PaintRegion(view.viewport())]
    bars = [PaintRegion(timeline._hbar), PaintRegion(view.horizontalScrollBar())]
    timeline.zoom_to_fit()
    naive.fit()
    view.zoom(1.0)
    if scenario == "scroll":  # just past fit, so there is room to scroll
        timeline.zoom_at(style.HEADER_WIDTH, 1.02)
        naive.fit(1.02)
        view.zoom(1.02)
    for widget, name in ((timeline, "timeline"), (naive, "one at a time"), (view, "graphics view")):
        QWidget.render(widget, images[name])  # warm-up: label widths, static texts, the scene's index
    timeline.set_position(0.0)
    naive.set_position(0.0)
    view.set_position(0.0)
    settle(qtbot, *watched)
    times: dict[str, list[float]] = {name: [] for name in images}
    if scenario == "playback":
        times["timeline full repaint"] = []
    whole = (QRegion(timeline.rect()), QRegion(naive.rect()), QRegion(view.rect()))
    asked = [whole, whole]   # what a step of each parity asked for
    frame, strays = 1 - WARM_UP_FRAMES, 0
    while len(times["timeline"]) < FRAMES:
        for each in watched + bars:
            each.take()  # render() sends paint events too
        moved = dict.fromkeys(images, 0.0)   # ms the change itself took: a scroll moves painted pixels
        if scenario == "zoom":  # a zoom step rebuilds every lane's rects and labels; 0.1% keeps all in view
            factor = 1.001 if frame % 2 else 1.0
            timeline.zoom_at(style.HEADER_WIDTH, factor) if frame % 2 else timeline.zoom_to_fit()
            naive.fit(factor)
            view.zoom(factor)
        elif scenario == "scroll":  # as by the scroll bar's arrows or a horizontal wheel
            step = 1 if frame % 2 else -1
            moved["timeline"] = timed(scroll_bar_by(timeline._hbar, step))
            moved["one at a time"] = timed(functools.partial(naive.scroll_px, step))
            moved["graphics view"] = timed(scroll_bar_by(view.horizontalScrollBar(), step))
        else:
            seconds = (frame + WARM_UP_FRAMES) * PLAYBACK_STEP_PX / timeline._axis.px_per_s
            timeline.set_position(seconds)
            naive.set_position(seconds)
            view.set_position(seconds)
        paints = {
            "timeline": lambda: timeline.render(images["timeline"]),
            "one at a time": lambda: naive.render(images["one at a time"]),
            "graphics view": lambda: QWidget.render(view, images["graphics view"]),
        }
        if scenario == "playback":   # the strips move with the playhead: paint what this step asks for
            paints["timeline full repaint"] = paints["timeline"]
            asked[frame % 2] = asked_for(qtbot, timeline, naive, view, watched, bars)
        # A zoom or scroll step asks for what the same step asked for two frames before (checked below); its
        # paint is timed before the widget's own, which would leave this zoom's layout and labels made.
        predicted = asked[frame % 2]
        timeline_region, naive_region, view_region = predicted
        paints["timeline"] = region_paint(timeline, images["timeline"], timeline_region)
        paints["one at a time"] = region_paint(naive, images["one at a time"], naive_region)
        paints["graphics view"] = region_paint(view, images["graphics view"], view_region)
        names = list(paints)
        shift = frame % len(names)  # each implementation in turn goes first
        took = {name: moved.get(name, 0.0) + timed(paints[name]) for name in names[shift:] + names[:shift]}
        if scenario != "playback":
            for each in watched + bars:
                each.take()  # the timed paints' own paint events
            asked[frame % 2] = asked_for(qtbot, timeline, naive, view, watched, bars)
        # A step that repainted the whole timeline, or asked for another region than the one painted (something
        # else asked for a repaint too), is not counted; a few such steps fail the benchmark.
        if frame > 0:
            if asked[frame % 2] == predicted and timeline_region.boundingRect() != timeline.rect():
                for name, ms in took.items():
                    times[name].append(ms)
            else:
                strays += 1
                assert strays <= MAX_STRAY_STEPS, f"{scenario}: {strays} steps repainted the whole timeline or " \
                                                  "asked for another region than the same step before"
        frame += 1
    return times


def asked_for(qtbot, timeline: TimelineWidget, naive: OneAtATimeTimeline, view: GraphicsViewTimeline,
              watched: list[PaintRegion], bars: list[PaintRegion]) -> tuple[QRegion, QRegion, QRegion]:
    """What each widget repaints for its last change (scroll bars included), in its own coordinates."""
    regions = settle(qtbot, *watched)
    bar_regions = [each.take() for each in bars]
    return (
        regions[0] | in_parent(bar_regions[0], timeline._hbar),
        regions[1],
        in_parent(regions[2], view.viewport()) | in_parent(bar_regions[1], view.horizontalScrollBar()),
    )


@pytest.mark.bench
@pytest.mark.parametrize(
    ("height", "lanes", "labelled_per_lane", "narrow_per_group", "min_labels"),
    [(400, 14, 94, 7, 1300), (800, 31, 65, 4, 2000)],
    ids=["1600x400", "1600x800"],
)
def test_bench_timeline_paint(qtbot, height, lanes, labelled_per_lane, narrow_per_group, min_labels):
    timeline = TimelineWidget()
    qtbot.addWidget(timeline)
    timeline.resize(LANE_PX + style.HEADER_WIDTH, height)
    timeline.show()
    qtbot.waitExposed(timeline)
    lane_px = timeline.width() - style.HEADER_WIDTH
    tracks = bench_tracks(lanes, lane_px, labelled_per_lane, narrow_per_group)
    timeline.set_tracks(tracks, float(lane_px))
    assert timeline.lane_rect(f"bench/lane{lanes - 1}").bottom() < height - 14  # every lane in view

    naive = OneAtATimeTimeline(tracks, float(lane_px))
    view = GraphicsViewTimeline(tracks, float(lane_px), label_px_per_s=1.0)
    for widget in (naive, view):
        qtbot.addWidget(widget)
        widget.resize(LANE_PX + style.HEADER_WIDTH, height)
        widget.show()
        qtbot.waitExposed(widget)
    # The last window shown becomes the active one. The timeline is made active again, as the window a user
    # zooms in is; the repaints of losing and regaining that come now, not in a timed frame.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view, timeout=5000)
    timeline.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is timeline, timeout=5000)

    results = {scenario: measure(qtbot, timeline, naive, view, scenario) for scenario in ("zoom", "scroll", "playback")}

    timeline.zoom_to_fit()
    timeline.render(QImage(timeline.size(), QImage.Format.Format_ARGB32_Premultiplied))
    stats = timeline.paint_stats
    naive.fit()
    naive.render(QImage(naive.size(), QImage.Format.Format_ARGB32_Premultiplied))
    assert stats.spans_visible >= 10_000
    assert stats.labels_drawn >= min_labels
    print(f"\ntimeline {timeline.width()}x{height}, {FRAMES} frames per scenario: {stats.spans_visible} spans, "
          f"{stats.labels_drawn} labels ({stats.rects_drawn} rects); one at a time: {naive.labels_drawn} labels; "
          f"graphics view: {view.items_count} rect items, {view.labels_count} text items")
    missed = []
    for scenario, times in results.items():
        figures = {name: summary(each) for name, each in times.items()}
        median, p95 = figures["timeline"]
        ratios = {name: frame_ratio(times["timeline"], times[name]) for name in times if name != "timeline"}
        line = (f"  {scenario:>8}: timeline median {median:.2f} ms, p95 {p95:.2f} ms; "
                + "; ".join(f"{name} {figures[name][0]:.1f} ms (p95 {figures[name][1]:.1f}), "
                            f"ratio {ratios[name]:.3f}" for name in ratios))
        if scenario == "playback":
            target, ratio, against = PLAYBACK_TARGET, ratios["timeline full repaint"], "the timeline's full repaint"
        else:
            target, ratio, against = ZOOM_SCROLL_TARGET, ratios["one at a time"], "the one-at-a-time paint"
        print(line + f" (target <= {target} of {against})")
        if not check_target(f"timeline {scenario} at 1600x{height} (ratio to {against})", ratio, "<=", target):
            missed.append((scenario, ratio, target))
    far_off = [(scenario, ratio) for scenario, ratio, target in missed if ratio > target * FAR_OFF]
    assert not far_off, f"far over the target ratio: {far_off}"
