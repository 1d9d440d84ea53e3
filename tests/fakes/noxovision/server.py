"""Noxovision as its OpenAPI document (API 0.2.0) describes it, with our default paths.

POST /video (octet-stream, Max-Processing-Time) and POST /images (JSON, raw base64) answer 202
with {"job_id"} and a Location header (relative by default, absolute with `absolute_location`);
GET on the Location answers the job: queued, then running, then finished (after `processing_s`
and `polls_to_finish` polls) with the seed's example result, or failed when Max-Processing-Time
is shorter than the job takes. GET /latency/{video|image}. With webhook.url (query parameters for
a video, `webhook` in the JSON for images) the final payload is POSTed there when the job
ends, signed with X-Webhook-Signature (hex HMAC-SHA256 of the raw body) when a secret
was given. The record: jobs created per content hash.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import threading
import time
import urllib.request
from typing import Any

from .._server import FakeService, HttpError, Reply, Request, receive_raw

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
              "face_thumbnail": "https://thumbs.example/face-1.jpg", "allowlisted": True,
              "relative_prominence": 0.65},
             {"gender": "unidentified", "face_embedding": [0.05, 0.07, -0.12]},
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
                body["result"] = self.result
            if job["status"] == "failed":
                body["error"] = f"Processing exceeded Max-Processing-Time of {job['limit']} s"
            return body
        body = {"job_id": job_id, "status": job["status"]}
        if job["status"] == "finished":
            body["items"] = [{"external_id": e, "result": SEED_IMAGE_RESULT} for e in job["external_ids"]]
        return body

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
