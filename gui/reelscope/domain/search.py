"""Search results (DESIGN.md §4, schema reelscope.search/1)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Frozen

SEARCH_SCHEMA = "reelscope.search/1"


class SearchHit(Frozen):
    video_id: str
    title: str
    local_path: str | None = None
    start_s: float
    end_s: float
    score: float | None = None
    confidence: str | None = None
    thumbnail_url: str | None = None
    snippet: str | None = None
    kind: str | None = None
    """What matched: title, ocr, person, music, tag or section."""
    provider: str | None = None
    """Whose analysis the moment comes from (empty for the clip's own title)."""
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


class SearchPage(Frozen):
    """One page of a provider's answer; the cursors are opaque and move to the next or previous page."""

    query: SearchQuery
    hits: tuple[SearchHit, ...] = ()
    total: int | None = None
    next_cursor: str | None = None
    previous_cursor: str | None = None

    def to_result(self, hits: tuple[SearchHit, ...] | None = None) -> SearchResult:
        """The reelscope.search/1 document for these hits (this page's unless others are given)."""
        hits = self.hits if hits is None else hits
        return SearchResult(
            provider=self.query.provider,
            query=self.query.text,
            total=self.total,
            hits=hits,
            groups=group_by_video(hits) if self.query.group_by else None,
        )
