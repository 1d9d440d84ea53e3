from __future__ import annotations

import pytest

from fakes.analyses import make_analysis, make_video
from reelscope.domain.errors import ReelscopeError
from reelscope.domain.search import SearchQuery
from reelscope.library.storage import Storage
from reelscope.services.search import LocalSearch, SearchService


@pytest.fixture
def service(tmp_path):
    storage = Storage.open(tmp_path / "data")
    catalogue = storage.catalogue
    storage.database.call(
        catalogue.save_analysis, make_analysis(make_video("harbour.mp4"), ocr=("boats at dawn", "boats at dusk"))
    )
    storage.database.call(catalogue.save_analysis, make_analysis(make_video("quay.mp4"), ocr=("fishing boats",)))
    yield SearchService({"local": LocalSearch(storage)})
    storage.close()


def test_pages_follow_the_cursor_to_the_end(service, run_async):
    query = SearchQuery(text="boat", page_limit=2)
    first = run_async(service.search(query))
    assert (first.query, first.total, len(first.hits)) == (query, 3, 2)
    assert first.previous_cursor is None and first.next_cursor
    rest = run_async(service.search(query, first.next_cursor))
    assert len(rest.hits) == 1 and rest.next_cursor is None
    assert run_async(service.search(query, rest.previous_cursor)).hits == first.hits
    assert {h.snippet for h in first.hits + rest.hits} == {"boats at dawn", "boats at dusk", "fishing boats"}


def test_search_all_walks_every_page_once(service, run_async):
    everything = run_async(service.search_all(SearchQuery(text="boat", page_limit=1)))
    assert len(everything.hits) == 3 and len(set(everything.hits)) == 3


def test_group_by_video(service, run_async):
    result = run_async(service.search(SearchQuery(text="boats", group_by="video"))).to_result()
    assert sorted((g.title, len(g.hits)) for g in result.groups) == [("harbour", 2), ("quay", 1)]
    assert result.to_json().startswith('{"schema":"reelscope.search/1"')


def test_odd_queries_give_empty_results(service, run_async):
    assert run_async(service.search(SearchQuery(text='"'))).total == 0
    assert run_async(service.search(SearchQuery(text=""))).hits == ()


def test_a_foreign_cursor_is_a_clear_error(service, run_async):
    with pytest.raises(ReelscopeError, match="search again"):
        run_async(service.search(SearchQuery(text="boats"), "not-a-page"))


def test_unconfigured_providers_are_a_clear_error(service, run_async):
    with pytest.raises(ReelscopeError, match="available: local"):
        run_async(service.search(SearchQuery(text="boats", provider="twelvelabs")))
