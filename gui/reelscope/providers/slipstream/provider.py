"""Slipstream behind the provider interface: music recognition of a clip.

Files up to 100 MB go as a multipart upload; larger ones by the upload-URL flow (the service's
storage takes the bytes, the API only the storage key), chosen by size. The extension is checked
before anything is sent. The job id is stored as soon as the service answers; a restart polls it.
"""

from __future__ import annotations

from pathlib import Path

from ...domain.analysis import Analysis
from ...domain.connection import ConnectionCheck
from ...domain.errors import NotFound
from ...domain.jobs import JobPhase, JobProgress
from ...domain.providers import provider_info
from ...domain.settings import ProviderSettings
from .._cloud import UploadProgress, fetching, media_info, processing, require_key
from .._http import BearerToken, Clock, HttpClient, SystemClock, Timeouts
from .._polling import poll_until
from ..base import AnalysisEvents, AnalysisRequest, ProviderLimits
from . import mapping, wire
from .client import SlipstreamClient, extension_refusal

ID = "slipstream"
DEFAULT_BASE_URL = "https://api.slipstreammusic.com"
POLL_INTERVAL_S = 2.0
MAX_POLL_INTERVAL_S = 10.0
UNKNOWN_JOB_PATH = "/api/v4/video-recognition/00000000-0000-0000-0000-000000000000/"


class SlipstreamProvider:
    id = ID
    label = provider_info(ID).label
    capabilities = provider_info(ID).capabilities

    def __init__(
        self,
        client: SlipstreamClient,
        *,
        poll_interval_s: float = POLL_INTERVAL_S,
        limits: ProviderLimits | None = None,
    ) -> None:
        self.client = client
        self.clock: Clock = client.http.clock
        self.poll_interval_s = poll_interval_s
        self.limits = limits or ProviderLimits(max_jobs=3)

    @classmethod
    def from_settings(
        cls, settings: ProviderSettings, *, clock: Clock | None = None, timeouts: Timeouts | None = None
    ) -> SlipstreamProvider:
        http = HttpClient(
            ID, settings.base_url or DEFAULT_BASE_URL, BearerToken(require_key(ID, settings.api_key)),
            clock=clock or SystemClock(), timeouts=timeouts,
            hints={401: "check the Slipstream partner key in Settings", 403: "check the Slipstream partner key"},
        )
        return cls(SlipstreamClient(http), poll_interval_s=settings.poll_interval_s or POLL_INTERVAL_S)

    async def analyze(self, request: AnalysisRequest, events: AnalysisEvents) -> Analysis:
        path = Path(request.path)
        if not request.remote_id and (refusal := extension_refusal(path.name)) is not None:
            raise refusal
        video = await media_info(path, request.sha256)
        events.video(video)
        job_id = request.remote_id or await self._submit(path, video.size_bytes, events)
        processing(events, remote_id=job_id, detail=wire.QUEUED)
        try:
            job = await poll_until(
                lambda: self.client.job(job_id),
                lambda job: job.status == wire.COMPLETED or job.status in wire.FAILED_STATES,
                clock=self.clock, interval_s=self.poll_interval_s,
                max_interval_s=max(self.poll_interval_s, MAX_POLL_INTERVAL_S),
                on_status=lambda job: processing(events, remote_id=job_id, detail=job.status),
            )
        except NotFound as error:
            raise NotFound(
                ID, "Slipstream no longer has this job: it expired (results are kept about a day) or is unknown",
                status=error.status, server_message=error.server_message,
                hint="analyse the clip again to send it anew",
            ) from None
        if job.status in wire.FAILED_STATES:
            return mapping.failed(video, f"Slipstream could not recognise music in it (job {job.status})")
        fetching(events, detail=None if job.track else mapping.NO_MUSIC)
        if job.track is None:
            events.progress(JobProgress(phase=JobPhase.FETCHING, fraction=1.0, detail=mapping.NO_MUSIC))
        return mapping.analysis(video, job)

    async def _submit(self, path: Path, size: int, events: AnalysisEvents) -> str:
        if size > wire.MAX_DIRECT_UPLOAD_BYTES:
            target = await self.client.upload_url(path.name)
            await self.client.put_file(target, path, UploadProgress(events, detail="to Slipstream's storage"))
            job = await self.client.submit_storage_key(target.storage_key)
            details = {"storage_key": target.storage_key}
        else:
            job = await self.client.submit_file(path, UploadProgress(events))
            details = {}
        await events.remote_job(job.job_id, details)
        return job.job_id

    async def check_reachable(self) -> bool:
        # An unknown job is a cheap authenticated call: 404 means the key was accepted.
        return await self.client.http.reachable(UNKNOWN_JOB_PATH, ok=(200, 404))

    async def check_connection(self) -> ConnectionCheck:
        return await self.client.http.probe(
            UNKNOWN_JOB_PATH, ok=(200, 404),
            accepted="Slipstream accepted the key (it answers 404 for the made-up job this test asks about)",
        )

    async def aclose(self) -> None:
        await self.client.http.aclose()
