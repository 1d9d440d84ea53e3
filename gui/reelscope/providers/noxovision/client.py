"""Noxovision's HTTP calls: a video as a streamed octet-stream body, an image batch as JSON, the job
behind the 202's Location (absolute or relative), and the latency per media unit.

The paths are not published (API 0.2.0); these defaults can be changed per account in the config.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from .._http import PLACEHOLDER, Base64JsonBody, FileBody, HttpClient, Progress
from .wire import ImageBatchJob, JobAccepted, Latency, VideoJob, WebhookConfig


@dataclass(frozen=True)
class NoxovisionPaths:
    video: str = "/video"
    images: str = "/images"
    video_job: str = "/video/{job_id}"
    image_job: str = "/images/{job_id}"
    latency: str = "/latency/{media_type}"

    @classmethod
    def from_settings(cls, overrides: dict[str, str]) -> NoxovisionPaths:
        known = {f.name for f in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown Noxovision path setting(s): {', '.join(sorted(unknown))}")
        return cls(**overrides)


@dataclass(frozen=True)
class Submitted:
    job_id: str
    poll_url: str
    """Where the job's status is: the 202's Location, resolved against the request's URL."""


class NoxovisionClient:
    def __init__(self, http: HttpClient, paths: NoxovisionPaths | None = None) -> None:
        self.http = http
        self.paths = paths or NoxovisionPaths()

    async def submit_video(
        self,
        path: Path,
        *,
        max_processing_time_s: int = 0,
        webhook: WebhookConfig | None = None,
        on_progress: Progress | None = None,
    ) -> Submitted:
        params = {}
        if webhook is not None:
            params["webhook.url"] = webhook.url
            if webhook.secret:
                params["webhook.secret"] = webhook.secret
        reply = await self.http.request(
            "POST", self.paths.video, body=FileBody(Path(path)), on_progress=on_progress, params=params,
            headers={"Max-Processing-Time": str(max(0, int(max_processing_time_s)))},
        )
        return self._submitted(reply, self.paths.video_job)

    async def submit_images(
        self,
        images: Sequence[tuple[str, Path]],
        *,
        max_processing_time_s: int = 0,
        webhook: WebhookConfig | None = None,
        on_progress: Progress | None = None,
    ) -> Submitted:
        """An image batch; one image is streamed as raw base64 (no data URI prefix)."""
        if len(images) != 1:
            raise ValueError("images are sent one per batch")
        external_id, image_path = images[0]
        document: dict = {"images": [{"external_id": external_id, "data_base64": PLACEHOLDER}]}
        if webhook is not None:
            document["webhook"] = webhook.model_dump(exclude_none=True)
        reply = await self.http.request(
            "POST", self.paths.images, body=Base64JsonBody(Path(image_path), document), on_progress=on_progress,
            headers={"Max-Processing-Time": str(max(0, int(max_processing_time_s)))},
        )
        return self._submitted(reply, self.paths.image_job)

    async def video_job(self, poll_url: str) -> VideoJob:
        return (await self.http.request("GET", poll_url)).model(VideoJob)

    async def image_job(self, poll_url: str) -> ImageBatchJob:
        return (await self.http.request("GET", poll_url)).model(ImageBatchJob)

    async def latency(self, media_type: str) -> Latency:
        return (await self.http.request("GET", self.paths.latency.format(media_type=media_type))).model(Latency)

    def poll_url_for(self, job_id: str, *, image: bool = False) -> str:
        template = self.paths.image_job if image else self.paths.video_job
        return str(self.http.url(template.format(job_id=job_id)))

    def _submitted(self, reply, job_template: str) -> Submitted:
        accepted = reply.model(JobAccepted)
        location = reply.header("location")
        if location:
            poll_url = str(reply.url.join(location))
        else:
            poll_url = str(self.http.url(job_template.format(job_id=accepted.job_id)))
        return Submitted(accepted.job_id, poll_url)
