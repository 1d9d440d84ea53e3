"""MultiSearch: several providers paged independently, merged by relative score, errors per provider."""

from __future__ import annotations

import asyncio

import pytest

from fakes.loops import run_on_own_loop
from reelscope.domain.errors import RateLimited
from reelscope.domain.search import SearchHit, SearchPage, SearchQuery
from reelscope.services.search import SearchService
from reelscope.services.search_multi import MultiSearch


class Listed:
    """A provider answering pages of a fixed list of hits; `fail` makes its next call raise."""

    def __init__(self, provider: str, scores: list[float], page: int, link_generation: int = 0) -> None:
        self.id = provider
        self.scores = scores
        self.page = page
        self.calls: list[str | None] = []
        self.fail: Exception | None = None
        self.generation = link_generation

    async def search(self, query: SearchQuery, cursor: str | None = None) -> SearchPage:
        self.calls.append(cursor)
        await asyncio.sleep(0)
        if self.fail is not None:
            raise self.fail
        start = int(cursor or 0)
        hits = tuple(
            SearchHit(video_id=f"{self.id}-v{n}", title=f"{self.id} {n}", start_s=n, end_s=n + 1, score=score,
                      thumbnail_url=f"https://img.test/{self.id}/{n}?gen={self.generation}")
            for n, score in list(enumerate(self.scores))[start:start + self.page]
        )
        end = start + len(hits)
        return SearchPage(query=query, hits=hits, total=len(self.scores),
                          next_cursor=str(end) if end < len(self.scores) else None, warnings=("careful",))

    async def refresh_thumbnails(self, query: SearchQuery, cursor: str | None = None) -> SearchPage:
        self.generation += 1
        return await self.search(query, cursor)


def run(coroutine):
    return run_on_own_loop(coroutine)   # the session's Qt loop may be marked running in this thread


def test_pages_are_merged_by_relative_score_and_each_provider_pages_on_its_own():
    local = Listed("local", [0.9, 0.45, 0.3], page=2)
    cloud = Listed("twelvelabs", [80, 72, 60, 40, 20], page=3)
    service = SearchService({"local": local, "twelvelabs": cloud})
    search = MultiSearch(service, [SearchQuery(text="x"), SearchQuery(text="x", provider="twelvelabs")])

    async def browse():
        return await search.next_page(), await search.next_page(), await search.next_page()

    first, second, third = run(browse())
    assert [(r.provider, round(r.relevance, 2)) for r in first.hits] == [
        ("local", 1.0), ("twelvelabs", 1.0), ("twelvelabs", 0.9), ("twelvelabs", 0.75), ("local", 0.5)]
    assert {r.hit.provider for r in first.hits} == {"local", "twelvelabs"}
    assert [(r.provider, round(r.relevance, 2)) for r in second.hits] == [("twelvelabs", 0.5), ("local", 0.33),
                                                                          ("twelvelabs", 0.25)]
    assert local.calls == [None, "2"] and cloud.calls == [None, "3"]
    assert not second.has_more and third.hits == () and len(cloud.calls) == 2
    assert {t.provider: t.total for t in first.tallies} == {"local": 3, "twelvelabs": 5}


def test_one_threshold_and_the_date_order_hold_for_every_provider():
    local = Listed("local", [1.0, 0.2], page=5)
    cloud = Listed("twelvelabs", [90, 45, 9], page=5)
    service = SearchService({"local": local, "twelvelabs": cloud})
    search = MultiSearch(service, [SearchQuery(text="x"), SearchQuery(text="x", provider="twelvelabs")],
                         threshold=0.5)
    page = run(search.next_page())
    assert [(r.provider, r.relevance) for r in page.hits] == [("local", 1.0), ("twelvelabs", 1.0),
                                                              ("twelvelabs", 0.5)]


def test_a_provider_whose_page_falls_below_the_threshold_is_asked_no_more():
    cloud = Listed("twelvelabs", [90, 80, 40, 30, 20, 10], page=2)
    service = SearchService({"twelvelabs": cloud})
    search = MultiSearch(service, [SearchQuery(text="x", provider="twelvelabs")], threshold=0.6)

    async def browse():
        return [await search.next_page() for _ in range(3)]

    pages = run(browse())
    assert [len(page.hits) for page in pages] == [2, 0, 0]
    assert cloud.calls == [None, "2"] and not pages[1].has_more, "its pages come best first: the rest is lower"


def test_a_failing_provider_is_named_and_the_others_hits_still_come():
    local = Listed("local", [0.9, 0.5], page=1)
    cloud = Listed("twelvelabs", [80], page=1)
    cloud.fail = RateLimited("twelvelabs", "too many requests, key tlk-secret-123 used", status=429)
    from reelscope.providers._redact import register_secret
    register_secret("tlk-secret-123")
    service = SearchService({"local": local, "twelvelabs": cloud})
    search = MultiSearch(service, [SearchQuery(text="x"), SearchQuery(text="x", provider="twelvelabs")])
    first = run(search.next_page())
    assert [r.provider for r in first.hits] == ["local"]
    failed = {t.provider: t.error for t in first.tallies}
    assert "429" in failed["twelvelabs"] and "tlk-secret-123" not in failed["twelvelabs"]
    assert failed["local"] is None and first.has_more
    run(search.next_page())
    assert cloud.calls == [None], "a provider that failed is asked no more in this search"


def test_expired_links_are_renewed_once_per_page_however_many_tiles_ask():
    cloud = Listed("twelvelabs", [80, 70, 60, 50], page=2)
    service = SearchService({"twelvelabs": cloud})
    search = MultiSearch(service, [SearchQuery(text="x", provider="twelvelabs")])

    async def browse():
        first = await search.next_page()
        await search.next_page()
        links = [r.hit.thumbnail_url for r in first.hits]
        answers = await asyncio.gather(*(search.refresh_thumbnails(link) for link in links))
        return links, answers

    links, answers = run(browse())
    assert cloud.calls == [None, "2", None], "one repeat of the first page's search"
    for link, answer in zip(links, answers):
        assert answer[link] == link.replace("gen=0", "gen=1")
    assert run(search.refresh_thumbnails(links[0])) == {}, "an old link of a renewed page asks nothing more"
    renewed = links[0].replace("gen=0", "gen=1")
    assert run(search.refresh_thumbnails(renewed)) == {} and len(cloud.calls) == 3, \
        "links of a page renewed a moment ago are not renewed again (no loop on a service giving dead links)"


def test_no_provider_is_refused():
    with pytest.raises(Exception, match="at least one"):
        MultiSearch(SearchService({}), [])
