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


def test_a_full_pass_waits_until_the_old_generation_has_grown_by_a_quarter(gui_thread_gc):
    """A full pass visits every object (15-25 ms in the window): as in CPython, it runs only once the
    objects that reached the oldest generation since the last one are a quarter of those it kept."""
    gc = __import__("gc")
    young_limit, middle_limit, old_limit = gc.get_threshold()
    kept: list = []

    def passes(rounds: int, *, keep: bool, until_full: bool = False) -> list[int]:
        done = []
        for _ in range(rounds):
            batch = [[] for _ in range(2 * young_limit)]
            if keep:
                kept.extend(batch)
            else:
                for item in batch:
                    item.append(item)   # a cycle: garbage only a pass frees
            del batch
            done.append(gui_thread_gc.collect_due())
            if until_full and done[-1] == 2:
                break
        return done

    def rounds_for(objects: int) -> int:
        return objects // (2 * young_limit) + 2 * (middle_limit + 1) * (old_limit + 1)

    # Survivors until the collector runs a full pass: whatever earlier code left, a fresh start.
    assert passes(rounds_for(len(gc.get_objects()) // 4), keep=True, until_full=True)[-1] == 2

    # Garbage alone: the young passes run and the oldest generation's own threshold is passed many
    # times over, but nothing new reaches it, so no full pass.
    churn = passes((middle_limit + 1) * (old_limit + 2), keep=False)
    assert churn.count(1) > old_limit and 2 not in churn

    # Survivors: once they are a quarter of the oldest generation, a full pass.
    quarter = len(gc.get_objects(generation=2)) // 4
    before_a_quarter = quarter // (2 * young_limit) - (middle_limit + 1)   # survivors move at middle passes
    growth = passes(quarter // (2 * young_limit) + 2 * (middle_limit + 1), keep=True)
    assert 2 not in growth[:before_a_quarter] and 2 in growth
