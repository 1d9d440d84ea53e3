"""The first code of an analysis worker process: it lowers its priority, then loads the engine.

A spawned worker imports numpy, PyAV and the engine (about a second of CPU). At the app's priority,
four workers starting at once would take both cores from the window just as the user drops clips, so
this module imports nothing beyond the standard library until the priority is lowered.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading

WORKER_NICENESS = 10
"""How much lower than the app's the workers' scheduling priority is: the window stays fluid while they decode."""


def start_worker(decoding_threads: int = 0) -> None:
    """Initializer of the analysis pool's processes: lower priority, gone with the app, and their share
    of the cores for decoding."""
    if hasattr(os, "nice"):
        try:
            os.nice(WORKER_NICENESS)
        except OSError:
            pass
    run_on_spare_cpu_only()
    exit_with_parent()
    from .probe import set_decoding_threads  # the engine's imports, now at the lower priority

    set_decoding_threads(decoding_threads)


def run_on_spare_cpu_only() -> None:
    """Linux: this process (and the threads it starts) runs only when no ordinary thread wants the core.

    A lower nice value alone still let a decoder keep the core the window's thread had just woken up for
    until the next scheduler tick (4 ms at 250 Hz), several times in one frame: with four analyses on two
    cores the window's thread spent 1.8 s of 20 s waiting for a core; SCHED_IDLE cut that to 0.4 s and
    the analyses took as long. The price is that analyses pause while other programs keep every core busy.
    """
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_IDLE"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except OSError:
            pass


def share_decoding_threads(workers: int, cores: int | None = None) -> int:
    """Threads for each decoder when workers processes decode at once: their share of the cores.

    0 (one worker) lets FFmpeg choose, one per core and one more; four workers each doing so on two
    cores would keep a dozen threads waiting for a core, and the window's thread among them.
    """
    cores = cores or os.cpu_count() or 1
    return 0 if workers <= 1 else max(1, cores // workers)


def exit_with_parent() -> None:
    """Process initializer: this process ends as soon as the app's process does, however it died.

    A spawned worker or manager is not a child that the kernel ends with its parent: after a
    `kill -9` of the app it would go on decoding and writing thumbnails, then wait forever. Its
    parent's sentinel (a pipe the parent holds open) becomes readable the moment the parent is gone.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="reelscope-parent-watch", daemon=True).start()
