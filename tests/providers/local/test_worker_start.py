"""Analysis workers start at a lower priority than the window, before they load the engine, and share
the cores between their decoders."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

import pytest

from reelscope.providers.local.worker_start import (
    WORKER_NICENESS,
    SpareCpuSpawnContext,
    share_decoding_threads,
    start_worker,
)

HEAVY = ("numpy", "av", "PySide6", "pydantic", "reelscope.cli", "reelscope.providers.local.provider")


def test_what_a_spawned_worker_imports_before_lowering_its_priority_is_light():
    """A worker runs the command's script again and unpickles its initializer before the initializer
    lowers its priority: neither may load the app (a second of CPU at the window's priority)."""
    code = (
        "import sys\n"
        "import reelscope.launcher, reelscope.providers.local.worker_start\n"
        f"print(sorted(name for name in {HEAVY!r} if name in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="scheduling priority is a POSIX notion")
def test_a_pool_worker_runs_below_the_app_priority():
    app_niceness = os.getpriority(os.PRIO_PROCESS, 0)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=start_worker,
                             initargs=(1,)) as pool:
        worker_niceness = pool.submit(os.getpriority, os.PRIO_PROCESS, 0).result(timeout=60)
    assert worker_niceness == min(19, app_niceness + WORKER_NICENESS)


def policy_of_a_new_thread() -> int:
    """The scheduling policy of a thread this process starts now (a decoder's, say)."""
    import threading

    policies = []
    thread = threading.Thread(target=lambda: policies.append(os.sched_getscheduler(0)))
    thread.start()
    thread.join()
    return policies[0]


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux's")
def test_a_pool_worker_and_its_threads_run_only_on_spare_cpu():
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=start_worker,
                             initargs=(1,)) as pool:
        worker_policy = pool.submit(os.sched_getscheduler, 0).result(timeout=60)
        thread_policy = pool.submit(policy_of_a_new_thread).result(timeout=60)
    assert worker_policy == thread_policy == os.SCHED_IDLE
    assert os.sched_getscheduler(0) == os.SCHED_OTHER   # the app's own threads keep their claim


def own_priority() -> tuple[int, int]:
    return os.sched_getscheduler(0), os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux's")
def test_a_process_the_app_starts_for_analysis_is_lowered_before_it_runs_code_of_its_own():
    """No initializer here: the app itself lowers the process as it starts, so Python's own start-up
    (tens of ms of CPU, four workers at once) already runs on spare cores."""
    app_niceness = os.getpriority(os.PRIO_PROCESS, 0)
    with ProcessPoolExecutor(1, mp_context=SpareCpuSpawnContext()) as pool:
        policy, niceness = pool.submit(own_priority).result(timeout=60)
    assert policy == os.SCHED_IDLE
    assert niceness == min(19, app_niceness + WORKER_NICENESS)
    assert own_priority() == (os.SCHED_OTHER, app_niceness)   # the app keeps its own


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="scheduling priority is a POSIX notion")
def test_a_worker_lowered_by_the_app_and_by_itself_is_lowered_once():
    app_niceness = os.getpriority(os.PRIO_PROCESS, 0)
    with ProcessPoolExecutor(1, mp_context=SpareCpuSpawnContext(), initializer=start_worker,
                             initargs=(1,)) as pool:
        niceness = pool.submit(os.getpriority, os.PRIO_PROCESS, 0).result(timeout=60)
    assert niceness == min(19, app_niceness + WORKER_NICENESS)


def test_decoders_of_several_workers_share_the_cores():
    assert share_decoding_threads(4, cores=2) == 1
    assert share_decoding_threads(2, cores=8) == 4
    assert share_decoding_threads(1, cores=8) == 0   # one worker: FFmpeg's own choice
