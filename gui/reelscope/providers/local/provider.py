"""The local engine behind the provider interface: analyses run in a pool of spawned processes.

Each job gets a progress queue and a cancel event from a multiprocessing Manager. A reader
thread waits on the queue and hands values to the event loop (progress.py); cancelling the
awaiting task sets the event, which the worker checks every few frames.

Nothing here blocks the event loop: every call that talks to another process runs in a thread
of the provider's own small pool, not in the loop's default executor (qasync's is made of
QThreads, which abort the process if still running at exit).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.managers import SyncManager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from ...domain.analysis import Analysis, VideoInfo
from ...domain.errors import AnalysisCancelled, ReelscopeError
from ...domain.people import FaceTrack
from ...domain.providers import LOCAL, provider_info
from ..base import AnalysisEvents, AnalysisRequest, NoEvents, ProviderLimits
from .engine import EngineOptions, LocalResult, people_spans
from .progress import ProgressRelay
from .worker import WorkerFailure, index_music, run_job
from .worker_start import SpareCpuSpawnContext, exit_with_parent, share_decoding_threads, start_worker

# Never fork: the parent may have Qt loaded, and forked Qt state is undefined behaviour.
_PROCESS_CONTEXT = SpareCpuSpawnContext()
STOP_WAIT_S = 1.0
T = TypeVar("T")


class PersonDirectory(Protocol):
    """Who the faces of a clip are: the library's persons, matched or created (services.people)."""

    async def assign(self, video: VideoInfo, faces: tuple[FaceTrack, ...]) -> dict[int, str]:
        """Stores the clip's face tracks; returns the person id of each face group of the clip."""
        ...


