"""One analysis of one file by one provider: hash the content, see what the provider already holds,
let the provider work, store the result. The queue (analysis.py) and `reelscope analyze` both run it.

What a provider holds of a file is kept per content hash (library.assets), written the moment it
changes: a remote job's id is stored before the provider polls it, so a run stopped by a quit, a
crash or a kill resumes that job instead of sending the file again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..domain.analysis import Analysis, AnalysisStatus, VideoInfo
from ..domain.assets import AssetState, ProviderAsset
from ..domain.clips import Clip, ClipChange
from ..domain.jobs import JobPhase, JobProgress
from ..library.storage import Storage
from ..providers.base import AnalysisProvider, AnalysisRequest
from ..providers.hashing import hash_in_background

HASH_PROGRESS_STEP_BYTES = 16 << 20
HASH_TURN_DETAIL = "waits for the files before it to be read"
"""The hashing phase's note until the file's own hash begins: files are hashed one after another."""


class RunListener(Protocol):
    """Who follows a run: the queue persists it to the job's row; the command line ignores it."""

    def progress(self, update: JobProgress) -> None: ...

    def clip_changed(self, change: ClipChange) -> None: ...

    async def remote_job(self, remote_id: str) -> None: ...


class IgnoreRun:
    def progress(self, update: JobProgress) -> None:
        pass

    def clip_changed(self, change: ClipChange) -> None:
        pass

    async def remote_job(self, remote_id: str) -> None:
        pass


@dataclass(frozen=True)
class RunResult:
    clip: Clip | None
    analysis: Analysis | None
    """None when nothing was done: the provider had analysed this content already."""
    sha256: str

    @property
    def already_analysed(self) -> bool:
        return self.analysis is None


