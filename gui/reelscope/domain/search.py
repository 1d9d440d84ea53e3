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

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True)


def group_by_video(hits: tuple[SearchHit, ...] | list[SearchHit]) -> tuple[SearchGroup, ...]:
    """Groups hits by clip, keeping the order in which each clip first appears."""
    order: dict[str, list[SearchHit]] = {}
    for hit in hits:
        order.setdefault(hit.video_id, []).append(hit)
    return tuple(
        SearchGroup(video_id=video_id, title=group[0].title, hits=tuple(group))
        for video_id, group in order.items()
    )
