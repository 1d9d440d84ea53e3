"""Shared fixtures: an offscreen Qt application with one session-wide asyncio loop on it."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

T = TypeVar("T")


@pytest.fixture(scope="session", autouse=True)
def gui_thread_gc(qapp):
    """As in the app: collection on the GUI thread only (elsewhere it could free Qt objects off their thread
    and deadlock the window), and the GIL handed over as often."""
    from reelscope.app import keep_the_gui_thread_responsive

    switch_interval = sys.getswitchinterval()
    collector = keep_the_gui_thread_responsive()
    yield collector
    collector.stop()
    sys.setswitchinterval(switch_interval)


@pytest.fixture
def settle_after_start(gui_thread_gc):
    """The collector's `settle_after_start`, which the app calls once, when its window is up, undone when the
    test ends: otherwise what the test built stays frozen out of the collector's sight, its window and that
    window's timers living on into the next test."""
    yield gui_thread_gc.settle_after_start
    gc.unfreeze()
    gc.collect()


@pytest.fixture(scope="session")
def qloop(qapp):
    """The asyncio loop running on Qt's; never stopped or closed per test (that quits qapp)."""
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    # As in the app: qasync's default QThread executor would abort the process at exit.
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="test-loop")
    loop.set_default_executor(executor)
    yield loop
    executor.shutdown(wait=True, cancel_futures=True)


@pytest.fixture
def run_async(qloop, qtbot) -> Callable[..., object]:
    """Runs a coroutine on the Qt loop while Qt keeps processing events; returns its result."""

    def run(awaitable: Awaitable[T], timeout_s: float = 30.0) -> T:
        task = asyncio.ensure_future(awaitable, loop=qloop)
        qtbot.waitUntil(task.done, timeout=int(timeout_s * 1000))
        return task.result()

    return run


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh data folder (catalogue, cache) and config file for one test."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("REELSCOPE_DATA_DIR", str(folder))
    monkeypatch.setenv("REELSCOPE_CONFIG", str(tmp_path / "config.toml"))
    return folder
