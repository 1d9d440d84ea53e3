"""What the screenshot scripts share: a real QApplication with the asyncio loop on it, waiting for
the window to show what is asked of it, and closing the window and the app's core as the app does."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor


def run_on_qt(take: Callable[[object], Awaitable[None]]) -> int:
    """Runs take(app) on qasync's loop over a fresh QApplication, as the app itself runs."""
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_default_executor(ThreadPoolExecutor(4))  # qasync's own executor aborts at exit
    with loop:
        loop.run_until_complete(take(app))
    return 0


async def settle(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Waits until condition() holds, or timeout_s has passed (the picture is then taken as it is)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not condition() and loop.time() < deadline:
        await asyncio.sleep(0.1)


async def close_all(window, workspace, tasks, core) -> None:
    """Closes what build_core and build_window made, in the app's own order."""
    workspace.close()
    await tasks.aclose()
    await core.aclose()
    window.close()
