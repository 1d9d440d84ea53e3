"""The persistent analysis queue: jobs in, one AnalysisRun per job as an asyncio task, results out.

Jobs live in the catalogue (library.jobs); the service keeps the unfinished ones in memory, so
scheduling never waits on the database. Every write goes through the database thread; the
events it emits carry what changed (the job, the clip with its new analysis), never only an id.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.analysis import AnalysisStatus
from ..domain.clips import ClipChange
from ..domain.errors import AnalysisCancelled, MediaError, ProviderError, ReelscopeError
from ..domain.jobs import Job, JobPhase, JobProgress, JobState, already_analysed_detail
from ..domain.media import Refusal, is_image_name, one_line
from ..domain.providers import accepts_images, provider_info, provider_label
from ..library.storage import Storage
from ..providers.base import AnalysisProvider
from .analysis_run import AnalysisRun
from .ingest import DroppedFile, expand_drop
from .observers import Listeners

log = logging.getLogger(__name__)

PROGRESS_PERSIST_INTERVAL_S = 0.25
TRANSIENT_RETRY_DELAYS_S = (30.0, 120.0, 600.0)
"""How long a job that failed in passing (its service down, busy or unreachable) waits before each
new start; after the last it fails for good, and the user can still Retry it."""


@dataclass(frozen=True)
class SubmitReport:
    queued: list[Job]
    refused: list[Refusal]
    already_queued: list[Job]


@dataclass
class _Run:
    """One running job: its task, its AnalysisRun, and the progress not yet written to the database."""

    job_id: int
    provider: str
    run: AnalysisRun | None = None
    task: asyncio.Task[None] | None = None
    cancelled: bool = False
    phase: JobPhase | None = None
    last_persist: float = field(default=float("-inf"))
    pending: dict[str, object] | None = None
    flush: asyncio.TimerHandle | None = None
    sha256_stored: bool = False


class AnalysisService:
    def __init__(
        self,
        storage: Storage,
        providers: Mapping[str, AnalysisProvider],
        *,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        transient_retry_delays_s: Sequence[float] = TRANSIENT_RETRY_DELAYS_S,
    ) -> None:
        self._storage = storage
        self._db = storage.database
        self._jobs = storage.jobs
        self._providers = providers
        self._clock = clock
        self._monotonic = monotonic
        self._active: dict[int, Job] = {}
        self._runs: dict[int, _Run] = {}
        self._last_start: dict[str, float] = {}
        self._retry_delays_s = tuple(transient_retry_delays_s)
        self._retries: dict[int, int] = {}
        self._not_before: dict[int, float] = {}
        self._wake: asyncio.TimerHandle | None = None
        self._wake_at: float | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing = False
        self._idle = asyncio.Event()
        self._idle.set()
        self.job_changed: Listeners[Job] = Listeners()
        self.clip_changed: Listeners[ClipChange] = Listeners()
        self.jobs_removed: Listeners[list[int]] = Listeners()

    # -- commands ----------------------------------------------------------------------------

    async def submit(
        self, paths: Iterable[Path], provider_ids: Sequence[str] = ("local",), *, fresh: bool = False
    ) -> SubmitReport:
        """Queues each video file once per provider; files already queued or running are reported.

        The folder walk and the fingerprints read the disk, so they run off the event loop's thread.
        """
        images = any(accepts_images(provider_id) for provider_id in provider_ids)
        files, refused = await asyncio.get_running_loop().run_in_executor(
            None, functools.partial(expand_drop, list(paths), accept_images=images)
        )
        queued, already_queued = await self._db.run(self._add_jobs, files, tuple(provider_ids), fresh)
        for job in queued:
            self._active[job.id] = job
            self.job_changed.emit(job)
        self._schedule()
        return SubmitReport(queued=queued, refused=refused, already_queued=already_queued)

    def _add_jobs(
        self, files: list[DroppedFile], provider_ids: tuple[str, ...], fresh: bool
    ) -> tuple[list[Job], list[Job]]:
        queued: list[Job] = []
        already: list[Job] = []
        for file in files:
            image = is_image_name(file.path.name)
            for provider_id in provider_ids:
                if image and not accepts_images(provider_id):  # a still image goes only where it is analysed
                    continue
                active = self._jobs.find_active(str(file.path), provider_id, file.fingerprint)
                if active is not None:
                    already.append(active)
                    continue
                queued.append(
                    self._jobs.add(
                        str(file.path), provider_id, bytes_total=file.size, fingerprint=file.fingerprint, fresh=fresh
                    )
                )
        return queued, already

    async def start(self) -> None:
        """Resumes interrupted jobs and starts running the queue."""
        self._loop = asyncio.get_running_loop()
        self._closing = False
        for job in await self._db.run(self._jobs.recover_interrupted):
            self._active[job.id] = job
            self.job_changed.emit(job)
        self._schedule()

    async def jobs(self) -> list[Job]:
        return await self._db.run(self._jobs.all)

    def active_jobs(self) -> list[Job]:
        """Queued and running jobs, from memory."""
        return sorted(self._active.values(), key=lambda job: job.id)

    def job_counts(self) -> dict[JobState, int]:
        """Unfinished jobs by state, from memory: cheap enough for every job event."""
        return dict(Counter(job.state for job in self._active.values()))

    async def cancel(self, job_id: int) -> None:
        run = self._runs.get(job_id)
        if run is not None:
            run.cancelled = True
            if run.run is not None:
                run.run.stopping = True
            if run.task is not None:
                run.task.cancel()
        self._forget_retries(job_id)
        if self._active.get(job_id) is None:
            return
        stored = await self._db.run(self._jobs.get, job_id)
        if stored is None or stored.state.is_finished:  # it finished just now; its event is on its way
            return
        await self._finish(job_id, JobState.CANCELLED, None)
        if run is not None and run.run is not None:
            await run.run.mark_abandoned()
        self._schedule()

    async def retry(self, job_id: int) -> Job:
        job = await self._db.run(self._jobs.get, job_id)
        if job is None:
            raise KeyError(f"no job {job_id}")
        if not job.can_retry:
            raise ValueError(f"job {job_id} is {job.state.value}; only failed or cancelled jobs can be retried")
        self._forget_retries(job_id)
        job = await self._write(
            job_id, state=JobState.QUEUED, phase=JobPhase.WAITING, progress=0.0, bytes_done=0,
            error=None, detail=None, eta_s=None, started_at=None, finished_at=None, phase_started_at=None,
        )
        self._schedule()
        return job

    def _forget_retries(self, job_id: int) -> None:
        self._retries.pop(job_id, None)
        self._not_before.pop(job_id, None)

    def reschedule(self) -> None:
        """Looks at the queue again: a provider was set up, rebuilt or removed while the app runs."""
        self._schedule()

    async def clear_finished(self) -> list[int]:
        removed = await self._db.run(self._jobs.clear_finished)
        if removed:
            self.jobs_removed.emit(removed)
        return removed

    async def wait_idle(self) -> None:
        """Returns once no job is queued or running (start() must have been called)."""
        if self._loop is None:
            if self._active or await self._db.run(self._jobs.unfinished):
                raise RuntimeError("jobs are waiting but the service is not started")
            return
        self._schedule()
        await self._idle.wait()

    async def aclose(self) -> None:
        """Stops running work for a quit; those jobs stay queued and resume at the next start."""
        self._closing = True
        if self._wake is not None:
            self._wake.cancel()
        tasks = [run.task for run in self._runs.values() if run.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._loop = None

    # -- scheduling --------------------------------------------------------------------------

    def _schedule(self) -> None:
        """Starts queued jobs within each provider's limits, and keeps the idle flag true to the queue."""
        if self._loop is None or self._closing:
            return
        running = Counter(run.provider for run in self._runs.values())
        now = self._monotonic()
        wake_in: float | None = None
        for job in sorted(self._active.values(), key=lambda job: job.id):
            if job.state is not JobState.QUEUED or job.id in self._runs:
                continue
            retry_at = self._not_before.get(job.id)
            if retry_at is not None and retry_at > now:
                wake_in = retry_at - now if wake_in is None else min(wake_in, retry_at - now)
                continue
            provider = self._providers.get(job.provider)
            if provider is not None:
                if running[job.provider] >= max(1, provider.limits.max_jobs):
                    continue
                since_last = now - self._last_start.get(job.provider, float("-inf"))
                if since_last < provider.limits.min_start_interval_s:
                    wait = provider.limits.min_start_interval_s - since_last
                    wake_in = wait if wake_in is None else min(wake_in, wait)
                    continue
            running[job.provider] += 1
            self._last_start[job.provider] = now
            self._not_before.pop(job.id, None)
            run = _Run(job.id, job.provider)
            self._runs[job.id] = run
            run.task = self._loop.create_task(self._run_job(job, run), name=f"analysis-job-{job.id}")
            run.task.add_done_callback(lambda task, run=run: self._on_run_done(run, task))
        if wake_in is not None and (self._wake_at is None or now + wake_in < self._wake_at):
            if self._wake is not None:
                self._wake.cancel()
            self._wake_at = now + wake_in
            self._wake = self._loop.call_later(wake_in, self._woken)
        if self._runs or any(job.state is JobState.QUEUED for job in self._active.values()):
            self._idle.clear()
        else:
            self._idle.set()

    def _woken(self) -> None:
        self._wake = None
        self._wake_at = None
        self._schedule()

    def _on_run_done(self, run: _Run, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:  # e.g. the database failed
            log.error("analysis job %s stopped", run.job_id, exc_info=task.exception())
        if run.flush is not None:
            run.flush.cancel()
        self._runs.pop(run.job_id, None)
        self._schedule()

    # -- running one job ---------------------------------------------------------------------

    async def _run_job(self, job: Job, run: _Run) -> None:
        provider = self._providers.get(job.provider)
        if provider is None:
            await self._finish(job.id, JobState.FAILED, _no_provider(job.provider, self._providers))
            return
        now = self._clock()
        await self._write(
            job.id, state=JobState.RUNNING, phase=JobPhase.HASHING if job.sha256 is None else JobPhase.PROCESSING,
            progress=0.0, started_at=now, phase_started_at=now, finished_at=None, error=None, detail=None,
        )
        run.run = AnalysisRun(
            self._storage, provider, Path(job.path), sha256=job.sha256, remote_id=job.remote_id, fresh=job.fresh,
            listener=_JobListener(self, run),
        )
        try:
            result = await run.run.execute()
        except (asyncio.CancelledError, AnalysisCancelled):
            await self._after_cancel(run)
            return
        except MediaError as error:
            await self._fail(run, error.reason)
            return
        except ProviderError as error:
            if not await self._retry_later(job, run, error):
                await self._fail(run, _failure_text(error, job.provider), error)
            return
        except ReelscopeError as error:  # an expected failure, worded for the user
            await self._fail(run, str(error))
            return
        except Exception as error:
            log.exception("analysis of %s by %s failed", one_line(job.path), job.provider)
            await self._fail(run, f"Internal error: {_short(error)}")
            return
        if run.cancelled:  # the provider finished despite the cancel: the user's choice stands
            return
        self._flush_now(run)
        video_id = result.clip.id if result.clip else None
        if result.already_analysed:
            detail = already_analysed_detail(provider_label(job.provider))
            await self._finish(job.id, JobState.DONE, None, video_id=video_id, progress=1.0, detail=detail,
                               sha256=result.sha256)
        elif result.analysis is not None and result.analysis.status is AnalysisStatus.FAILED:
            await self._finish(job.id, JobState.FAILED, result.analysis.error, video_id=video_id, sha256=result.sha256,
                               detail=None)
        else:  # the last stage's words ("Grouping scenes…") no longer apply
            await self._finish(job.id, JobState.DONE, None, video_id=video_id, progress=1.0, sha256=result.sha256,
                               detail=None)
        if result.clip is not None:
            self.clip_changed.emit(ClipChange(clip=result.clip, analysis=result.analysis))

    async def _after_cancel(self, run: _Run) -> None:
        if run.cancelled:  # cancel() already recorded it
            return
        if self._closing:
            # The database thread may already be closing: write what lets the next start resume.
            await self._write(run.job_id, state=JobState.QUEUED, phase=JobPhase.WAITING, progress=0.0,
                              bytes_done=0, started_at=None, phase_started_at=None, eta_s=None)
            if run.run is not None:
                await run.run.mark_queued()
        else:  # the provider gave up on its own
            await self._finish(run.job_id, JobState.CANCELLED, None)
            if run.run is not None:
                await run.run.mark_abandoned()

    async def _retry_later(self, job: Job, run: _Run, error: ProviderError) -> bool:
        """A passing failure (5xx, 429, no connection) that outlasted the transport's retries: the job
        waits in the queue and starts again later, resuming the service's job if it has one, a few
        times before it fails for good."""
        attempt = self._retries.get(job.id, 0)
        if not error.transient or run.cancelled or self._closing or attempt >= len(self._retry_delays_s):
            return False
        delay = max(self._retry_delays_s[attempt], getattr(error, "retry_after_s", None) or 0.0)
        self._retries[job.id] = attempt + 1
        self._not_before[job.id] = self._monotonic() + delay
        log.info("%s: %s; trying again in %.0f s", job.provider, error, delay)
        await self._write(
            job.id, state=JobState.QUEUED, phase=JobPhase.WAITING, progress=0.0, bytes_done=0, started_at=None,
            phase_started_at=None, eta_s=None, error=None,
            detail=f"{_failure_text(error, job.provider)} Trying again in {_duration_text(delay)}.",
        )
        if run.run is not None:
            await run.run.mark_queued()
        return True

    async def _fail(self, run: _Run, reason: str, error: ProviderError | None = None) -> None:
        detail = "worth retrying later" if error is not None and error.transient else None
        await self._finish(run.job_id, JobState.FAILED, reason, detail=detail)
        if run.run is not None:
            await run.run.mark_failed(reason)

    # -- progress ------------------------------------------------------------------------------

    def _on_progress(self, run: _Run, update: JobProgress) -> None:
        """Persists a phase change at once, and progress within a phase at most every PROGRESS_PERSIST_INTERVAL_S."""
        if run.cancelled or self._closing or self._runs.get(run.job_id) is not run:
            return
        changes: dict[str, object] = {"phase": update.phase, "eta_s": update.eta_s}
        if update.fraction is not None:
            changes["progress"] = min(1.0, max(0.0, float(update.fraction)))
        if update.bytes_done is not None:
            changes["bytes_done"] = update.bytes_done
        if update.bytes_total is not None:
            changes["bytes_total"] = update.bytes_total
        if update.detail is not None:
            changes["detail"] = update.detail
        if update.remote_id is not None:
            changes["remote_id"] = update.remote_id
        if run.run is not None and run.run.sha256 and not run.sha256_stored:
            run.sha256_stored = True
            changes["sha256"] = run.run.sha256
        if update.phase is not run.phase:
            run.phase = update.phase
            changes.setdefault("progress", 0.0)
            changes["detail"] = update.detail   # a note belongs to its phase: the last one's goes
            changes["phase_started_at"] = self._clock()
            run.pending = changes
            self._flush_now(run)
            return
        run.pending = {**(run.pending or {}), **changes}
        wait_s = PROGRESS_PERSIST_INTERVAL_S - (self._monotonic() - run.last_persist)
        if wait_s <= 0:
            self._flush_now(run)
        elif run.flush is None and self._loop is not None:
            run.flush = self._loop.call_later(wait_s, self._flush_now, run)

    def _flush_now(self, run: _Run) -> None:
        if run.flush is not None:
            run.flush.cancel()
            run.flush = None
        changes, run.pending = run.pending, None
        if not changes or run.cancelled or self._closing or self._runs.get(run.job_id) is not run:
            return
        run.last_persist = self._monotonic()
        self._write_soon(run.job_id, **changes)

    # -- writing jobs --------------------------------------------------------------------------

    async def _finish(self, job_id: int, state: JobState, error: str | None, **changes: object) -> Job:
        return await self._write(job_id, state=state, error=error, finished_at=self._clock(), eta_s=None, **changes)

    async def _write(self, job_id: int, **changes: object) -> Job:
        return await asyncio.wrap_future(self._write_soon(job_id, **changes))

    def _write_soon(self, job_id: int, **changes: object):
        """Hands the change to the database thread; the job event follows once it is stored.

        Writes reach the database in the order they were handed over, and their events in that order too.
        """
        future = self._db.submit(self._jobs.update, job_id, **changes)
        loop = asyncio.get_running_loop()
        future.add_done_callback(lambda done: loop.call_soon_threadsafe(self._stored, done))
        return future

    def _stored(self, done) -> None:
        if done.cancelled() or done.exception() is not None:
            if not done.cancelled():
                log.error("a job could not be stored", exc_info=done.exception())
            return
        job: Job = done.result()
        if job.state.is_finished:
            self._active.pop(job.id, None)
        else:
            self._active[job.id] = job
        self.job_changed.emit(job)
        self._schedule()


class _JobListener:
    """Follows one AnalysisRun for the queue: its progress into the job's row, its clip to the views."""

    def __init__(self, service: AnalysisService, run: _Run) -> None:
        self._service = service
        self._run = run

    def progress(self, update: JobProgress) -> None:
        self._service._on_progress(self._run, update)

    def clip_changed(self, change: ClipChange) -> None:
        if not self._run.cancelled:
            self._service._write_soon(self._run.job_id, video_id=change.clip.id)
        self._service.clip_changed.emit(change)

    async def remote_job(self, remote_id: str) -> None:
        await self._service._write(self._run.job_id, remote_id=remote_id)


def _failure_text(error: ProviderError, provider_id: str) -> str:
    """What the queue says of a service's refusal: ours, then the service's own words."""
    text = error.without_provider() if error.provider == provider_id else str(error)
    if error.server_message and error.server_message not in text:
        text += f". {provider_label(error.provider)} said: “{error.server_message}”"
    return text


def _no_provider(provider_id: str, providers: Mapping[str, AnalysisProvider]) -> str:
    info = provider_info(provider_id)
    if info is not None and info.needs_account:
        return f"{info.label} is not set up: enter its key in Settings → {info.label}, then Retry"
    known = ", ".join(sorted(providers)) or "none"
    return f"Unknown provider '{provider_id}' (configured: {known})"


def _duration_text(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def _short(error: Exception, limit: int = 200) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
