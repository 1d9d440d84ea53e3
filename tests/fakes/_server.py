"""The machinery every fake provider server shares: a real HTTP/1.1 server on 127.0.0.1 in a thread.

Bodies are read as streams (Content-Length or chunked), so a 2 GB upload passes through a hash and
never sits in memory. Faults (`Faults`) are applied before a request is handled, as a gateway or
rate limiter in front of a real service would, so a faulted request creates nothing:
- `chaos(rate, statuses)`: that share of requests answered with one of those statuses (429 carries
  Retry-After: `retry_after`);
- `fail_next(kind, count, path)`: the next matching requests answered with a status, "html" (an
  HTML error page), "malformed" (200 with broken JSON), "slow" (an answer after `slow_fault_s`), or
  "expired" (401 with a token-expired body);
- `slow_s` for every answer; `expire(key)` to make a key's token expire from now on;
- `read_bytes_per_s`: request bodies are taken no faster (an upload over a slow line, to watch).
Control endpoints, outside faults and auth: GET /_fake/record, POST /_fake/faults (JSON with the
fields of Faults), POST /_fake/reset. Each fake's `record` is what tests read (jobs per file hash).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

READ_CHUNK = 1 << 20


class HttpError(Exception):
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


@dataclass
class Fault:
    kind: str  # "429", "500", ..., "html", "malformed", "slow", "expired"
    count: int = 1
    path: str | None = None  # a regex the request path must match
    method: str | None = None


@dataclass
class Faults:
    chaos_rate: float = 0.0
    chaos_statuses: tuple[int, ...] = (429, 500, 502, 503)
    retry_after: str | None = "1"
    slow_s: float = 0.0
    """Every answer waits this long."""
    slow_fault_s: float = 5.0
    """A "slow" fault's answer waits this long."""
    queue: list[Fault] = field(default_factory=list)
    expired_keys: set[str] = field(default_factory=set)
    read_bytes_per_s: float = 0.0
    """Request bodies are read no faster than this (0: as fast as they come)."""


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    handler: BaseHTTPRequestHandler
    read_bytes_per_s: float = 0.0
    _body: Iterator[bytes] | None = None

    def stream(self) -> Iterator[bytes]:
        """The body, chunk by chunk, read from the socket as it comes (one iterator per request)."""
        if self._body is None:
            self._body = self._read()
        return self._body

    def _read(self) -> Iterator[bytes]:
        for chunk in self._read_all():
            if self.read_bytes_per_s > 0:
                time.sleep(len(chunk) / self.read_bytes_per_s)
            yield chunk

    def _read_all(self) -> Iterator[bytes]:
        rfile = self.handler.rfile
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int(rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    rfile.readline()
                    return
                left = size
                while left:
                    data = rfile.read(min(self._chunk, left))
                    if not data:
                        raise ConnectionError("client went away")
                    left -= len(data)
                    yield data
                rfile.readline()
        left = int(self.headers.get("content-length", "0") or 0)
        while left > 0:
            data = rfile.read(min(self._chunk, left))
            if not data:
                raise ConnectionError("client went away")
            left -= len(data)
            yield data

    @property
    def _chunk(self) -> int:
        if self.read_bytes_per_s <= 0:
            return READ_CHUNK
        return max(16 << 10, min(READ_CHUNK, int(self.read_bytes_per_s / 10)))  # about ten reads a second

    def body(self, limit: int = 64 << 20) -> bytes:
        data = bytearray()
        for chunk in self.stream():
            data += chunk
            if len(data) > limit:
                raise HttpError(413, {"detail": "Request body too large."})
        return bytes(data)

    def json(self) -> Any:
        try:
            return json.loads(self.body() or b"null")
        except json.JSONDecodeError:
            raise HttpError(400, {"detail": "JSON parse error."}) from None

    def drain(self) -> None:
        for _ in self.stream():
            pass


Route = tuple[str, re.Pattern, Callable[..., Any]]


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None


class FakeService:
    """A provider's fake: subclasses add routes (`route`), auth (`authorize`) and a record."""

    name = "fake"

    def __init__(self, *, api_key: str = "test-key", seed: int = 7) -> None:
        self.api_key = api_key
        self.faults = Faults()
        self.random = random.Random(seed)
        self.lock = threading.RLock()
        self.routes: list[Route] = []
        self.requests: list[dict[str, Any]] = []
        self.faulted = 0
        """Requests answered with a fault instead of being handled."""
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.setup_routes()

    # -- for subclasses ------------------------------------------------------------------------

    def setup_routes(self) -> None:
        raise NotImplementedError

    def route(self, method: str, pattern: str, handler: Callable[..., Any]) -> None:
        self.routes.append((method, re.compile(f"^{pattern}$"), handler))

    def authorize(self, request: Request) -> None:
        """Raises HttpError 401 for a missing or wrong key."""

    def record(self) -> dict[str, Any]:
        return {}

    def reset(self) -> None:
        with self.lock:
            self.faults = Faults()
            self.requests.clear()

    def unauthorized(self) -> HttpError:
        return HttpError(401, {"detail": "Invalid API key"})

    def expired(self) -> HttpError:
        return HttpError(401, {"detail": "Token expired"})

    # -- faults --------------------------------------------------------------------------------

    def chaos(self, rate: float, statuses: tuple[int, ...] = (429, 500, 502, 503), retry_after: str | None = "0"):
        with self.lock:
            self.faults.chaos_rate, self.faults.chaos_statuses = rate, tuple(statuses)
            self.faults.retry_after = retry_after

    def fail_next(self, kind: str | int, count: int = 1, path: str | None = None, method: str | None = None):
        with self.lock:
            self.faults.queue.append(Fault(str(kind), count, path, method))

    def expire(self, key: str) -> None:
        with self.lock:
            self.faults.expired_keys.add(key)

    def _fault_for(self, request: Request) -> str | None:
        with self.lock:
            for fault in self.faults.queue:
                if fault.path and not re.search(fault.path, request.path):
                    continue
                if fault.method and fault.method.upper() != request.method:
                    continue
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.queue.remove(fault)
                self.faulted += 1
                return fault.kind
            if self.faults.chaos_rate and self.random.random() < self.faults.chaos_rate:
                self.faulted += 1
                return str(self.random.choice(self.faults.chaos_statuses))
        return None

    def _faulted_reply(self, kind: str) -> Reply:
        if kind == "html":
            page = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
            return Reply(502, raw=page, headers={"Content-Type": "text/html"})
        if kind == "malformed":
            return Reply(200, raw=b'{"job_id": "x", "status": ', headers={"Content-Type": "application/json"})
        if kind == "expired":
            error = self.expired()
            return Reply(error.status, error.body)
        status = int(kind)
        headers = {}
        if status == 429 and self.faults.retry_after is not None:
            headers["Retry-After"] = self.faults.retry_after
        messages = {429: "Rate limit exceeded", 500: "Internal server error", 502: "External API error",
                    503: "Service unavailable", 504: "Request timeout"}
        return Reply(status, {"detail": messages.get(status, "error")}, headers)

    # -- serving -------------------------------------------------------------------------------

    def start(self, port: int = 0, host: str = "127.0.0.1") -> str:
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                service._handle(self)

            do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"fake-{self.name}", daemon=True)
        self._thread.start()
        return self.base_url

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeService:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        request = Request(
            method=handler.command,
            path=split.path,
            query={k: v[-1] for k, v in parse_qs(split.query).items()},
            headers={k.lower(): v for k, v in handler.headers.items()},
            handler=handler,
            read_bytes_per_s=self.faults.read_bytes_per_s,
        )
        try:
            reply = self._answer(request)
        except HttpError as error:
            reply = Reply(error.status, error.body, error.headers)
        except ConnectionError:
            handler.close_connection = True
            return
        try:
            request.drain()
        except ConnectionError:
            handler.close_connection = True
            return
        self._send(handler, reply)

    def _answer(self, request: Request) -> Reply:
        if request.path.startswith("/_fake/"):
            return self._control(request)
        with self.lock:
            self.requests.append(
                {"method": request.method, "path": request.path, "query": dict(request.query),
                 "headers": dict(request.headers), "at": time.time()}
            )
        kind = self._fault_for(request)
        if kind == "slow":
            time.sleep(self.faults.slow_fault_s)
        elif kind is None and self.faults.slow_s:
            time.sleep(self.faults.slow_s)
        elif kind is not None:
            request.drain()
            return self._faulted_reply(kind)
        for method, pattern, handler in self.routes:
            match = pattern.match(request.path)
            if match and method == request.method:
                self.authorize(request)
                result = handler(request, **match.groupdict())
                return result if isinstance(result, Reply) else Reply(200, result)
        if any(pattern.match(request.path) for _, pattern, _ in self.routes):
            raise HttpError(405, {"detail": f'Method "{request.method}" not allowed.'})
        raise HttpError(404, {"detail": "Not found."})

    def _control(self, request: Request) -> Reply:
        if request.path == "/_fake/record":
            with self.lock:
                return Reply(200, self.record())
        if request.path == "/_fake/reset":
            self.reset()
            return Reply(200, {"ok": True})
        if request.path == "/_fake/faults":
            values = request.json() or {}
            with self.lock:
                for key in ("chaos_rate", "retry_after", "slow_s", "slow_fault_s", "read_bytes_per_s"):
                    if key in values:
                        setattr(self.faults, key, values[key])
                if "chaos_statuses" in values:
                    self.faults.chaos_statuses = tuple(values["chaos_statuses"])
                for fault in values.get("queue", []):
                    self.faults.queue.append(Fault(**fault))
            return Reply(200, {"ok": True})
        raise HttpError(404, {"detail": "Not found."})

    def _send(self, handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        if reply.raw is not None:
            payload = reply.raw
            content_type = reply.headers.get("Content-Type", "application/octet-stream")
        elif reply.body is None:
            payload, content_type = b"", "application/json"
        else:
            payload, content_type = json.dumps(reply.body).encode(), "application/json"
        try:
            handler.send_response(reply.status)
            headers = {"Content-Type": content_type, **reply.headers}
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
            handler.wfile.flush()
        except (ConnectionError, OSError):
            handler.close_connection = True


# -- helpers for the fakes ------------------------------------------------------------------------

@dataclass
class Received:
    """A file that arrived: its size and content hash, and the name it was sent under."""

    size: int
    sha256: str
    filename: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def receive_raw(request: Request) -> Received:
    digest, size = hashlib.sha256(), 0
    for chunk in request.stream():
        digest.update(chunk)
        size += len(chunk)
    return Received(size, digest.hexdigest())


def receive_multipart(request: Request) -> Received | None:
    """Streams a multipart/form-data body; the file part is hashed, plain fields kept. None: no file part."""
    content_type = request.headers.get("content-type", "")
    match = re.search(r"boundary=\"?([^\";]+)\"?", content_type)
    if "multipart/form-data" not in content_type or not match:
        raise HttpError(415, {"detail": f'Unsupported media type "{content_type}" in request.'})
    delimiter = b"\r\n--" + match.group(1).encode()
    buffer = b"\r\n"
    stream = request.stream()
    result: Received | None = None
    fields: dict[str, str] = {}

    def fill() -> bool:
        nonlocal buffer
        chunk = next(stream, None)
        if chunk is None:
            return False
        buffer += chunk
        return True

    while delimiter not in buffer:  # the first boundary
        if not fill():
            raise HttpError(400, {"detail": "Multipart form parse error - Invalid boundary in multipart: None"})
    buffer = buffer[buffer.index(delimiter) + len(delimiter):]
    while True:
        while len(buffer) < 2 and fill():
            pass
        if buffer.startswith(b"--"):
            break
        while b"\r\n\r\n" not in buffer:
            if not fill():
                raise HttpError(400, {"detail": "Multipart form parse error."})
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        name = re.search(rb'name="([^"]*)"', head)
        filename = re.search(rb'filename="([^"]*)"', head)
        digest, size, value = hashlib.sha256(), 0, bytearray()
        while True:
            index = buffer.find(delimiter)
            if index >= 0:
                part, buffer = buffer[:index], buffer[index + len(delimiter):]
            else:
                keep = len(delimiter)
                part, buffer = buffer[:-keep], buffer[-keep:]
            if filename:
                digest.update(part)
                size += len(part)
            elif len(value) < 1 << 16:
                value += part
            if index >= 0:
                break
            if not fill():
                raise HttpError(400, {"detail": "Multipart form parse error."})
        field_name = name.group(1).decode() if name else ""
        if filename:
            result = Received(size, digest.hexdigest(), filename.group(1).decode("utf-8", "replace"))
            result.fields = fields
        else:
            fields[field_name] = value.decode("utf-8", "replace")
    for _ in stream:
        pass
    if result is None and fields:
        return Received(0, "", None, fields)
    return result


def main(service: FakeService, argv: list[str] | None = None, options: Callable[..., None] | None = None) -> None:
    """`python -m fakes.<id> --port N [--key K] [--chaos 0.3]`: serves until interrupted.

    `options(parser, None)` may add a fake's own switches; `options(None, args)` then applies them.
    """
    import argparse

    parser = argparse.ArgumentParser(prog=f"python -m fakes.{service.name}")
    if options is not None:
        options(parser, None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", default=None, help="the API key it accepts (default: test-key)")
    parser.add_argument("--chaos", type=float, default=0.0, help="share of requests answered 429 or 5xx")
    parser.add_argument("--processing-s", type=float, default=None, help="seconds a job takes")
    parser.add_argument("--upload-mbps", type=float, default=0.0, help="take uploads no faster (megabytes a second)")
    args = parser.parse_args(argv)
    if args.key:
        service.api_key = args.key
    if args.processing_s is not None and hasattr(service, "processing_s"):
        service.processing_s = args.processing_s
    service.chaos(args.chaos, retry_after="1")
    if options is not None:
        options(None, args)
    service.faults.read_bytes_per_s = args.upload_mbps * 1_000_000
    url = service.start(args.port)
    print(f"{service.name} fake listening on {url} (key: {service.api_key})", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        service.stop()
