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
from reelscope.domain.jobs import JobPhase
from reelscope.domain.providers import Capability
from reelscope.domain.thumbnails import scene_thumbnail_relpath
from reelscope.providers.base import AnalysisRequest
from reelscope.providers.local import LocalProvider


class Recorder:
    """The AnalysisEvents of a job: records what the provider reports, and on which thread."""

    def __init__(self, on_progress=None) -> None:
        self.fractions: list[float] = []
        self.phases: set[JobPhase] = set()
        self.videos: list[tuple[object, float, threading.Thread]] = []
        self.threads: set[threading.Thread] = set()
        self._on_progress = on_progress

    def progress(self, update) -> None:
        self.phases.add(update.phase)
        self.fractions.append(update.fraction)
        self.threads.add(threading.current_thread())
        if self._on_progress is not None:
            self._on_progress(update.fraction)

    def video(self, video) -> None:
        self.videos.append((video, self.fractions[-1] if self.fractions else 0.0, threading.current_thread()))

    async def remote_job(self, remote_id, details=None) -> None:
        raise AssertionError("the local engine has no remote jobs")


def analyze(provider: LocalProvider, path, events=None):
    return provider.analyze(AnalysisRequest(path=path), events or Recorder())


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
    assert (provider.id, provider.label) == ("local", "Local")
    assert Capability.ANALYZE in provider.capabilities
    assert provider.limits.max_jobs == 2


def test_analyze_returns_a_finished_analysis_with_progress_on_the_loop(tmp_path, run_async):
    clip = make_clip(tmp_path / "clip.mp4", cut_frames=(20, 45), total_frames=70, audio=True)
    root = tmp_path / "thumbnails"
    provider = LocalProvider(root, max_workers=1)
    events = Recorder()
    analysis = run_async(closing(provider, analyze(provider, clip, events)), timeout_s=60)
    progress = events.fractions

    assert analysis.status is AnalysisStatus.FINISHED
    assert analysis.provider == "local"
    assert analysis.video.path == str(clip)
    assert len(analysis.scenes) == 3
    assert Analysis.from_json(analysis.to_json()) == analysis
    assert progress and progress[-1] == 1.0
    assert progress == sorted(progress)
    assert events.threads == {threading.main_thread()}
    assert events.phases == {JobPhase.PROCESSING}
    for index in range(3):
        assert (root / scene_thumbnail_relpath(analysis.video.sha256, index)).is_file()


def test_the_probed_clip_is_announced_on_the_loop_before_the_scan_ends(tmp_path, run_async):
    long_clip = make_long_clip(tmp_path, repeats=40)
    provider = LocalProvider(tmp_path / "thumbnails", max_workers=1)
    events = Recorder()
    analysis = run_async(closing(provider, analyze(provider, long_clip, events)), timeout_s=60)
    announced = events.videos

    assert len(announced) == 1
    video, progress_when_announced, thread = announced[0]
    assert (video.id, video.path, video.sha256) == (analysis.video.id, analysis.video.path, analysis.video.sha256)
    assert progress_when_announced < 0.5, "announced early, not with the result"
    assert thread is threading.main_thread()


def test_progress_is_throttled_and_ends_at_one(tmp_path, run_async):
    long_clip = make_long_clip(tmp_path, repeats=60)
    provider = LocalProvider(tmp_path / "thumbnails", max_workers=1)
    events = Recorder()
    progress = events.fractions

    async def timed():
        started = time.monotonic()
        await analyze(provider, long_clip, events)
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
        task = asyncio.ensure_future(analyze(provider, long_clip, Recorder(lambda _: running.set())))
        await asyncio.wait_for(running.wait(), timeout=30)
        cancelled_at = time.monotonic()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        cancel_s = time.monotonic() - cancelled_at
        # With one worker, the next job only runs once the cancelled one has really stopped.
        await analyze(provider, quick_clip)
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
            await analyze(provider, path)
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
        analyses = await asyncio.gather(*(analyze(provider, clip) for clip in clips))
        stop.set()
        return analyses, await watcher

    analyses, worst_delay_s = run_async(closing(provider, scenario()), timeout_s=60)

    assert [len(a.scenes) for a in analyses] == [2, 2, 2]
    assert [a.video.path for a in analyses] == [str(clip) for clip in clips]
    assert worst_delay_s < 1.0, "the loop waited on the analyses (a decode on its thread holds it for seconds)"


