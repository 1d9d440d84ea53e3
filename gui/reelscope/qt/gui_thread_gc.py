"""Python's cyclic garbage collection, run on the GUI thread only.

CPython collects in whichever thread crosses an allocation threshold: the database thread, a pool
worker, a progress relay. A collection there can destroy a cycle holding Qt objects (a timer, a
connection to a bound method) off the GUI thread. PySide then takes Qt's connection lock while it
waits for the GIL, the GUI thread holds the GIL while it waits for that lock, and the window freezes
for good. So automatic collection is switched off and a GUI-thread timer collects instead, each
generation when Python's own thresholds say it would have.

A check every few milliseconds keeps each young collection as small as the automatic ones. A full pass
(every object, 15-25 ms in the window) waits, as in CPython, until the objects that reached the oldest
generation since the last one are a quarter of those it kept. While a large batch of long-lived
objects is built (`library.heap`), no pass runs.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from ..library.heap import batch_under_way

CHECK_INTERVAL_MS = 10


class GuiThreadGarbageCollector(QObject):
    """Create on the GUI thread; collection stays there until `stop()` (or the collector is deleted)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._long_lived = len(gc.get_objects(generation=2))   # kept by the last full pass
        self._pending = 0   # reached the oldest generation since
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()
        if self._was_enabled:
            self.destroyed.connect(lambda *_: gc.enable())

    def collect_due(self) -> int:
        """Collects the oldest generation whose threshold is passed, as CPython would; returns it, or -1."""
        young, middle, old = gc.get_count()
        young_limit, middle_limit, old_limit = self._thresholds
        if young <= young_limit or batch_under_way():
            return -1
        if old > old_limit and self._pending >= self._long_lived // 4:
            gc.collect(2)
            self._long_lived, self._pending = len(gc.get_objects(generation=2)), 0
            return 2
        if middle > middle_limit:
            # The two young generations are small: counting them costs little next to collecting them.
            before = len(gc.get_objects(generation=0)) + len(gc.get_objects(generation=1))
            self._pending += max(0, before - gc.collect(1))   # the survivors move to the oldest generation
            return 1
        gc.collect(0)
        return 0

    def settle_after_start(self) -> None:
        """The app has started: what it has built by now (modules, the window, its panes) lives as long as
        it does. One full pass, and what survives it is moved out of the collector's sight (gc.freeze), so
        that no later full pass visits it."""
        gc.collect()
        gc.freeze()
        self._long_lived, self._pending = len(gc.get_objects(generation=2)), 0

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()

