"""The analysis queue over a real catalogue on its database thread, with a scripted provider."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

import pytest

from fakes.analyses import TickingClock, make_analysis, make_video
from reelscope.domain.assets import AssetState, ProviderAsset
from reelscope.domain.clips import ClipChange
from reelscope.domain.errors import MediaError, RateLimited, ReelscopeError, ServiceFault
from reelscope.domain.jobs import Job, JobPhase, JobProgress, JobState
from reelscope.domain.providers import Capability
from reelscope.library.storage import Storage
from reelscope.providers.base import AnalysisRequest, ProviderLimits
from reelscope.providers.hashing import file_sha256, hash_in_background
from reelscope.services.analysis import PROGRESS_PERSIST_INTERVAL_S, AnalysisService


class ScriptedProvider:
    """Analyses by file name: 'broken*' raises MediaError, 'crash*' a bug; a gate holds a file.

    With `remote=True` it behaves like a cloud service: it uploads (reporting bytes), takes a
    remote job id it hands to the queue, and, given a remote id to resume, skips the upload.
    """

    capabilities = frozenset({Capability.ANALYZE})

    def __init__(self, provider_id="local", progress_steps=(0.25, 0.5, 0.75), limits=ProviderLimits(2),
                 remote=False) -> None:
        self.id = provider_id
        self.label = provider_id.capitalize()
        self.limits = limits
        self.remote = remote
        self.progress_steps = progress_steps
        self.gates: dict[str, asyncio.Event] = {}
        self.calls: list[str] = []
        self.requests: list[AnalysisRequest] = []
        self.uploads: list[str] = []
        self.cancelled: list[str] = []
        self.started_at: list[float] = []
        self.running = 0
        self.max_running = 0
        self.fail_names: set[str] = set()
        self.errors: dict[str, Exception] = {}
        self.passing_failures: dict[str, int] = {}

    def hold(self, *names: str) -> None:
        for name in names:
            self.gates[name] = asyncio.Event()

    def release(self, *names: str) -> None:
        for name in names or tuple(self.gates):
            self.gates[name].set()

    async def analyze(self, request: AnalysisRequest, events):
        name = request.path.name
        self.calls.append(name)
        self.requests.append(request)
        self.started_at.append(asyncio.get_running_loop().time())
        self.running += 1
        self.max_running = max(self.max_running, self.running)
        try:
            if not name.startswith("broken"):  # a broken file never gets past the probe
                events.video(make_video(name, folder=str(request.path.parent)))
            if self.remote and request.remote_id is None:
                events.progress(JobProgress(phase=JobPhase.UPLOADING, fraction=0.0, bytes_done=0, bytes_total=100))
                self.uploads.append(name)
                events.progress(JobProgress(phase=JobPhase.UPLOADING, fraction=1.0, bytes_done=100, bytes_total=100))
                await events.remote_job(f"remote-{name}")
            for step in self.progress_steps:
                events.progress(JobProgress(phase=JobPhase.PROCESSING, fraction=step))
                await asyncio.sleep(0)
            if name in self.gates:
                await self.gates[name].wait()
            if name in self.errors:
                raise self.errors[name]
            if self.passing_failures.get(name):
                self.passing_failures[name] -= 1
                raise ServiceFault(self.id, "failed on its side", status=503)
            if name.startswith("broken") or name in self.fail_names:
                raise MediaError(str(request.path), "no video stream found")
            if name.startswith("offline"):
                raise ReelscopeError("local: the analysis process stopped unexpectedly")
            if name.startswith("crash"):
                raise ZeroDivisionError("division by zero")
            return make_analysis(make_video(name, folder=str(request.path.parent)), provider=self.id,
                                 ocr=(f"text of {name}",))
        except asyncio.CancelledError:
            self.cancelled.append(name)
            raise
        finally:
            self.running -= 1

    async def aclose(self) -> None:
        pass


class Harness:
    def __init__(self, tmp_path: Path, *providers: ScriptedProvider, monotonic=None, retry_delays=()):
        self.media = tmp_path / "media"
        self.media.mkdir(exist_ok=True)
        self.storage = Storage.open(tmp_path / "data", clock=TickingClock())
        self.providers = {p.id: p for p in providers} if providers else {"local": ScriptedProvider()}
        self.provider = next(iter(self.providers.values()))
        extra = {"monotonic": monotonic} if monotonic else {}
        self.service = AnalysisService(self.storage, self.providers, clock=TickingClock(),
                                       transient_retry_delays_s=retry_delays, **extra)
        self.events: list[Job] = []
        self.clips_changed: list[ClipChange] = []
        self.service.job_changed.connect(self.events.append)
        self.service.clip_changed.connect(self.clips_changed.append)

    def files(self, *names: str, content: bytes | None = None) -> list[Path]:
        paths = [self.media / name for name in names]
        for path in paths:
            path.write_bytes(content if content is not None else f"not really a video: {path.name}".encode())
        return paths

    def db(self, function, *args):
        return self.storage.database.call(function, *args)

    def job(self, job_id: int) -> Job:
        return self.db(self.storage.jobs.get, job_id)

    def state(self, job_id: int) -> JobState:
        return self.job(job_id).state

    def clip(self, video_id: str):
        return self.db(self.storage.catalogue.clip, video_id)

    def close(self) -> None:
        self.storage.close()


@pytest.fixture
def harness(tmp_path):
    made: list[Harness] = []

    def make(*providers, **options) -> Harness:
        h = Harness(tmp_path, *providers, **options)
        made.append(h)
        return h

    yield make
    for h in made:
        h.close()


async def until(condition, timeout_s: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.005)


def test_submit_queues_each_file_once_and_reports_refusals(harness, run_async):
    h = harness()
    clip, notes = h.files("clip.mp4", "notes.txt")
    first = run_async(h.service.submit([clip, notes]))
    assert [j.path for j in first.queued] == [str(clip)]
    assert [r.path for r in first.refused] == [str(notes)]
    second = run_async(h.service.submit([clip]))
    assert second.queued == []
    assert [j.id for j in second.already_queued] == [first.queued[0].id]
    assert [e.id for e in h.events] == [first.queued[0].id]  # queued jobs are announced


def test_the_same_file_by_another_path_is_already_queued(harness, run_async, tmp_path):
    h = harness()
    [clip] = h.files("clip.mp4")
    alias = tmp_path / "alias.mp4"
    alias.symlink_to(clip)
    first = run_async(h.service.submit([clip]))
    second = run_async(h.service.submit([alias]))
    assert second.queued == [] and [j.id for j in second.already_queued] == [first.queued[0].id]


def test_jobs_run_to_done_through_their_phases_and_events_carry_the_data(harness, run_async):
    h = harness()
    [clip] = h.files("beach.mp4")

    async def scenario():
        await h.service.start()
        [job] = (await h.service.submit([clip])).queued
        await h.service.wait_idle()
        await until(lambda: h.events[-1].state is JobState.DONE)
        return job

    job = run_async(scenario())
    done = h.job(job.id)
    assert done.state is JobState.DONE and done.progress == 1.0
    assert done.bytes_total == clip.stat().st_size
    assert done.sha256 == file_sha256(clip), "hashed once by the queue, stored on the job"
    assert done.started_at is not None and done.finished_at >= done.started_at
    assert done.video_id == make_video("beach.mp4").id
    assert h.clip(done.video_id).video.path == str(clip)
    assert h.db(h.storage.catalogue.search, "text of beach", 50, 0)[1] == 1
    phases = [(e.state, e.phase) for e in h.events]
    assert phases[0] == (JobState.QUEUED, JobPhase.WAITING)
    assert phases.index((JobState.RUNNING, JobPhase.HASHING)) < phases.index((JobState.RUNNING, JobPhase.PROCESSING))
    assert h.events[-1] == done
    listed, analysed = h.clips_changed
    assert listed.analysis is None and listed.clip.status_for("local").status == "running"
    assert analysed.analysis is not None and analysed.analysis.ocr[0].text == "text of beach.mp4"
    assert analysed.clip.status_for("local").status == "finished"


def test_a_file_waiting_for_its_turn_to_be_hashed_says_so_in_the_queue(harness, run_async, tmp_path):
    from reelscope.qt.models.queue_model import progress_text

    h = harness()
    [clip] = h.files("beach.mp4")
    ahead = tmp_path / "ahead.mp4"   # a file dropped earlier, still being hashed
    ahead.write_bytes(b"\0" * 1024)
    release = threading.Event()

    async def scenario():
        hashing_ahead = asyncio.ensure_future(hash_in_background(ahead, lambda _done, _total: release.wait(10)))
        await h.service.start()
        [job] = (await h.service.submit([clip])).queued
        await until(lambda: h.job(job.id).phase is JobPhase.HASHING)
        waiting = h.job(job.id)
        release.set()
        await hashing_ahead
        await h.service.wait_idle()
        return waiting, h.job(job.id)

    waiting, done = run_async(scenario())
    assert (waiting.state, progress_text(waiting, 0.0)) == (JobState.RUNNING, "Waiting to read")
    assert "files before it" in waiting.detail
    assert done.state is JobState.DONE and "files before it" not in (done.detail or "")


def test_the_waiting_note_goes_as_soon_as_the_file_is_read(harness, run_async):
    from reelscope.services.analysis_run import HASH_TURN_DETAIL, AnalysisRun

    h = harness()
    [clip] = h.files("long.mp4", content=b"\0" * (40 << 20))
    updates: list[JobProgress] = []

    class Listener:
        def progress(self, update: JobProgress) -> None:
            updates.append(update)

        def clip_changed(self, change) -> None:
            pass

        async def remote_job(self, remote_id) -> None:
            pass

    run_async(AnalysisRun(h.storage, h.provider, clip, listener=Listener()).execute())
    hashing = [update for update in updates if update.phase is JobPhase.HASHING]
    assert [update.detail for update in hashing[:2]] == [HASH_TURN_DETAIL, ""], "the note goes with the first bytes"
    assert hashing[1].bytes_done < hashing[1].bytes_total and hashing[-1].bytes_done == hashing[-1].bytes_total


def test_progress_is_persisted_a_few_times_per_second_and_the_latest_wins(harness, run_async):
    steps = [n / 1000 for n in range(1, 1000)]
    h = harness(ScriptedProvider(progress_steps=steps))
    [clip] = h.files("long.mp4")
    h.provider.hold("long.mp4")

    async def scenario():
        await h.service.start()
        started = asyncio.get_running_loop().time()
        [job] = (await h.service.submit([clip])).queued
        await until(lambda: h.events[-1].progress == pytest.approx(steps[-1]))  # the trailing value is written
        elapsed = asyncio.get_running_loop().time() - started
        h.provider.release()
        await h.service.wait_idle()
        return elapsed

    elapsed = run_async(scenario())
    writes = [e for e in h.events if e.state is JobState.RUNNING and e.phase is JobPhase.PROCESSING]
    # the phase change is written at once, then at most one write per interval, then the trailing value
    assert 1 <= len(writes) <= elapsed / PROGRESS_PERSIST_INTERVAL_S + 3, "a few writes a second, not 999"


def test_each_provider_runs_at_most_its_own_number_of_jobs(harness, run_async):
    local = ScriptedProvider("local", limits=ProviderLimits(max_jobs=1))
    cloud = ScriptedProvider("cloudy", limits=ProviderLimits(max_jobs=3), remote=True)
    h = harness(local, cloud)
    names = [f"clip{n}.mp4" for n in range(4)]
    files = h.files(*names)
    local.hold(*names)
    cloud.hold(*names)

    async def scenario():
        await h.service.start()
        await h.service.submit(files, ["local", "cloudy"])
        await until(lambda: local.running == 1 and cloud.running == 3)
        counts = h.service.job_counts()
        local.release()
        cloud.release()
        await h.service.wait_idle()
        return counts

    counts = run_async(scenario())
    assert counts == {JobState.RUNNING: 4, JobState.QUEUED: 4}
    assert (local.max_running, cloud.max_running) == (1, 3)
    assert local.calls == names, "queue order"


def test_a_paced_provider_starts_its_jobs_apart(harness, run_async):
    paced = ScriptedProvider("paced", limits=ProviderLimits(max_jobs=5, min_start_interval_s=0.1))
    h = harness(paced)
    files = h.files("a.mp4", "b.mp4", "c.mp4")

    async def scenario():
        await h.service.start()
        await h.service.submit(files, ["paced"])
        await h.service.wait_idle()

    run_async(scenario())
    assert len(paced.started_at) == 3
    assert paced.started_at[-1] - paced.started_at[0] >= 0.18, "three starts spread over two intervals"


def test_media_errors_provider_errors_and_bugs_fail_the_job_with_a_reason(harness, run_async, caplog):
    h = harness()
    broken, crash, offline, busy = h.files("broken.mp4", "crash.mp4", "offline.mp4", "busy.mp4")
    h.provider.errors["busy.mp4"] = RateLimited("local", "too many requests", status=429, retry_after_s=30)

    async def scenario():
        await h.service.start()
        jobs = (await h.service.submit([broken, crash, offline, busy])).queued
        await h.service.wait_idle()
        return jobs

    with caplog.at_level(logging.ERROR, logger="reelscope.services.analysis"):
        broken_job, crash_job, offline_job, busy_job = (h.job(j.id) for j in run_async(scenario()))
    assert offline_job.error == "local: the analysis process stopped unexpectedly"
    assert broken_job.state is JobState.FAILED
    assert broken_job.error == "no video stream found"
    assert crash_job.state is JobState.FAILED
    assert crash_job.error == "Internal error: division by zero"
    assert "ZeroDivisionError" in caplog.text  # the traceback is logged
    assert busy_job.error == "too many requests (HTTP 429)" and busy_job.detail == "worth retrying later"
    # A file that was never probed never reaches the library; one that was shows why it failed.
    assert h.clip(make_video("broken.mp4").id) is None
    crash_status = h.clip(crash_job.video_id).status_for("local")
    assert (crash_status.status, crash_status.error) == ("failed", "Internal error: division by zero")


def test_unknown_provider_fails_the_job_clearly(harness, run_async):
    h = harness()
    [clip] = h.files("clip.mp4")

    async def scenario():
        await h.service.start()
        [job] = (await h.service.submit([clip], provider_ids=["nope"])).queued
        await h.service.wait_idle()
        return h.job(job.id)

    job = run_async(scenario())
    assert job.state is JobState.FAILED
    assert job.error == "Unknown provider 'nope' (configured: local)"


def test_cancel_a_running_job_stops_the_provider(harness, run_async):
    h = harness()
    [clip] = h.files("slow.mp4")
    h.provider.hold("slow.mp4")

    async def scenario():
        await h.service.start()
        [job] = (await h.service.submit([clip])).queued
        await until(lambda: h.provider.running)
        await h.service.cancel(job.id)
        assert h.state(job.id) is JobState.CANCELLED
        await h.service.wait_idle()
        return h.job(job.id)

    job = run_async(scenario())
    assert job.state is JobState.CANCELLED
    assert job.finished_at is not None
    assert h.provider.cancelled == ["slow.mp4"]
    assert h.events[-1].state is JobState.CANCELLED


def test_cancel_a_queued_job_never_runs_it(harness, run_async):
    h = harness(ScriptedProvider(limits=ProviderLimits(max_jobs=1)))
    first, second = h.files("first.mp4", "second.mp4")
    h.provider.hold("first.mp4")

    async def scenario():
        await h.service.start()
        jobs = (await h.service.submit([first, second])).queued
        await until(lambda: h.provider.running)
        await h.service.cancel(jobs[1].id)
        h.provider.release()
        await h.service.wait_idle()
        return jobs

    jobs = run_async(scenario())
    assert [h.state(j.id) for j in jobs] == [JobState.DONE, JobState.CANCELLED]
    assert h.provider.calls == ["first.mp4"]


def test_retry_requeues_the_same_row(harness, run_async):
    h = harness()
    [clip] = h.files("flaky.mp4")
    h.provider.fail_names.add("flaky.mp4")

    async def scenario():
        await h.service.start()
        [job] = (await h.service.submit([clip])).queued
        await h.service.wait_idle()
        failed = h.job(job.id)
        h.provider.fail_names.clear()
        retried = await h.service.retry(job.id)
        await h.service.wait_idle()
        with pytest.raises(ValueError):
            await h.service.retry(failed.id)  # a done job cannot be retried
        return failed, retried

    failed, retried = run_async(scenario())
    assert failed.state is JobState.FAILED
    assert retried.id == failed.id
    assert (retried.state, retried.progress, retried.error) == (JobState.QUEUED, 0.0, None)
    assert h.state(failed.id) is JobState.DONE
    assert [j.id for j in run_async(h.service.jobs())] == [failed.id]


def test_cancel_then_retry_while_the_cancelled_task_unwinds(harness, run_async):
    h = harness()
    [clip] = h.files("again.mp4")
    h.provider.hold("again.mp4")

    async def scenario():
        await h.service.start()
        [job] = (await h.service.submit([clip])).queued
        await until(lambda: h.provider.running)
        await h.service.cancel(job.id)
        await h.service.retry(job.id)
        h.provider.release()
        await h.service.wait_idle()
        return h.job(job.id)

    assert run_async(scenario()).state is JobState.DONE
    assert h.provider.calls == ["again.mp4", "again.mp4"]


def test_quit_leaves_jobs_queued_and_a_restart_resumes_them(harness, run_async):
    first = harness(ScriptedProvider(limits=ProviderLimits(max_jobs=1)))
    files = first.files("a.mp4", "b.mp4")
    first.provider.hold("a.mp4", "b.mp4")

    async def before_quit():
        await first.service.start()
        jobs = (await first.service.submit(files)).queued
        await until(lambda: first.provider.running)
        await first.service.aclose()
        return jobs

    jobs = run_async(before_quit())
    assert first.provider.cancelled == ["a.mp4"]
    assert [first.state(j.id) for j in jobs] == [JobState.QUEUED, JobState.QUEUED]
    first.close()

    second = harness()  # a new process over the same data folder

    async def after_restart():
        await second.service.start()
        await second.service.wait_idle()

    run_async(after_restart())
    assert sorted(second.provider.calls) == ["a.mp4", "b.mp4"]
    assert [second.state(j.id) for j in jobs] == [JobState.DONE, JobState.DONE]


def test_a_job_left_running_by_a_crash_is_resumed(harness, run_async):
    h = harness()
    [clip] = h.files("a.mp4")
    job = h.db(h.storage.jobs.add, str(clip), "local")
    h.db(lambda: h.storage.jobs.update(job.id, state=JobState.RUNNING, phase=JobPhase.PROCESSING, progress=0.4,
                                       started_at=1.0))

    async def scenario():
        await h.service.start()
        await h.service.wait_idle()

    run_async(scenario())
    assert h.state(job.id) is JobState.DONE


def test_content_a_provider_analysed_is_not_sent_again_unless_asked(harness, run_async, tmp_path):
    h = harness()
    [clip] = h.files("dune.mp4")
    copy = tmp_path / "elsewhere" / "dune copy.mp4"
    copy.parent.mkdir()
    copy.write_bytes(clip.read_bytes())

    async def scenario():
        await h.service.start()
        await h.service.submit([clip])
        await h.service.wait_idle()
        [again] = (await h.service.submit([copy])).queued   # the same content under another name
        await h.service.wait_idle()
        [fresh] = (await h.service.submit([copy], fresh=True)).queued
        await h.service.wait_idle()
        return again, fresh

    again, fresh = run_async(scenario())
    assert h.provider.calls == ["dune.mp4", "dune copy.mp4"], "sent once, then again only when asked"
    again = h.job(again.id)
    assert again.state is JobState.DONE and "Already analysed by Local" in again.detail
    assert again.video_id == make_video("dune.mp4").id
    assert h.job(fresh.id).detail is None


def test_a_remote_job_id_is_stored_before_polling_and_resumed_after_a_crash(harness, run_async, tmp_path):
    cloud = ScriptedProvider("cloudy", remote=True)
    h = harness(cloud)
    [clip] = h.files("storm.mp4")
    cloud.hold("storm.mp4")

    async def until_remote_then_crash():
        await h.service.start()
        [job] = (await h.service.submit([clip], ["cloudy"])).queued
        await until(lambda: h.job(job.id).remote_id is not None)
        return job

    job = run_async(until_remote_then_crash())  # the service is never closed: as after a kill -9
    assert h.job(job.id).remote_id == "remote-storm.mp4"
    sha256 = file_sha256(clip)
    asset = h.db(h.storage.assets.get, sha256, "cloudy")
    assert (asset.state, asset.remote_id) == (AssetState.PROCESSING, "remote-storm.mp4")
    # The first process is gone: its job stays held forever, its rows say RUNNING with the remote id.

    restarted_provider = ScriptedProvider("cloudy", remote=True)
    restarted = Harness(tmp_path, restarted_provider)   # a new process over the same data folder

    async def after_restart():
        await restarted.service.start()
        await restarted.service.wait_idle()

    try:
        run_async(after_restart())
        assert restarted_provider.uploads == [], "the file was not sent again"
        assert restarted_provider.requests[0].remote_id == "remote-storm.mp4"
        assert restarted.state(job.id) is JobState.DONE
        done = restarted.db(restarted.storage.assets.get, sha256, "cloudy")
        assert done.state is AssetState.DONE and done.video_id == make_video("storm.mp4").id
    finally:
        restarted.close()
        run_async(h.service.aclose())


def test_an_interrupted_upload_is_announced_to_the_provider(harness, run_async, tmp_path):
    cloud = ScriptedProvider("cloudy", remote=True)
    h = harness(cloud)
    [clip] = h.files("reef.mp4")
    h.db(h.storage.assets.put, ProviderAsset(sha256=file_sha256(clip), provider="cloudy", state=AssetState.SENDING))

    async def scenario():
        await h.service.start()
        await h.service.submit([clip], ["cloudy"])
        await h.service.wait_idle()

    run_async(scenario())
    assert cloud.requests[0].interrupted_upload


def test_clear_finished_announces_the_removed_jobs(harness, run_async):
    h = harness()
    ok, bad = h.files("ok.mp4", "broken.mp4")
    removed: list[list[int]] = []
    h.service.jobs_removed.connect(removed.append)

    async def scenario():
        await h.service.start()
        jobs = (await h.service.submit([ok, bad])).queued
        await h.service.wait_idle()
        await h.service.clear_finished()
        return jobs

    jobs = run_async(scenario())
    assert removed == [[j.id for j in jobs]]
    assert run_async(h.service.jobs()) == []


def test_wait_idle_without_start(harness, run_async):
    h = harness()
    run_async(h.service.wait_idle())  # nothing queued: returns at once
    run_async(h.service.submit(h.files("a.mp4")))
    with pytest.raises(RuntimeError):
        run_async(h.service.wait_idle())


def test_no_database_call_runs_on_the_event_loop_thread(harness, run_async):
    h = harness()
    threads: set[str] = set()
    h.db(h.storage.database.connection.set_trace_callback, lambda _sql: threads.add(threading.current_thread().name))
    [clip] = h.files("a.mp4")

    async def scenario():
        await h.service.start()
        await h.service.submit([clip])
        await h.service.wait_idle()

    run_async(scenario())
    assert threads and all(name.startswith("reelscope-db") for name in threads)


def held_in_analysis(harness, run_async, name: str = "dune.mp4"):
    """A harness whose provider has probed `name` and holds it mid-analysis; returns (h, provider, job, id)."""
    h = harness()
    provider = h.provider
    [clip] = h.files(name)
    provider.hold(name)
    video_id = make_video(name).id

    async def probed():
        await h.service.start()
        [job] = (await h.service.submit([clip])).queued
        await until(lambda: any(c.clip.id == video_id for c in h.clips_changed))
        return job

    return h, provider, run_async(probed()), video_id


def test_a_clip_shows_in_the_library_while_it_is_analysed(harness, run_async):
    h, provider, _job, video_id = held_in_analysis(harness, run_async)
    assert h.clip(video_id).status_for("local").status == "running"
    assert h.db(h.storage.catalogue.analyses, video_id) == [], "no analysis until it is finished"

    provider.release("dune.mp4")
    run_async(h.service.wait_idle())
    assert h.clip(video_id).status_for("local").status == "finished"


def test_cancel_takes_a_first_analysis_out_of_the_library_status(harness, run_async):
    h, _provider, job, video_id = held_in_analysis(harness, run_async)
    run_async(h.service.cancel(job.id))
    run_async(h.service.wait_idle())
    assert h.clip(video_id).status_for("local") is None


def test_quitting_mid_analysis_marks_the_clip_queued(harness, run_async):
    h, _provider, _job, video_id = held_in_analysis(harness, run_async)
    run_async(h.service.aclose())
    assert h.clip(video_id).status_for("local").status == "queued"


def test_a_passing_service_failure_waits_in_the_queue_and_resumes_the_remote_job(harness, run_async):
    h = harness(ScriptedProvider("noxovision", remote=True), retry_delays=(0.05, 0.05))
    [flaky, down] = h.files("flaky.mp4", "down.mp4")
    h.provider.passing_failures.update({"flaky.mp4": 2, "down.mp4": 3})

    async def scenario():
        await h.service.start()
        jobs = (await h.service.submit([flaky, down], ("noxovision",))).queued
        await asyncio.wait_for(h.service.wait_idle(), 10)
        return jobs

    flaky_job, down_job = (h.job(j.id) for j in run_async(scenario()))
    assert flaky_job.state is JobState.DONE and flaky_job.detail is None, "no stale words once done"
    assert h.provider.calls.count("flaky.mp4") == 3
    assert h.provider.uploads.count("flaky.mp4") == 1, "the later starts resumed the service's job"
    waiting = [e for e in h.events if e.id == flaky_job.id and e.state is JobState.QUEUED and e.detail]
    assert waiting and "Trying again in" in waiting[0].detail and "failed on its side" in waiting[0].detail
    assert down_job.state is JobState.FAILED and down_job.detail == "worth retrying later"
    assert h.provider.calls.count("down.mp4") == 3, "two automatic retries, then it fails for good"