def test_the_loop_thread_never_waits_on_the_manager_process(tmp_path, run_async, qtbot, monkeypatch):
    """A Manager object's last reference is a round trip to the Manager process, which runs at the workers'
    low priority: let go on the window's thread, by the code or by its garbage collector, it stalled the
    window while four workers decoded."""
    import gc
    import multiprocessing.managers

    calls: list[tuple[str, threading.Thread]] = []
    dispatch = multiprocessing.managers.dispatch

    def recorded(connection, ident, method, args=(), kwargs={}):  # noqa: B006 - the signature it replaces
        calls.append((method, threading.current_thread()))
        return dispatch(connection, ident, method, args, kwargs)

    monkeypatch.setattr(multiprocessing.managers, "dispatch", recorded)
    clips = [make_clip(tmp_path / f"clip{n}.mp4", cut_frames=(15,), total_frames=30) for n in range(2)]
    provider = LocalProvider(tmp_path / "thumbnails", max_workers=2)

    analyses = run_async(closing(provider, asyncio.gather(*(analyze(provider, clip) for clip in clips))), timeout_s=60)
    qtbot.waitUntil(lambda: not any(thread.name == "reelscope-progress" for thread in threading.enumerate()))
    gc.collect()  # as the app's collector does, on the window's thread

    assert [len(analysis.scenes) for analysis in analyses] == [2, 2]
    assert "create" in {method for method, _ in calls}, "the jobs used the Manager"
    assert [method for method, thread in calls if thread is threading.main_thread()] == []


def test_closing_the_provider_cancels_running_analyses(long_clip, tmp_path, run_async):
    provider = LocalProvider(tmp_path / "thumbnails", max_workers=1)
    waiting_clip = make_clip(tmp_path / "waiting.mp4", total_frames=10)

    async def scenario():
        running = asyncio.Event()
        long_one = asyncio.ensure_future(analyze(provider, long_clip, Recorder(lambda _: running.set())))
        await asyncio.wait_for(running.wait(), timeout=30)
        waiting_one = asyncio.ensure_future(analyze(provider, waiting_clip))
        while provider.job_count < 2:  # until it is submitted, queued behind the long one
            await asyncio.sleep(0.01)
        analyses = [long_one, waiting_one]
        closing_at = time.monotonic()
        await provider.aclose()
        outcomes = await asyncio.gather(*analyses, return_exceptions=True)
        return outcomes, time.monotonic() - closing_at

    outcomes, close_s = run_async(scenario(), timeout_s=60)

    assert [type(outcome) for outcome in outcomes] == [AnalysisCancelled, AnalysisCancelled]
    assert close_s < 4.0, "closing stopped the work (the long clip alone takes over ten seconds)"


def test_the_provider_starts_again_after_closing(tmp_path, run_async):
    clip = make_clip(tmp_path / "clip.mp4", total_frames=10)
    provider = LocalProvider(tmp_path / "thumbnails", max_workers=1)

    async def twice():
        first = await analyze(provider, clip)
        await provider.aclose()
        return first, await closing(provider, analyze(provider, clip))

    first, second = run_async(twice(), timeout_s=60)

    assert first == second


def test_each_stage_says_what_it_does_in_the_queue_and_faces_get_library_persons(tmp_path, run_async):
    from fakes import real_media
    from fakes.pictures import Caption, Shot, make_picture_clip
    from reelscope.providers.local.pipeline import EngineOptions

    clip = make_picture_clip(tmp_path / "face.mp4", [Shot(2.0, real_media.rgb(real_media.astronaut()))],
                             size=(960, 540), captions=[Caption("Mission control", 0.5, 1.5)])
    assigned = []

    class Directory:
        async def assign(self, video, faces):
            assigned.append((video.id, faces))
            return {face.group: "person-42" for face in faces}

    details = []
    events = Recorder()
    events.progress = lambda update: details.append(update.detail)
    provider = LocalProvider(tmp_path / "thumbnails", max_workers=1,
                             options=EngineOptions(music=False), people=Directory())
    analysis = run_async(closing(provider, analyze(provider, clip, events)), timeout_s=120)
    assert "Finding scenes, text and faces" in details and "Grouping scenes into sections" in details
    assert [t.text for t in analysis.ocr] == ["Mission control"]
    assert {p.person_id for span in analysis.people for p in span.persons} == {"person-42"}
    assert assigned and assigned[0][0] == analysis.video.id and len(assigned[0][1]) == 1
