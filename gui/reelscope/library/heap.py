"""Building many long-lived objects at once without the collector stopping every thread.

Listing a 20,000-clip library makes about 100,000 objects. Python's cyclic collector, meeting
them, runs full passes that stop every thread, the window's included, for a fifth of a second.
While such a batch is built no pass runs; afterwards everything alive is moved out of the
collector's sight (gc.freeze): those objects are freed by reference counting when they go,
as clips and their facts hold no cycles.

Whoever collects by hand (the window's GUI-thread collector) asks `batch_under_way()` first.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_builders = 0
_automatic_before = False


@contextmanager
def long_lived_batch() -> Iterator[None]:
    global _builders, _automatic_before
    with _lock:
        _builders += 1
        if _builders == 1:
            _automatic_before = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _lock:
            _builders -= 1
            if _builders == 0:
                gc.freeze()
                if _automatic_before:
                    gc.enable()


def batch_under_way() -> bool:
    return _builders > 0
