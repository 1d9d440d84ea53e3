"""Streamed uploads to a fake service in another process: memory growth for a 2 GB file, and the event
loop's longest stall during 4 parallel uploads, each against a plain httpx upload of the same file.

Run: .venv/bin/python -m pytest -m bench -s tests/bench/test_bench_upload.py
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from targets import check_target

from reelscope.providers._http import FileBody, HeaderKey, HttpClient, Timeouts

TESTS = Path(__file__).resolve().parents[1]
KEY = "bench-key-6b1e"
BIG_BYTES = 2 << 30
PARALLEL = 4
PARALLEL_BYTES = 512 << 20
TARGET_GROWTH_MB = 50.0
TARGET_STALL_MS = 16.0
TICK_S = 0.001


@pytest.fixture(scope="module")
def fake_url():
    process = subprocess.Popen(
        [sys.executable, "-m", "fakes.noxovision", "--port", "0", "--key", KEY],
        cwd=TESTS, env=dict(os.environ, PYTHONPATH=str(TESTS)), stdout=subprocess.PIPE, text=True,
    )
    line = process.stdout.readline()
    url = re.search(r"http://[\d.]+:\d+", line).group(0)
    yield url
    process.kill()
    process.wait(10)


def sparse_file(path: Path, size: int) -> Path:
    with path.open("wb") as file:
        file.truncate(size)
    return path


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class Watch:
    """Samples resident memory and the loop's lateness while uploads run.

    `stall_s` is the loop thread's own CPU time within the longest gap between two ticks: the time code
    on the loop kept it busy. `wall_stall_s` is the longest gap in wall time, which on a shared machine
    also counts the time the OS gave the core to other processes (the load here is often 3x the cores).
    """

    def __init__(self) -> None:
        self.base_rss = rss_bytes()
        self.peak_rss = self.base_rss
        self.stall_s = 0.0
        self.wall_stall_s = 0.0
        self._task: asyncio.Task | None = None

    async def _tick(self) -> None:
        while True:
            started, cpu_started = time.perf_counter(), time.thread_time()
            await asyncio.sleep(TICK_S)
            self.wall_stall_s = max(self.wall_stall_s, time.perf_counter() - started - TICK_S)
            self.stall_s = max(self.stall_s, time.thread_time() - cpu_started)
            self.peak_rss = max(self.peak_rss, rss_bytes())

    async def __aenter__(self) -> Watch:
        self._task = asyncio.create_task(self._tick())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._task.cancel()

    @property
    def growth_mb(self) -> float:
        return (self.peak_rss - self.base_rss) / 1e6


async def ours(url: str, paths: list[Path]) -> Watch:
    client = HttpClient("noxovision", url, HeaderKey(KEY), timeouts=Timeouts(read_s=300, write_s=300))
    try:
        async with Watch() as watch:
            await asyncio.gather(*(
                client.request("POST", "/video", body=FileBody(p), headers={"Max-Processing-Time": "0"})
                for p in paths
            ))
    finally:
        await client.aclose()
    return watch


async def read_on_the_loop(file, chunk_bytes: int = 64 << 10):
    while chunk := file.read(chunk_bytes):
        yield chunk


async def plain_httpx(url: str, paths: list[Path]) -> Watch:
    """The baseline: httpx streaming each file as a naive async generator reads it on the loop's thread."""
    async with httpx.AsyncClient(base_url=url, timeout=300) as client:
        files = [p.open("rb") for p in paths]
        try:
            async with Watch() as watch:
                await asyncio.gather(*(
                    client.post("/video", content=read_on_the_loop(f), headers={
                        "X-API-Key": KEY, "Content-Type": "application/octet-stream",
                        "Content-Length": str(os.path.getsize(p))})
                    for f, p in zip(files, paths)
                ))
        finally:
            for f in files:
                f.close()
    return watch


def timed(coroutine_factory):
    """Runs the coroutine on a loop of its own, in a thread: the session's Qt loop may be running here."""
    started = time.perf_counter()
    with ThreadPoolExecutor(1) as thread:
        watch = thread.submit(lambda: asyncio.run(coroutine_factory())).result()
    return watch, time.perf_counter() - started


@pytest.mark.bench
def test_a_2gb_upload_streams_in_constant_memory(fake_url, tmp_path):
    big = sparse_file(tmp_path / "big.mp4", BIG_BYTES)
    mine, mine_s = timed(lambda: ours(fake_url, [big]))
    base, base_s = timed(lambda: plain_httpx(fake_url, [big]))
    print(
        f"\n2 GB upload: RSS growth {mine.growth_mb:.1f} MB (plain httpx {base.growth_mb:.1f} MB), "
        f"{BIG_BYTES / mine_s / 1e6:.0f} MB/s (plain httpx {BIG_BYTES / base_s / 1e6:.0f} MB/s, "
        f"ratio {base_s / mine_s:.2f}), longest loop stall {mine.stall_s * 1000:.1f} ms busy / "
        f"{mine.wall_stall_s * 1000:.1f} ms wall (plain httpx {base.stall_s * 1000:.1f} / "
        f"{base.wall_stall_s * 1000:.1f} ms), load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    assert mine.growth_mb < TARGET_GROWTH_MB


@pytest.mark.bench
def test_four_parallel_uploads_keep_the_loop_responsive(fake_url, tmp_path):
    paths = [sparse_file(tmp_path / f"part{i}.mp4", PARALLEL_BYTES) for i in range(PARALLEL)]
    mine, mine_s = timed(lambda: ours(fake_url, paths))
    base, base_s = timed(lambda: plain_httpx(fake_url, paths))
    total = PARALLEL * PARALLEL_BYTES
    print(
        f"\n{PARALLEL} parallel uploads of {PARALLEL_BYTES >> 20} MB: longest loop stall "
        f"{mine.stall_s * 1000:.1f} ms busy (plain httpx {base.stall_s * 1000:.1f} ms, ratio "
        f"{base.stall_s / max(mine.stall_s, 1e-6):.2f}), {mine.wall_stall_s * 1000:.1f} ms wall (plain httpx "
        f"{base.wall_stall_s * 1000:.1f} ms); {total / mine_s / 1e6:.0f} MB/s "
        f"(plain httpx {total / base_s / 1e6:.0f} MB/s), RSS growth {mine.growth_mb:.1f} MB; "
        f"target < {TARGET_STALL_MS:.0f} ms busy (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    check_target(f"the longest loop stall of {PARALLEL} parallel uploads (busy)", mine.stall_s * 1000, "<",
                 TARGET_STALL_MS, " ms")
    # A crowded machine stretches even busy time: fail only when far off the target; the figures matter.
    assert mine.stall_s * 1000 < TARGET_STALL_MS * 2, "far above a frame"
