"""The timeline widget: lane headers, ruler, span and graph lanes, playhead; zoom, scroll and seek input."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QCursor,
    QHelpEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QScrollBar, QSizePolicy, QToolTip, QWidget

from ....domain.timecode import format_timecode
from ....domain.timeline import TimelineSpan, TimelineTrack, TrackKind
from ....domain.timeline_layout.lanes import GraphLane, SpanLane, build_lanes
from ....domain.timeline_layout.time_axis import TimeAxis
from ..rich_tooltip import picture_tooltip
from ..thumbnail_loader import ThumbnailLoader
from . import style
from .marks import paint_marks, paint_selected_header
from .painter import (
    HANDLE_HALF_WIDTH,
    LaneSlot,
    PaintStats,
    TimelineRenderer,
    Viewport,
    playhead_column,
    playhead_rect,
)
from .scroll_bar import TimelineScrollBar

EMPTY_HINT = "Select a clip to see its timeline"
ALL_HIDDEN_HINT = "Every provider's lanes are hidden: show one above"
WHEEL_ZOOM_STEP = 1.25          # zoom factor per wheel notch
WHEEL_SCROLL_FRACTION = 0.125   # share of the view one wheel notch scrolls
FOLLOW_RESUME_JUMP_S = 1.0      # a set_position jump this far resumes following after a manual scroll
HIT_TOLERANCE_PX = 2.0          # narrow spans are clickable within this distance
DEFAULT_FPS = 25.0


class TimelineWidget(QWidget):
    seek_requested = Signal(float)
    lane_selected = Signal(str)   # track key: a click on its header (Shift+Left/Right walk its spans)
    tracks_changed = Signal()   # new tracks were set, or cleared

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
        self._in_s: float | None = None
        self._out_s: float | None = None
        self._markers: list[float] = []
        self._selected_key: str | None = None
        self._tracks: list[TimelineTrack] = []
        self._hidden_providers: frozenset[str] = frozenset()
        self._pictures: ThumbnailLoader | None = None
        self._awaited_picture: str | None = None   # the picture a shown tooltip waits for
        self._lanes_set = 0            # counts the times lanes were set or cleared
        self._playhead_moved = False   # since the last paint, in an unmoved view
        self._picture = QImage()       # the view without the playhead...
        self._picture_state: tuple[object, ...] | None = None   # ...in this state (_view_state)

        self._hbar = TimelineScrollBar(Qt.Orientation.Horizontal, self)
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
        """Replaces all lanes and zooms to fit; fps (default 25) sets frame ticks and the deepest zoom.

        Lanes of hidden providers (set_hidden_providers) are kept but not shown.
        """
        self._tracks = list(tracks)
        if duration_s <= 0:
            duration_s = max((_track_end_s(track) for track in self._tracks), default=0.0)
        self._set_lanes()
        self._axis.reset(duration_s, fps or DEFAULT_FPS)
        self._following = True
        self._v_offset = 0
        self._hbar.setVisible(bool(self._slots))
        self._relayout()
        self.updateGeometry()
        self.update()
        self.tracks_changed.emit()

    def clear(self) -> None:
        """Removes all lanes, marks and markers; the widget shows a hint instead."""
        self._tracks = []
        self._slots = []
        self._lanes_set += 1
        self._in_s = self._out_s = None
        self._markers = []
        self._renderer.set_slots([])
        self._axis.reset(0.0, self._axis.fps)
        self._hbar.hide()
        self._relayout()
        self.update()
        self.tracks_changed.emit()

    def providers(self) -> list[str]:
        """The providers the tracks come from, shown or not, in lane order."""
        return list(dict.fromkeys(track.provider for track in self._tracks))

    def hidden_providers(self) -> frozenset[str]:
        return self._hidden_providers

    def shown_tracks(self) -> list[TimelineTrack]:
        """The lanes drawn now, top to bottom (those of hidden providers left out)."""
        return [slot.lane.track for slot in self._slots]

    def set_hidden_providers(self, providers: frozenset[str] | set[str]) -> None:
        """Hides (or shows again) every lane of these providers, keeping the zoom and the playhead."""
        hidden = frozenset(providers)
        if hidden == self._hidden_providers:
            return
        self._hidden_providers = hidden
        if not self._tracks:
            return
        self._set_lanes()
        self._v_offset = 0
        self._hbar.setVisible(bool(self._slots))
        self._relayout()
        self.updateGeometry()
        self.update()

    def set_picture_loader(self, loader: ThumbnailLoader) -> None:
        """Where tooltips get the pictures spans point to (faces, section frames), fetched off the GUI thread."""
        self._pictures = loader
        loader.loaded.connect(self._on_picture_loaded)

    def _set_lanes(self) -> None:
        shown = [track for track in self._tracks if track.provider not in self._hidden_providers]
        self._lanes_set += 1
        self._slots = []
        top = 0
        for lane in build_lanes(shown):
            height = style.GRAPH_LANE_HEIGHT if lane.track.kind == TrackKind.GRAPH else style.SPAN_LANE_HEIGHT
            self._slots.append(LaneSlot(lane, top, height))
            top += height
        self._renderer.set_slots(self._slots)
        if self._selected_key not in {slot.lane.track.key for slot in self._slots}:
            self._selected_key = None

    def set_position(self, seconds: float) -> None:
        """Moves the playhead; while following, page-scrolls to keep it in view.

        Unless the view moves, only the playhead's old and new strips are repainted.
        """
        previous = self._position
        self._position = max(0.0, seconds)
        if not self._following and abs(self._position - previous) > FOLLOW_RESUME_JUMP_S:
            self._following = True
        if self._following and self._slots and not self._axis.contains(self._position):
            self._page_to(self._position)
        else:
            self._move_playhead(previous)

    def position(self) -> float:
        return self._position

    def set_marks(self, in_s: float | None, out_s: float | None) -> None:
        """The in/out range (either may be unset), drawn shaded over the lanes."""
        self._in_s, self._out_s = in_s, out_s
        self.update()

    def marks(self) -> tuple[float | None, float | None]:
        return self._in_s, self._out_s

    def set_markers(self, times_s: Sequence[float]) -> None:
        self._markers = sorted(times_s)
        self.update()

    def markers(self) -> list[float]:
        return list(self._markers)

    def select_track(self, key: str | None) -> None:
        self._selected_key = key
        self.update()

    def selected_track_key(self) -> str | None:
        return self._selected_key

    def span_starts(self, key: str) -> list[float]:
        """Start times of a span lane's spans, sorted (empty for a graph or an unknown lane)."""
        for slot in self._slots:
            if slot.lane.track.key == key and isinstance(slot.lane, SpanLane):
                return sorted({float(t) for t in slot.lane.starts})
        return []

    def header_rect(self, track_key: str) -> QRect:
        for slot in self._slots:
            if slot.lane.track.key == track_key:
                return QRect(0, self._slot_top(slot), style.HEADER_WIDTH, slot.height)
        return QRect()

    def zoom_to_fit(self) -> None:
        self._axis.fit()
        self._following = True
        self._sync_hbar()
        self._repaint_view()

    def zoom_at(self, x: float, factor: float) -> None:
        """Zooms in by factor (out if below 1), keeping the time under widget x where it is."""
        self._axis.zoom_at(x - style.HEADER_WIDTH, factor)
        self._following = False
        self._sync_hbar()
        self._repaint_view()

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
        """What hovering at pos shows: the span's tooltip, a graph's value and time, or a lane's whole title."""
        header = self._header_slot_at(pos)
        if header is not None:
            track = header.lane.track
            return f"{track.title}: {track.note}" if track.note else track.title
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
        if pos.x() < style.HEADER_WIDTH:
            return None
        return self._slot_at_y(pos.y())

    def _slot_at_y(self, y: int) -> LaneSlot | None:
        pos = QPoint(0, y)
        if not style.RULER_HEIGHT <= y < style.RULER_HEIGHT + self._lanes_height():
            return None
        for slot in self._slots:
            top = self._slot_top(slot)
            if top <= pos.y() < top + slot.height:
                return slot
        return None

    def _header_slot_at(self, pos: QPoint) -> LaneSlot | None:
        if pos.x() >= style.HEADER_WIDTH or not (0 <= pos.x()):
            return None
        return self._slot_at(QPoint(style.HEADER_WIDTH, pos.y()))

    def _time_at_x(self, x: float) -> float:
        return self._axis.time_at(x - style.HEADER_WIDTH)

    def _page_to(self, seconds: float) -> None:
        self._axis.page_to(seconds, lead_px=min(32.0, self._axis.width_px * 0.05))
        self._sync_hbar()
        self._repaint_view()

    # --- seeking ------------------------------------------------------------------------------------

    def _seek(self, seconds: float) -> None:
        seconds = min(max(0.0, seconds), self._axis.duration_s)
        previous = self._position
        self._position = seconds
        self._following = True
        if not self._axis.contains(seconds):
            self._page_to(seconds)
        else:
            self._move_playhead(previous)
        self.seek_requested.emit(seconds)

    def _move_playhead(self, previous_s: float) -> None:
        """Repaints the playhead's strip at previous_s and at the position, in an unmoved view."""
        old, new = playhead_column(self._axis, previous_s), playhead_column(self._axis, self._position)
        if old == new or not self._slots:
            return
        lanes_height = self._lanes_height()
        for column in (old, new):
            if 0 <= column < self._axis.width_px:
                self.update(playhead_rect(self._axis, column, lanes_height))
                self._playhead_moved = True

    def _on_hbar_moved(self, value: int) -> None:
        if self._syncing_bars:
            return
        self._scroll_to(value)
        self._following = False

    def _scroll_to(self, offset_px: float) -> None:
        """Scrolls the view in the same zoom: moves what is painted, repaints what that does not make right.

        The lanes and the ruler are drawn at content positions, so moving their pixels by the scroll gives
        the new picture except in the columns it uncovers (Qt repaints those) and where things keep to the
        view rather than the content (labels held at the left edge, notes, graphs, the playhead's handle
        over the headers): the renderer names those.
        """
        previous, playhead = self._axis.offset_px, playhead_column(self._axis, self._position)
        self._axis.scroll_to(offset_px)
        self._sync_hbar()
        dx = previous - self._axis.offset_px
        if not dx:
            return
        lanes_height = self._lanes_height()
        if abs(dx) >= self._axis.width_px // 2:
            self._repaint_view()
            return
        self.scroll(dx, 0, QRect(style.HEADER_WIDTH, 0, self._axis.width_px, style.RULER_HEIGHT + lanes_height))
        view = Viewport(self.width(), self.height(), lanes_height, self._v_offset)
        for rect in self._renderer.scroll_repaints(view, self._axis, previous):
            self.update(rect)
        # The handle's part over the headers does not move with the lanes: repaint where it was and is.
        for column in (playhead, playhead_column(self._axis, self._position)):
            if -style.HEADER_WIDTH < column < self._axis.width_px + HANDLE_HALF_WIDTH:
                self.update(playhead_rect(self._axis, column, lanes_height))

    def _repaint_view(self) -> None:
        """Repaints what a new zoom or a jump of the view changes: all but the lane headers, save the columns
        the playhead's handle reaches over when its line is in the view's first column."""
        left = playhead_rect(self._axis, 0, 0).left()
        self.update(QRect(left, 0, self.width() - left, self.height()))

    def _on_vbar_moved(self, value: int) -> None:
        if not self._syncing_bars:
            self._v_offset = value
            self.update()

    # --- events -------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paints the view and the playhead over it.

        The playhead moves on its own most of the time: then the view under its old and new strips (any
        part of the widget short of all of it) is taken from a picture of the view without the playhead,
        made at the first such move after the view changed (the view's state says whether the picture
        still shows it). The playhead is drawn last, over the in/out range and the markers.
        """
        with QPainter(self) as painter:   # ended even if painting fails, so the next paint can begin
            self._paint(painter, event)

    def _paint(self, painter: QPainter, event: QPaintEvent) -> None:
        if not self._slots:
            hint = ALL_HIDDEN_HINT if self._tracks else EMPTY_HINT
            self._renderer.paint_empty(painter, self.width(), self.height(), self.palette(), hint)
            return
        self._renderer.set_font(self.font())
        view = Viewport(self.width(), self.height(), self._lanes_height(), self._v_offset)
        state = self._view_state(view, painter.device().devicePixelRatioF())
        playhead_moved, self._playhead_moved = self._playhead_moved, False
        if playhead_moved and state != self._picture_state:
            self._picture = self._view_picture(view, state[1])
            self._picture_state = state
        if state == self._picture_state and event.region().boundingRect() != self.rect():
            ratio = state[1]
            for rect in event.region():
                source = QRectF(rect.x() * ratio, rect.y() * ratio, rect.width() * ratio, rect.height() * ratio)
                painter.drawImage(QRectF(rect), self._picture, source)
            self._renderer.stats = PaintStats()
        else:
            self._paint_view(painter, view, event.region())
        self._renderer.paint_playhead(painter, view, self._axis, self._position)

    def _paint_view(self, painter: QPainter, view: Viewport, areas: Iterable[QRect]) -> None:
        """Everything but the playhead."""
        self._renderer.paint(painter, view, self._axis, self.palette(), areas)
        for slot in self._slots:
            if slot.lane.track.key == self._selected_key:
                paint_selected_header(painter, self._slot_top(slot), slot.height)
        paint_marks(painter, self._axis, view.lanes_height, self._in_s, self._out_s, self._markers)

    def _view_picture(self, view: Viewport, ratio: float) -> QImage:
        picture = QImage(math.ceil(self.width() * ratio), math.ceil(self.height() * ratio),
                         QImage.Format.Format_ARGB32_Premultiplied)
        picture.setDevicePixelRatio(ratio)
        with QPainter(picture) as painter:
            painter.setFont(self.font())
            self._paint_view(painter, view, [self.rect()])
        return picture

    def _view_state(self, view: Viewport, ratio: float) -> tuple[object, ...]:
        """All the view's picture depends on (but the playhead)."""
        axis = self._axis
        return (
            (view.width, view.height, view.lanes_height, view.v_offset), ratio, self.palette().cacheKey(),
            self.font().key(), self._lanes_set, (axis.offset_px, axis.px_per_s, axis.width_px, axis.duration_s),
            axis.fps, (self._in_s, self._out_s), tuple(self._markers), self._selected_key,
        )

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
            self._following = False
            self._scroll_to(self._axis.offset_px - notches * self._axis.width_px * WHEEL_SCROLL_FRACTION)
            event.accept()
            return
        elif delta.y():
            self.zoom_at(x, WHEEL_ZOOM_STEP ** (delta.y() / 120))
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if event.button() == Qt.MouseButton.LeftButton and self._slots and pos.x() < style.HEADER_WIDTH:
            slot = self._slot_at_y(pos.y())
            if slot is not None:
                self.select_track(slot.lane.track.key)
                self.lane_selected.emit(slot.lane.track.key)
                event.accept()
                return
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
            text = self.rich_tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    # --- tooltips with pictures ---------------------------------------------------------------------

    def rich_tooltip_at(self, pos: QPoint) -> str:
        """tooltip_at with the span's picture beside it once loaded (asked for now if it is not)."""
        text = self.tooltip_at(pos)
        hit = self.span_at(pos)
        ref = hit[1].image if hit is not None else None
        if not text or not ref or self._pictures is None:
            self._awaited_picture = None
            return text
        picture = self._pictures.pixmap(ref)
        self._awaited_picture = None if picture is not None else ref
        return picture_tooltip(text, picture)

    def _on_picture_loaded(self, ref: str) -> None:
        if ref != self._awaited_picture or not QToolTip.isVisible():
            return
        pos = self.mapFromGlobal(QCursor.pos())
        if self.rect().contains(pos):
            text = self.rich_tooltip_at(pos)
            if text:
                QToolTip.showText(QCursor.pos(), text, self)


def _track_end_s(track: TimelineTrack) -> float:
    if track.kind == TrackKind.GRAPH:
        return len(track.values) * track.interval_s
    return max((span.end_s for span in track.spans), default=0.0)
