"""Twelve Labs' search API (seed 003), field for field; unknown fields are ignored.

POST /search {query, index_id, search_options, page_limit (default 10, at most 50), group_by} answers
the first page; GET /search/{page-token} any other. A page: `search_pool`, `data` (moments, or with
group_by=video one entry per video {id, clips}), `page_info` (limit_per_page, total_results,
total_inner_matches when grouped, page_expired_at, next_page_token, prev_page_token: each absent
at the end or the start). From the vendor's docs (DESIGN.md §2), not the seed: errors are
{"code", "message"}; an expired or invalid page token is a 400; a 429 has code `too_many_requests`,
a Retry-After and X-Ratelimit-* headers; `thumbnail_url`s expire after an hour. The search options
offered are the ones of the seed's API generation (visual, conversation, text_in_video, logo).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

SEARCH_OPTIONS = ("visual", "conversation", "text_in_video", "logo")
CONFIDENCE_LEVELS = ("high", "medium", "low", "extremely_low")
DEFAULT_PAGE_LIMIT = 10
MAX_PAGE_LIMIT = 50
GROUP_BY_VIDEO = "video"
TOO_MANY_REQUESTS = "too_many_requests"


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class SearchRequest(Wire):
    query: str
    index_id: str
    search_options: list[str]
    page_limit: int | None = None
    group_by: str | None = None


class SearchPool(Wire):
    total_count: int | None = None
    total_duration: float | None = None
    index_id: str | None = None


class Metadata(Wire):
    type: str | None = None


class Clip(Wire):
    score: float | None = None
    start: float
    end: float
    video_id: str
    confidence: str | None = None
    thumbnail_url: str | None = None
    metadata: list[Metadata] = []


class VideoGroup(Wire):
    id: str
    clips: list[Clip] = []


class PageInfo(Wire):
    limit_per_page: int | None = None
    total_results: int | None = None
    total_inner_matches: int | None = None
    page_expired_at: str | None = None
    next_page_token: str | None = None
    prev_page_token: str | None = None


class ClipPage(Wire):
    search_pool: SearchPool | None = None
    data: list[Clip] = []
    page_info: PageInfo = PageInfo()


class VideoPage(Wire):
    search_pool: SearchPool | None = None
    data: list[VideoGroup] = []
    page_info: PageInfo = PageInfo()


class ErrorBody(Wire):
    code: str | None = None
    message: str | None = None
