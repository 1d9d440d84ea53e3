"""Noxovision behind the provider interface: send, wait (polling, and webhooks when configured), map.

A video goes as a streamed octet-stream body (UPLOADING with bytes); the job id is stored the moment
the 202 arrives, with the Location to poll, so a restart polls instead of sending again. While the
service works, the ETA comes from its latency per second of video (PROCESSING); the result is read
(FETCHING) and mapped. A still image goes as a batch of one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from ...domain.analysis import Analysis, VideoInfo
from ...domain.connection import ConnectionCheck
from ...domain.errors import ProviderError
from ...domain.media import is_image_name
from ...domain.providers import provider_info
from ...domain.settings import ProviderSettings
from .._cloud import UploadProgress, fetching, media_info, processing, require_key
from .._http import Clock, HeaderKey, HttpClient, SystemClock, Timeouts, register_secret
from .._polling import poll_until
from ..base import AnalysisEvents, AnalysisRequest, ProviderLimits
from . import mapping, wire
from .client import NoxovisionClient, NoxovisionPaths
from .webhooks import WebhookReceiver

log = logging.getLogger(__name__)

ID = "noxovision"
DEFAULT_BASE_URL = "https://api.noxovision.com"
POLL_INTERVAL_S = 2.0
MAX_POLL_INTERVAL_S = 15.0
POLL_INTERVAL_WITH_WEBHOOKS_S = 60.0
DEFAULT_WEBHOOK_LISTEN = "127.0.0.1:8765"


class NoxovisionProvider:
    id = ID
    label = provider_info(ID).label
    capabilities = provider_info(ID).capabilities

    def __init__(
        self,
        client: NoxovisionClient,
        *,
        max_processing_time_s: int = 0,
        poll_interval_s: float = POLL_INTERVAL_S,
        webhook_url: str | None = None,
        webhooks: WebhookReceiver | None = None,
        webhook_secret: str | None = None,
        limits: ProviderLimits | None = None,
    ) -> None:
        self.client = client
        self.clock: Clock = client.http.clock
        self.max_processing_time_s = max(0, int(max_processing_time_s))
        self.poll_interval_s = poll_interval_s
        self.limits = limits or ProviderLimits(max_jobs=4)
        register_secret(webhook_secret)
        self._webhook = wire.WebhookConfig(url=webhook_url, secret=webhook_secret) if webhook_url else None
        self._webhooks = webhooks

    @classmethod
    def from_settings(
        cls, settings: ProviderSettings, *, clock: Clock | None = None, timeouts: Timeouts | None = None
    ) -> NoxovisionProvider:
        http = HttpClient(
            ID, settings.base_url or DEFAULT_BASE_URL, HeaderKey(require_key(ID, settings.api_key)),
            clock=clock or SystemClock(), timeouts=timeouts,
        )
        receiver = None
        if settings.webhook_url and settings.webhook_secret:
            host, _, port = (settings.webhook_listen or DEFAULT_WEBHOOK_LISTEN).rpartition(":")
            receiver = WebhookReceiver(settings.webhook_secret, host or "127.0.0.1", int(port))
        return cls(
            NoxovisionClient(http, NoxovisionPaths.from_settings(dict(settings.paths))),
            max_processing_time_s=settings.max_processing_time_s or 0,
            poll_interval_s=settings.poll_interval_s or POLL_INTERVAL_S,
            webhook_url=settings.webhook_url if receiver else None,
            webhooks=receiver,
            webhook_secret=settings.webhook_secret if receiver else None,
        )

    async def analyze(self, request: AnalysisRequest, events: AnalysisEvents) -> Analysis:
        video = await media_info(request.path, request.sha256)
        events.video(video)
        image = is_image_name(request.path.name)
        if self._webhooks is not None:
            await self._webhooks.start()
        if request.remote_id:
            job_id = request.remote_id
            poll_url = request.remote_details.get("poll_url") or self.client.poll_url_for(job_id, image=image)
        else:
            job_id, poll_url = await self._submit(request, video, image, events)
        if image:
            batch = await self._wait(job_id, poll_url, video, events, self.client.image_job, wire.ImageBatchJob)
            if batch.status == wire.FAILED:
                return mapping.failed_analysis(video, self._failure(batch.error))
            fetching(events)
            item = next((i for i in batch.items if i.external_id == video.id), batch.items[0] if batch.items else None)
            return mapping.image_analysis(video, item.result if item else None)
        job = await self._wait(job_id, poll_url, video, events, self.client.video_job, wire.VideoJob)
        if job.status == wire.FAILED:
            return mapping.failed_analysis(video, self._failure(job.error))
        fetching(events)
        return mapping.video_analysis(video, job.result or wire.VideoResult())

    async def check_reachable(self) -> bool:
        return await self.client.http.reachable(self.client.paths.latency.format(media_type="video"))

    async def check_connection(self) -> ConnectionCheck:
        """The latency figure: a cheap call that needs the key."""
        return await self.client.http.probe(self.client.paths.latency.format(media_type="video"))

    async def aclose(self) -> None:
        if self._webhooks is not None:
            await self._webhooks.aclose()
        await self.client.http.aclose()

    async def _submit(
        self, request: AnalysisRequest, video: VideoInfo, image: bool, events: AnalysisEvents
    ) -> tuple[str, str]:
        progress = UploadProgress(events)
        if image:
            submitted = await self.client.submit_images(
                [(video.id, request.path)], max_processing_time_s=self.max_processing_time_s,
                webhook=self._webhook, on_progress=progress,
            )
        else:
            submitted = await self.client.submit_video(
                request.path, max_processing_time_s=self.max_processing_time_s, webhook=self._webhook,
                on_progress=progress,
            )
        await events.remote_job(submitted.job_id, {"poll_url": submitted.poll_url})
        return submitted.job_id, submitted.poll_url

    async def _wait(self, job_id, poll_url, video: VideoInfo, events, fetch, model):
        total_s = await self._expected_seconds(video)
        started = self.clock.monotonic()

        def report(job) -> None:
            eta = max(0.0, total_s - (self.clock.monotonic() - started)) if total_s is not None else None
            fraction = None if total_s is None or total_s <= 0 else min(0.99, (total_s - eta) / total_s)
            processing(events, remote_id=job_id, eta_s=eta, fraction=fraction, detail=job.status)

        processing(events, remote_id=job_id, eta_s=total_s, fraction=0.0 if total_s else None)
        polling = poll_until(
            lambda: fetch(poll_url), lambda job: job.status in wire.TERMINAL_STATES, clock=self.clock,
            interval_s=self.poll_interval_s if self._webhooks is None else POLL_INTERVAL_WITH_WEBHOOKS_S,
            max_interval_s=max(self.poll_interval_s, MAX_POLL_INTERVAL_S), on_status=report,
        )
        if self._webhooks is None:
            return await polling
        return await self._first_of(polling, self._webhooks.wait_for(job_id), model)

    async def _first_of(self, polling, delivery, model):
        poll_task = asyncio.ensure_future(polling)
        hook_task = asyncio.ensure_future(delivery)
        try:
            done, _ = await asyncio.wait({poll_task, hook_task}, return_when=asyncio.FIRST_COMPLETED)
            if hook_task in done and not hook_task.cancelled() and hook_task.exception() is None:
                return self.client.http.parse(model, hook_task.result())
            return poll_task.result()
        finally:
            for task in (poll_task, hook_task):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, ProviderError):
                    await task

    async def _expected_seconds(self, video: VideoInfo) -> float | None:
        """The service's latency times the clip's length (or one image), or None if it will not say."""
        media_type = "image" if video.duration_s <= 0 and video.fps <= 0 else "video"
        try:
            latency = await self.client.latency(media_type)
        except ProviderError as error:
            log.info("no Noxovision latency figure: %s", error)
            return None
        units = 1.0 if media_type == "image" else video.duration_s
        return latency.latency_ms_per_unit * units / 1000.0

    def _failure(self, error: str | None) -> str:
        reason = f"Noxovision could not analyse it: {error or 'the job failed'}"
        if self.max_processing_time_s:
            reason += f" (Max-Processing-Time is {self.max_processing_time_s} s; raise it or set 0 in Settings)"
        return reason
