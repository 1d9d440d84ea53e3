"""Eluvio's vector search (seed 004), field for field; unknown fields are ignored.

GET <base>/q/{iq}/rep/search with query parameters terms, start, limit, max_total, select, clips
(true: clips, else shots) and authorization (the token: the API takes no header). The answer:
`pagination` {max_total, start, limit, total (shots), total_clips (with clips=true)}, `contents`,
`warnings`, `debug`, `stats`. A content entry: id, hash, qlib_id, type, url (playout), image_url (a
frame, relative to the fabric: loaded with the token), start/end ("1m10.01s"), start_time/end_time
(ms), meta (as `select` asked), source_count, sources [{prefix, fields, score}]: the entry's score is
the best of its sources. The seed's own sample notes that paging is buggy and fetches everything.
Errors are not described beyond "status not 200, or not application/json"; the fabric's error body
`{"errors": [{"kind", "reason"}]}` is assumed.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

SELECT = "/public/asset_metadata/title,/public/name,public/asset_metadata/display_title"
"""The seed's "typically set to", verbatim (the last path has no leading slash there too)."""


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class Pagination(Wire):
    max_total: int | None = None
    start: int | None = None
    limit: int | None = None
    total: int | None = None
    total_clips: int | None = None


class Source(Wire):
    prefix: str | None = None
    fields: dict[str, Any] | None = None
    score: float | None = None


class Content(Wire):
    id: str
    hash: str | None = None
    qlib_id: str | None = None
    type: str | None = None
    url: str | None = None
    image_url: str | None = None
    start: str | None = None
    end: str | None = None
    start_time: float | None = None
    end_time: float | None = None
    meta: dict[str, Any] | None = None
    source_count: int | None = None
    sources: list[Source] = []
    score: float | None = None


class SearchResults(Wire):
    pagination: Pagination | None = None
    contents: list[Content] = []
    warnings: list[Any] = []
    debug: Any = None
    stats: Any = None
