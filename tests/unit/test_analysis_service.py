from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from analysis_builders import TickingClock, make_analysis, make_video
from reelscope.domain.errors import MediaError, ReelscopeError
from reelscope.domain.jobs import Job, JobPhase, JobState
from reelscope.library.catalogue import Catalogue
from reelscope.library.db import open_database
from reelscope.library.jobs import JobStore
from reelscope.library.thumbnails import ThumbnailCache
from reelscope.providers.base import Capability
from reelscope.services.analysis import AnalysisService


class ScriptedProvider:
    """Analyses by file name: 'broken*' raises MediaError, 'crash*' a bug; a gate holds a file."""

    id = "local"
    display_name = "Scripted"
    capabilities = frozenset({Capability.ANALYZE})

    def __init__(self, progress_steps=(0.25, 0.5, 0.75)) -> None:
        self.progress_steps = progress_steps
        self.gates: dict[str, asyncio.Event] = {}
        self.calls: list[str] = []
        self.cancelled: list[str] = []
        self.running = 0
        self.max_running = 0
        self.fail_names: set[str] = set()

    def hold(self, *names: str) -> None:
        for name in names:
            self.gates[name] = asyncio.Event()

    def release(self, *names: str) -> None:
        for name in names or tuple(self.gates):
            self.gates[name].set()

    async def analyze(self, path: Path, on_progress=None, on_video=None):
        name = path.name
        self.calls.append(name)
        self.running += 1
        self.max_running = max(self.max_running, self.running)
        try:
            if on_video and not name.startswith("broken"):  # a broken file never gets past the probe
                on_video(make_video(name, folder=str(path.parent)))
            for step in self.progress_steps:
                if on_progress:
                    on_progress(step)
                await asyncio.sleep(0)
            if name in self.gates:
                await self.gates[name].wait()
            if name.startswith("broken") or name in self.fail_names:
                raise MediaError(str(path), "no video stream found")
            if name.startswith("offline"):
                raise ReelscopeError("local: the analysis process stopped unexpectedly")
            if name.startswith("crash"):
                raise ZeroDivisionError("division by zero")
            return make_analysis(make_video(name, folder=str(path.parent)), ocr=(f"text of {name}",))
        except asyncio.CancelledError:
            self.cancelled.append(name)
            raise
        finally:
            self.running -= 1

    async def aclose(self) -> None:
        pass


class Harness:
    def __init__(self, tmp_path: Path, provider: ScriptedProvider | None = None, max_parallel: int = 2):
        self.media = tmp_path / "media"
        self.media.mkdir(exist_ok=True)
        conn = open_database(tmp_path / "data" / "catalogue.sqlite3")
        clock = TickingClock()
        self.catalogue = Catalogue(conn, ThumbnailCache(tmp_path / "data" / "thumbs"), clock)
        self.store = JobStore(conn, clock)
        self.provider = provider or ScriptedProvider()
        self.service = AnalysisService(
            self.catalogue, self.store, {"local": self.provider}, max_parallel=max_parallel, clock=clock
        )
        self.events: list[Job] = []
        self.clips_changed: list[str] = []
        self.service.job_changed.connect(self.events.append)
        self.service.clip_changed.connect(self.clips_changed.append)

    def files(self, *names: str) -> list[Path]:
        paths = [self.media / name for name in names]
        for path in paths:
            path.write_bytes(b"not really a video")
        return paths

    def state(self, job_id: int) -> JobState:
        return self.store.get(job_id).state


async def until(condition, timeout_s: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.005)


def test_submit_queues_each_file_once_and_reports_refusals(tmp_path):
    h = Harness(tmp_path)
    clip, notes = h.files("clip.mp4", "notes.txt")
    first = h.service.submit([clip, notes])
    assert [j.path for j in first.queued] == [str(clip)]
    assert [r.path for r in first.refused] == [str(notes)]
    second = h.service.submit([clip])
    assert second.queued == []
    assert [j.id for j in second.already_queued] == [first.queued[0].id]
    assert [e.id for e in h.events] == [first.queued[0].id]  # queued jobs are announced


