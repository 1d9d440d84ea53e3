"""What runs in a worker process: one analysis that reports progress and obeys cancellation.

The progress queue and cancel event are multiprocessing Manager proxies, so they can be handed
to a pool worker with each job. Both are touched at most every few tens of milliseconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...domain.analysis import VideoInfo
from ...domain.errors import AnalysisCancelled, MediaError, ReelscopeError
from .engine import EngineOptions, LocalResult

PROGRESS_INTERVAL_S = 0.1
CANCEL_CHECK_INTERVAL_S = 0.05
END_OF_PROGRESS = None


@dataclass(frozen=True)
class VideoAnnouncement:
    """The probed clip, sent ahead of progress so the library can show it while the scan runs."""

    video_json: str

    def video(self) -> VideoInfo:
        return VideoInfo.from_json(self.video_json)


@dataclass(frozen=True)
class StageAnnouncement:
    """The words for the stage a job enters (finding faces, matching music...), for the queue."""

    words: str


class WorkerFailure(Exception):
    """An expected failure, in a form that pickles across the process boundary.

    Domain errors take several constructor arguments and so cannot be unpickled as they are.
    """

    MEDIA = "media"
    CANCELLED = "cancelled"

    def __init__(self, kind: str, path: str, reason: str) -> None:
        super().__init__(kind, path, reason)
        self.kind, self.path, self.reason = kind, path, reason

    def to_domain_error(self) -> ReelscopeError:
        if self.kind == self.CANCELLED:
            return AnalysisCancelled(self.path)
        return MediaError(self.path, self.reason)


class JobControl:
    """The worker's side of one job: throttled progress out, cancel requests in."""

    def __init__(self, progress_queue, cancel_event, clock: Callable[[], float] = time.monotonic):
        self._progress_queue = progress_queue
        self._cancel_event = cancel_event
        self._clock = clock
        self._next_progress_at = 0.0
        self._next_cancel_check_at = 0.0

    def report(self, fraction: float) -> None:
        """Called after every frame; raises AnalysisCancelled once cancel is requested."""
        now = self._clock()
        if now >= self._next_cancel_check_at:
            self._next_cancel_check_at = now + CANCEL_CHECK_INTERVAL_S
            self.raise_if_cancelled()
        if now >= self._next_progress_at:
            self._next_progress_at = now + PROGRESS_INTERVAL_S
            self._send(fraction)

    def raise_if_cancelled(self) -> None:
        try:
            cancelled = self._cancel_event.is_set()
        except (OSError, EOFError):  # the manager is gone, so is whoever asked for this job
            cancelled = True
        if cancelled:
            raise AnalysisCancelled()

    def announce(self, video: VideoInfo) -> None:
        self._send(VideoAnnouncement(video.to_json()))

    def stage(self, words: str) -> None:
        self.raise_if_cancelled()
        self._send(StageAnnouncement(words))

    def close(self) -> None:
        self._send(END_OF_PROGRESS)

    def _send(self, item: float | VideoAnnouncement | StageAnnouncement | None) -> None:
        try:
            self._progress_queue.put(item)
        except (OSError, EOFError):
            raise AnalysisCancelled() from None


def index_music(folder: str, index_path: str) -> int:
    """A pool job: brings the music folder's fingerprints up to date; returns how many songs it holds."""
    from .music.index import MusicIndex

    index = MusicIndex(Path(index_path))
    try:
        return index.refresh(Path(folder)).songs
    finally:
        index.close()


def run_job(
    path: str,
    thumbnail_root: str,
    progress_queue,
    cancel_event,
    sha256: str | None = None,
    options: EngineOptions | None = None,
) -> LocalResult:
    """The pool's entry point; expected failures come back as WorkerFailure."""
    control = JobControl(progress_queue, cancel_event)
    try:
        control.raise_if_cancelled()
        from .pipeline import analyze_clip  # the decoders load with a worker's first job

        return analyze_clip(
            Path(path),
            Path(thumbnail_root),
            options or EngineOptions.scenes_only(),
            on_progress=control.report,
            on_video=control.announce,
            sha256=sha256,
            on_stage=control.stage,
        )
    except MediaError as error:
        raise WorkerFailure(WorkerFailure.MEDIA, error.path, error.reason) from None
    except AnalysisCancelled:
        raise WorkerFailure(WorkerFailure.CANCELLED, path, "analysis cancelled") from None
    finally:
        try:
            control.close()
        except AnalysisCancelled:
            pass
