"""A bare Qt event loop in a process of its own, ticking as the loop-stall benchmark's ticker does.

Run beside a benchmark, it shows what the machine alone does to a loop that has nothing to do, over the
same seconds: a timer delivered late, a core handed over only at the scheduler's next tick. It ticks
until its stdin closes, then prints one JSON line: a list of [end of the tick (time.monotonic()), gap
beyond the expected tick in seconds].

Run: python tests/fakes/bare_loop.py TICK_S
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time


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
