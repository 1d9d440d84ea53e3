"""Twelve Labs' HTTP calls: the first page of a search, any other page by its token, and thumbnails.

Search calls take turns, each starting at least `pacing_s` after the previous one was answered
(about one call a second per key, DESIGN.md §2; counted from the answer, as the service counted
the call before answering, so network delays cannot bunch two calls into one second): the user
never meets a 429. One that still comes (another program using the key) is retried after its
Retry-After by the transport. When X-Ratelimit-Remaining reaches 0 with a reset further away than
the pacing interval (a longer quota window), the next call waits for the reset. Thumbnails are
presigned links to storage: fetched by a second, unpaced client that sends no key, and a refusal
there means the link expired (LinkExpired: search again for fresh ones).
"""

from __future__ import annotations

import asyncio
import logging

from ...domain.errors import LinkExpired
from .._http import HttpClient, Reply, RetryPolicy
from . import wire

log = logging.getLogger(__name__)

HINTS = {
    400: "check the query and the search options",
    401: "check the Twelve Labs API key (Settings → Twelve Labs)",
    403: "check the Twelve Labs API key (Settings → Twelve Labs)",
    404: "check the index id (Settings → Twelve Labs, or --index)",
    429: "Twelve Labs allows about one search a second per key; another program may be using this key",
}
THUMBNAIL_RETRY = RetryPolicy(max_attempts=3, base_delay_s=0.2, max_delay_s=2.0)


class TwelveLabsClient:
    def __init__(self, http: HttpClient, media: HttpClient, *, pacing_s: float = 0.0) -> None:
        self.http = http
        self.media = media
        self.pacing_s = pacing_s
        self._turn = asyncio.Lock()
        self._next_call_at = float("-inf")  # monotonic
        self._blocked_until = 0.0  # wall time: a longer rate-limit window runs until then

    async def search(self, request: wire.SearchRequest) -> wire.ClipPage | wire.VideoPage:
        payload = request.model_dump(exclude_none=True)
        reply = await self._call("POST", "/search", json_body=payload, idempotent=True)
        return reply.model(wire.VideoPage if request.group_by == wire.GROUP_BY_VIDEO else wire.ClipPage)

    async def page(self, token: str, grouped: bool) -> wire.ClipPage | wire.VideoPage:
        """Another page by its token; a BadRequest (400) when the token expired or is unknown."""
        reply = await self._call("GET", f"/search/{token}")
        return reply.model(wire.VideoPage if grouped else wire.ClipPage)

    async def thumbnail(self, url: str) -> bytes:
        reply = await self.media.request(
            "GET", url, authenticated=False, ok=range(200, 500), retry=THUMBNAIL_RETRY, timeout_s=30.0
        )
        if reply.status in (400, 401, 403, 404, 410):
            raise LinkExpired(
                self.http.provider, "the Twelve Labs thumbnail link has expired", status=reply.status,
                hint="search again for fresh links (they last about an hour)",
            )
        if reply.status >= 300:
            raise LinkExpired(self.http.provider, "the Twelve Labs thumbnail could not be fetched", status=reply.status)
        return reply.content

    async def _call(self, method: str, path: str, **options) -> Reply:
        clock = self.http.clock
        async with self._turn:
            wait_s = max(self._next_call_at - clock.monotonic(), self._blocked_until - clock.wall())
            if wait_s > 0:
                await clock.sleep(wait_s)
            try:
                reply = await self.http.request(method, path, **options)
            finally:  # counted from the answer: the service counted the call before it answered
                self._next_call_at = clock.monotonic() + self.pacing_s
            self._note_rate_limit(reply)
            return reply

    def _note_rate_limit(self, reply: Reply) -> None:
        remaining, reset = reply.header("x-ratelimit-remaining"), reply.header("x-ratelimit-reset")
        log.debug("Twelve Labs rate limit: %s left, resets at %s", remaining, reset)
        try:
            if remaining is None or reset is None or int(float(remaining)) > 0:
                return
            wait_s = float(reset) - self.http.clock.wall()
        except ValueError:
            return
        if self.pacing_s < wait_s <= self.http.retry.max_retry_after_s:
            self._blocked_until = float(reset)
