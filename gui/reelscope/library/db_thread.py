"""The one thread that owns the catalogue's SQLite connection; every query runs on it.

The connection is opened on that thread and keeps sqlite3's same-thread check, so a query
from any other thread (the GUI's above all) fails loudly instead of stalling a frame. Callers
hand it work as functions: `await database.run(catalogue.clips)` from the event loop, or
`database.submit(...)` for a concurrent.futures.Future.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from .db import open_database

T = TypeVar("T")


class Database:
    def __init__(self, path: Path, opener: Callable[[Path], sqlite3.Connection] = open_database) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reelscope-db")
        self._thread: threading.Thread | None = None
        self._closed = False
        try:
            self.connection: sqlite3.Connection = self._executor.submit(self._open, opener).result()
        except BaseException:
            self._executor.shutdown(wait=False)
            raise

    def _open(self, opener: Callable[[Path], sqlite3.Connection]) -> sqlite3.Connection:
        self._thread = threading.current_thread()
        return opener(self.path)

    def submit(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        return self._executor.submit(function, *args, **kwargs)

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Runs function on the database thread; the awaiting coroutine gets its result or exception."""
        return await asyncio.wrap_future(self.submit(function, *args, **kwargs))

    def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Runs function on the database thread and waits for it: for scripts and tests, never the GUI."""
        if self.on_database_thread():
            return function(*args, **kwargs)
        return self.submit(function, *args, **kwargs).result()

    def on_database_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def close(self) -> None:
        """Closes the connection once the work already handed over is done; closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        try:
            self._executor.submit(self.connection.close).result()
        finally:
            self._executor.shutdown(wait=True)
