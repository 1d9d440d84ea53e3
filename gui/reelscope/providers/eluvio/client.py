"""Eluvio's HTTP calls: the vector search GET and frame images, the token as the `authorization`
query parameter (the API takes no header), which the transport keeps out of every log and error.

The vendor's paging is buggy (its own sample fetches everything), so `search_all` asks for all
results up to max_total in one call; should the service still answer fewer than it says it found,
it asks on, from the number of distinct results received and as many as the first call gave,
keeping each result once (a page that starts early only repeats results, which are dropped).
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ...domain.errors import ServiceFault
from .._http import HttpClient, Reply
from . import wire

log = logging.getLogger(__name__)

HINTS = {
    400: "check the search terms and options",
    401: "the Eluvio token was refused: tokens are short-lived; enter a fresh one in Settings → Eluvio",
    403: "the Eluvio token does not give access to this index; check the token and the index id",
    404: "check the index id (iq__…) in Settings → Eluvio, or --index",
}
MAX_CALLS = 20
TOKEN_PARAM = "authorization"


def result_key(content: wire.Content) -> tuple:
    return (content.id, content.start_time, content.end_time, content.start, content.end)


class EluvioClient:
    def __init__(self, http: HttpClient) -> None:
        self.http = http

    async def search(
        self, index_id: str, terms: str, *, start: int, limit: int, max_total: int, clips: bool,
        select: str = wire.SELECT,
    ) -> wire.SearchResults:
        params = {
            "terms": terms, "start": str(start), "limit": str(limit), "max_total": str(max_total),
            "select": select, "clips": "true" if clips else "false",
        }
        reply = await self.http.request("GET", f"/q/{index_id}/rep/search", params=params)
        _require_json(reply)
        return reply.model(wire.SearchResults)

    async def search_all(self, index_id: str, terms: str, *, max_total: int, clips: bool) -> wire.SearchResults:
        """Every result up to max_total, each once (paging done by asking for everything)."""
        first = await self.search(index_id, terms, start=0, limit=max_total, max_total=max_total, clips=clips)
        found: dict[tuple, wire.Content] = {}
        _keep(found, first.contents)
        warnings = list(first.warnings)
        expected = _expected(first, clips, max_total)
        calls = 1
        step = max(1, len(first.contents))  # what the service gives in one call at most, it seems
        while len(found) < expected and calls < MAX_CALLS:
            before = len(found)
            more = await self.search(
                index_id, terms, start=before, limit=min(step, max_total - before), max_total=max_total, clips=clips
            )
            calls += 1
            _keep(found, more.contents)
            warnings += [w for w in more.warnings if w not in warnings]
            if len(found) == before:
                log.info("Eluvio stopped giving new results at %d of %d", before, expected)
                break
        return first.model_copy(update={"contents": list(found.values()), "warnings": warnings})

    async def image(self, path: str) -> bytes:
        """A frame (an `image_url` as the search gave it, without any token); the token is added here."""
        parts = urlsplit(path)  # its own query kept as parameters: the token joins them
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        reply = await self.http.request("GET", urlunsplit(parts._replace(query="")), params=params, timeout_s=30.0)
        return reply.content


def strip_token(url: str) -> str:
    """The URL without an `authorization` parameter, should the service ever put one in."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() != TOKEN_PARAM]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _keep(found: dict[tuple, wire.Content], contents: list[wire.Content]) -> None:
    for content in contents:
        key = result_key(content)
        kept = found.get(key)
        if kept is None or _best(content) > _best(kept):
            found[key] = content


def _best(content: wire.Content) -> float:
    scores = [s.score for s in content.sources if s.score is not None]
    return max(scores) if scores else (content.score if content.score is not None else float("-inf"))


def _expected(results: wire.SearchResults, clips: bool, max_total: int) -> int:
    """How many distinct results the service says it found (never more than asked for)."""
    pagination = results.pagination
    if pagination is None:
        return len(results.contents)
    total = pagination.total_clips if clips and pagination.total_clips is not None else pagination.total
    return min(max_total, total if total is not None else len(results.contents))


def _require_json(reply: Reply) -> None:
    content_type = (reply.header("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json" and "html" not in content_type:  # HTML has its own message
        raise ServiceFault(
            reply.provider, f"Eluvio answered {content_type or 'something'} instead of JSON",
            status=reply.status, hint="try again later; check the base URL in Settings → Eluvio",
        )
