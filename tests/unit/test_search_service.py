from __future__ import annotations

import pytest

from fakes.analyses import make_analysis, make_video
from reelscope.domain.errors import ReelscopeError
from reelscope.domain.search import SearchQuery
from reelscope.domain.search_options import LOCAL_SEARCH_OPTIONS
from reelscope.library.storage import Storage
from reelscope.services.search import LocalSearch, SearchService
from reelscope.services.search_links import SearchLinker


@pytest.fixture
def service(tmp_path):
    storage = Storage.open(tmp_path / "data")
    catalogue = storage.catalogue
    storage.database.call(
        catalogue.save_analysis, make_analysis(make_video("harbour.mp4"), ocr=("boats at dawn", "boats at dusk"))
    )
    storage.database.call(catalogue.save_analysis, make_analysis(make_video("quay.mp4"), ocr=("fishing boats",)))
    yield SearchService({"local": LocalSearch(storage)}, SearchLinker(storage))
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


def test_each_moment_moves_only_when_grouped_by_video(service, run_async):
    assert run_async(service.search(SearchQuery(text="boats", group_by="clip"))).to_result().groups is None


def test_hits_are_labelled_by_provider_and_dated_by_when_their_clip_joined(service, run_async):
    hits = run_async(service.search(SearchQuery(text="boats"))).hits
    assert hits and all(h.provider == "local" and h.added_at and h.local_path for h in hits)


def test_local_options_and_thumbnails(service, run_async):
    assert run_async(service.search_options("local")) == LOCAL_SEARCH_OPTIONS
    assert not service.fetches_thumbnails("local"), "the library's thumbnails are files, not fetched"
    assert not service.fetches_thumbnails("nowhere")
