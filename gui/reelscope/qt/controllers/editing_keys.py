"""The keys editors' hands know: J/K/L shuttle, I/O marks, cut to cut, span to span, M for a marker.

J, K, L, I, O and M act anywhere in the window but in a text field; Up/Down and Shift+Left/Right act
when the player or the timeline has the focus, so the lists keep their arrow keys. Holding K while
pressing J or L steps one frame, as in Premiere, Resolve and Avid: Qt shortcuts see no key releases,
so an application event filter tells whether K is held.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from ...domain.analysis import Analysis
from ...domain.clips import Clip
from ...domain.markers import UserMarker
from ...domain.shuttle import neighbour, rate_after
from ...services.library import LibraryService
from ..main_window import MainWindow
from ..widgets.player import PlayerPane
from ..widgets.timeline import TimelineWidget
from .tasks import TaskRunner

# Keys no menu action shows: the shortcuts dialog lists them after the window's actions.
CHORD_HELP = (
    ("J / L again", "Twice as fast each time, up to 8x (backwards play steps: the media backend plays forwards only)"),
    ("Hold K, press J / L", "One frame back / forward"),
    ("Home / End / \\ (timeline)", "Start / end / zoom to fit"),
)


class EditingKeys(QObject):
    def __init__(
        self,
        window: MainWindow,
        *,
        player: PlayerPane,
        timeline: TimelineWidget,
        library_service: LibraryService,
        tasks: TaskRunner,
        current_clip: Callable[[], Clip | None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._player = player
        self._timeline = timeline
        self._service = library_service
        self._tasks = tasks
        self._current_clip = current_clip
        self._cuts: list[float] = []
        self._markers: list[UserMarker] = []
        self._k_held = False
        self._timeline_clip_id: str | None = None

        self.shuttle_back = window.add_playback_action("Play backwards", "J", lambda: self._shuttle("J"))
        self.shuttle_stop = window.add_playback_action("Stop", "K", lambda: self._shuttle("K"))
        self.shuttle_forward = window.add_playback_action("Play forwards", "L", lambda: self._shuttle("L"))
        for action in (self.shuttle_back, self.shuttle_stop, self.shuttle_forward):
            action.setAutoRepeat(False)
        window.playback_menu.addSeparator()
        window.add_playback_action("Mark in", "I", self.mark_in)
        window.add_playback_action("Mark out", "O", self.mark_out)
        window.add_playback_action("Clear in and out", "Alt+X", self.clear_marks)
        window.add_playback_action("Add marker", "M", self.add_marker)
        window.playback_menu.addSeparator()
        focus_keys = (
            ("Previous cut", "Up", lambda: self._to_cut(forward=False)),
            ("Next cut", "Down", lambda: self._to_cut(forward=True)),
            ("Previous span of the selected lane", "Shift+Left", lambda: self._to_span(forward=False)),
            ("Next span of the selected lane", "Shift+Right", lambda: self._to_span(forward=True)),
        )
        for text, key, slot in focus_keys:
            action = window.add_playback_action(text, key, slot)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            for widget in (player, timeline):
                widget.addAction(action)
        QApplication.instance().installEventFilter(self)

    # -- state of the open clip -----------------------------------------------------------------

    def clip_shown(self, clip: Clip, analyses: list[Analysis]) -> None:
        self._cuts = sorted({scene.start_s for analysis in analyses for scene in analysis.scenes[1:]})
        if self._markers and self._markers[0].video_id != clip.id:
            self._markers = []
        if self._timeline_clip_id != clip.id:
            self._timeline_clip_id = clip.id
            self.clear_marks()
            self._tasks.run(self._load_markers(clip.id))
        self._timeline.set_markers([marker.time_s for marker in self._markers])

    def clip_closed(self) -> None:
        self._timeline_clip_id = None
        self._cuts = []
        self._markers = []
        self.clear_marks()

    async def _load_markers(self, video_id: str) -> None:
        markers = await self._service.markers(video_id)
        if self._timeline_clip_id == video_id:
            self._markers = markers
            self._timeline.set_markers([marker.time_s for marker in markers])

    def marks(self) -> tuple[float | None, float | None]:
        return self._timeline.marks()

    def markers(self) -> list[UserMarker]:
        return list(self._markers)

    # -- actions ------------------------------------------------------------------------------------

    def _shuttle(self, key: str) -> None:
        if self._k_held and key in ("J", "L"):
            self._player.step_frames(-1 if key == "J" else 1)
            return
        self._player.set_rate(rate_after(key, self._player.rate()))

    def mark_in(self) -> None:
        if self._current_clip() is None:
            return
        in_s, out_s = self._player.position(), self._timeline.marks()[1]
        self._timeline.set_marks(in_s, out_s if out_s is not None and out_s > in_s else None)
        self._say_marks()

    def mark_out(self) -> None:
        if self._current_clip() is None:
            return
        in_s, out_s = self._timeline.marks()[0], self._player.position()
        self._timeline.set_marks(in_s if in_s is not None and in_s < out_s else None, out_s)
        self._say_marks()

    def clear_marks(self) -> None:
        self._timeline.set_marks(None, None)

    def add_marker(self) -> None:
        clip = self._current_clip()
        if clip is not None:
            self._tasks.run(self._add_marker(clip.id, self._player.position()))

    async def _add_marker(self, video_id: str, time_s: float) -> None:
        marker = await self._service.add_marker(video_id, time_s)
        if self._timeline_clip_id == video_id:
            self._markers = sorted([*self._markers, marker], key=lambda m: m.time_s)
            self._timeline.set_markers([m.time_s for m in self._markers])
        self._window.statusBar().showMessage(f"{marker.name} added", 3000)

    def _to_cut(self, *, forward: bool) -> None:
        self._jump(neighbour(self._cuts, self._player.position(), forward, self._half_frame()))

    def _to_span(self, *, forward: bool) -> None:
        key = self._timeline.selected_track_key()
        if key is None:
            self._window.statusBar().showMessage("Click a lane's name in the timeline to walk its spans", 4000)
            return
        starts = self._timeline.span_starts(key)
        self._jump(neighbour(starts, self._player.position(), forward, self._half_frame()))

    def _jump(self, target: float | None) -> None:
        if target is not None:
            self._player.pause()
            self._player.seek(target)

    def _half_frame(self) -> float:
        return 0.5 / self._player.fps()

    def _say_marks(self) -> None:
        in_s, out_s = self._timeline.marks()
        shown = [f"{name} {value:.2f} s" for name, value in (("in", in_s), ("out", out_s)) if value is not None]
        self._window.statusBar().showMessage("Marked " + ", ".join(shown), 3000)

    # -- K held (application event filter) ----------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.KeyRelease):
            if isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_K and not event.isAutoRepeat():
                if isinstance(watched, QWidget) and watched.window() is self._window:
                    self._k_held = kind != QEvent.Type.KeyRelease
        elif kind == QEvent.Type.WindowDeactivate and watched is self._window:
            self._k_held = False
        return False

    def close(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
