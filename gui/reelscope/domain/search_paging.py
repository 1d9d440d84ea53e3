"""Paging, by the application, of a search fetched whole (Eluvio, Seeknetic): offset cursors over a
list of hits, by moments, or by clips when grouped (a clip's moments together, best clip first)."""

from __future__ import annotations

from .errors import ReelscopeError
from .search import SearchHit, SearchPage, SearchQuery


def hits_by_clip(hits: tuple[SearchHit, ...]) -> list[tuple[SearchHit, ...]]:
    """The hits gathered per clip, each clip where its first (best) hit stands."""
    groups: dict[str, list[SearchHit]] = {}
    for hit in hits:
        groups.setdefault(hit.video_id, []).append(hit)
    return [tuple(group) for group in groups.values()]


def page_locally(
    query: SearchQuery, hits: tuple[SearchHit, ...], cursor: str | None, *, prefix: str,
    warnings: tuple[str, ...] = (),
) -> SearchPage:
    """One page of hits already fetched; the cursor is `<prefix>.<offset>` (in clips when grouped)."""
    offset = parse_offset(cursor, prefix, query.provider)
    limit = max(1, query.page_limit)
    units: list[tuple[SearchHit, ...]] = hits_by_clip(hits) if query.grouped else [(hit,) for hit in hits]
    chosen = units[offset:offset + limit]
    end = offset + len(chosen)
    return SearchPage(
        query=query,
        hits=tuple(hit for unit in chosen for hit in unit),
        total=len(units),
        total_inner_matches=len(hits) if query.grouped else None,
        next_cursor=f"{prefix}.{end}" if end < len(units) else None,
        previous_cursor=f"{prefix}.{max(0, offset - limit)}" if offset > 0 else None,
        warnings=warnings,
    )


def parse_offset(cursor: str | None, prefix: str, provider: str) -> int:
    if cursor is None:
        return 0
    head, _, number = cursor.partition(".")
    if head != prefix or not number.isdigit():
        raise ReelscopeError(f"{provider}: not a page of this search ({cursor[:40]!r}); search again")
    return int(number)
