"""Noxovision as its OpenAPI document (API 0.2.0) describes it, with our default paths.

POST /video (octet-stream, Max-Processing-Time) and POST /images (JSON, raw base64) answer 202
with {"job_id"} and a Location header (relative by default, absolute with `absolute_location`);
GET on the Location answers the job: queued, then running, then finished (after `processing_s`
and `polls_to_finish` polls) with the seed's example result, or failed when Max-Processing-Time
is shorter than the job takes. GET /latency/{video|image}. Face thumbnails come both ways the schema's
"string" allows: a URL on this server (GET /thumbnails/<name>, with the key like any call) and a
picture in raw base64. With webhook.url (query parameters for
a video, `webhook` in the JSON for images) the final payload is POSTed there when the job
ends, signed with X-Webhook-Signature (hex HMAC-SHA256 of the raw body) when a secret
was given. The record: jobs created per content hash.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import hmac
import io
import json
import threading
import time
import urllib.request
from typing import Any

from PIL import Image, ImageDraw

from .._server import FakeService, HttpError, Reply, Request, receive_raw

THUMBNAIL_PATH = "/thumbnails/"   # a face_thumbnail starting so is answered as a URL on this server


def face_picture(skin: tuple[int, int, int], hair: tuple[int, int, int], size: int = 96) -> bytes:
    """A small JPEG of a drawn face, as a service's face thumbnail would be."""
    image = Image.new("RGB", (size, size), (38, 44, 56))
    draw = ImageDraw.Draw(image)
    draw.ellipse((14, 10, size - 14, size - 4), fill=skin)
    draw.chord((12, 4, size - 12, size // 2 + 6), 180, 360, fill=hair)
    for x in (size // 2 - 14, size // 2 + 14):
        draw.ellipse((x - 5, size // 2 - 4, x + 5, size // 2 + 6), fill=(30, 30, 40))
    draw.arc((size // 2 - 16, size // 2 + 10, size // 2 + 16, size // 2 + 30), 20, 160, fill=(120, 40, 40), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


FACES = {"face-1.jpg": face_picture((224, 182, 150), (70, 40, 20))}
SECOND_FACE_BASE64 = base64.b64encode(face_picture((150, 110, 80), (20, 20, 20))).decode("ascii")

SEED_RESULT: dict[str, Any] = {
    "raw_scenes": [{"start_seconds": 0, "end_seconds": 5.2}, {"start_seconds": 5.2, "end_seconds": 10.7}],
    "frame_activity_diffs": [0.01, 0.15, 0.08],
    "sections": [
        {"section_tag": "intro", "time_segments": [{"start_seconds": 0, "end_seconds": 3}],
         "thumbnail_timestamp": 1.2, "confidence": 0.91, "is_critical": False, "relative_activity": 0.2},
        {"section_tag": "demo", "time_segments": [{"start_seconds": 3, "end_seconds": 5.2}],
         "thumbnail_timestamp": 4.1, "confidence": 0.88, "is_critical": True, "relative_activity": 0.5},
    ],
    "ocr_results": [
        {"language_code": "en", "full_text": "No dogs off leash",
         "time_segment": {"start_seconds": 3, "end_seconds": 5.2}},
    ],
    "person_constellation_scenes": [
        {"time_segment": {"start_seconds": 3, "end_seconds": 5.2},
         "person_ids": [
             {"age": 29, "gender": "female", "face_embedding": [0.11, -0.02, 0.33],
              "face_thumbnail": THUMBNAIL_PATH + "face-1.jpg", "allowlisted": True,
              "relative_prominence": 0.65},
             {"gender": "unidentified", "face_embedding": [0.05, 0.07, -0.12], "face_thumbnail": SECOND_FACE_BASE64,
              "relative_prominence": 0.3},
         ]},
        {"time_segment": {"start_seconds": 5.2, "end_seconds": 10.7},
         "person_ids": [{"age": 30, "gender": "female", "face_embedding": [0.12, -0.03, 0.34]}]},
    ],
}
SEED_IMAGE_RESULT: dict[str, Any] = {
    "tags": [{"tag": "cat", "probability": 0.92, "is_critical": False}, {"tag": "indoor", "probability": 0.76}],
    "person_ids": [{"age": 4, "gender": "unidentified", "face_embedding": [0.01, 0.02, 0.03]}],
    "ocr_results": [{"language_code": "en", "full_text": "Kitchen"}],
}


class FakeNoxovision(FakeService):
    name = "noxovision"

    def __init__(self, **options: Any) -> None:
        self.jobs: dict[str, dict[str, Any]] = {}
        self.jobs_by_sha256: dict[str, list[str]] = {}
        self.webhook_deliveries: list[dict[str, Any]] = []
        self.processing_s = 0.0
        self.polls_to_finish = 1
        self.absolute_location = False
        self.latency_ms = {"video": 40.0, "image": 120.0}
        self.result = SEED_RESULT
        self._counter = 0
        super().__init__(**options)

    def setup_routes(self) -> None:
        self.route("POST", "/video", self.submit_video)
        self.route("POST", "/images", self.submit_images)
        self.route("GET", r"/video/(?P<job_id>[^/]+)", self.get_job)
        self.route("GET", r"/images/(?P<job_id>[^/]+)", self.get_job)
        self.route("GET", r"/latency/(?P<media_type>[^/]+)", self.latency)
        self.route("GET", r"/thumbnails/(?P<name>[^/]+)", self.thumbnail)

    def authorize(self, request: Request) -> None:
        key = request.headers.get("x-api-key")
        if key in self.faults.expired_keys:
            raise self.expired()
        if key != self.api_key:
            raise HttpError(401, {"detail": "Invalid or missing API key"})

    def record(self) -> dict[str, Any]:
        return {
            "jobs_by_sha256": {k: list(v) for k, v in self.jobs_by_sha256.items()},
            "jobs": {k: {f: v for f, v in job.items() if f != "payload"} for k, job in self.jobs.items()},
            "webhook_deliveries": list(self.webhook_deliveries),
        }

    def reset(self) -> None:
        super().reset()
        with self.lock:
            self.jobs.clear()
            self.jobs_by_sha256.clear()
            self.webhook_deliveries.clear()

    # -- handlers ------------------------------------------------------------------------------

    def submit_video(self, request: Request) -> Reply:
        limit = self._max_processing_time(request)
        if request.headers.get("content-type", "").split(";")[0] != "application/octet-stream":
            raise HttpError(415, {"detail": "Expected an application/octet-stream body"})
        received = receive_raw(request)
        if received.size == 0:
            raise HttpError(400, {"detail": "Empty video body"})
        webhook = {"url": request.query["webhook.url"], "secret": request.query.get("webhook.secret")} \
            if "webhook.url" in request.query else None
        return self._new_job("video", received.sha256, received.size, limit, webhook)

    def submit_images(self, request: Request) -> Reply:
        limit = self._max_processing_time(request)
        payload = request.json()
        images = payload.get("images") if isinstance(payload, dict) else None
        if not images:
            raise HttpError(422, {"detail": "images: must be a non-empty array"})
        digests = []
        for index, image in enumerate(images):
            data = image.get("data_base64", "")
            if data.startswith("data:"):
                raise HttpError(422, {"detail": f"images[{index}].data_base64 must be raw base64 (no data URI prefix)"})
            try:
                digests.append(hashlib.sha256(base64.b64decode(data, validate=True)).hexdigest())
            except (binascii.Error, ValueError):
                raise HttpError(422, {"detail": f"images[{index}].data_base64 is not valid base64"}) from None
        external_ids = [str(image.get("external_id")) for image in images]
        return self._new_job("image_batch", digests[0], 0, limit, payload.get("webhook"), external_ids)

    def get_job(self, request: Request, job_id: str) -> Reply:
        with self.lock:
            job = self.jobs.get(job_id)
            if job is None:
                raise HttpError(404, {"detail": f"Job {job_id} not found"})
            job["polls"] += 1
            elapsed = time.time() - job["created"]
            if job["status"] in ("queued", "running"):
                if job["limit"] and self.processing_s > job["limit"]:
                    if elapsed >= job["limit"]:
                        job["status"] = "failed"
                elif job["polls"] >= self.polls_to_finish and elapsed >= self.processing_s:
                    job["status"] = "finished"
                else:
                    job["status"] = "running"
            body = self._payload(job)
            deliver = job["status"] in ("finished", "failed") and job["webhook"] and not job["delivered"]
            if deliver:
                job["delivered"] = True
        if deliver:
            threading.Thread(target=self._deliver, args=(job["webhook"], body), daemon=True).start()
        return Reply(200, body)

    def thumbnail(self, request: Request, name: str) -> Reply:
        picture = FACES.get(name)
        if picture is None:
            raise HttpError(404, {"detail": f"No thumbnail {name}"})
        return Reply(200, raw=picture, headers={"Content-Type": "image/jpeg"})

    def latency(self, request: Request, media_type: str) -> Reply:
        if media_type not in self.latency_ms:
            raise HttpError(422, {"detail": "media_type must be one of: video, image"})
        unit = "second" if media_type == "video" else "image"
        return Reply(200, {"media_type": media_type, "unit": unit, "latency_ms_per_unit": self.latency_ms[media_type]})

    # -- internals -----------------------------------------------------------------------------

    def _max_processing_time(self, request: Request) -> int:
        value = request.headers.get("max-processing-time", "0")
        try:
            limit = int(value)
        except ValueError:
            raise HttpError(422, {"detail": "Max-Processing-Time must be an integer >= 0"}) from None
        if limit < 0:
            raise HttpError(422, {"detail": "Max-Processing-Time must be an integer >= 0"})
        return limit

    def _new_job(self, kind, sha256, size, limit, webhook, external_ids=None) -> Reply:
        with self.lock:
            self._counter += 1
            prefix = "video" if kind == "video" else "image_batch"
            job_id = f"{prefix}_{self._counter:05d}"
            self.jobs[job_id] = {
                "kind": kind, "sha256": sha256, "size": size, "limit": limit, "status": "queued",
                "created": time.time(), "polls": 0, "webhook": webhook, "delivered": False,
                "external_ids": external_ids or [],
            }
            self.jobs_by_sha256.setdefault(sha256, []).append(job_id)
        if webhook:  # the service calls back when the job ends, polled or not
            threading.Timer(max(self.processing_s, 0.05), self._finish_by_itself, (job_id,)).start()
        path = f"/video/{job_id}" if kind == "video" else f"/images/{job_id}"
        location = f"{self.base_url}{path}" if self.absolute_location else path
        return Reply(202, {"job_id": job_id}, {"Location": location})

    def _finish_by_itself(self, job_id: str) -> None:
        with self.lock:
            job = self.jobs[job_id]
            if job["status"] in ("queued", "running"):
                job["status"] = "failed" if job["limit"] and self.processing_s > job["limit"] else "finished"
            if job["delivered"]:
                return
            job["delivered"] = True
            body = self._payload(job)
        self._deliver(job["webhook"], body)

    def _payload(self, job_or_id) -> dict[str, Any]:
        job = job_or_id
        job_id = next(k for k, v in self.jobs.items() if v is job)
        if job["kind"] == "video":
            body: dict[str, Any] = {"job_id": job_id, "status": job["status"]}
            if job["status"] == "finished":
                body["result"] = self._with_thumbnail_urls(self.result)
            if job["status"] == "failed":
                body["error"] = f"Processing exceeded Max-Processing-Time of {job['limit']} s"
            return body
        body = {"job_id": job_id, "status": job["status"]}
        if job["status"] == "finished":
            body["items"] = [{"external_id": e, "result": SEED_IMAGE_RESULT} for e in job["external_ids"]]
        return body

    def _with_thumbnail_urls(self, result: dict[str, Any]) -> dict[str, Any]:
        result = copy.deepcopy(result)
        for scene in result.get("person_constellation_scenes", []):
            for person in scene.get("person_ids", []):
                if str(person.get("face_thumbnail", "")).startswith(THUMBNAIL_PATH):
                    person["face_thumbnail"] = self.base_url + person["face_thumbnail"]
        return result

    def _deliver(self, webhook: dict[str, Any], payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if webhook.get("secret"):
            headers["X-Webhook-Signature"] = hmac.new(webhook["secret"].encode(), body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(webhook["url"], data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = None
        with self.lock:
            self.webhook_deliveries.append({"job_id": payload["job_id"], "status": status})
