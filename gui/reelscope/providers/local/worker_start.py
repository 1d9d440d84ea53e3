"""The first code of an analysis worker process: it lowers its priority, then loads the engine.

A spawned worker imports numpy, PyAV and the engine (about a second of CPU). At the app's priority,
four workers starting at once would take both cores from the window just as the user drops clips, so
the app lowers each worker's priority the moment the process exists (`SpareCpuSpawnContext`), and this
module imports nothing beyond the standard library until the worker has lowered it again itself (on
systems where the app could not).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import os
import threading

WORKER_NICENESS = 10
"""How much lower than the app's the workers' scheduling priority is: the window stays fluid while they decode."""


class _SpareCpuProcess(multiprocessing.context.SpawnProcess):
    def start(self) -> None:
        super().start()
        lower_priority(self.pid, app_pid=os.getpid())


class SpareCpuSpawnContext(multiprocessing.context.SpawnContext):
    """Spawns processes whose priority the app lowers as soon as they exist, before they run any code.

    A spawned process spends 20-50 ms of CPU starting Python before it reaches an initializer. Four of
    them at the app's priority, started as the user drops clips, took the cores from the window's
    thread in one-tick slices: it waited 8 ms for a core a dozen times in a quarter of a second.
    """

    Process = _SpareCpuProcess


def start_worker(decoding_threads: int = 0) -> None:
    """Initializer of the analysis pool's processes: lower priority, gone with the app, and their share
    of the cores for decoding."""
    lower_priority(os.getpid(), app_pid=os.getppid())
    exit_with_parent()
    from .probe import set_decoding_threads  # the engine's imports, now at the lower priority

    set_decoding_threads(decoding_threads)


def lower_priority(pid: int, app_pid: int) -> None:
    """The process pid runs WORKER_NICENESS below the app's priority and, on Linux, on spare cores only.

    Called by the app for a process it has just started, and by that process itself: the second call
    changes nothing. (On Linux both apply to the process's first thread, which all its later threads
    inherit them from.)
    """
    if hasattr(os, "getpriority"):
        try:
            niceness = min(19, os.getpriority(os.PRIO_PROCESS, app_pid) + WORKER_NICENESS)
            if os.getpriority(os.PRIO_PROCESS, pid) < niceness:
                os.setpriority(os.PRIO_PROCESS, pid, niceness)
        except OSError:  # the app is gone, or the system refuses: the worker runs as it is
            pass
    run_on_spare_cpu_only(pid)


def run_on_spare_cpu_only(pid: int = 0) -> None:
    """Linux: the process (and the threads it starts) runs only when no ordinary thread wants the core.

    A lower nice value alone still let a decoder keep the core the window's thread had just woken up for
    until the next scheduler tick (4 ms at 250 Hz), several times in one frame: with four analyses on two
    cores the window's thread spent 1.8 s of 20 s waiting for a core; SCHED_IDLE cut that to 0.4 s and
    the analyses took as long. The price is that analyses pause while other programs keep every core busy.
    """
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_IDLE"):
        try:
            os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))
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
