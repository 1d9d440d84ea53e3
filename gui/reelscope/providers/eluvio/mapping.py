"""Eluvio's results as SearchHits: best source score, times from milliseconds or the "1m10.01s" form,
a title from the selected metadata, and a frame reference that holds no token (`eluvio:<image_url>`)."""

from __future__ import annotations

import re
from typing import Any

from ...domain.search import SearchHit
from .._redact import redact
from . import wire
from .client import strip_token

PROVIDER = "eluvio"
THUMBNAIL_SCHEME = "eluvio:"
_DURATION = re.compile(r"^\s*(?:(?P<h>\d+(?:\.\d+)?)h)?(?:(?P<m>\d+(?:\.\d+)?)m)?(?:(?P<s>\d+(?:\.\d+)?)s)?\s*$")


def seconds_of(text: str | None) -> float | None:
    """"1h40m0.00s", "1m10.01s", "0m46.01s" as seconds; None for anything else."""
    if not text:
        return None
    match = _DURATION.match(text)
    if not match or not any(match.group(part) for part in "hms"):
        return None
    return sum(float(match.group(part) or 0) * factor for part, factor in (("h", 3600), ("m", 60), ("s", 1)))


def score_of(content: wire.Content) -> float | None:
    """The best score of the result's sources (the seed: "effectively the highest score")."""
    scores = [source.score for source in content.sources if source.score is not None]
    return max(scores) if scores else content.score


def title_of(content: wire.Content) -> str:
    public = _get(content.meta, "public")
    asset = _get(public, "asset_metadata")
    for value in (_get(asset, "title"), _get(asset, "display_title"), _get(public, "name")):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return content.id


def times_of(content: wire.Content) -> tuple[float, float]:
    start = content.start_time / 1000.0 if content.start_time is not None else seconds_of(content.start)
    end = content.end_time / 1000.0 if content.end_time is not None else seconds_of(content.end)
    start = max(0.0, start or 0.0)
    return start, max(start, end if end is not None else start)


def thumbnail_reference(content: wire.Content) -> str | None:
    return THUMBNAIL_SCHEME + strip_token(content.image_url) if content.image_url else None


def hit(content: wire.Content) -> SearchHit:
    start, end = times_of(content)
    return SearchHit(
        video_id=content.id, title=title_of(content), start_s=start, end_s=end, score=score_of(content),
        thumbnail_url=thumbnail_reference(content), provider=PROVIDER,
    )


def hits(results: wire.SearchResults) -> tuple[SearchHit, ...]:
    """Best first (the service does not sort), each result once."""
    mapped = [hit(content) for content in results.contents]
    return tuple(sorted(mapped, key=lambda h: -(h.score if h.score is not None else float("-inf"))))


def warnings_of(results: wire.SearchResults) -> tuple[str, ...]:
    return tuple(redact(w if isinstance(w, str) else str(w)) for w in results.warnings if w)


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None
