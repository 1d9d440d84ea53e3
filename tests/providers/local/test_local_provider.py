"""LocalProvider through its real process pool, on the session's qasync loop as the GUI runs it."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time

import pytest

from fakes.media import make_clip, make_empty_file, make_looped_clip, make_text_file
from reelscope.domain.analysis import Analysis, AnalysisStatus
from reelscope.domain.errors import AnalysisCancelled, MediaError
from reelscope.domain.thumbnails import scene_thumbnail_relpath
from reelscope.providers.base import Capability
from reelscope.providers.local import LocalProvider


def make_long_clip(folder, repeats: int = 200):
    """repeats x 200 frames: at 200 repeats, seconds of analysis, made in a fraction of one."""
    scene_pair = make_clip(folder / "pair.mp4", cut_frames=(100,), total_frames=200)
    return make_looped_clip(scene_pair, folder / "long.mp4", repeats=repeats)


@pytest.fixture
def long_clip(tmp_path):
    return make_long_clip(tmp_path)


async def closing(provider: LocalProvider, work):
    try:
        return await work
    finally:
        await provider.aclose()


def test_the_provider_describes_itself(tmp_path):
    provider = LocalProvider(tmp_path / "thumbnails")
    assert (provider.id, provider.display_name) == ("local", "Local")
    assert provider.capabilities == frozenset({Capability.ANALYZE})


def test_analyze_returns_a_finished_analysis_with_progress_on_the_loop(tmp_path, run_async):
    clip = make_clip(tmp_path / "clip.mp4", cut_frames=(20, 45), total_frames=70, audio=True)
    root = tmp_path / "thumbnails"
    provider = LocalProvider(root, max_workers=1)
    progress: list[float] = []
    progress_threads: set[threading.Thread] = set()

    def on_progress(fraction: float) -> None:
        progress.append(fraction)
        progress_threads.add(threading.current_thread())

    analysis = run_async(closing(provider, provider.analyze(clip, on_progress)), timeout_s=60)

    assert analysis.status is AnalysisStatus.FINISHED
    assert analysis.provider == "local"
    assert analysis.video.path == str(clip)
    assert len(analysis.scenes) == 3
    assert Analysis.from_json(analysis.to_json()) == analysis
    assert progress and progress[-1] == 1.0
    assert progress == sorted(progress)
    assert progress_threads == {threading.main_thread()}
    for index in range(3):
        assert (root / scene_thumbnail_relpath(analysis.video.sha256, index)).is_file()


def test_the_probed_clip_is_announced_on_the_loop_before_the_scan_ends(tmp_path, run_async):
    long_clip = make_long_clip(tmp_path, repeats=40)
    provider = LocalProvider(tmp_path / "thumbnails", max_workers=1)
    announced: list[tuple[object, float, threading.Thread]] = []
    progress: list[float] = []

    def on_video(video) -> None:
        announced.append((video, progress[-1] if progress else 0.0, threading.current_thread()))

    analysis = run_async(closing(provider, provider.analyze(long_clip, progress.append, on_video)), timeout_s=60)

    assert len(announced) == 1
    video, progress_when_announced, thread = announced[0]
    assert (video.id, video.path, video.sha256) == (analysis.video.id, analysis.video.path, analysis.video.sha256)
    assert progress_when_announced < 0.5, "announced early, not with the result"
    assert thread is threading.main_thread()


def test_progress_is_throttled_and_ends_at_one(tmp_path, run_async):
    long_clip = make_long_clip(tmp_path, repeats=60)
    provider = LocalProvider(tmp_path / "thumbnails", max_workers=1)
    progress: list[float] = []

    async def timed():
        started = time.monotonic()
        await provider.analyze(long_clip, progress.append)
        return time.monotonic() - started

    elapsed = run_async(closing(provider, timed()), timeout_s=60)

    assert progress[-1] == 1.0
    assert progress == sorted(progress)
    assert len(progress) >= 3
    assert len(progress) <= elapsed * 10 + 5


def test_cancelling_stops_the_worker_promptly(long_clip, tmp_path, run_async):
    provider = LocalProvider(tmp_path / "thumbnails", max_workers=1)
    quick_clip = make_clip(tmp_path / "quick.mp4", total_frames=10)

    async def scenario():
        running = asyncio.Event()
        task = asyncio.ensure_future(provider.analyze(long_clip, lambda _: running.set()))
        await asyncio.wait_for(running.wait(), timeout=30)
        cancelled_at = time.monotonic()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        cancel_s = time.monotonic() - cancelled_at
        # With one worker, the next job only runs once the cancelled one has really stopped.
        await provider.analyze(quick_clip)
        return task, cancel_s, time.monotonic() - cancelled_at

    task, cancel_s, until_next_done_s = run_async(closing(provider, scenario()), timeout_s=60)

    assert task.cancelled()
    assert cancel_s < 1.0
    assert until_next_done_s < 2.0  # the long clip alone takes several seconds more


@pytest.mark.parametrize(
    ("make_file", "reason"),
    [
        (lambda folder: make_empty_file(folder / "empty.mp4"), "empty file (0 bytes)"),
        (lambda folder: make_text_file(folder / "notes.mp4"), "not a video"),
    ],
    ids=["empty", "text"],
)
def test_media_errors_cross_the_process_boundary(tmp_path, run_async, make_file, reason):
    path = make_file(tmp_path)
    provider = LocalProvider(tmp_path / "thumbnails", max_workers=1)

    async def failure():
        with pytest.raises(MediaError) as caught:
            await provider.analyze(path)
        return caught.value

    error = run_async(closing(provider, failure()), timeout_s=60)

    assert error.path == str(path)
    assert reason in error.reason


def test_clips_are_analysed_side_by_side_without_blocking_the_loop(tmp_path, run_async):
    clips = [
        make_clip(tmp_path / f"clip{n}.mp4", cut_frames=(10 + 5 * n,), total_frames=40)
        for n in range(3)
    ]
    provider = LocalProvider(tmp_path / "thumbnails", max_workers=2)

    async def worst_loop_delay(stop: asyncio.Event) -> float:
        worst = 0.0
        while not stop.is_set():
            before = time.monotonic()
            await asyncio.sleep(0.01)
            worst = max(worst, time.monotonic() - before - 0.01)
        return worst

    async def scenario():
        stop = asyncio.Event()
        watcher = asyncio.ensure_future(worst_loop_delay(stop))
        analyses = await asyncio.gather(*(provider.analyze(clip) for clip in clips))
        stop.set()
        return analyses, await watcher

    analyses, worst_delay_s = run_async(closing(provider, scenario()), timeout_s=60)

    assert [len(a.scenes) for a in analyses] == [2, 2, 2]
    assert [a.video.path for a in analyses] == [str(clip) for clip in clips]
    assert worst_delay_s < 0.25


def test_closing_the_provider_cancels_running_analyses(long_clip, tmp_path, run_async):
    provider = LocalProvider(tmp_path / "thumbnails", max_workers=1)
    waiting_clip = make_clip(tmp_path / "waiting.mp4", total_frames=10)

    async def scenario():
        running = asyncio.Event()
        long_one = asyncio.ensure_future(provider.analyze(long_clip, lambda _: running.set()))
        await asyncio.wait_for(running.wait(), timeout=30)
        waiting_one = asyncio.ensure_future(provider.analyze(waiting_clip))
        await asyncio.sleep(0.2)  # submitted, queued behind the long one
        analyses = [long_one, waiting_one]
        closing_at = time.monotonic()
        await provider.aclose()
        outcomes = await asyncio.gather(*analyses, return_exceptions=True)
        return outcomes, time.monotonic() - closing_at

    outcomes, close_s = run_async(scenario(), timeout_s=60)

    assert [type(outcome) for outcome in outcomes] == [AnalysisCancelled, AnalysisCancelled]
    assert close_s < 2.0


def test_the_provider_starts_again_after_closing(tmp_path, run_async):
    clip = make_clip(tmp_path / "clip.mp4", total_frames=10)
    provider = LocalProvider(tmp_path / "thumbnails", max_workers=1)

    async def twice():
        first = await provider.analyze(clip)
        await provider.aclose()
        return first, await closing(provider, provider.analyze(clip))

    first, second = run_async(twice(), timeout_s=60)

    assert first == second
