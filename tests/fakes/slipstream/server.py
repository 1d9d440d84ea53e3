"""Slipstream's video recognition API v4 as its docs give it.

POST /api/v4/video-recognition/ takes exactly one of a multipart `file` (.mp4 .mov .avi .mpeg, at
most 100 MB) or JSON {"storage_key"} (must start with video-recognition/ and name an uploaded
object), answering 201 {job_id, status: queued, track: null} or the seed's 400 bodies; 401 with
"Authentication credentials were not provided." for a missing or wrong Bearer key.
POST .../upload-url/ {"filename"} answers upload_url (a PUT on this server's /storage/, which
refuses an Authorization header or another Content-Type, and expires after expires_in), storage_key,
expires_in and content_type. GET .../{job_id}/ goes queued, processing, completed (after
`processing_s` and `polls_to_finish` polls); 404 once the job is older than `keep_s` or unknown.
`tracks` maps a content hash to the track found (default: the seed's example; None: no music).
"""

from __future__ import annotations

import secrets
import time
import uuid
from typing import Any

from .._server import FakeService, HttpError, Reply, Request, receive_multipart, receive_raw

MAX_BYTES = 100 * 1024 * 1024
ALLOWED = (".mp4", ".mov", ".avi", ".mpeg")
CONTENT_TYPES = {".mp4": "video/mp4", ".mov": "video/quicktime", ".avi": "video/x-msvideo", ".mpeg": "video/mpeg"}
DEFAULT_TRACK = {
    "title": "Blue Hour", "artist": "The Night Shift", "isrc": "USRC17607839", "score": 87.5,
    "internal": False, "external_label": "Northern Lights Records",
}


