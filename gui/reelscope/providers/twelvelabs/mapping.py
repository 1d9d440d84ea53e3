"""Twelve Labs' pages as SearchPages: moments as hits (a video group's clips in order), page tokens
inside opaque cursors that also carry the page's number, so an expired token can be walked back to."""

from __future__ import annotations

from ...domain.errors import ReelscopeError
from ...domain.search import SearchHit, SearchPage, SearchQuery
from . import wire

PROVIDER = "twelvelabs"
CURSOR_PREFIX = "tl1"


def cursor(page_number: int, token: str) -> str:
    return f"{CURSOR_PREFIX}.{page_number}.{token}"


def parse_cursor(value: str) -> tuple[int, str]:
    """(page number, page token) of a cursor this provider made."""
    prefix, _, rest = value.partition(".")
    number, _, token = rest.partition(".")
    if prefix != CURSOR_PREFIX or not number.isdigit() or not token:
        raise ReelscopeError(f"{PROVIDER}: not a page of a Twelve Labs search ({value[:40]!r}); search again")
    return int(number), token


def hit(clip: wire.Clip) -> SearchHit:
    return SearchHit(
        video_id=clip.video_id,
        title=clip.video_id,  # the search API names no title; the library's, when it has the clip
        start_s=max(0.0, clip.start),
        end_s=max(clip.start, clip.end),
        score=clip.score,
        confidence=clip.confidence,
        thumbnail_url=clip.thumbnail_url,
        provider=PROVIDER,
    )


def page(query: SearchQuery, answer: wire.ClipPage | wire.VideoPage, page_number: int) -> SearchPage:
    if isinstance(answer, wire.VideoPage):
        hits = tuple(hit(clip) for group in answer.data for clip in group.clips)
    else:
        hits = tuple(hit(clip) for clip in answer.data)
    info = answer.page_info
    return SearchPage(
        query=query,
        hits=hits,
        total=info.total_results,
        total_inner_matches=info.total_inner_matches,
        next_cursor=cursor(page_number + 1, info.next_page_token) if info.next_page_token else None,
        previous_cursor=(
            cursor(page_number - 1, info.prev_page_token) if info.prev_page_token and page_number > 0 else None
        ),
    )


def past_the_end(query: SearchQuery, answer: wire.ClipPage | wire.VideoPage, last_number: int) -> SearchPage:
    """A page asked for that no longer exists (the index shrank): empty, leading back to the last one."""
    last = page(query, answer, last_number)
    return last.model_copy(update={"hits": (), "next_cursor": None, "previous_cursor": None})
