"""Seeknetic behind the provider interface: the clip into a collection, then its tags and embedding.

With a collection (the job's option, else the configured one) the file is uploaded to it by a
streamed multipart POST and its processing followed through uploaded/processing/processed with the
service's percent; the video id is stored at once, so a restart polls instead of uploading again,
and after an interrupted upload the collection's videos are looked through before sending again.
Tagging and the video embedding then run synchronously, or asynchronously when the service times
out (504): their request ids are stored too. The embedding is kept with the provider's asset
(details 'video_embedding') for search.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ...domain.analysis import Analysis
from ...domain.collections import Collection
from ...domain.connection import ConnectionCheck
from ...domain.errors import ProviderNotConfigured, ServiceFault
from ...domain.providers import provider_info
from ...domain.settings import ProviderSettings
from .._cloud import UploadProgress, fetching, media_info, processing, require_key
from .._http import BearerToken, Clock, HeaderKey, HttpClient, SystemClock, Timeouts
from .._polling import poll_until
from ..base import AnalysisEvents, AnalysisRequest, NoEvents, ProviderLimits
from . import mapping, wire
from .client import HINTS, SeekneticClient
from .regions import base_url_for

log = logging.getLogger(__name__)

ID = "seeknetic"
POLL_INTERVAL_S = 3.0
MAX_POLL_INTERVAL_S = 15.0


@dataclass(frozen=True)
class Uploaded:
    video_id: str
    collection_id: str
    status: str
    error: str | None = None


class SeekneticProvider:
    id = ID
    label = provider_info(ID).label
    capabilities = provider_info(ID).capabilities

    def __init__(
        self,
        client: SeekneticClient,
        *,
        collection_id: str | None = None,
        poll_interval_s: float = POLL_INTERVAL_S,
        embeddings: bool = True,
        limits: ProviderLimits | None = None,
    ) -> None:
        self.client = client
        self.clock: Clock = client.http.clock
        self.collection_id = collection_id
        self.poll_interval_s = poll_interval_s
        self.embeddings = embeddings
        self.limits = limits or ProviderLimits(max_jobs=2)

    @classmethod
    def from_settings(
        cls, settings: ProviderSettings, *, clock: Clock | None = None, timeouts: Timeouts | None = None
    ) -> SeekneticProvider:
        key = require_key(ID, settings.api_key)
        auth = BearerToken(key) if (settings.auth_style or "").lower() == "bearer" else HeaderKey(key, "X-API-Key")
        http = HttpClient(
            ID, base_url_for(settings.region, settings.base_url), auth, clock=clock or SystemClock(),
            timeouts=timeouts, hints=HINTS,
        )
        return cls(
            SeekneticClient(http), collection_id=settings.collection_id,
            poll_interval_s=settings.poll_interval_s or POLL_INTERVAL_S,
        )

    # -- the provider interface --------------------------------------------------------------------

    async def analyze(self, request: AnalysisRequest, events: AnalysisEvents) -> Analysis:
        video = await media_info(request.path, request.sha256)
        events.video(video)
        details = dict(request.remote_details)
        remote_id = request.remote_id
        collection = request.options.get("collection_id") or details.get("collection_id") or self.collection_id
        if collection:
            uploaded = await self._into_collection(request, collection, details, events)
            remote_id = uploaded.video_id
            if uploaded.status == wire.FAILED:
                return mapping.failed(video, f"Seeknetic could not process it: {uploaded.error or 'failed'}")
        raw_tags = await self._tagging_or_embedding("tagging", request.path, details, remote_id, events)
        if self.embeddings:
            vectors = await self._tagging_or_embedding("embedding", request.path, details, remote_id, events)
            text = mapping.embedding_text(vectors)
            if text:
                details["video_embedding"] = text
                await events.remote_job(remote_id or details.get("embedding_request_id", ""), details)
        fetching(events)
        return mapping.analysis(video, mapping.tags(video, raw_tags))

    async def check_reachable(self) -> bool:
        return await self.client.http.reachable("/collections")

    async def check_connection(self) -> ConnectionCheck:
        """The collections list: a cheap call that needs the key."""
        return await self.client.http.probe("/collections")

    async def aclose(self) -> None:
        await self.client.http.aclose()

    # -- uploads (also `reelscope upload`) -----------------------------------------------------------

    async def upload(
        self, path: Path, collection_id: str, *, wait: bool = True, events: AnalysisEvents | None = None,
        interrupted: bool = False,
    ) -> Uploaded:
        """Sends a file to a collection; with wait, follows it until processed or failed."""
        request = AnalysisRequest(path=Path(path), interrupted_upload=interrupted)
        return await self._into_collection(request, collection_id, {}, events or NoEvents(), wait=wait)

    async def _into_collection(
        self, request: AnalysisRequest, collection: str, details: dict[str, str], events: AnalysisEvents,
        *, wait: bool = True,
    ) -> Uploaded:
        video_id = request.remote_id if details.get("collection_id", collection) == collection else None
        if video_id is None and request.interrupted_upload:
            video_id = await self._find_upload(collection, Path(request.path))
        if video_id is None:
            video_id = (await self.client.upload(collection, Path(request.path), UploadProgress(events))).video_id
        details["collection_id"] = collection
        await events.remote_job(video_id, details)
        if not wait:
            return Uploaded(video_id, collection, wire.UPLOADED)
        status = await poll_until(
            lambda: self.client.video_status(video_id), lambda s: s.status in wire.VIDEO_FINAL_STATES,
            clock=self.clock, interval_s=self.poll_interval_s,
            max_interval_s=max(self.poll_interval_s, MAX_POLL_INTERVAL_S),
            on_status=lambda s: processing(
                events, remote_id=video_id, detail=s.status,
                fraction=None if s.progress is None else max(0.0, min(1.0, s.progress / 100.0)),
            ),
        )
        return Uploaded(video_id, collection, status.status, status.error_message)

    async def _find_upload(self, collection: str, path: Path) -> str | None:
        """The video an interrupted upload left in the collection, if the service lists it complete."""
        videos = await self.client.collection_videos(collection)
        if not videos:
            return None
        size = path.stat().st_size
        for video in videos:
            if video.filename == path.name and (video.size_bytes is None or video.size_bytes == size):
                log.info("Seeknetic already holds %s as %s: not sent again", path.name, video.video_id)
                return video.video_id
        return None

    # -- tagging and embeddings --------------------------------------------------------------------

    async def _tagging_or_embedding(
        self, kind: str, path: Path, details: dict[str, str], remote_id: str | None, events: AnalysisEvents
    ):
        key = f"{kind}_request_id"
        request_id = details.get(key)
        if request_id is None:
            call = self.client.tag_video if kind == "tagging" else self.client.embed_video
            answer = await call(Path(path), UploadProgress(events, detail=f"for {kind}"))
            if answer.request_id is None:
                return answer.result.tags if kind == "tagging" else answer.result.embeddings
            request_id = answer.request_id
            details[key] = request_id
            await events.remote_job(remote_id or request_id, details)
        processing(events, remote_id=remote_id or request_id, detail=f"{kind}: {wire.PENDING}")
        status = await poll_until(
            lambda: self.client.async_status(request_id), lambda s: s.status in wire.ASYNC_FINAL_STATES,
            clock=self.clock, interval_s=self.poll_interval_s,
            max_interval_s=max(self.poll_interval_s, MAX_POLL_INTERVAL_S),
            on_status=lambda s: processing(events, remote_id=remote_id or request_id, detail=f"{kind}: {s.status}"),
        )
        if status.status == wire.FAILED:
            raise ServiceFault(
                ID, f"Seeknetic's {kind} of the clip failed", server_message=status.error_message,
                hint="try again later, or with a shorter clip",
            )
        return status.tags if kind == "tagging" else status.embedding

    async def collections(self) -> list[Collection]:
        return [mapping.collection(item) for item in await self.client.collections()]

    async def create_collection(self, name: str) -> Collection:
        created = await self.client.create_collection(name)
        return Collection(provider=ID, collection_id=created.collection_id, name=created.name or name, video_count=0)

    def collection_for(self, options: Mapping[str, str]) -> str:
        collection = options.get("collection_id") or self.collection_id
        if not collection:
            raise ProviderNotConfigured(
                ID, "no Seeknetic collection is chosen",
                hint="pass --collection ID, or set collection_id (reelscope collections lists them)",
            )
        return collection


