"""Seeknetic's API as its documentation gives it, with X-API-Key or Bearer authentication.

Collections: GET (a list of {id, name, description, video_count}), POST {name, description} ->
{collection_id, name}; POST /collections/{id}/videos/upload (multipart `file`) -> {video_id};
GET /videos/{id}/status goes uploaded, processing (progress %), processed (after `processing_s`
and `polls_to_finish` polls); GET /collections/{id}/videos lists them (assumed; see the client).
Video tagging and video embedding, sync (504 when the video is over `sync_limit_bytes`, as a
gateway timeout) and async ({request_id}; GET /async_status/{id}: pending, processing, completed
or failed); text embedding; collection search {text, top_k (1..1000)} -> {results}: each of the
collection's videos as `segments_per_video` segments of 5 s (start_time/end_time, assumed) with a
similarity that is a stable function of the text, most similar first. Errors as the seed's
table: 400, 401, 404, 429, 500, 502, 504, each {"detail": ...}.
The record: videos per content hash (per collection) and tagging/embedding requests per hash.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import sys
import time
import uuid
from typing import Any

from .._server import FakeService, HttpError, Reply, Request, receive_multipart

DIMENSIONS = 8
MAX_TOP_K = 1000
SEGMENT_S = 5.0
DEFAULT_TAGS = {"shot_size": "medium_shot", "camera_movement": "pan_left", "shooting_angle": "eye_level"}


def _vector(seed: str) -> list[float]:
    digest = hashlib.sha256(seed.encode()).digest()
    return [round((b - 128) / 128, 4) for b in digest[:DIMENSIONS]]


class FakeSeeknetic(FakeService):
    name = "seeknetic"

    def __init__(self, **options: Any) -> None:
        self.collections: dict[str, dict[str, Any]] = {}
        self.videos: dict[str, dict[str, Any]] = {}
        self.async_requests: dict[str, dict[str, Any]] = {}
        self.sync_calls: list[dict[str, Any]] = []
        self.processing_s = 0.0
        self.polls_to_finish = 2
        self.sync_limit_bytes = 1 << 20
        self.fail_processing: set[str] = set()
        self.list_videos = True
        self.segments_per_video = 3
        self.searches: list[dict[str, Any]] = []
        super().__init__(**options)

    def setup_routes(self) -> None:
        self.route("GET", "/collections", self.list_collections)
        self.route("POST", "/collections", self.create_collection)
        self.route("POST", "/collections/(?P<collection_id>[^/]+)/videos/upload", self.upload)
        self.route("GET", "/collections/(?P<collection_id>[^/]+)/videos", self.collection_videos)
        self.route("POST", "/collections/(?P<collection_id>[^/]+)/search", self.search)
        self.route("GET", "/videos/(?P<video_id>[^/]+)/status", self.video_status)
        self.route("POST", "/video_tagging", lambda r: self.sync_call(r, "tagging"))
        self.route("POST", "/video_tagging/async", lambda r: self.async_call(r, "tagging"))
        self.route("POST", "/video_embedding/encode_video", lambda r: self.sync_call(r, "embedding"))
        self.route("POST", "/video_embedding/encode_video/async", lambda r: self.async_call(r, "embedding"))
        self.route("POST", "/video_embedding/encode_text", self.encode_text)
        self.route("GET", "/async_status/(?P<request_id>[^/]+)", self.async_status)

    def authorize(self, request: Request) -> None:
        key = request.headers.get("x-api-key")
        header = request.headers.get("authorization", "")
        if key is None and header.startswith("Bearer "):
            key = header[len("Bearer "):]
        if key in self.faults.expired_keys:
            raise self.expired()
        if key != self.api_key:
            raise HttpError(401, {"detail": "Invalid API key"})

    def expired(self) -> HttpError:
        return HttpError(401, {"detail": "API key expired"})

    def record(self) -> dict[str, Any]:
        videos_by_sha256: dict[str, list[str]] = {}
        for video_id, video in self.videos.items():
            videos_by_sha256.setdefault(video["sha256"], []).append(video_id)
        requests_by_sha256: dict[str, list[str]] = {}
        for request_id, item in self.async_requests.items():
            requests_by_sha256.setdefault(f"{item['kind']}:{item['sha256']}", []).append(request_id)
        return {
            "videos_by_sha256": videos_by_sha256,
            "async_requests_by_kind_and_sha256": requests_by_sha256,
            "sync_calls": list(self.sync_calls),
            "collections": {k: dict(v) for k, v in self.collections.items()},
            "searches": list(self.searches),
        }

    def reset(self) -> None:
        super().reset()
        with self.lock:
            self.collections.clear()
            self.videos.clear()
            self.async_requests.clear()
            self.sync_calls.clear()
            self.searches.clear()

    # -- collections and videos ------------------------------------------------------------------

    def list_collections(self, request: Request) -> Reply:
        with self.lock:
            return Reply(200, [
                {"id": cid, "name": c["name"], "description": c.get("description"),
                 "video_count": sum(1 for v in self.videos.values() if v["collection_id"] == cid)}
                for cid, c in self.collections.items()
            ])

    def create_collection(self, request: Request) -> Reply:
        payload = request.json()
        if not isinstance(payload, dict) or not str(payload.get("name", "")).strip():
            raise HttpError(400, {"detail": "Field 'name' is required"})
        collection_id = str(uuid.uuid4())
        with self.lock:
            self.collections[collection_id] = {"name": payload["name"], "description": payload.get("description")}
        return Reply(200, {"collection_id": collection_id, "name": payload["name"]})

    def upload(self, request: Request, collection_id: str) -> Reply:
        self._collection(collection_id)
        received = receive_multipart(request)
        if received is None or received.filename is None:
            raise HttpError(400, {"detail": "Field 'file' is required"})
        video_id = str(uuid.uuid4())
        with self.lock:
            self.videos[video_id] = {
                "collection_id": collection_id, "sha256": received.sha256, "size": received.size,
                "filename": received.filename, "status": "uploaded", "created": time.time(), "polls": 0,
            }
        return Reply(200, {"video_id": video_id, "status": "uploaded"})

    def collection_videos(self, request: Request, collection_id: str) -> Reply:
        self._collection(collection_id)
        if not self.list_videos:
            raise HttpError(404, {"detail": "Not Found"})
        with self.lock:
            return Reply(200, [
                {"video_id": vid, "filename": v["filename"], "size_bytes": v["size"], "status": v["status"]}
                for vid, v in self.videos.items() if v["collection_id"] == collection_id
            ])

    def video_status(self, request: Request, video_id: str) -> Reply:
        with self.lock:
            video = self.videos.get(video_id)
            if video is None:
                raise HttpError(404, {"detail": f"Video {video_id} not found"})
            video["polls"] += 1
            elapsed = time.time() - video["created"]
            if video["status"] in ("uploaded", "processing"):
                if video["sha256"] in self.fail_processing:
                    video["status"] = "failed"
                elif video["polls"] >= self.polls_to_finish and elapsed >= self.processing_s:
                    video["status"] = "processed"
                else:
                    video["status"] = "processing"
            progress = {"uploaded": 0, "processing": 50, "processed": 100, "failed": 100}[video["status"]]
            body = {"video_id": video_id, "status": video["status"], "progress": progress}
            if video["status"] == "failed":
                body["error_message"] = "Video decoding failed"
            return Reply(200, body)

    def search(self, request: Request, collection_id: str) -> Reply:
        self._collection(collection_id)
        payload = request.json()
        if not isinstance(payload, dict) or not payload.get("text"):
            raise HttpError(400, {"detail": "Field 'text' is required"})
        top_k = payload.get("top_k", 10)
        if not isinstance(top_k, int) or not 1 <= top_k <= MAX_TOP_K:
            raise HttpError(400, {"detail": f"top_k must be an integer between 1 and {MAX_TOP_K}"})
        with self.lock:
            self.searches.append({"collection_id": collection_id, "text": payload["text"], "top_k": top_k})
        return Reply(200, {"results": self.matches(collection_id, payload["text"])[:top_k]})

    def matches(self, collection_id: str, text: str) -> list[dict[str, Any]]:
        """Every segment of the collection's processed videos, most similar first."""
        with self.lock:
            videos = [vid for vid, v in self.videos.items()
                      if v["collection_id"] == collection_id and v["status"] != "failed"]
        found = []
        for video_id in videos:
            for n in range(self.segments_per_video):
                unit = int.from_bytes(hashlib.sha256(f"{text.lower()}|{video_id}|{n}".encode()).digest()[:8], "big")
                similarity = round(0.2 + 0.75 * unit / 2 ** 64, 4)
                found.append({"video_id": video_id, "similarity": similarity,
                              "start_time": float(n * SEGMENT_S), "end_time": float((n + 1) * SEGMENT_S)})
        found.sort(key=lambda r: (-r["similarity"], r["video_id"], r["start_time"]))
        return found

    def seed_demo(self, videos: int = 40, name: str = "Demo footage") -> str:
        """A processed collection of `videos` clips, for trying the search panel by hand."""
        collection_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"fake-seeknetic/{name}/{videos}"))
        with self.lock:
            self.collections[collection_id] = {"name": name, "description": "seeded by the fake"}
            for n in range(videos):
                video_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"fake-seeknetic/{collection_id}/{n}"))
                self.videos[video_id] = {
                    "collection_id": collection_id, "sha256": hashlib.sha256(video_id.encode()).hexdigest(),
                    "size": 0, "filename": f"demo clip {n + 1:02d}.mp4", "status": "processed", "created": 0.0,
                    "polls": 0,
                }
        return collection_id

    # -- tagging and embeddings --------------------------------------------------------------------

    def sync_call(self, request: Request, kind: str) -> Reply:
        video = self._video_of(request)
        with self.lock:
            self.sync_calls.append({"kind": kind, "sha256": video["sha256"], "size": video["size"],
                                    "timed_out": video["size"] > self.sync_limit_bytes})
        if video["size"] > self.sync_limit_bytes:
            raise HttpError(504, {"detail": "Request timeout"})
        if kind == "tagging":
            return Reply(200, {"tags": DEFAULT_TAGS})
        return Reply(200, {"embeddings": [_vector(video["sha256"])]})

    def async_call(self, request: Request, kind: str) -> Reply:
        video = self._video_of(request)
        request_id = str(uuid.uuid4())
        with self.lock:
            self.async_requests[request_id] = {"kind": kind, "sha256": video["sha256"], "status": "pending",
                                               "polls": 0, "created": time.time()}
        return Reply(200, {"request_id": request_id})

    def async_status(self, request: Request, request_id: str) -> Reply:
        with self.lock:
            item = self.async_requests.get(request_id)
            if item is None:
                raise HttpError(404, {"detail": f"Request {request_id} not found"})
            item["polls"] += 1
            elapsed = time.time() - item["created"]
            if item["status"] != "completed":
                done = item["polls"] >= self.polls_to_finish and elapsed >= self.processing_s
                item["status"] = "completed" if done else "processing"
            body: dict[str, Any] = {"request_id": request_id, "status": item["status"]}
            if item["status"] == "completed":
                if item["kind"] == "tagging":
                    body["tags"] = DEFAULT_TAGS
                else:
                    body["embedding"] = _vector(item["sha256"])
            return Reply(200, body)

    def encode_text(self, request: Request) -> Reply:
        payload = request.json()
        if not isinstance(payload, dict) or not payload.get("text"):
            raise HttpError(400, {"detail": "Field 'text' is required"})
        return Reply(200, {"embedding": _vector(payload["text"])})

    # -- internals -----------------------------------------------------------------------------

    def _collection(self, collection_id: str) -> dict[str, Any]:
        with self.lock:
            collection = self.collections.get(collection_id)
        if collection is None:
            raise HttpError(404, {"detail": f"Collection {collection_id} not found"})
        return collection

    def _video_of(self, request: Request) -> dict[str, Any]:
        """Reads a {video_url | video_base64} body, decoding base64 as it streams."""
        if not request.headers.get("content-type", "").startswith("application/json"):
            raise HttpError(400, {"detail": "Content-Type must be application/json"})
        digest, size, head = hashlib.sha256(), 0, b""
        pending = b""
        started = False
        for chunk in request.stream():
            if not started:
                head += chunk
                marker = head.find(b'"video_base64"')
                if marker < 0:
                    if len(head) > 1 << 16:
                        raise HttpError(400, {"detail": "Provide video_url or video_base64"})
                    continue
                quote = head.find(b'"', head.find(b":", marker) + 1)
                if quote < 0:
                    continue
                started = True
                chunk = head[quote + 1:]
            data = pending + chunk
            end = data.find(b'"')
            if end >= 0:
                data = data[:end]
            usable = len(data) - len(data) % 4
            try:
                decoded = base64.b64decode(data[:usable], validate=True)
            except (binascii.Error, ValueError):
                raise HttpError(400, {"detail": "video_base64 is not valid base64"}) from None
            digest.update(decoded)
            size += len(decoded)
            pending = data[usable:]
            if end >= 0:
                started = False
                head = b"__done__"
                break
        for _ in request.stream():
            pass
        if not started and head != b"__done__":
            try:
                payload = json.loads(head or b"{}")
            except json.JSONDecodeError:
                raise HttpError(400, {"detail": "Invalid JSON"}) from None
            if isinstance(payload, dict) and payload.get("video_url"):
                url = payload["video_url"]
                return {"sha256": hashlib.sha256(url.encode()).hexdigest(), "size": 0}
            raise HttpError(400, {"detail": "Provide video_url or video_base64"})
        return {"sha256": digest.hexdigest(), "size": size}


def command_line_options(fake: FakeSeeknetic):
    def options(parser, args) -> None:
        if parser is not None:
            parser.add_argument("--demo-videos", type=int, default=40,
                                help="processed clips in a seeded 'Demo footage' collection (0: none)")
            parser.add_argument("--segments", type=int, default=8, help="moments a search finds per clip")
            return
        fake.segments_per_video = args.segments
        if args.demo_videos:
            print(f"demo collection: {fake.seed_demo(args.demo_videos)}", file=sys.stderr, flush=True)

    return options
