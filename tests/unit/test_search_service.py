from __future__ import annotations

import pytest

from analysis_builders import make_analysis, make_video, new_catalogue
from reelscope.domain.errors import ReelscopeError
from reelscope.services.search import SearchService


@pytest.fixture
def service(tmp_path):
    catalogue = new_catalogue(tmp_path)
    catalogue.save_analysis(make_analysis(make_video("harbour.mp4"), ocr=("boats at dawn", "boats at dusk")))
    catalogue.save_analysis(make_analysis(make_video("quay.mp4"), ocr=("fishing boats",)))
    return SearchService(catalogue)


def test_search_returns_a_page_and_the_total(service, run_async):
    result = run_async(service.search("boat", limit=2))
    assert result.provider == "local"
    assert result.query == "boat"
    assert result.total == 3
    assert len(result.hits) == 2
    assert result.groups is None
    rest = run_async(service.search("boat", limit=2, offset=2))
    assert len(rest.hits) == 1
    assert {h.snippet for h in result.hits + rest.hits} == {"boats at dawn", "boats at dusk", "fishing boats"}


def test_group_by_video(service, run_async):
    result = run_async(service.search("boats", group_by_video=True))
    assert sorted((g.title, len(g.hits)) for g in result.groups) == [("harbour", 2), ("quay", 1)]
    assert result.to_json().startswith('{"schema":"reelscope.search/1"')


def test_odd_queries_give_empty_results(service, run_async):
    assert run_async(service.search('"')).total == 0
    assert run_async(service.search("")).hits == ()


def test_other_providers_are_not_searched_here(service, run_async):
    with pytest.raises(ReelscopeError):
        run_async(service.search("boats", provider="twelvelabs"))
