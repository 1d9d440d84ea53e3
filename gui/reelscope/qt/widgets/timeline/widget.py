"""The timeline widget: lane headers, ruler, span and graph lanes, playhead; zoom, scroll and seek input."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QHelpEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QScrollBar, QSizePolicy, QToolTip, QWidget

from ....domain.timecode import format_timecode
from ....domain.timeline import TimelineSpan, TimelineTrack, TrackKind
from ....domain.timeline_layout.lanes import GraphLane, SpanLane, build_lanes
from ....domain.timeline_layout.time_axis import TimeAxis
from . import style
from .painter import LaneSlot, PaintStats, TimelineRenderer, Viewport, playhead_column

EMPTY_HINT = "Select a clip to see its timeline"
WHEEL_ZOOM_STEP = 1.25          # zoom factor per wheel notch
WHEEL_SCROLL_FRACTION = 0.125   # share of the view one wheel notch scrolls
FOLLOW_RESUME_JUMP_S = 1.0      # a set_position jump this far resumes following after a manual scroll
HIT_TOLERANCE_PX = 2.0          # narrow spans are clickable within this distance
DEFAULT_FPS = 25.0


class TimelineWidget(QWidget):
    seek_requested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._axis = TimeAxis()
        self._renderer = TimelineRenderer()
        self._slots: list[LaneSlot] = []
        self._position = 0.0
        self._following = True
        self._scrubbing = False
        self._v_offset = 0
        self._syncing_bars = False

        self._hbar = QScrollBar(Qt.Orientation.Horizontal, self)
        self._hbar.valueChanged.connect(self._on_hbar_moved)
        self._vbar = QScrollBar(Qt.Orientation.Vertical, self)
        self._vbar.valueChanged.connect(self._on_vbar_moved)
        self._vbar.hide()

        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.clear()

    # --- public API ---------------------------------------------------------------------------------

    def set_tracks(self, tracks: Sequence[TimelineTrack], duration_s: float, *, fps: float | None = None) -> None:
        """Replaces all lanes and zooms to fit; fps (default 25) sets frame ticks and the deepest zoom."""
        lanes = build_lanes(tracks)
        if duration_s <= 0:
            duration_s = max((lane.end_s for lane in lanes), default=0.0)
        self._slots = []
        top = 0
        for lane in lanes:
            height = style.GRAPH_LANE_HEIGHT if lane.track.kind == TrackKind.GRAPH else style.SPAN_LANE_HEIGHT
            self._slots.append(LaneSlot(lane, top, height))
            top += height
        self._renderer.set_slots(self._slots)
        self._axis.reset(duration_s, fps or DEFAULT_FPS)
        self._following = True
        self._v_offset = 0
        self._hbar.setVisible(bool(self._slots))
        self._relayout()
        self.updateGeometry()
        self.update()

    def clear(self) -> None:
        """Removes all lanes; the widget shows a hint instead."""
        self._slots = []
        self._renderer.set_slots([])
        self._axis.reset(0.0, self._axis.fps)
        self._hbar.hide()
        self._relayout()
        self.update()

    def set_position(self, seconds: float) -> None:
        """Moves the playhead; while following, page-scrolls to keep it in view."""
        previous = self._position
        old_column = playhead_column(self._axis, previous)
        self._position = max(0.0, seconds)
        if not self._following and abs(self._position - previous) > FOLLOW_RESUME_JUMP_S:
            self._following = True
        if self._following and self._slots and not self._axis.contains(self._position):
            self._page_to(self._position)
            self.update()
        elif playhead_column(self._axis, self._position) != old_column:
            self.update()

    def position(self) -> float:
        return self._position

    def zoom_to_fit(self) -> None:
        self._axis.fit()
        self._following = True
        self._sync_hbar()
        self.update()

    def visible_range(self) -> tuple[float, float]:
        if not self._slots:
            return 0.0, 0.0
        return self._axis.visible_range()

    def span_at(self, pos: QPoint) -> tuple[TimelineTrack, TimelineSpan] | None:
        slot = self._slot_at(pos)
        if slot is None or not isinstance(slot.lane, SpanLane):
            return None
        seconds = self._time_at_x(pos.x())
        index = slot.lane.index_at(seconds, HIT_TOLERANCE_PX / self._axis.px_per_s)
        if index is None:
            return None
        return slot.lane.track, slot.lane.spans[index]

    def x_for_time(self, seconds: float) -> float:
        return style.HEADER_WIDTH + self._axis.x_at(seconds)

    def lane_titles(self) -> list[str]:
        """The lanes' header titles, top to bottom."""
        return [slot.lane.track.title for slot in self._slots]

    def lane_rect(self, track_key: str) -> QRect:
        for slot in self._slots:
            if slot.lane.track.key == track_key:
                return QRect(style.HEADER_WIDTH, self._slot_top(slot), self._axis.width_px, slot.height)
        return QRect()

    def tooltip_at(self, pos: QPoint) -> str:
        """What hovering at pos shows: the span's tooltip, or a graph's value and time."""
        hit = self.span_at(pos)
        if hit is not None:
            span = hit[1]
            if span.tooltip:
                return span.tooltip
            fps = self._axis.fps
            return f"{span.label}  {format_timecode(span.start_s, fps)} – {format_timecode(span.end_s, fps)}".strip()
        slot = self._slot_at(pos)
        if slot is not None and isinstance(slot.lane, GraphLane):
            seconds = self._time_at_x(pos.x())
            value = slot.lane.value_at(seconds)
            if value is not None:
                return f"{slot.lane.track.title}: {value:.2f} at {format_timecode(seconds, self._axis.fps)}"
        return ""

    @property
    def paint_stats(self) -> PaintStats:
        """What the last paint drew (spans in view, rects, labels): for benchmarks and tests."""
        return self._renderer.stats

    # --- geometry -----------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        lanes = sum(slot.height for slot in self._slots) or 2 * style.SPAN_LANE_HEIGHT + style.GRAPH_LANE_HEIGHT
        return QSize(800, style.RULER_HEIGHT + lanes + self._hbar.sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        height = style.RULER_HEIGHT + style.SPAN_LANE_HEIGHT + self._hbar.sizeHint().height()
        return QSize(style.HEADER_WIDTH + 160, height)

    def _lanes_height(self) -> int:
        bar = self._hbar.sizeHint().height() if self._slots else 0
        return max(0, self.height() - style.RULER_HEIGHT - bar)

    def _relayout(self) -> None:
        lanes_height = self._lanes_height()
        content_height = sum(slot.height for slot in self._slots)
        needs_vbar = content_height > lanes_height and lanes_height > 0
        vbar_width = self._vbar.sizeHint().width() if needs_vbar else 0
        self._axis.set_width(self.width() - style.HEADER_WIDTH - vbar_width)
        bar_height = self._hbar.sizeHint().height()
        self._hbar.setGeometry(style.HEADER_WIDTH, self.height() - bar_height, self._axis.width_px, bar_height)
        self._vbar.setVisible(needs_vbar)
        self._syncing_bars = True
        self._vbar.setGeometry(self.width() - vbar_width, style.RULER_HEIGHT, vbar_width, lanes_height)
        self._vbar.setRange(0, max(0, content_height - lanes_height))
        self._vbar.setPageStep(max(1, lanes_height))
        self._vbar.setSingleStep(style.SPAN_LANE_HEIGHT)
        self._syncing_bars = False
        self._v_offset = min(self._v_offset, self._vbar.maximum()) if needs_vbar else 0
        self._sync_hbar()

    def _sync_hbar(self) -> None:
        self._syncing_bars = True
        self._hbar.setRange(0, min(self._axis.max_offset_px, 2**31 - 1))
        self._hbar.setPageStep(self._axis.width_px)
        self._hbar.setSingleStep(max(1, self._axis.width_px // 20))
        self._hbar.setValue(self._axis.offset_px)
        self._syncing_bars = False

    def _slot_top(self, slot: LaneSlot) -> int:
        return style.RULER_HEIGHT + slot.top - self._v_offset

    def _slot_at(self, pos: QPoint) -> LaneSlot | None:
        in_lanes = style.RULER_HEIGHT <= pos.y() < style.RULER_HEIGHT + self._lanes_height()
        if pos.x() < style.HEADER_WIDTH or not in_lanes:
            return None
        for slot in self._slots:
            top = self._slot_top(slot)
            if top <= pos.y() < top + slot.height:
                return slot
        return None

    def _time_at_x(self, x: float) -> float:
        return self._axis.time_at(x - style.HEADER_WIDTH)

    def _page_to(self, seconds: float) -> None:
        self._axis.page_to(seconds, lead_px=min(32.0, self._axis.width_px * 0.05))
        self._sync_hbar()

    # --- seeking ------------------------------------------------------------------------------------

    def _seek(self, seconds: float) -> None:
        seconds = min(max(0.0, seconds), self._axis.duration_s)
        self._position = seconds
        self._following = True
        if not self._axis.contains(seconds):
            self._page_to(seconds)
        self.update()
        self.seek_requested.emit(seconds)

    def _on_hbar_moved(self, value: int) -> None:
        if self._syncing_bars:
            return
        self._axis.scroll_to(value)
        self._following = False
        self.update()

    def _on_vbar_moved(self, value: int) -> None:
        if not self._syncing_bars:
            self._v_offset = value
            self.update()

    # --- events -------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if not self._slots:
            self._renderer.paint_empty(painter, self.width(), self.height(), self.palette(), EMPTY_HINT)
        else:
            self._renderer.set_font(self.font())
            view = Viewport(self.width(), self.height(), self._lanes_height(), self._v_offset)
            self._renderer.paint(painter, view, self._axis, self._position, self.palette())
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._relayout()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self.update()
        super().changeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not self._slots:
            event.ignore()
            return
        delta = event.angleDelta()
        x = event.position().x()
        if x < style.HEADER_WIDTH:
            if self._vbar.isVisible():
                self._vbar.setValue(self._vbar.value() - delta.y() * style.SPAN_LANE_HEIGHT // 120)
        elif event.modifiers() & Qt.KeyboardModifier.ShiftModifier or abs(delta.x()) > abs(delta.y()):
            notches = (delta.x() or delta.y()) / 120
            self._axis.scroll_by(-notches * self._axis.width_px * WHEEL_SCROLL_FRACTION)
            self._following = False
        elif delta.y():
            self._axis.zoom_at(x - style.HEADER_WIDTH, WHEEL_ZOOM_STEP ** (delta.y() / 120))
            self._following = False
        self._sync_hbar()
        self.update()
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if event.button() != Qt.MouseButton.LeftButton or not self._slots or pos.x() < style.HEADER_WIDTH:
            super().mousePressEvent(event)
            return
        near_playhead = abs(pos.x() - self.x_for_time(self._position)) <= style.PLAYHEAD_GRAB_PX
        if pos.y() < style.RULER_HEIGHT or near_playhead:
            self._scrubbing = True
            self._seek(self._time_at_x(pos.x()))
        else:
            hit = self.span_at(pos)
            self._seek(hit[1].start_s if hit else self._time_at_x(pos.x()))
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not self._scrubbing:
            super().mouseMoveEvent(event)
            return
        x = min(max(event.position().x(), style.HEADER_WIDTH), style.HEADER_WIDTH + self._axis.width_px - 1)
        self._seek(self._time_at_x(x))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._scrubbing = False
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self._slots and key == Qt.Key.Key_Home:
            self._seek(0.0)
        elif self._slots and key == Qt.Key.Key_End:
            self._seek(self._axis.duration_s)
        elif self._slots and key == Qt.Key.Key_Backslash:
            self.zoom_to_fit()
        else:
            super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)
