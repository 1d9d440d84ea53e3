"""Seeknetic's HTTP calls: collections, streamed uploads to a collection with status, video tagging
and video/text embeddings (sync, or async with /async_status), and collection search.

A synchronous call that times out at the gateway (504) is not retried: the caller moves to the
async endpoint instead (`sync_or_async`), as the seed's error table advises.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from ...domain.errors import NotFound, ServiceFault
from .._http import PLACEHOLDER, Base64JsonBody, HttpClient, MultipartBody, Progress
from . import wire

M = TypeVar("M", bound=BaseModel)

HINTS = {
    400: "check the request's format and required fields",
    401: "check that the Seeknetic API key is correct (Settings → Seeknetic)",
    403: "check that the Seeknetic API key is correct (Settings → Seeknetic)",
    404: "check the collection or video id",
    429: "reduce the request frequency or upgrade the Seeknetic plan",
    500: "contact Seeknetic's technical support if it persists",
    502: "an external service is temporarily unavailable; retry later",
    504: "try the async interface or a smaller video",
}
BASE64_FIELD = "video_base64"


@dataclass(frozen=True)
class SyncOrAsync:
    """A tagging or embedding answer: `result` when the sync call answered, `request_id` when it went async."""

    result: Any = None
    request_id: str | None = None


class SeekneticClient:
    def __init__(self, http: HttpClient) -> None:
        self.http = http

    # -- collections and videos ------------------------------------------------------------------

    async def collections(self) -> list[wire.Collection]:
        data = await self.http.get_json("/collections")
        if isinstance(data, dict) and isinstance(data.get("collections"), list):
            data = data["collections"]
        return [self.http.parse(wire.Collection, item) for item in _list(self.http, data)]

    async def create_collection(self, name: str, description: str | None = None) -> wire.CollectionCreated:
        payload = wire.CollectionCreate(name=name, description=description).model_dump(exclude_none=True)
        return self.http.parse(wire.CollectionCreated, await self.http.post_json("/collections", payload))

    async def upload(self, collection_id: str, path: Path, on_progress: Progress | None = None) -> wire.VideoUploaded:
        body = MultipartBody(Path(path), file_field="file")
        reply = await self.http.request(
            "POST", f"/collections/{collection_id}/videos/upload", body=body, on_progress=on_progress
        )
        return reply.model(wire.VideoUploaded)

    async def video_status(self, video_id: str) -> wire.VideoStatus:
        return (await self.http.request("GET", f"/videos/{video_id}/status")).model(wire.VideoStatus)

    async def collection_videos(self, collection_id: str) -> list[wire.CollectionVideo] | None:
        """The collection's videos, or None when the service offers no listing."""
        try:
            data = await self.http.get_json(f"/collections/{collection_id}/videos")
        except NotFound:
            return None
        if isinstance(data, dict) and isinstance(data.get("videos"), list):
            data = data["videos"]
        return [self.http.parse(wire.CollectionVideo, item) for item in _list(self.http, data)]

    async def search(self, collection_id: str, text: str, top_k: int = 10) -> wire.SearchResults:
        data = await self.http.post_json(f"/collections/{collection_id}/search", {"text": text, "top_k": top_k})
        return self.http.parse(wire.SearchResults, data)

    # -- tagging and embeddings --------------------------------------------------------------------

    async def tag_video(self, path: Path, on_progress: Progress | None = None) -> SyncOrAsync:
        return await self._sync_or_async("/video_tagging", path, wire.TaggingResult, on_progress)

    async def embed_video(self, path: Path, on_progress: Progress | None = None) -> SyncOrAsync:
        return await self._sync_or_async("/video_embedding/encode_video", path, wire.VideoEmbedding, on_progress)

    async def embed_text(self, text: str) -> list[float]:
        data = await self.http.post_json("/video_embedding/encode_text", {"text": text}, idempotent=True)
        return self.http.parse(wire.TextEmbedding, data).embedding

    async def submit_async(self, endpoint: str, path: Path, on_progress: Progress | None = None) -> str:
        body = Base64JsonBody(Path(path), {BASE64_FIELD: PLACEHOLDER})
        reply = await self.http.request("POST", endpoint + "/async", body=body, on_progress=on_progress)
        return reply.model(wire.AsyncSubmitted).request_id

    async def async_status(self, request_id: str) -> wire.AsyncStatus:
        return (await self.http.request("GET", f"/async_status/{request_id}")).model(wire.AsyncStatus)

    async def _sync_or_async(
        self, endpoint: str, path: Path, model: type[M], on_progress: Progress | None
    ) -> SyncOrAsync:
        body = Base64JsonBody(Path(path), {BASE64_FIELD: PLACEHOLDER})
        try:
            reply = await self.http.request(
                "POST", endpoint, body=body, on_progress=on_progress, retry=self.http.retry.without(504)
            )
        except ServiceFault as error:
            if error.status != 504:
                raise
            return SyncOrAsync(request_id=await self.submit_async(endpoint, path, on_progress))
        return SyncOrAsync(result=reply.model(model))


def _list(http: HttpClient, data: Any) -> list:
    if not isinstance(data, list):
        raise ServiceFault(http.provider, "Seeknetic answered something its API does not document (expected a list)")
    return data


