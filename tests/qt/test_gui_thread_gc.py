"""Cyclic garbage is collected on the GUI thread, never on a worker that happens to allocate."""

from __future__ import annotations

import threading

from PySide6.QtCore import QTimer


class CycleWithATimer:
    """A reference cycle holding a Qt object, as a connection to a bound method or a lambda makes."""

    freed_on: list[str] = []

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.timeout.connect(self.on_timeout)
        self.itself = self

    def on_timeout(self) -> None:
        pass

    def __del__(self) -> None:
        CycleWithATimer.freed_on.append(threading.current_thread().name)


def allocate_on_a_worker() -> list:
    kept: list = []

    def allocate() -> None:
        kept.extend([] for _ in range(50_000))  # far past the youngest generation's threshold

    worker = threading.Thread(target=allocate, name="busy-worker")
    worker.start()
    worker.join()
    return kept


def test_a_worker_allocating_does_not_free_the_gui_threads_qt_objects(qtbot, gui_thread_gc):
    CycleWithATimer.freed_on.clear()
    CycleWithATimer()  # garbage at once, but only a collection can free it

    allocated = allocate_on_a_worker()  # the GUI thread waits here without running its loop

    qtbot.waitUntil(lambda: bool(CycleWithATimer.freed_on), timeout=5000)
    assert CycleWithATimer.freed_on == [threading.main_thread().name]
    assert len(allocated) == 50_000


def test_collection_follows_python_thresholds_on_the_gui_thread(gui_thread_gc):
    youngest_threshold = __import__("gc").get_threshold()[0]
    garbage = [[] for _ in range(youngest_threshold + 100)]
    assert gui_thread_gc.collect_due() >= 0, "past the threshold: a generation is collected"
    del garbage
    assert gui_thread_gc.collect_due() == -1, "just collected: nothing is due"
