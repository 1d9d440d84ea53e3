"""Jobs of the persistent queue: one per file and target provider, and the progress they report."""

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
    """What a running job is doing now; a cloud job goes through all of them, a local one skips uploading."""

    WAITING = "waiting"
    HASHING = "hashing"
    UPLOADING = "uploading"
    PROCESSING = "processing"
    FETCHING = "fetching"


class JobProgress(Frozen):
    """One progress report of a running job, as a provider gives it.

    `fraction` is within the phase (None: the phase gives no measure); bytes are for hashing and
    uploading; `remote_id` is the service's own id for the job once it has one; `eta_s` is the
    provider's own estimate of the time left, when it has one (a latency figure, say); `detail`
    is the service's own word on where it stands.
    """

    phase: JobPhase
    fraction: float | None = None
    bytes_done: int | None = None
    bytes_total: int | None = None
    remote_id: str | None = None
    eta_s: float | None = None
    detail: str | None = None


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
    phase_started_at: float | None = None
    remote_id: str | None = None
    """The provider's id for this job once it answered: polling resumes from it after a restart."""
    sha256: str | None = None
    fingerprint: str | None = None
    """Size and sampled blocks of the file: finds the same file dropped twice without hashing it."""
    fresh: bool = False
    """The user asked for a new analysis even if the provider has analysed this content before."""
    eta_s: float | None = None
    """The provider's own estimate of the seconds left, when it gives one."""
    detail: str | None = None
    """A note shown with the state: the service's own progress words, or why nothing was sent."""

    @property
    def can_cancel(self) -> bool:
        return not self.state.is_finished

    @property
    def can_retry(self) -> bool:
        return self.state in (JobState.FAILED, JobState.CANCELLED)


ALREADY_ANALYSED = "Already analysed by {label}: not sent again (Analyse again to force it)"


def already_analysed_detail(provider_label: str) -> str:
    """The note of a job whose content the provider had analysed before: nothing was sent."""
    return ALREADY_ANALYSED.format(label=provider_label)


def was_already_analysed(job: Job) -> bool:
    prefix = ALREADY_ANALYSED.split("{", 1)[0]
    return job.state is JobState.DONE and bool(job.detail) and job.detail.startswith(prefix)


def progress_is_measured(job: Job) -> bool:
    """Whether the phase's progress is known (a service may say only 'queued' or 'running')."""
    return job.phase in (JobPhase.HASHING, JobPhase.UPLOADING) or job.progress > 0 or job.eta_s is not None


def estimate_eta_s(job: Job, now: float) -> float | None:
    """Seconds left in the current phase: the provider's estimate, else extrapolated from progress."""
    if job.state is not JobState.RUNNING:
        return None
    if job.eta_s is not None:
        return max(0.0, job.eta_s)
    started = job.phase_started_at if job.phase_started_at is not None else job.started_at
    if started is None or job.progress <= 0.02:
        return None
    elapsed = max(0.0, now - started)
    return elapsed * (1.0 - job.progress) / job.progress


def upload_rate_bytes_per_s(job: Job, now: float) -> float | None:
    """Average upload speed since the upload phase began, in bytes per second."""
    if job.phase is not JobPhase.UPLOADING or job.phase_started_at is None or job.bytes_done <= 0:
        return None
    elapsed = now - job.phase_started_at
    return job.bytes_done / elapsed if elapsed > 0.05 else None