class FakeSlipstream(FakeService):
    name = "slipstream"

    def __init__(self, **options: Any) -> None:
        self.jobs: dict[str, dict[str, Any]] = {}
        self.jobs_by_sha256: dict[str, list[str]] = {}
        self.objects: dict[str, dict[str, Any]] = {}
        self.upload_urls: dict[str, dict[str, Any]] = {}
        self.puts: list[dict[str, Any]] = []
        self.tracks: dict[str, dict[str, Any] | None] = {}
        self.default_track: dict[str, Any] | None = DEFAULT_TRACK
        self.processing_s = 0.0
        self.polls_to_finish = 2
        self.keep_s = 86400.0
        self.expires_in = 600
        super().__init__(**options)

    def setup_routes(self) -> None:
        self.route("POST", "/api/v4/video-recognition/", self.submit)
        self.route("POST", "/api/v4/video-recognition/upload-url/", self.upload_url)
        self.route("GET", "/api/v4/video-recognition/(?P<job_id>[^/]+)/", self.get_job)
        self.route("PUT", "/storage/(?P<token>[^/]+)/(?P<name>.+)", self.put_object)

    def authorize(self, request: Request) -> None:
        if request.path.startswith("/storage/"):
            return
        header = request.headers.get("authorization", "")
        key = header[len("Bearer "):] if header.startswith("Bearer ") else None
        if key in self.faults.expired_keys:
            raise self.expired()
        if key != self.api_key:
            raise HttpError(401, {"detail": "Authentication credentials were not provided."})

    def expired(self) -> HttpError:
        return HttpError(401, {"detail": "Given token not valid for any token type"})

    def record(self) -> dict[str, Any]:
        return {
            "jobs_by_sha256": {k: list(v) for k, v in self.jobs_by_sha256.items()},
            "jobs": {k: dict(v) for k, v in self.jobs.items()},
            "puts": list(self.puts),
        }

    def reset(self) -> None:
        super().reset()
        with self.lock:
            for table in (self.jobs, self.jobs_by_sha256, self.objects, self.upload_urls):
                table.clear()
            self.puts.clear()

    # -- handlers ------------------------------------------------------------------------------

    def submit(self, request: Request) -> Reply:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            received = receive_multipart(request)
            has_file = received is not None and received.filename is not None
            if has_file and "storage_key" in received.fields:
                raise HttpError(400, {"detail": "Provide exactly one of `file` or `storage_key`."})
            if not has_file:
                if received is not None and "storage_key" in received.fields:
                    return self._from_storage_key(received.fields["storage_key"])
                raise HttpError(400, {"detail": "Provide exactly one of `file` or `storage_key`."})
            extension = _extension(received.filename)
            if extension not in ALLOWED:
                raise HttpError(400, {"file": [_extension_message(extension)]})
            if received.size > MAX_BYTES:
                raise HttpError(400, {"file": ["File size cannot exceed 100 MB."]})
            return self._new_job(received.sha256, received.filename, "upload")
        payload = request.json()
        if not isinstance(payload, dict) or ("storage_key" in payload) == ("file" in payload):
            raise HttpError(400, {"detail": "Provide exactly one of `file` or `storage_key`."})
        return self._from_storage_key(str(payload["storage_key"]))

    def upload_url(self, request: Request) -> Reply:
        payload = request.json()
        filename = payload.get("filename") if isinstance(payload, dict) else None
        if not filename:
            raise HttpError(400, {"filename": ["This field is required."]})
        extension = _extension(filename)
        if extension not in ALLOWED:
            raise HttpError(400, {"filename": [_extension_message(extension)]})
        token = secrets.token_hex(12)
        key = f"video-recognition/{uuid.uuid4().hex}_{filename}"
        with self.lock:
            self.upload_urls[token] = {"storage_key": key, "content_type": CONTENT_TYPES[extension],
                                       "expires": time.time() + self.expires_in}
        url = f"{self.base_url}/storage/{token}/{key}?X-Amz-Signature={secrets.token_hex(16)}"
        return Reply(200, {"upload_url": url, "storage_key": key, "expires_in": self.expires_in,
                           "content_type": CONTENT_TYPES[extension]})

    def put_object(self, request: Request, token: str, name: str) -> Reply:
        with self.lock:
            grant = self.upload_urls.get(token)
        error = None
        if grant is None or grant["storage_key"] != name:
            error = "SignatureDoesNotMatch"
        elif time.time() > grant["expires"]:
            error = "AccessDenied: Request has expired"
        elif "authorization" in request.headers:
            error = "InvalidArgument: Only one auth mechanism allowed"
        elif request.headers.get("content-type") != grant["content_type"]:
            error = "SignatureDoesNotMatch: Content-Type differs from the signed one"
        if error:
            return _s3_error(error)
        received = receive_raw(request)
        with self.lock:
            self.objects[name] = {"sha256": received.sha256, "size": received.size}
            self.puts.append({"storage_key": name, "size": received.size,
                              "content_type": request.headers.get("content-type"),
                              "authorization": "authorization" in request.headers})
        return Reply(200, None, {"ETag": f'"{received.sha256[:32]}"'})

    def get_job(self, request: Request, job_id: str) -> Reply:
        with self.lock:
            job = self.jobs.get(job_id)
            if job is None or time.time() - job["created"] > self.keep_s:
                raise HttpError(404, {"detail": "Not found."})
            job["polls"] += 1
            elapsed = time.time() - job["created"]
            if job["status"] != "completed":
                done = job["polls"] >= self.polls_to_finish and elapsed >= self.processing_s
                job["status"] = "completed" if done else "processing"
            track = None
            if job["status"] == "completed":
                track = self.tracks.get(job["sha256"], self.default_track)
            return Reply(200, {"job_id": job_id, "status": job["status"], "track": track})

    # -- internals -----------------------------------------------------------------------------

    def _from_storage_key(self, key: str) -> Reply:
        if not key.startswith("video-recognition/"):
            raise HttpError(400, {"storage_key": ["Must start with `video-recognition/`."]})
        with self.lock:
            stored = self.objects.get(key)
        if stored is None:
            raise HttpError(400, {"storage_key": ["No uploaded file was found for this key."]})
        return self._new_job(stored["sha256"], key, "storage_key")

    def _new_job(self, sha256: str, name: str, via: str) -> Reply:
        job_id = str(uuid.uuid4())
        with self.lock:
            self.jobs[job_id] = {"sha256": sha256, "name": name, "via": via, "status": "queued",
                                 "created": time.time(), "polls": 0}
            self.jobs_by_sha256.setdefault(sha256, []).append(job_id)
        return Reply(201, {"job_id": job_id, "status": "queued", "track": None})


def _extension_message(extension: str) -> str:
    return f"File extension “{extension.lstrip('.')}” is not allowed. Allowed extensions are: mp4, mov, avi, mpeg."


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _s3_error(code: str) -> Reply:
    xml = f"<?xml version=\"1.0\"?><Error><Code>{code.split(':')[0]}</Code><Message>{code}</Message></Error>"
    return Reply(403, raw=xml.encode(), headers={"Content-Type": "application/xml"})