def test_jobs_run_to_done_with_progress_and_events(tmp_path, run_async):
    h = Harness(tmp_path)
    [clip] = h.files("beach.mp4")

    async def scenario():
        h.service.start()
        [job] = h.service.submit([clip]).queued
        await h.service.wait_idle()
        return job

    job = run_async(scenario())
    done = h.store.get(job.id)
    assert done.state is JobState.DONE
    assert done.progress == 1.0
    assert done.bytes_total == len(b"not really a video")
    assert done.started_at is not None and done.finished_at >= done.started_at
    assert done.video_id == make_video("beach.mp4").id
    assert h.catalogue.clip(done.video_id).video.path == str(clip)
    assert h.catalogue.search("text of beach")[1] == 1
    assert h.clips_changed == [done.video_id, done.video_id], "once when probed, once when analysed"
    states = [(e.state, e.phase) for e in h.events]
    assert states[0] == (JobState.QUEUED, JobPhase.WAITING)
    assert (JobState.RUNNING, JobPhase.PROCESSING) in states
    assert 0.25 in [e.progress for e in h.events if e.state is JobState.RUNNING]
    assert h.events[-1] == done


def test_progress_is_persisted_at_most_a_few_times_per_second_and_the_latest_wins(tmp_path, run_async):
    h = Harness(tmp_path, ScriptedProvider(progress_steps=[n / 1000 for n in range(1, 1000)]))
    [clip] = h.files("long.mp4")
    h.provider.hold("long.mp4")

    async def scenario():
        h.service.start()
        [job] = h.service.submit([clip]).queued
        await until(lambda: h.provider.running)
        await asyncio.sleep(0.4)  # past the throttle interval: the trailing value is written
        progress = h.store.get(job.id).progress
        h.provider.release()
        await h.service.wait_idle()
        return progress

    assert run_async(scenario()) == pytest.approx(0.999)
    progress_events = [e for e in h.events if e.state is JobState.RUNNING and e.progress > 0]
    assert 1 <= len(progress_events) <= 3


def test_at_most_max_parallel_jobs_run(tmp_path, run_async):
    h = Harness(tmp_path, max_parallel=2)
    names = [f"clip{n}.mp4" for n in range(5)]
    files = h.files(*names)
    h.provider.hold(*names)

    async def scenario():
        h.service.start()
        jobs = h.service.submit(files).queued
        await until(lambda: h.provider.running == 2)
        await asyncio.sleep(0.05)
        states = [h.state(j.id) for j in jobs]
        h.provider.release()
        await h.service.wait_idle()
        return jobs, states

    jobs, states = run_async(scenario())
    assert states == [JobState.RUNNING] * 2 + [JobState.QUEUED] * 3
    assert h.provider.max_running == 2
    assert h.provider.calls == names  # queue order
    assert all(h.state(j.id) is JobState.DONE for j in jobs)


def test_media_errors_and_bugs_fail_the_job_with_a_reason(tmp_path, run_async, caplog):
    h = Harness(tmp_path)
    broken, crash, offline = h.files("broken.mp4", "crash.mp4", "offline.mp4")

    async def scenario():
        h.service.start()
        jobs = h.service.submit([broken, crash, offline]).queued
        await h.service.wait_idle()
        return jobs

    with caplog.at_level(logging.ERROR, logger="reelscope.services.analysis"):
        broken_job, crash_job, offline_job = (h.store.get(j.id) for j in run_async(scenario()))
    assert offline_job.error == "local: the analysis process stopped unexpectedly"
    assert broken_job.state is JobState.FAILED
    assert broken_job.error == "no video stream found"
    assert crash_job.state is JobState.FAILED
    assert crash_job.error == "Internal error: division by zero"
    assert "ZeroDivisionError" in caplog.text  # the traceback is logged
    # A file that was never probed never reaches the library; one that was shows why it failed.
    assert h.catalogue.clip(make_video("broken.mp4").id) is None
    crash_status = h.catalogue.clip(crash_job.video_id).status_for("local")
    assert (crash_status.status, crash_status.error) == ("failed", "Internal error: division by zero")


