"""Hits from several providers made comparable (relative to each provider's best), one threshold
and one order for all; provider options checked against their specs; paging of a fetched list."""

from __future__ import annotations

import pytest

from reelscope.domain.errors import ReelscopeError
from reelscope.domain.search import SCORE_METHOD, SearchHit, SearchPage, SearchQuery, rank_hits, select_hits
from reelscope.domain.search_options import (
    GROUP_BY,
    LOCAL_SEARCH_OPTIONS,
    OptionChoice,
    SearchOptionSpec,
    defaults_of,
    page_limit_spec,
    with_options,
)
from reelscope.domain.search_paging import page_locally


def hit(video: str, score: float | None, start: float = 0.0, added_at: float | None = None) -> SearchHit:
    return SearchHit(video_id=video, title=video, start_s=start, end_s=start + 2, score=score, added_at=added_at)


def page(provider: str, *hits: SearchHit) -> SearchPage:
    return SearchPage(query=SearchQuery(text="bear", provider=provider), hits=hits)


def test_scores_on_different_scales_become_comparable_per_provider():
    twelve = page("twelvelabs", hit("t1", 86.0), hit("t2", 43.0))
    eluvio = page("eluvio", hit("e1", 0.8), hit("e2", 0.6))
    ranked = rank_hits([twelve, eluvio])
    assert [(r.provider, r.hit.video_id, r.relevance) for r in ranked] == [
        ("twelvelabs", "t1", 1.0), ("eluvio", "e1", 1.0), ("eluvio", "e2", pytest.approx(0.75)),
        ("twelvelabs", "t2", 0.5)]
    assert all(r.hit.provider == r.provider for r in ranked)
    assert "best score" in SCORE_METHOD and "\n" not in SCORE_METHOD


def test_a_hit_without_a_score_comes_last_and_passes_only_a_zero_threshold():
    ranked = rank_hits([page("seeknetic", hit("a", None), hit("b", 0.5))])
    assert [r.hit.video_id for r in ranked] == ["b", "a"] and ranked[1].relevance is None
    assert [r.hit.video_id for r in select_hits(ranked)] == ["b", "a"]
    assert [r.hit.video_id for r in select_hits(ranked, threshold=0.1)] == ["b"]


def test_threshold_and_date_order_work_the_same_for_every_provider():
    ranked = rank_hits([
        page("local", hit("old", 0.9, added_at=100.0), hit("new", 0.3, added_at=300.0)),
        page("twelvelabs", hit("remote", 70.0), hit("mid", 63.0, added_at=200.0)),
    ])
    assert [r.hit.video_id for r in select_hits(ranked, threshold=0.5)] == ["old", "remote", "mid"]
    by_date = select_hits(ranked, order="date")
    assert [r.hit.video_id for r in by_date] == ["new", "mid", "old", "remote"]  # not in the library: last
    with pytest.raises(ValueError, match="score or date"):
        select_hits(ranked, order="size")


def test_options_are_checked_against_their_specs():
    specs = (
        SearchOptionSpec(key="search_options", label="Search in", kind="multi", minimum=1,
                         choices=(OptionChoice(value="visual", label="V"), OptionChoice(value="logo", label="L"))),
        page_limit_spec(10, 50),
        GROUP_BY,
        SearchOptionSpec(key="index_id", label="Index", kind="text"),
    )
    query = with_options(SearchQuery(text="bear", provider="twelvelabs"), specs,
                         {"search_options": ["logo"], "page_limit": "25", "group_by": "video", "index_id": "ix"})
    assert (query.page_limit, query.group_by, query.index_id) == (25, "video", "ix")
    assert query.options == {"search_options": ("logo",)} and query.grouped
    for wrong, words in (({"page_limit": 51}, "out of range"), ({"search_options": ["smell"]}, "smell not among"),
                         ({"search_options": []}, "at least 1"), ({"group_by": "year"}, "not one of"),
                         ({"top_k": 3}, "has no search option 'top_k'"), ({"page_limit": "ten"}, "whole number")):
        with pytest.raises(ValueError, match=words):
            with_options(query, specs, wrong)
    assert defaults_of(LOCAL_SEARCH_OPTIONS) == {"page_limit": 20, "group_by": "clip"}


def test_a_fetched_list_is_paged_by_moments_or_by_whole_clips():
    hits = tuple(hit(video, 1.0 - n / 10, start=n) for n, video in enumerate("aabacbcd"))
    flat = SearchQuery(text="x", provider="eluvio", page_limit=3)
    first = page_locally(flat, hits, None, prefix="el1")
    rest = page_locally(flat, hits, first.next_cursor, prefix="el1")
    assert (len(first.hits), first.total, rest.previous_cursor) == (3, 8, "el1.0")
    grouped = flat.model_copy(update={"group_by": "video", "page_limit": 2})
    pages = [page_locally(grouped, hits, None, prefix="el1")]
    while pages[-1].next_cursor:
        pages.append(page_locally(grouped, hits, pages[-1].next_cursor, prefix="el1"))
    assert [[h.video_id for h in p.hits] for p in pages] == [["a", "a", "a", "b", "b"], ["c", "c", "d"]]
    assert (pages[0].total, pages[0].total_inner_matches) == (4, 8)
    with pytest.raises(ReelscopeError, match="search again"):
        page_locally(flat, hits, "tl1.3.abc", prefix="el1")
