"""Jobs of the persistent upload/analysis queue: one per file and target provider."""

from __future__ import annotations

from enum import StrEnum

from .base import Frozen


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class JobPhase(StrEnum):
    WAITING = "waiting"
    UPLOADING = "uploading"
    PROCESSING = "processing"


class Job(Frozen):
    id: int
    path: str
    provider: str
    state: JobState = JobState.QUEUED
    phase: JobPhase = JobPhase.WAITING
    progress: float = 0.0
    bytes_total: int = 0
    bytes_done: int = 0
    error: str | None = None
    video_id: str | None = None
    created_at: float
    started_at: float | None = None
    finished_at: float | None = None

    @property
    def can_cancel(self) -> bool:
        return not self.state.is_finished

    @property
    def can_retry(self) -> bool:
        return self.state in (JobState.FAILED, JobState.CANCELLED)


def estimate_eta_s(job: Job, now: float) -> float | None:
    """Seconds left, extrapolated linearly from progress since the job started; None if unknown."""
    if job.state is not JobState.RUNNING or job.started_at is None:
        return None
    if job.progress <= 0.02:
        return None
    elapsed = max(0.0, now - job.started_at)
    return elapsed * (1.0 - job.progress) / job.progress