def test_unknown_provider_fails_the_job_clearly(tmp_path, run_async):
    h = Harness(tmp_path)
    [clip] = h.files("clip.mp4")

    async def scenario():
        h.service.start()
        [job] = h.service.submit([clip], provider_ids=["nope"]).queued
        await h.service.wait_idle()
        return h.store.get(job.id)

    job = run_async(scenario())
    assert job.state is JobState.FAILED
    assert job.error == "Unknown provider 'nope' (configured: local)"


def test_cancel_a_running_job_stops_the_provider(tmp_path, run_async):
    h = Harness(tmp_path)
    [clip] = h.files("slow.mp4")
    h.provider.hold("slow.mp4")

    async def scenario():
        h.service.start()
        [job] = h.service.submit([clip]).queued
        await until(lambda: h.provider.running)
        h.service.cancel(job.id)
        assert h.state(job.id) is JobState.CANCELLED  # at once, for the UI
        await h.service.wait_idle()
        return h.store.get(job.id)

    job = run_async(scenario())
    assert job.state is JobState.CANCELLED
    assert job.finished_at is not None
    assert h.provider.cancelled == ["slow.mp4"]
    assert h.events[-1].state is JobState.CANCELLED


def test_cancel_a_queued_job_never_runs_it(tmp_path, run_async):
    h = Harness(tmp_path, max_parallel=1)
    first, second = h.files("first.mp4", "second.mp4")
    h.provider.hold("first.mp4")

    async def scenario():
        h.service.start()
        jobs = h.service.submit([first, second]).queued
        await until(lambda: h.provider.running)
        h.service.cancel(jobs[1].id)
        h.provider.release()
        await h.service.wait_idle()
        return jobs

    jobs = run_async(scenario())
    assert [h.state(j.id) for j in jobs] == [JobState.DONE, JobState.CANCELLED]
    assert h.provider.calls == ["first.mp4"]


def test_retry_requeues_the_same_row(tmp_path, run_async):
    h = Harness(tmp_path)
    [clip] = h.files("flaky.mp4")
    h.provider.fail_names.add("flaky.mp4")

    async def scenario():
        h.service.start()
        [job] = h.service.submit([clip]).queued
        await h.service.wait_idle()
        failed = h.store.get(job.id)
        h.provider.fail_names.clear()
        retried = h.service.retry(job.id)
        await h.service.wait_idle()
        return failed, retried

    failed, retried = run_async(scenario())
    assert failed.state is JobState.FAILED
    assert retried.id == failed.id
    assert (retried.state, retried.progress, retried.error) == (JobState.QUEUED, 0.0, None)
    assert h.state(failed.id) is JobState.DONE
    assert [j.id for j in h.service.jobs()] == [failed.id]
    with pytest.raises(ValueError):
        h.service.retry(failed.id)  # a done job cannot be retried


def test_cancel_then_retry_while_the_cancelled_task_unwinds(tmp_path, run_async):
    h = Harness(tmp_path)
    [clip] = h.files("again.mp4")
    h.provider.hold("again.mp4")

    async def scenario():
        h.service.start()
        [job] = h.service.submit([clip]).queued
        await until(lambda: h.provider.running)
        h.service.cancel(job.id)
        h.service.retry(job.id)
        h.provider.release()
        await h.service.wait_idle()
        return h.store.get(job.id)

    assert run_async(scenario()).state is JobState.DONE
    assert h.provider.calls == ["again.mp4", "again.mp4"]


