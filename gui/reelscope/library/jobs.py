"""The persistent queue of analysis/upload jobs: one row per file and target provider."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any

from ..domain.jobs import Job, JobPhase, JobState
from .db import transaction
from .paths import path_from_db, path_to_db

_COLUMNS = (
    "path", "provider", "state", "phase", "progress", "bytes_total", "bytes_done",
    "error", "video_id", "created_at", "started_at", "finished_at", "phase_started_at",
    "remote_id", "sha256", "fingerprint", "fresh", "eta_s", "detail",
)
_ACTIVE = (JobState.QUEUED.value, JobState.RUNNING.value)
_FINISHED = tuple(state.value for state in JobState if state.is_finished)


class JobStore:
    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], float] = time.time) -> None:
        self._conn = conn
        self._clock = clock

    def add(
        self, path: str, provider: str, *, bytes_total: int = 0, fingerprint: str | None = None, fresh: bool = False
    ) -> Job:
        cursor = self._conn.execute(
            """INSERT INTO jobs (path, provider, state, phase, bytes_total, created_at, fingerprint, fresh)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                path_to_db(path), provider, JobState.QUEUED.value, JobPhase.WAITING.value, bytes_total,
                self._clock(), fingerprint, int(fresh),
            ),
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
        """After a crash or quit, running jobs go back to the queue; returns every unfinished job.

        A job's remote_id is kept: its provider resumes polling the service instead of sending again.
        """
        self._conn.execute(
            """UPDATE jobs SET state = ?, phase = ?, progress = 0, bytes_done = 0, started_at = NULL,
                 phase_started_at = NULL, eta_s = NULL
               WHERE state = ?""",
            (JobState.QUEUED.value, JobPhase.WAITING.value, JobState.RUNNING.value),
        )
        return self.unfinished()

    def find_active(self, path: str, provider: str, fingerprint: str | None = None) -> Job | None:
        """An unfinished job of provider for this file: the same path, or the same content by fingerprint."""
        row = self._conn.execute(
            """SELECT * FROM jobs WHERE provider = ? AND state IN (?, ?)
                 AND (path = ? OR (? IS NOT NULL AND fingerprint = ?))
               ORDER BY id LIMIT 1""",
            (provider, *_ACTIVE, path_to_db(path), fingerprint, fingerprint),
        ).fetchone()
        return _job(row) if row else None

    def finished_ids(self) -> list[int]:
        rows = self._conn.execute(
            f"SELECT id FROM jobs WHERE state IN ({','.join('?' * len(_FINISHED))}) ORDER BY id", _FINISHED
        )
        return [row[0] for row in rows]

    def clear_finished(self) -> list[int]:
        """Deletes finished jobs; returns their ids."""
        with transaction(self._conn):
            removed = self.finished_ids()
            self._conn.execute(f"DELETE FROM jobs WHERE state IN ({','.join('?' * len(_FINISHED))})", _FINISHED)
        return removed

    def _require(self, job_id: int | None) -> Job:
        job = self.get(job_id) if job_id is not None else None
        if job is None:
            raise KeyError(f"no job {job_id}")
        return job


def _job(row: sqlite3.Row) -> Job:
    values = dict(row)
    values["path"] = path_from_db(values["path"])
    values["fresh"] = bool(values["fresh"])
    return Job.model_validate(values)


def _values(job: Job) -> tuple[Any, ...]:
    data = job.model_dump(mode="python")
    data["path"] = path_to_db(job.path)
    data["state"], data["phase"], data["fresh"] = job.state.value, job.phase.value, int(job.fresh)
    return tuple(data[column] for column in _COLUMNS)
