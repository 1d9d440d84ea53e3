"""The persistent queue of analysis/upload jobs: one row per file and target provider."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any

from ..domain.jobs import Job, JobPhase, JobState
from .db import transaction

_COLUMNS = (
    "path", "provider", "state", "phase", "progress", "bytes_total", "bytes_done",
    "error", "video_id", "created_at", "started_at", "finished_at",
)
_ACTIVE = (JobState.QUEUED.value, JobState.RUNNING.value)
_FINISHED = tuple(state.value for state in JobState if state.is_finished)


class JobStore:
    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], float] = time.time) -> None:
        self._conn = conn
        self._clock = clock

    def add(self, path: str, provider: str, *, bytes_total: int = 0) -> Job:
        cursor = self._conn.execute(
            """INSERT INTO jobs (path, provider, state, phase, bytes_total, created_at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (path, provider, JobState.QUEUED.value, JobPhase.WAITING.value, bytes_total, self._clock()),
        )
        return self._require(cursor.lastrowid)

    def update(self, job_id: int, **changes: Any) -> Job:
        """Applies changes to one job, validated by the Job model, and returns the new job."""
        if "id" in changes:
            raise ValueError("a job's id cannot change")
        with transaction(self._conn):
            job = self._require(job_id)
            updated = Job.model_validate({**job.model_dump(), **changes})
            self._conn.execute(
                f"UPDATE jobs SET {', '.join(f'{c} = ?' for c in _COLUMNS)} WHERE id = ?",
                (*_values(updated), job_id),
            )
        return updated

    def get(self, job_id: int) -> Job | None:
        row = self._conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def all(self) -> list[Job]:
        return [_job(row) for row in self._conn.execute("SELECT * FROM jobs ORDER BY id")]

    def count_by_state(self) -> dict[JobState, int]:
        rows = self._conn.execute("SELECT state, count(*) AS n FROM jobs GROUP BY state").fetchall()
        return {JobState(row["state"]): row["n"] for row in rows}

    def unfinished(self) -> list[Job]:
        rows = self._conn.execute(
            "SELECT * FROM jobs WHERE state IN (?, ?) ORDER BY id", _ACTIVE
        ).fetchall()
        return [_job(row) for row in rows]

    def recover_interrupted(self) -> list[Job]:
        """After a crash or quit, running jobs go back to the queue; returns every unfinished job."""
        self._conn.execute(
            """UPDATE jobs SET state = ?, phase = ?, progress = 0, bytes_done = 0, started_at = NULL
               WHERE state = ?""",
            (JobState.QUEUED.value, JobPhase.WAITING.value, JobState.RUNNING.value),
        )
        return self.unfinished()

    def find_active(self, path: str, provider: str) -> Job | None:
        row = self._conn.execute(
            """SELECT * FROM jobs WHERE path = ? AND provider = ? AND state IN (?, ?)
               ORDER BY id LIMIT 1""",
            (path, provider, *_ACTIVE),
        ).fetchone()
        return _job(row) if row else None

    def clear_finished(self) -> int:
        cursor = self._conn.execute(
            f"DELETE FROM jobs WHERE state IN ({','.join('?' * len(_FINISHED))})", _FINISHED
        )
        return cursor.rowcount

    def _require(self, job_id: int | None) -> Job:
        job = self.get(job_id) if job_id is not None else None
        if job is None:
            raise KeyError(f"no job {job_id}")
        return job


def _job(row: sqlite3.Row) -> Job:
    return Job.model_validate(dict(row))


def _values(job: Job) -> tuple[Any, ...]:
    data = job.model_dump(mode="json")
    return tuple(data[column] for column in _COLUMNS)
