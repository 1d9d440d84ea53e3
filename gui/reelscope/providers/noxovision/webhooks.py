"""A local receiver for Noxovision's webhooks, used only when the user configured a public URL.

Each delivery is checked: `X-Webhook-Signature` must be the HMAC-SHA256 of the raw body with the
shared secret (hex, optionally prefixed 'sha256='), compared in constant time. A bad or missing
signature is refused with 401 and the payload is dropped; a good one resolves whoever waits for
that job. Polling stays on (slower) beside it, so a lost webhook never loses a job.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 << 20
MAX_HEADER_BYTES = 16 << 10
READ_TIMEOUT_S = 30.0


def signature_for(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_is_valid(secret: str, body: bytes, header: str | None) -> bool:
    if not header:
        return False
    given = header.strip()
    if given.lower().startswith("sha256="):
        given = given[len("sha256="):]
    return hmac.compare_digest(signature_for(secret, body).encode(), given.lower().encode())


@dataclass
class Delivery:
    job_id: str
    payload: dict


class WebhookReceiver:
    def __init__(self, secret: str, host: str = "127.0.0.1", port: int = 8765) -> None:
        if not secret:
            raise ValueError("a webhook receiver needs a secret")
        self._secret = secret
        self.host = host
        self.port = port
        self._server: asyncio.base_events.Server | None = None
        self._waiters: dict[str, list[asyncio.Future[dict]]] = {}
        self._early: dict[str, dict] = {}
        self.accepted = 0
        self.refused = 0

    async def start(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._serve, self.host, self.port)
            self.port = self._server.sockets[0].getsockname()[1]

    async def aclose(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            await server.wait_closed()
        for waiters in self._waiters.values():
            for waiter in waiters:
                waiter.cancel()
        self._waiters.clear()

    async def wait_for(self, job_id: str) -> dict:
        """The final payload of job_id, once a correctly signed delivery brings it."""
        if job_id in self._early:
            return self._early.pop(job_id)
        waiter: asyncio.Future[dict] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(job_id, []).append(waiter)
        try:
            return await waiter
        finally:
            waiters = self._waiters.get(job_id, [])
            if waiter in waiters:
                waiters.remove(waiter)
            if not waiters:
                self._waiters.pop(job_id, None)

    def deliver(self, body: bytes, signature: str | None) -> int:
        """Checks and hands on one delivery; returns the HTTP status to answer with."""
        if not signature_is_valid(self._secret, body, signature):
            self.refused += 1
            log.warning("refused a Noxovision webhook with a %s signature", "bad" if signature else "missing")
            return 401
        try:
            payload = json.loads(body)
            job_id = str(payload["job_id"])
        except (ValueError, KeyError, TypeError):
            self.refused += 1
            return 400
        self.accepted += 1
        waiters = self._waiters.pop(job_id, [])
        if not waiters:
            self._early[job_id] = payload
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(payload)
        return 204

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        status = 400
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT_S)
            if len(head) > MAX_HEADER_BYTES:
                raise ValueError("headers too large")
            lines = head.decode("latin-1").split("\r\n")
            method = lines[0].split(" ", 1)[0].upper()
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if method != "POST":
                status = 405
            elif length > MAX_BODY_BYTES:
                status = 413
            else:
                body = await asyncio.wait_for(reader.readexactly(length), READ_TIMEOUT_S)
                status = self.deliver(body, headers.get("x-webhook-signature"))
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            status = 400
        finally:
            reason = {204: "No Content", 400: "Bad Request", 401: "Unauthorized", 405: "Method Not Allowed",
                      413: "Payload Too Large"}[status]
            try:
                writer.write(f"HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
                await writer.drain()
                writer.close()
            except (ConnectionError, RuntimeError):
                pass
