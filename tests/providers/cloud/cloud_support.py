"""Helpers of the cloud provider tests: a clock whose waits are short, an events recorder, settings."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

from fakes.loops import run_on_own_loop
from reelscope.domain.analysis import VideoInfo
from reelscope.domain.jobs import JobPhase, JobProgress
from reelscope.domain.settings import ProviderSettings
from reelscope.providers._http import SystemClock

KEY = "sk-live-5f1c9a7e2b"


class FastClock(SystemClock):
    """Real time, but every wait (backoff, Retry-After, poll interval) lasts at most a few milliseconds;
    the waits asked for are kept, so tests can check them."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.sleep(min(seconds, 0.005))


@dataclass
class Recorder:
    """The events a provider reports, as the queue would receive them."""

    progress_updates: list[JobProgress] = field(default_factory=list)
    videos: list[VideoInfo] = field(default_factory=list)
    remote_jobs: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def progress(self, update: JobProgress) -> None:
        self.progress_updates.append(update)

    def video(self, video: VideoInfo) -> None:
        self.videos.append(video)

    async def remote_job(self, remote_id: str, details: Mapping[str, str] | None = None) -> None:
        self.remote_jobs.append((remote_id, dict(details or {})))

    def phases(self) -> list[JobPhase]:
        seen: list[JobPhase] = []
        for update in self.progress_updates:
            if not seen or seen[-1] is not update.phase:
                seen.append(update.phase)
        return seen

    def uploaded_bytes(self) -> list[int]:
        return [u.bytes_done for u in self.progress_updates if u.phase is JobPhase.UPLOADING and u.bytes_done]


def settings_for(fake, **values) -> ProviderSettings:
    values.setdefault("api_key", KEY)
    return ProviderSettings(base_url=fake.base_url, poll_interval_s=0.01, **values)


def run(coroutine, timeout_s: float = 60.0):
    async def bounded():
        return await asyncio.wait_for(coroutine, timeout_s)

    return run_on_own_loop(bounded())


class RecordingClock(SystemClock):
    """Real time; the waits asked for are kept (for tests where the fake measures real time)."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await super().sleep(seconds)