def test_quit_leaves_jobs_queued_and_a_restart_resumes_them(tmp_path, run_async):
    first = Harness(tmp_path, max_parallel=1)
    files = first.files("a.mp4", "b.mp4")
    first.provider.hold("a.mp4", "b.mp4")

    async def before_quit():
        first.service.start()
        jobs = first.service.submit(files).queued
        await until(lambda: first.provider.running)
        await first.service.aclose()
        return jobs

    jobs = run_async(before_quit())
    assert first.provider.cancelled == ["a.mp4"]
    assert [first.state(j.id) for j in jobs] == [JobState.QUEUED, JobState.QUEUED]

    second = Harness(tmp_path)  # a new process over the same database file

    async def after_restart():
        second.service.start()
        await second.service.wait_idle()

    run_async(after_restart())
    assert sorted(second.provider.calls) == ["a.mp4", "b.mp4"]
    assert [second.state(j.id) for j in jobs] == [JobState.DONE, JobState.DONE]


def test_a_job_left_running_by_a_crash_is_resumed(tmp_path, run_async):
    h = Harness(tmp_path)
    [clip] = h.files("a.mp4")
    job = h.store.add(str(clip), "local")
    h.store.update(job.id, state=JobState.RUNNING, phase=JobPhase.PROCESSING, progress=0.4, started_at=1.0)

    async def scenario():
        h.service.start()
        await h.service.wait_idle()

    run_async(scenario())
    assert h.state(job.id) is JobState.DONE
    assert h.service.submit([clip]).queued  # finished jobs do not block a new submission


def test_clear_finished_announces_the_removed_jobs(tmp_path, run_async):
    h = Harness(tmp_path)
    ok, bad = h.files("ok.mp4", "broken.mp4")
    removed: list[list[int]] = []
    h.service.jobs_removed.connect(removed.append)

    async def scenario():
        h.service.start()
        jobs = h.service.submit([ok, bad]).queued
        await h.service.wait_idle()
        return jobs

    jobs = run_async(scenario())
    h.service.clear_finished()
    assert removed == [[j.id for j in jobs]]
    assert h.service.jobs() == []


def test_wait_idle_without_start(tmp_path, run_async):
    h = Harness(tmp_path)
    run_async(h.service.wait_idle())  # nothing queued: returns at once
    h.service.submit(h.files("a.mp4"))
    with pytest.raises(RuntimeError):
        run_async(h.service.wait_idle())


def held_in_analysis(tmp_path, run_async, name: str = "dune.mp4"):
    """A harness whose provider has probed `name` and holds it mid-analysis; returns (h, provider, job, id)."""
    provider = ScriptedProvider()
    h = Harness(tmp_path, provider)
    [clip] = h.files(name)
    provider.hold(name)
    video_id = make_video(name).id

    async def probed():
        h.service.start()
        [job] = h.service.submit([clip]).queued
        while h.catalogue.clip(video_id) is None:
            await asyncio.sleep(0.01)
        return job

    return h, provider, run_async(probed()), video_id


def test_a_clip_shows_in_the_library_while_it_is_analysed(tmp_path, run_async):
    h, provider, _job, video_id = held_in_analysis(tmp_path, run_async)
    assert h.catalogue.clip(video_id).status_for("local").status == "running"
    assert h.catalogue.analyses(video_id) == [], "no analysis until it is finished"

    provider.release("dune.mp4")
    run_async(h.service.wait_idle())
    assert h.catalogue.clip(video_id).status_for("local").status == "finished"


def test_cancel_takes_a_first_analysis_out_of_the_library_status(tmp_path, run_async):
    h, _provider, job, video_id = held_in_analysis(tmp_path, run_async)
    h.service.cancel(job.id)
    run_async(h.service.wait_idle())
    assert h.catalogue.clip(video_id).status_for("local") is None


def test_quitting_mid_analysis_marks_the_clip_queued(tmp_path, run_async):
    h, _provider, _job, video_id = held_in_analysis(tmp_path, run_async)
    run_async(h.service.aclose())
    assert h.catalogue.clip(video_id).status_for("local").status == "queued"
