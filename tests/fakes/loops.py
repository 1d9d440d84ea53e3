"""A coroutine run to completion on a fresh asyncio loop, whatever loop this thread already has.

The session's qasync loop marks itself running on the main thread for the whole session, so a bare
`asyncio.run` there fails once any Qt test has run; a short-lived thread has no loop of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_on_own_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="own-loop") as thread:
        return thread.submit(asyncio.run, coroutine).result()
