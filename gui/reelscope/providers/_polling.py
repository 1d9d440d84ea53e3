"""Waiting for a remote job: poll its status until it is final, riding out passing failures.

The transport already retries each call; a job that runs for minutes also outlives a short outage,
so a few consecutive transient failures (5xx, 429, no connection) only delay the next poll.
Cancelling the awaiting task stops the loop at once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from ..domain.errors import ProviderError
from ._http import Clock

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_CONSECUTIVE_TRANSIENT_FAILURES = 8


async def poll_until(
    fetch: Callable[[], Awaitable[T]],
    is_final: Callable[[T], bool],
    *,
    clock: Clock,
    interval_s: float,
    on_status: Callable[[T], None] | None = None,
    max_interval_s: float | None = None,
) -> T:
    """Calls fetch until is_final(status); the interval grows by half up to max_interval_s."""
    failures = 0
    wait_s = interval_s
    ceiling = max_interval_s if max_interval_s is not None else interval_s
    while True:
        try:
            status = await fetch()
        except ProviderError as error:
            if not error.transient or failures >= MAX_CONSECUTIVE_TRANSIENT_FAILURES:
                raise
            failures += 1
            log.info("polling %s: %s (passing failure %d)", error.provider, error, failures)
            await clock.sleep(max(wait_s, getattr(error, "retry_after_s", None) or 0.0))
            continue
        failures = 0
        if on_status is not None:
            on_status(status)
        if is_final(status):
            return status
        await clock.sleep(wait_s)
        wait_s = min(ceiling, wait_s * 1.5)
