from __future__ import annotations

import pydantic
import pytest

from fakes.analyses import TickingClock
from reelscope.domain.jobs import JobPhase, JobState
from reelscope.library.db import open_database
from reelscope.library.jobs import JobStore


def store(tmp_path, clock=None) -> JobStore:
    return JobStore(open_database(tmp_path / "catalogue.sqlite3"), clock or TickingClock())


def test_add_and_get(tmp_path):
    jobs = store(tmp_path)
    job = jobs.add("/media/a.mp4", "local")
    assert job.state is JobState.QUEUED
    assert job.phase is JobPhase.WAITING
    assert job.progress == 0
    assert job.created_at > 0
    assert jobs.get(job.id) == job
    assert jobs.get(999) is None


def test_update_validates_through_the_model(tmp_path):
    jobs = store(tmp_path)
    job = jobs.add("/media/a.mp4", "local")
    updated = jobs.update(job.id, state=JobState.RUNNING, progress=0.5, started_at=10.0)
    assert updated == jobs.get(job.id)
    assert (updated.state, updated.progress, updated.started_at) == (JobState.RUNNING, 0.5, 10.0)
    with pytest.raises(pydantic.ValidationError):
        jobs.update(job.id, state="exploded")
    with pytest.raises(pydantic.ValidationError):
        jobs.update(job.id, colour="red")
    with pytest.raises(KeyError):
        jobs.update(999, progress=0.1)
    assert jobs.get(job.id) == updated


def test_jobs_persist_across_reopen_in_id_order(tmp_path):
    jobs = store(tmp_path)
    a = jobs.add("/media/a.mp4", "local")
    b = jobs.add("/media/b.mp4", "twelvelabs")
    jobs.update(b.id, state=JobState.FAILED, error="bad file")
    reopened = store(tmp_path)
    assert [j.id for j in reopened.all()] == [a.id, b.id]
    assert reopened.get(b.id).error == "bad file"
    assert [j.id for j in reopened.unfinished()] == [a.id]


def test_recover_interrupted_requeues_running_jobs(tmp_path):
    jobs = store(tmp_path)
    running = jobs.add("/media/a.mp4", "local")
    queued = jobs.add("/media/b.mp4", "local")
    done = jobs.add("/media/c.mp4", "local")
    jobs.update(running.id, state=JobState.RUNNING, phase=JobPhase.PROCESSING, progress=0.7, started_at=5.0)
    jobs.update(done.id, state=JobState.DONE, progress=1.0)

    unfinished = store(tmp_path).recover_interrupted()
    assert [j.id for j in unfinished] == [running.id, queued.id]
    recovered = unfinished[0]
    assert recovered.state is JobState.QUEUED
    assert recovered.phase is JobPhase.WAITING
    assert recovered.progress == 0
    assert recovered.started_at is None


def test_find_active_only_sees_queued_or_running_jobs(tmp_path):
    jobs = store(tmp_path)
    job = jobs.add("/media/a.mp4", "local")
    assert jobs.find_active("/media/a.mp4", "local") == job
    assert jobs.find_active("/media/a.mp4", "twelvelabs") is None
    jobs.update(job.id, state=JobState.RUNNING)
    assert jobs.find_active("/media/a.mp4", "local").id == job.id
    jobs.update(job.id, state=JobState.DONE)
    assert jobs.find_active("/media/a.mp4", "local") is None


def test_clear_finished(tmp_path):
    jobs = store(tmp_path)
    ids = [jobs.add(f"/media/{n}.mp4", "local").id for n in range(5)]
    for job_id, state in zip(ids, [JobState.DONE, JobState.FAILED, JobState.CANCELLED, JobState.RUNNING]):
        jobs.update(job_id, state=state)
    assert jobs.clear_finished() == ids[:3]
    assert [j.id for j in jobs.all()] == ids[3:]


def test_counts_by_state(tmp_path):
    from reelscope.domain.jobs import JobState
    from reelscope.library.db import open_database
    from reelscope.library.jobs import JobStore

    store = JobStore(open_database(tmp_path / "c.sqlite"))
    first, second, _third = (store.add(f"/m/{n}.mp4", "local") for n in range(3))
    store.update(first.id, state=JobState.RUNNING)
    store.update(second.id, state=JobState.FAILED, error="empty file (0 bytes)")
    assert store.count_by_state() == {JobState.RUNNING: 1, JobState.FAILED: 1, JobState.QUEUED: 1}
