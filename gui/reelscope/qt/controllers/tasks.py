"""Runs coroutines for the GUI by key and routes their failures to one error reporter."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from ...domain.errors import ReelscopeError
from ..error_reporter import format_details

log = logging.getLogger(__name__)

ErrorSink = Callable[[str, str | None], None]
"""(message for the user, technical details or None)."""


class TaskRunner:
    """Coroutines for the GUI, the way background operations run in this app.

    A coroutine awaits the services (whose disk, database and network work runs off the GUI thread)
    and then updates widgets: under qasync it resumes on the GUI thread, so success arrives where the
    widgets live, and a failure goes to one error reporter. One live task per key: starting a key
    again cancels the stale task (a new search cancels the old).
    """

    def __init__(self, report_error: ErrorSink) -> None:
        self._report_error = report_error
        self._tasks: dict[str, asyncio.Task] = {}
        self._serial = 0

    def start(self, key: str, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task:
        self.cancel(key)
        task = asyncio.ensure_future(coroutine)
        self._tasks[key] = task
        task.add_done_callback(lambda done: self._finished(key, done))
        return task

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task:
        """Starts a coroutine that nothing supersedes (it gets a key of its own)."""
        self._serial += 1
        return self.start(f"op-{self._serial}", coroutine)

    def cancel(self, key: str) -> None:
        task = self._tasks.pop(key, None)
        if task is not None and not task.done():
            task.cancel()

    def is_running(self, key: str) -> bool:
        task = self._tasks.get(key)
        return task is not None and not task.done()

    async def aclose(self) -> None:
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _finished(self, key: str, task: asyncio.Task) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]
        if task.cancelled():
            return
        error = task.exception()
        if error is None:
            return
        if isinstance(error, ReelscopeError):
            self._report_error(str(error), None)
        else:
            log.error("task %s failed", key, exc_info=error)
            self._report_error(f"Unexpected error: {error}", format_details(error))
