"""A bare Qt event loop in a process of its own, ticking as the loop-stall benchmark's ticker does.

Run beside a benchmark, it shows what the machine alone does to a loop that has nothing to do, over the
same seconds: a timer delivered late, a core handed over only at the scheduler's next tick. It ticks
until its stdin closes, then prints one JSON line: a list of [end of the tick (time.monotonic()), gap
beyond the expected tick in seconds].

`BareLoop` starts it from a benchmark; the `BareTicks` it returns tell whether one of the benchmark's stalls
happened to the bare loop too.

Run: python tests/fakes/bare_loop.py TICK_S
"""

from __future__ import annotations

import asyncio
import bisect
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path


class BareLoop:
    """The bare loop ticking every tick_s in a process of its own, from construction to stop()."""

    def __init__(self, tick_s: float) -> None:
        self._process = subprocess.Popen(
            [sys.executable, str(Path(__file__)), str(tick_s)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout.readline().strip() == "ticking"

    def stop(self) -> BareTicks:
        output, _ = self._process.communicate(timeout=60)
        return BareTicks([(end, gap) for end, gap in json.loads(output)])


class BareTicks:
    """The bare loop's ticks: (end of the tick on time.monotonic(), gap beyond the expected tick in s), in order."""

    def __init__(self, ticks: list[tuple[float, float]]) -> None:
        self.ticks = ticks
        self.gaps = [gap for _, gap in ticks]
        self._ends = [end for end, _ in ticks]
        self._longest = max(self.gaps, default=0.0)

    def shared(self, end: float, gap: float) -> bool:
        """Whether the bare loop stalled over the same moments for at least half of a stall of gap s that ended
        at end (time.monotonic())."""
        # Only a bare tick ending after the stall began, and less than its own (at most the longest) gap after
        # the stall ended, can overlap it.
        first = bisect.bisect_right(self._ends, end - gap)
        last = bisect.bisect_left(self._ends, end + self._longest)
        overlap = sum(
            max(0.0, min(end, bare_end) - max(end - gap, bare_end - bare_gap))
            for bare_end, bare_gap in self.ticks[first:last]
        )
        return overlap >= gap / 2


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    tick_s = float(sys.argv[1])
    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    stop = asyncio.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(stop.set)), daemon=True).start()

    async def tick() -> list[list[float]]:
        ticks: list[list[float]] = []
        last = time.monotonic()
        print("ticking", flush=True)
        while not stop.is_set():
            await asyncio.sleep(tick_s)
            now = time.monotonic()
            ticks.append([now, max(0.0, now - last - tick_s)])
            last = now
        return ticks

    with loop:
        ticks = loop.run_until_complete(tick())
    print(json.dumps(ticks), flush=True)


if __name__ == "__main__":
    main()
