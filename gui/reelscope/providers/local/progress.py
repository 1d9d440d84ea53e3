"""Progress from a worker process to a callback on the event loop thread."""

from __future__ import annotations

import asyncio
import queue
import threading

from ...domain.jobs import JobPhase, JobProgress
from ..base import AnalysisEvents
from .worker import END_OF_PROGRESS, StageAnnouncement, VideoAnnouncement

PROGRESS_POLL_S = 0.1


class ProgressRelay:
    """Carries a worker's progress (and its probed clip) to the job's events, on the loop thread only.

    Fractions only ever increase, none arrive after close(), and finish() ends them with 1.0.
    """

    def __init__(self, progress_queue, loop: asyncio.AbstractEventLoop, events: AnalysisEvents) -> None:
        self._queue = progress_queue
        self._loop = loop
        self._events = events
        self._last = -1.0
        self._detail: str | None = None
        self._closed = False
        self._stopping = threading.Event()
        reader = threading.Thread(target=self._read, name="reelscope-progress", daemon=True)
        reader.start()

    def close(self) -> None:
        self._closed = True
        self._stopping.set()

    def finish(self) -> None:
        self.close()
        if self._last < 1.0:
            self._last = 1.0
            self._events.progress(JobProgress(phase=JobPhase.PROCESSING, fraction=1.0))

    def _read(self) -> None:
        try:
            self._relay()
        finally:
            self._queue = None  # the proxy's last reference, dropped on this thread: see LocalProvider._release

    def _relay(self) -> None:
        while not self._stopping.is_set():
            try:
                item = self._queue.get(timeout=PROGRESS_POLL_S)
            except queue.Empty as empty:
                # Raised through the proxy's frame, which holds it: a cycle that would keep the proxy for the
                # garbage collector, and let it go on the window's thread, where the collector runs.
                empty.__traceback__ = None
                continue
            except (OSError, EOFError):
                return
            if item is END_OF_PROGRESS:
                return
            if isinstance(item, VideoAnnouncement):
                deliver = self._announce
            elif isinstance(item, StageAnnouncement):
                deliver = self._enter_stage
            else:
                deliver = self._deliver
            try:
                self._loop.call_soon_threadsafe(deliver, item)
            except RuntimeError:  # the loop is closed
                return

    def _announce(self, announcement: VideoAnnouncement) -> None:
        if not self._closed:
            self._events.video(announcement.video())

    def _enter_stage(self, stage: StageAnnouncement) -> None:
        if self._closed:
            return
        self._detail = stage.words
        fraction = max(0.0, self._last)
        self._events.progress(JobProgress(phase=JobPhase.PROCESSING, fraction=fraction, detail=stage.words))

    def _deliver(self, fraction: float) -> None:
        if self._closed or fraction <= self._last:
            return
        self._last = fraction
        self._events.progress(JobProgress(phase=JobPhase.PROCESSING, fraction=fraction, detail=self._detail))
