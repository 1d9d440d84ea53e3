"""Runs the persistent analysis queue: jobs in, provider work as asyncio tasks, analyses out."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.analysis import AnalysisStatus, VideoInfo
from ..domain.errors import AnalysisCancelled, MediaError, ReelscopeError
from ..domain.jobs import Job, JobPhase, JobState
from ..domain.media import Refusal
from ..library.catalogue import Catalogue
from ..library.jobs import JobStore
from ..providers.base import Provider
from .ingest import expand_drop
from .observers import Listeners

log = logging.getLogger(__name__)

PROGRESS_PERSIST_INTERVAL_S = 0.25


@dataclass(frozen=True)
class SubmitReport:
    queued: list[Job]
    refused: list[Refusal]
    already_queued: list[Job]


@dataclass
class _Run:
    """One running job: its task and the progress not yet written to the database."""

    job_id: int
    provider: str = ""
    video_id: str | None = None  # known once the provider has probed the file
    task: asyncio.Task[None] | None = None
    cancelled: bool = False
    last_persist: float = field(default=float("-inf"))
    pending_progress: float | None = None
    flush: asyncio.TimerHandle | None = None


class AnalysisService:
    def __init__(
        self,
        catalogue: Catalogue,
        jobs: JobStore,
        providers: Mapping[str, Provider],
        *,
        max_parallel: int = 2,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._catalogue = catalogue
        self._jobs = jobs
        self._providers = providers
        self._max_parallel = max(1, max_parallel)
        self._clock = clock
        self._runs: dict[int, _Run] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing = False
        self._idle = asyncio.Event()
        self.job_changed: Listeners[Job] = Listeners()
        self.clip_changed: Listeners[str] = Listeners()
        self.jobs_removed: Listeners[list[int]] = Listeners()

    # -- commands ----------------------------------------------------------------------------

    def submit(self, paths: Iterable[Path], provider_ids: Sequence[str] = ("local",)) -> SubmitReport:
        """Queues each video file once per provider; files already queued or running are reported."""
        files, refused = expand_drop(paths)
        queued: list[Job] = []
        already_queued: list[Job] = []
        for file in files:
            for provider_id in provider_ids:
                active = self._jobs.find_active(str(file), provider_id)
                if active is not None:
                    already_queued.append(active)
                    continue
                job = self._jobs.add(str(file), provider_id, bytes_total=_size(file))
                queued.append(job)
                self.job_changed.emit(job)
        self._schedule()
        return SubmitReport(queued=queued, refused=refused, already_queued=already_queued)

    def start(self) -> None:
        """Resumes interrupted jobs and starts running the queue; call inside the running loop."""
        self._loop = asyncio.get_running_loop()
        self._closing = False
        for job in self._jobs.recover_interrupted():
            self.job_changed.emit(job)
        self._schedule()

    def jobs(self) -> list[Job]:
        return self._jobs.all()

    def job_counts(self) -> dict[JobState, int]:
        return self._jobs.count_by_state()

    def cancel(self, job_id: int) -> None:
        job = self._jobs.get(job_id)
        if job is None or job.state.is_finished:
            return
        self._finish(job_id, JobState.CANCELLED, error=None)
        run = self._runs.get(job_id)
        if run is not None:
            run.cancelled = True
            if run.task is not None:
                run.task.cancel()
            self._set_clip_status(run, None)
        self._schedule()

    def retry(self, job_id: int) -> Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise KeyError(f"no job {job_id}")
        if not job.can_retry:
            raise ValueError(f"job {job_id} is {job.state.value}; only failed or cancelled jobs can be retried")
        job = self._update(
            job_id, state=JobState.QUEUED, phase=JobPhase.WAITING, progress=0.0, bytes_done=0,
            error=None, video_id=None, started_at=None, finished_at=None,
        )
        self._schedule()
        return job

    def clear_finished(self) -> None:
        removed = [job.id for job in self._jobs.all() if job.state.is_finished]
        self._jobs.clear_finished()
        if removed:
            self.jobs_removed.emit(removed)

    async def wait_idle(self) -> None:
        """Returns once no job is queued or running (start() must have been called)."""
        if self._loop is None:
            if self._jobs.unfinished():
                raise RuntimeError("jobs are waiting but the service is not started")
            return
        self._schedule()
        await self._idle.wait()

    async def aclose(self) -> None:
        """Stops running work for a quit; those jobs stay queued and resume at the next start."""
        self._closing = True
        tasks = [run.task for run in self._runs.values() if run.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._loop = None

    # -- running -----------------------------------------------------------------------------

    def _schedule(self) -> None:
        """Starts queued jobs up to max_parallel and keeps the idle flag true to the queue."""
        if self._loop is None or self._closing:
            return
        waiting = [
            job for job in self._jobs.unfinished()
            if job.state is JobState.QUEUED and job.id not in self._runs
        ]
        for job in waiting[: max(0, self._max_parallel - len(self._runs))]:
            run = _Run(job.id, job.provider)
            self._runs[job.id] = run
            run.task = self._loop.create_task(self._analyze(job, run), name=f"analysis-job-{job.id}")
            run.task.add_done_callback(lambda task, run=run: self._on_run_done(run, task))
        if self._runs or waiting:
            self._idle.clear()
        else:
            self._idle.set()

    def _on_run_done(self, run: _Run, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:  # e.g. the database failed
            log.error("analysis job %s stopped", run.job_id, exc_info=task.exception())
        if run.flush is not None:
            run.flush.cancel()
        del self._runs[run.job_id]
        self._schedule()

    async def _analyze(self, job: Job, run: _Run) -> None:
        provider = self._providers.get(job.provider)
        if provider is None:
            known = ", ".join(sorted(self._providers)) or "none"
            self._finish(job.id, JobState.FAILED, f"Unknown provider '{job.provider}' (configured: {known})")
            return
        self._update(
            job.id, state=JobState.RUNNING, phase=JobPhase.PROCESSING, progress=0.0,
            started_at=self._clock(), finished_at=None, error=None,
        )
        try:
            analysis = await provider.analyze(
                Path(job.path), on_progress=self._progress_callback(run), on_video=self._video_callback(run)
            )
            self._catalogue.save_analysis(analysis)
        except (asyncio.CancelledError, AnalysisCancelled):
            self._after_cancel(run)
            return
        except MediaError as error:
            self._fail(run, error.reason)
            return
        except ReelscopeError as error:  # an expected failure, worded for the user
            self._fail(run, str(error))
            return
        except Exception as error:
            log.exception("analysis of %s by %s failed", job.path, job.provider)
            self._fail(run, f"Internal error: {_short(error)}")
            return
        if run.cancelled:  # the provider finished despite the cancel: the user's choice stands
            return
        if analysis.status is AnalysisStatus.FAILED:
            self._finish(job.id, JobState.FAILED, analysis.error or "the provider reported a failure",
                         video_id=analysis.video.id)
        else:
            self._finish(job.id, JobState.DONE, None, video_id=analysis.video.id, progress=1.0)
        self.clip_changed.emit(analysis.video.id)

    def _after_cancel(self, run: _Run) -> None:
        if run.cancelled:  # cancel() already recorded it
            return
        if self._closing:
            self._update(run.job_id, state=JobState.QUEUED, phase=JobPhase.WAITING, progress=0.0,
                         bytes_done=0, started_at=None)
            self._set_clip_status(run, AnalysisStatus.QUEUED)
        else:  # the provider gave up on its own
            self._finish(run.job_id, JobState.CANCELLED, None)
            self._set_clip_status(run, None)

    def _fail(self, run: _Run, reason: str) -> None:
        self._finish(run.job_id, JobState.FAILED, reason)
        self._set_clip_status(run, AnalysisStatus.FAILED, reason)

    def _video_callback(self, run: _Run) -> Callable[[VideoInfo], None]:
        """Puts the clip in the library, marked as being analysed, as soon as it is probed."""

        def on_video(video: VideoInfo) -> None:
            if run.cancelled or self._closing:
                return
            run.video_id = video.id
            self._catalogue.upsert_video(video)
            self._update(run.job_id, video_id=video.id)
            self._set_clip_status(run, AnalysisStatus.RUNNING)

        return on_video

    def _set_clip_status(self, run: _Run, status: AnalysisStatus | None, error: str | None = None) -> None:
        """Shows where this run leaves the clip's analysis; None: as if the run never happened."""
        if run.video_id is None:
            return
        if status is None:
            self._catalogue.abandon_analysis(run.video_id, run.provider)
        else:
            self._catalogue.set_analysis_status(run.video_id, run.provider, status, error)
        self.clip_changed.emit(run.video_id)

    def _progress_callback(self, run: _Run) -> Callable[[float], None]:
        """Persists progress at most every PROGRESS_PERSIST_INTERVAL_S, the latest value last."""

        def on_progress(fraction: float) -> None:
            if run.cancelled or self._closing or self._loop is None:
                return
            run.pending_progress = min(1.0, max(0.0, float(fraction)))
            wait_s = PROGRESS_PERSIST_INTERVAL_S - (time.monotonic() - run.last_persist)
            if wait_s <= 0:
                self._flush_progress(run)
            elif run.flush is None:
                run.flush = self._loop.call_later(wait_s, self._flush_progress, run)

        return on_progress

    def _flush_progress(self, run: _Run) -> None:
        run.flush = None
        progress, run.pending_progress = run.pending_progress, None
        if progress is None or run.cancelled or self._closing or self._runs.get(run.job_id) is not run:
            return
        run.last_persist = time.monotonic()
        self._update(run.job_id, progress=progress)

    def _finish(self, job_id: int, state: JobState, error: str | None, **changes: object) -> Job:
        return self._update(job_id, state=state, error=error, finished_at=self._clock(), **changes)

    def _update(self, job_id: int, **changes: object) -> Job:
        job = self._jobs.update(job_id, **changes)
        self.job_changed.emit(job)
        return job


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _short(error: Exception, limit: int = 200) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
