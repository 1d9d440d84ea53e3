"""Python's cyclic garbage collection, run on the GUI thread only.

CPython collects in whichever thread crosses an allocation threshold: the database thread, a pool
worker, a progress relay. A collection there can destroy a cycle holding Qt objects (a timer, a
connection to a bound method) off the GUI thread. PySide then takes Qt's connection lock while it
waits for the GIL, the GUI thread holds the GIL while it waits for that lock, and the window freezes
for good. So automatic collection is switched off and a GUI-thread timer collects instead, each
generation when Python's own thresholds say it would have.

A check every few milliseconds keeps each young collection as small as the automatic ones. While a
large batch of long-lived objects is built (`library.heap`), no pass runs.
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
        generation = 2 if old > old_limit else 1 if middle > middle_limit else 0
        gc.collect(generation)
        return generation

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()