class LocalProvider:
    id = LOCAL
    label = provider_info(LOCAL).label
    capabilities = provider_info(LOCAL).capabilities

    def __init__(
        self,
        thumbnail_root: Path,
        max_workers: int = 2,
        options: EngineOptions | None = None,
        people: PersonDirectory | None = None,
    ) -> None:
        """options: the stages to run (by default only those every analysis has: scenes, activity,
        thumbnails; the app passes the settings' stages); people: the library's persons, without
        which the people of an analysis carry clip-local ids."""
        self.thumbnail_root = Path(thumbnail_root)
        self.options = options or EngineOptions.scenes_only()
        self.people = people
        self.max_workers = max(1, max_workers)
        self.limits = ProviderLimits(max_jobs=self.max_workers)
        self._pool: ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._manager: SyncManager | None = None
        self._manager_lock = threading.Lock()
        self._io_threads: ThreadPoolExecutor | None = None
        self._jobs: set[_Job] = set()

    async def analyze(self, request: AnalysisRequest, events: AnalysisEvents | None = None) -> Analysis:
        path = Path(request.path).absolute()
        manager = await self._started_manager()
        job = await self._in_thread(_Job.open, manager)
        job.future = await self._submitted(
            job, run_job, str(path), str(self.thumbnail_root), job.progress, job.cancel, request.sha256, self.options
        )
        self._jobs.add(job)
        relay: ProgressRelay | None = None
        try:
            relay = await self._in_thread(ProgressRelay, job.progress, asyncio.get_running_loop(), events or NoEvents())
            result: LocalResult = await asyncio.wrap_future(job.future)
        except asyncio.CancelledError:
            if not _is_being_cancelled():  # the job, not this task, was cancelled: by aclose()
                raise AnalysisCancelled(str(path)) from None
            await self._stop(job)
            raise
        except WorkerFailure as failure:
            raise failure.to_domain_error() from None
        except BrokenProcessPool as error:
            self._discard_pool()
            reason = "the local analysis process stopped unexpectedly"
            raise ReelscopeError(f"{path}: {reason}") from error
        finally:
            if relay is not None:
                relay.close()
            self._jobs.discard(job)
            self._release(job)
        analysis = await self._with_persons(result)
        relay.finish()
        return analysis

    async def _with_persons(self, result: LocalResult) -> Analysis:
        """The analysis with the library's person ids in place of the clip's face groups."""
        analysis = result.analysis
        if self.people is None or not self.options.faces:
            return analysis
        person_ids = await self.people.assign(analysis.video, result.faces)
        return analysis.model_copy(update={"people": people_spans(result.faces, analysis.scenes, person_ids)})

    async def index_music(self) -> int | None:
        """Brings the music folder's fingerprints up to date in a worker (analyses do it too, when
        they need it); returns how many songs the index holds, None without a music folder."""
        options = self.options
        if not options.matches_music:
            return None
        future = await self._in_thread(self._submit, index_music, options.music_dir, options.music_index)
        return await asyncio.wrap_future(future)

    @property
    def job_count(self) -> int:
        """Analyses submitted to the workers and not finished."""
        return len(self._jobs)

    async def check_reachable(self) -> bool:
        """The engine runs on this machine: ready when its thumbnail cache can be written."""

        def writable() -> bool:
            try:
                self.thumbnail_root.mkdir(parents=True, exist_ok=True)
            except OSError:
                return False
            return os.access(self.thumbnail_root, os.W_OK)

        return await self._in_thread(writable)

    async def aclose(self) -> None:
        """Stops running analyses and the worker processes; a later analyze starts them again."""
        with self._pool_lock:   # the pool is made on an I/O thread; never held for longer than that
            pool, self._pool = self._pool, None
        manager, jobs = self._manager, list(self._jobs)
        self._manager = None
        if pool is None and manager is None:
            return
        await self._in_thread(_shut_down, pool, manager, jobs)
        io_threads, self._io_threads = self._io_threads, None
        if io_threads is not None:
            io_threads.shutdown(wait=False)

    async def _in_thread(self, function: Callable[..., T], *args: Any) -> T:
        if self._io_threads is None:
            self._io_threads = ThreadPoolExecutor(2, thread_name_prefix="reelscope-local-io")
        return await asyncio.get_running_loop().run_in_executor(self._io_threads, function, *args)

    async def _started_manager(self) -> SyncManager:
        if self._manager is not None:
            return self._manager
        # Shielded: a manager started for a cancelled call is kept, not leaked.
        return await asyncio.shield(self._in_thread(self._start_manager))

    def _start_manager(self) -> SyncManager:
        with self._manager_lock:
            if self._manager is None:
                manager = SyncManager(ctx=_PROCESS_CONTEXT)
                manager.start(initializer=exit_with_parent)
                self._manager = manager
            return self._manager

    async def _submitted(self, job: _Job, function: Callable[..., Any], *args: Any) -> Future:
        """The job submitted from a thread: making the pool, and each worker process it starts on demand (fork
        and exec of a large process), took 5-20 ms of the window's thread each. If the caller is cancelled
        meanwhile, the job is stopped as soon as it is submitted."""
        submitting = asyncio.ensure_future(self._in_thread(self._submit, function, *args))
        try:
            return await asyncio.shield(submitting)
        except asyncio.CancelledError:
            submitting.add_done_callback(lambda done: self._abandon(job, done))
            raise

    def _release(self, job: _Job) -> None:
        """Lets go of the job's Manager objects on an I/O thread: the last reference to each tells the
        Manager process, a round trip (and a new connection, from a thread that has none) that kept the
        window's thread waiting on a process of the workers' low priority."""
        if self._io_threads is None:
            job.release()
        else:
            self._io_threads.submit(job.release)

    def _abandon(self, job: _Job, submitting: asyncio.Future) -> None:
        if submitting.cancelled() or submitting.exception() is not None:
            return
        submitting.result().cancel()
        if self._io_threads is not None:
            self._io_threads.submit(job.request_cancel)

    def _submit(self, function: Callable[..., Any], *args: Any) -> Future:
        """Submits to the pool, replacing a broken one; worker processes start on demand. Any thread."""
        with self._pool_lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self.max_workers, mp_context=_PROCESS_CONTEXT, initializer=start_worker,
                    initargs=(share_decoding_threads(self.max_workers),),
                )
            pool = self._pool
        try:
            return pool.submit(function, *args)
        except BrokenProcessPool:
            self._discard_pool(pool)
            return self._submit(function, *args)

    async def _stop(self, job: _Job) -> None:
        """Asks the worker to stop and gives it a moment to do so, freeing its process."""
        job.future.cancel()
        await self._in_thread(job.request_cancel)
        stopping = asyncio.wrap_future(job.future)
        stopping.add_done_callback(_as_asked)
        await asyncio.wait({stopping}, timeout=STOP_WAIT_S)

    def _discard_pool(self, broken: ProcessPoolExecutor | None = None) -> None:
        """Drops the pool (only if it is still `broken`, when given: another thread may have replaced it)."""
        with self._pool_lock:
            pool = self._pool
            if pool is None or (broken is not None and pool is not broken):
                return
            self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)


def _as_asked(stopped: asyncio.Future) -> None:
    """A job asked to stop ends cancelled (WorkerFailure), which is no failure: its outcome is taken here, or
    asyncio would report an exception never retrieved."""
    if not stopped.cancelled():
        stopped.exception()


@dataclass(eq=False)
class _Job:
    progress: Any  # Manager().Queue() proxy
    cancel: Any  # Manager().Event() proxy
    future: Future | None = field(default=None)

    @classmethod
    def open(cls, manager: SyncManager) -> _Job:
        return cls(progress=manager.Queue(), cancel=manager.Event())

    def request_cancel(self) -> None:
        cancel = self.cancel
        if cancel is None:  # released: the job has ended
            return
        try:
            cancel.set()
        except (OSError, EOFError):  # the manager has already gone: so has the worker's job
            pass

    def release(self) -> None:
        """Drops the proxies, on the calling thread: see LocalProvider._release."""
        self.progress = self.cancel = None


def _is_being_cancelled() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _shut_down(
    pool: ProcessPoolExecutor | None, manager: SyncManager | None, jobs: list[_Job]
) -> None:
    for job in jobs:
        job.request_cancel()
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
    if manager is not None:
        manager.shutdown()