class AnalysisRun:
    def __init__(
        self,
        storage: Storage,
        provider: AnalysisProvider,
        path: Path,
        *,
        sha256: str | None = None,
        remote_id: str | None = None,
        fresh: bool = False,
        options: Mapping[str, str] | None = None,
        listener: RunListener | None = None,
    ) -> None:
        self._storage = storage
        self._db = storage.database
        self.provider = provider
        self.path = Path(path)
        self.sha256 = sha256
        self.remote_id = remote_id
        self.fresh = fresh
        self.options = dict(options or {})
        self.scope = self.options.get("collection_id", "") or self.options.get("index_id", "")
        self._listener = listener or IgnoreRun()
        self.video_id: str | None = None
        self.stopping = False
        self._asset: ProviderAsset | None = None
        self._announcements: set[asyncio.Task] = set()
        self._upload_recorded = False

    async def execute(self) -> RunResult:
        sha256 = self.sha256 or await self._hash()
        self.sha256 = sha256
        asset = await self._db.run(self._storage.assets.get, sha256, self.provider.id, self.scope)
        self._asset = asset
        if asset is not None and asset.state is AssetState.DONE and not self.fresh:
            clip = await self._db.run(self._clip_analysed_by_provider, asset)
            if clip is not None:
                return RunResult(clip=clip, analysis=None, sha256=sha256)
        if self.remote_id is None and asset is not None and asset.state is AssetState.PROCESSING:
            self.remote_id = asset.remote_id
        request = AnalysisRequest(
            path=self.path,
            sha256=sha256,
            remote_id=self.remote_id,
            fresh=self.fresh,
            interrupted_upload=asset is not None and asset.state is AssetState.SENDING,
            options=self.options,
            remote_details=dict(asset.details) if asset is not None and asset.state is AssetState.PROCESSING else {},
        )
        analysis = await self.provider.analyze(request, self)
        await self._settle_announcements()
        clip = await self._db.run(self._store, analysis)
        return RunResult(clip=clip, analysis=analysis, sha256=sha256)

    # -- what the provider reports (providers.base.AnalysisEvents) -------------------------------

    def progress(self, update: JobProgress) -> None:
        if update.phase is JobPhase.UPLOADING and not self._upload_recorded:
            self._upload_recorded = True
            self._asset = ProviderAsset(
                sha256=self.sha256 or "", provider=self.provider.id, scope=self.scope, state=AssetState.SENDING
            )
            self._db.submit(self._storage.assets.put, self._asset)
        self._listener.progress(update)

    def video(self, video: VideoInfo) -> None:
        self.video_id = video.id
        task = asyncio.ensure_future(self._list_clip(video))
        self._announcements.add(task)
        task.add_done_callback(self._announcements.discard)

    async def remote_job(self, remote_id: str, details: Mapping[str, str] | None = None) -> None:
        self.remote_id = remote_id
        self._asset = ProviderAsset(
            sha256=self.sha256 or "",
            provider=self.provider.id,
            scope=self.scope,
            remote_id=remote_id,
            state=AssetState.PROCESSING,
            video_id=self.video_id,
            details=dict(details or {}),
        )
        await self._db.run(self._storage.assets.put, self._asset)
        await self._listener.remote_job(remote_id)

    # -- where the clip stands when the run ends otherwise ----------------------------------------

    async def mark_failed(self, reason: str) -> None:
        await self._settle_announcements()
        await self._set_status(AnalysisStatus.FAILED, reason)

    async def mark_abandoned(self) -> None:
        """Stopped without a result: the clip goes back to what its stored analysis says, or to none."""
        await self._settle_announcements()
        await self._set_status(None)

    async def mark_queued(self) -> None:
        await self._settle_announcements()
        await self._set_status(AnalysisStatus.QUEUED)

    # -- internals --------------------------------------------------------------------------------

    async def _hash(self) -> str:
        loop = asyncio.get_running_loop()
        reported = [0]

        def on_bytes(done: int, total: int) -> None:
            first = reported[0] == 0
            if first or done - reported[0] >= HASH_PROGRESS_STEP_BYTES or done == total:
                reported[0] = done
                update = JobProgress(
                    phase=JobPhase.HASHING, fraction=done / total if total else 1.0, bytes_done=done, bytes_total=total,
                    detail="" if first else None,   # its turn has come
                )
                loop.call_soon_threadsafe(self._listener.progress, update)

        self._listener.progress(JobProgress(phase=JobPhase.HASHING, fraction=0.0, detail=HASH_TURN_DETAIL))
        return await hash_in_background(self.path, on_bytes, lambda: self.stopping)

    async def _list_clip(self, video: VideoInfo) -> None:
        clip = await self._db.run(self._list_clip_now, video)
        self._listener.clip_changed(ClipChange(clip=clip))

    def _list_clip_now(self, video: VideoInfo) -> Clip:
        catalogue = self._storage.catalogue
        catalogue.upsert_video(video)
        catalogue.set_analysis_status(video.id, self.provider.id, AnalysisStatus.RUNNING)
        return catalogue.clip(video.id)

    async def _settle_announcements(self) -> None:
        if self._announcements:
            await asyncio.gather(*self._announcements, return_exceptions=True)

    async def _set_status(self, status: AnalysisStatus | None, error: str | None = None) -> None:
        if self.video_id is None:
            return
        clip = await self._db.run(self._set_status_now, self.video_id, status, error)
        if clip is not None:
            self._listener.clip_changed(ClipChange(clip=clip))

    def _set_status_now(self, video_id: str, status: AnalysisStatus | None, error: str | None) -> Clip | None:
        catalogue = self._storage.catalogue
        if catalogue.clip(video_id) is None:  # removed from the library meanwhile
            return None
        if status is None:
            catalogue.abandon_analysis(video_id, self.provider.id)
        else:
            catalogue.set_analysis_status(video_id, self.provider.id, status, error)
        return catalogue.clip(video_id)

    def _store(self, analysis: Analysis) -> Clip:
        catalogue = self._storage.catalogue
        catalogue.save_analysis(analysis)
        self._storage.assets.put(
            ProviderAsset(
                sha256=self.sha256 or analysis.video.sha256,
                provider=self.provider.id,
                scope=self.scope,
                remote_id=self.remote_id,
                state=AssetState.DONE if analysis.status is AnalysisStatus.FINISHED else AssetState.FAILED,
                video_id=analysis.video.id,
                details=self._asset.details if self._asset else {},
            )
        )
        return catalogue.clip(analysis.video.id)

    def _clip_analysed_by_provider(self, asset: ProviderAsset) -> Clip | None:
        """The clip this content was analysed as, if the library still holds that provider's analysis."""
        if asset.video_id is None:
            return None
        clip = self._storage.catalogue.clip(asset.video_id)
        if clip is None:
            return None
        status = clip.status_for(self.provider.id)
        return clip if status is not None and status.status is AnalysisStatus.FINISHED else None
