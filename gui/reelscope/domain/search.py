"""Search results (schema reelscope.search/1, docs/architecture.md), and hits from several providers
made comparable: scores relative to each provider's best hit, one threshold and one order for all."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import Field

from .base import Frozen

SEARCH_SCHEMA = "reelscope.search/1"


class SearchHit(Frozen):
    video_id: str
    """The provider's id of the video (the catalogue's id for local hits)."""
    title: str
    local_path: str | None = None
    """The clip's file when it is in the library (cloud hits: matched through the provider's asset record)."""
    local_video_id: str | None = None
    """The library's id of that clip (what opens it), set with local_path."""
    start_s: float
    end_s: float
    score: float | None = None
    """The provider's own score, on its own scale (see `rank_hits` to compare providers)."""
    confidence: str | None = None
    thumbnail_url: str | None = None
    """A file path, an http(s) URL, or a provider reference such as `eluvio:/q/...` that only its
    provider's `fetch_thumbnail` can fetch (it never holds a key or token)."""
    snippet: str | None = None
    kind: str | None = None
    """What matched: title, ocr, person, music, tag or section."""
    provider: str | None = None
    """Whose analysis or search the moment comes from (empty for a clip's own title)."""
    added_at: float | None = None
    """When the clip joined the library (epoch seconds); None for a clip that is not in it."""
    highlights: tuple[tuple[int, int], ...] = ()
    """[start, end) character ranges of the snippet that match the query."""


class SearchGroup(Frozen):
    video_id: str
    title: str
    hits: tuple[SearchHit, ...]


class SearchResult(Frozen):
    schema_id: Literal["reelscope.search/1"] = Field(default=SEARCH_SCHEMA, alias="schema")
    provider: str
    query: str
    total: int | None = None
    hits: tuple[SearchHit, ...] = ()
    groups: tuple[SearchGroup, ...] | None = None


def group_by_video(hits: tuple[SearchHit, ...] | list[SearchHit]) -> tuple[SearchGroup, ...]:
    """Groups hits by clip, keeping the order in which each clip first appears."""
    order: dict[str, list[SearchHit]] = {}
    for hit in hits:
        order.setdefault(hit.video_id, []).append(hit)
    return tuple(
        SearchGroup(video_id=video_id, title=group[0].title, hits=tuple(group))
        for video_id, group in order.items()
    )


GroupBy = Literal["video", "clip"]
"""As Twelve Labs' `group_by`: `video` groups a clip's moments together; `clip` lists each moment."""


ORDER_SCORE = "score"
ORDER_DATE = "date"


class SearchQuery(Frozen):
    """What the user asked one provider for; `options` are that provider's own search options.

    The local catalogue's options: `person` (a person id: moments where they are on screen),
    `from_provider` (whose analyses), `video_id` (one clip), `min_score` (0..1, relative to the
    best match) and `order` (ORDER_SCORE, or ORDER_DATE: newest clips first).
    """

    text: str
    provider: str = "local"
    index_id: str | None = None
    collection_id: str | None = None
    page_limit: int = 20
    group_by: GroupBy | None = None
    options: dict[str, str | int | float | bool | tuple[str, ...]] = {}

    @property
    def grouped(self) -> bool:
        return self.group_by == "video"


class SearchPage(Frozen):
    """One page of a provider's answer; the cursors are opaque and move to the next or previous page."""

    query: SearchQuery
    hits: tuple[SearchHit, ...] = ()
    total: int | None = None
    """As the provider counts: moments, or clips when grouped by video (Twelve Labs)."""
    total_inner_matches: int | None = None
    """When grouped by video: how many moments those clips hold in all (Twelve Labs)."""
    next_cursor: str | None = None
    previous_cursor: str | None = None
    warnings: tuple[str, ...] = ()
    """What the service said about the query without refusing it (Eluvio's `warnings`)."""

    def to_result(self, hits: tuple[SearchHit, ...] | None = None) -> SearchResult:
        """The reelscope.search/1 document for these hits (this page's unless others are given)."""
        hits = self.hits if hits is None else hits
        return SearchResult(
            provider=self.query.provider,
            query=self.query.text,
            total=self.total,
            hits=hits,
            groups=group_by_video(hits) if self.query.grouped else None,
        )


# -- several providers at once ----------------------------------------------------------------------

SCORE_METHOD = (
    "Scores are made comparable per provider: each hit's score is divided by the best score that "
    "provider gave for this search, so 100% is each provider's best match."
)
"""The one-line description of `rank_hits`, for a tooltip."""

HitOrder = Literal["score", "date"]


class RankedHit(Frozen):
    hit: SearchHit
    provider: str
    relevance: float | None
    """0..1: the hit's score over its provider's best score in the same search; None without a score."""


def rank_hits(pages: Iterable[SearchPage]) -> tuple[RankedHit, ...]:
    """Every hit of these pages (of one or several providers), labelled by provider and best first.

    Each provider's scores become relative to that provider's best hit (SCORE_METHOD), so a hit of
    0.8 on a 0-1 scale and one of 80 on a 0-100 scale compare as what they are to their own service.
    Equal relevance keeps each provider's own order, taking turns between providers.
    """
    per_provider: dict[str, list[SearchHit]] = {}
    for page in pages:
        for hit in page.hits:
            provider = hit.provider or page.query.provider
            per_provider.setdefault(provider, []).append(hit)
    ranked: list[tuple[tuple, RankedHit]] = []
    for provider_order, (provider, hits) in enumerate(per_provider.items()):
        scores = [hit.score for hit in hits if hit.score is not None]
        best = max(scores) if scores else None
        for position, hit in enumerate(hits):
            relevance = _relative(hit.score, best)
            labelled = hit if hit.provider == provider else hit.model_copy(update={"provider": provider})
            key = (1.0 if relevance is None else -relevance, position, provider_order)
            ranked.append((key, RankedHit(hit=labelled, provider=provider, relevance=relevance)))
    ranked.sort(key=lambda item: item[0])
    return tuple(item for _, item in ranked)


def select_hits(
    ranked: Iterable[RankedHit], *, threshold: float = 0.0, order: HitOrder = "score"
) -> tuple[RankedHit, ...]:
    """The hits at or above a relevance threshold (0..1), by relevance or by date (newest clip first).

    A hit without a score passes only a threshold of 0; by date, clips not in the library come last.
    """
    kept = [r for r in ranked if threshold <= 0 or (r.relevance is not None and r.relevance >= threshold)]
    if order == "date":
        kept.sort(key=lambda r: (r.hit.added_at is None, -(r.hit.added_at or 0.0)))
    elif order != "score":
        raise ValueError(f"unknown order {order!r}: score or date")
    return tuple(kept)


def group_ranked(ranked: Iterable[RankedHit]) -> tuple[tuple[str, str, tuple[RankedHit, ...]], ...]:
    """(provider, video_id, hits) per clip, in the order each clip first appears."""
    groups: dict[tuple[str, str], list[RankedHit]] = {}
    for item in ranked:
        groups.setdefault((item.provider, item.hit.video_id), []).append(item)
    return tuple((provider, video_id, tuple(items)) for (provider, video_id), items in groups.items())


def _relative(score: float | None, best: float | None) -> float | None:
    if score is None or best is None or best <= 0:
        return None
    return min(1.0, max(0.0, score / best))
