"""Slipstream's HTTP calls: a direct multipart upload up to 100 MB, or an upload URL, a PUT of the
file (exactly the Content-Type it names, no Authorization header) and the storage key; then the job."""

from __future__ import annotations

from pathlib import Path

from ...domain.errors import BadRequest
from .._http import FileBody, HttpClient, MultipartBody, Progress
from . import wire

SUBMIT = "/api/v4/video-recognition/"
UPLOAD_URL = "/api/v4/video-recognition/upload-url/"
JOB = "/api/v4/video-recognition/{job_id}/"


def extension_refusal(name: str) -> BadRequest | None:
    """The service's own refusal of a file extension, before anything is sent."""
    dot = name.rfind(".")
    extension = name[dot:].lower() if dot > 0 else ""
    if extension in wire.ALLOWED_EXTENSIONS:
        return None
    allowed = ", ".join(e.lstrip(".") for e in wire.ALLOWED_EXTENSIONS)
    shown = extension.lstrip(".") or "(none)"
    message = f"File extension “{shown}” is not allowed. Allowed extensions are: {allowed}."
    return BadRequest(
        "slipstream", "Slipstream does not take this kind of file",
        hint="convert it to MP4 or MOV first", server_message=f"file: {message}",
    )


class SlipstreamClient:
    def __init__(self, http: HttpClient) -> None:
        self.http = http

    async def submit_file(self, path: Path, on_progress: Progress | None = None) -> wire.Job:
        body = MultipartBody(Path(path), file_field="file", file_content_type=_content_type(path))
        reply = await self.http.request("POST", SUBMIT, body=body, on_progress=on_progress)
        return reply.model(wire.Job)

    async def upload_url(self, filename: str) -> wire.UploadUrl:
        data = await self.http.post_json(UPLOAD_URL, wire.UploadUrlRequest(filename=filename).model_dump())
        return self.http.parse(wire.UploadUrl, data)

    async def put_file(self, target: wire.UploadUrl, path: Path, on_progress: Progress | None = None) -> None:
        """The PUT to storage: the exact Content-Type given, and no Authorization header."""
        await self.http.request(
            "PUT", target.upload_url, body=FileBody(Path(path), content_type=target.content_type),
            on_progress=on_progress, authenticated=False,
        )

    async def submit_storage_key(self, storage_key: str) -> wire.Job:
        data = await self.http.post_json(SUBMIT, wire.StorageKeySubmission(storage_key=storage_key).model_dump())
        return self.http.parse(wire.Job, data)

    async def job(self, job_id: str) -> wire.Job:
        return (await self.http.request("GET", JOB.format(job_id=job_id))).model(wire.Job)


def _content_type(path: Path) -> str:
    return {
        ".mp4": "video/mp4", ".mov": "video/quicktime", ".avi": "video/x-msvideo", ".mpeg": "video/mpeg",
    }.get(Path(path).suffix.lower(), "application/octet-stream")
