"""Twelve Labs search against its fake: the seed's request and pages, tokens forward and back, an
expired token recovered, pacing without 429s, Retry-After and X-Ratelimit honoured, thumbnails
refreshed when their links expire, and every error the seed and DESIGN.md §2 describe."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from cloud_support import KEY, RecordingClock, run, settings_for
from reelscope.domain.errors import (
    AuthenticationFailed,
    BadRequest,
    LinkExpired,
    NotFound,
    ProviderNotConfigured,
    ServiceFault,
    ServiceUnreachable,
)
from reelscope.domain.search import SearchQuery
from reelscope.domain.settings import ProviderSettings
from reelscope.providers.twelvelabs import TwelveLabsProvider
from reelscope.providers.twelvelabs.wire import CONFIDENCE_LEVELS
from reelscope.services.search import SearchService

TEXT = "bear chasing a man"
PACING_S = 0.06  # the fixture's fake allows one call per 0.05 s window


def provider_for(fake, clock=None, pacing_s: float = PACING_S, **values) -> TwelveLabsProvider:
    values.setdefault("index_id", fake.index_id)
    return TwelveLabsProvider.from_settings(settings_for(fake, **values), clock=clock or RecordingClock(),
                                            pacing_s=pacing_s)


def query(**values) -> SearchQuery:
    values.setdefault("page_limit", 10)
    return SearchQuery(text=TEXT, provider="twelvelabs", **values)


def with_provider(provider, work):
    async def go():
        try:
            return await work(provider)
        finally:
            await provider.aclose()

    return run(go())


def keys(hits) -> list[tuple]:
    return [(h.video_id, h.start_s, h.end_s) for h in hits]


def expected(fake, options=("visual",)) -> list[tuple]:
    return [(m.video_id, m.start, m.end) for m in fake.matches(TEXT, options)]


def test_first_page_is_the_seeds_request_and_every_field_is_kept(twelvelabs_fake):
    page = with_provider(provider_for(twelvelabs_fake), lambda p: p.search(query()))
    sent = twelvelabs_fake.record()["searches"][0]
    assert sent == {"query": TEXT, "search_options": ["visual"], "page_limit": 10, "group_by": None}
    assert twelvelabs_fake.requests[0]["headers"]["x-api-key"] == KEY
    moments = twelvelabs_fake.matches(TEXT)
    assert keys(page.hits) == expected(twelvelabs_fake)[:10]
    assert [h.score for h in page.hits] == [m.score for m in moments[:10]]
    assert [h.confidence for h in page.hits] == [m.confidence for m in moments[:10]]
    assert {h.confidence for h in page.hits} <= set(CONFIDENCE_LEVELS)
    assert all(h.provider == "twelvelabs" and h.thumbnail_url.startswith("http") for h in page.hits)
    assert page.total == len(moments) > 100
    assert page.previous_cursor is None and page.next_cursor


def test_pages_go_forward_and_back_by_token(twelvelabs_fake):
    async def work(provider):
        first = await provider.search(query())
        second = await provider.search(query(), first.next_cursor)
        third = await provider.search(query(), second.next_cursor)
        back = await provider.search(query(), third.previous_cursor)
        return first, second, third, back

    first, second, third, back = with_provider(provider_for(twelvelabs_fake), work)
    assert keys(second.hits) == expected(twelvelabs_fake)[10:20]
    assert keys(third.hits) == expected(twelvelabs_fake)[20:30]
    assert keys(back.hits) == keys(second.hits)
    assert keys(run_back := back.hits) and second.previous_cursor and run_back
    assert twelvelabs_fake.record()["searches"].__len__() == 1  # paging never searched again


def test_search_all_gives_every_moment_once_and_groups_by_video(twelvelabs_fake):
    service = SearchService({"twelvelabs": provider_for(twelvelabs_fake)})

    async def work(_):
        try:
            flat = await service.search_all(query(page_limit=50))
            grouped = await service.search_all(query(page_limit=3, group_by="video"))
            first_grouped = await service.search(query(page_limit=3, group_by="video"))
        finally:
            await service.aclose()
        return flat, grouped, first_grouped

    flat, grouped, first_grouped = run(work(None))
    assert keys(flat.hits) == expected(twelvelabs_fake)
    assert len(set(keys(flat.hits))) == len(flat.hits)
    assert flat.to_result().groups is None
    result = grouped.to_result()
    assert sorted(keys(grouped.hits)) == sorted(expected(twelvelabs_fake))
    videos = [g.video_id for g in result.groups]
    assert len(videos) == len(set(videos)) == first_grouped.total == 12
    assert first_grouped.total_inner_matches == len(expected(twelvelabs_fake))
    assert len({h.video_id for h in first_grouped.hits}) == 3  # page_limit counts videos when grouped
    for group in result.groups:
        assert all(h.video_id == group.video_id for h in group.hits)


def test_page_limit_is_kept_within_1_to_50(twelvelabs_fake):
    page = with_provider(provider_for(twelvelabs_fake), lambda p: p.search(query(page_limit=60)))
    assert twelvelabs_fake.record()["searches"][0]["page_limit"] == 50 and len(page.hits) == 50


def test_a_page_token_that_expires_mid_browse_is_recovered_unnoticed(twelvelabs_fake):
    async def work(provider):
        first = await provider.search(query())
        second = await provider.search(query(), first.next_cursor)
        twelvelabs_fake.expire_pages()  # an hour later
        third = await provider.search(query(), second.next_cursor)
        fourth = await provider.search(query(), third.next_cursor)
        back = await provider.search(query(), fourth.previous_cursor)
        return third, fourth, back

    third, fourth, back = with_provider(provider_for(twelvelabs_fake), work)
    assert keys(third.hits) == expected(twelvelabs_fake)[20:30]
    assert keys(fourth.hits) == expected(twelvelabs_fake)[30:40]
    assert keys(back.hits) == keys(third.hits)
    record = twelvelabs_fake.record()
    assert len(record["searches"]) == 2  # searched again once, then walked to the page
    refused = [r for r in twelvelabs_fake.requests if r["path"].startswith("/search/")]
    assert len(refused) == len(record["pages_served"]) + 1


def test_an_invalid_token_is_recovered_too(twelvelabs_fake):
    async def work(provider):
        first = await provider.search(query())
        twelvelabs_fake.sessions.clear()  # the service forgot the search: its tokens are unknown
        return await provider.search(query(), first.next_cursor)

    second = with_provider(provider_for(twelvelabs_fake), work)
    assert keys(second.hits) == expected(twelvelabs_fake)[10:20]


def test_calls_are_paced_so_the_service_never_answers_429(twelvelabs_fake):
    twelvelabs_fake.rate_window_s = 0.2

    async def work(provider):
        page = await provider.search(query())
        for _ in range(5):
            page = await provider.search(query(), page.next_cursor)
        return page

    with_provider(provider_for(twelvelabs_fake, pacing_s=0.21), work)
    assert twelvelabs_fake.record()["rate_limited"] == 0
    arrivals = [r["at"] for r in twelvelabs_fake.requests]
    assert len(arrivals) == 6 and min(b - a for a, b in zip(arrivals, arrivals[1:])) >= 0.19


def another_program_searches(fake) -> None:
    """A call with the same key from elsewhere: it uses up the key's second."""
    body = json.dumps({"query": "x", "index_id": fake.index_id, "search_options": ["visual"]}).encode()
    request = urllib.request.Request(f"{fake.base_url}/search", body, {"x-api-key": KEY,
                                                                     "Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).read()


def test_a_429_is_retried_after_its_retry_after(twelvelabs_fake):
    twelvelabs_fake.rate_window_s = 1.0  # as the service: one call a second
    clock = RecordingClock()
    another_program_searches(twelvelabs_fake)
    page = with_provider(provider_for(twelvelabs_fake, clock), lambda p: p.search(query()))
    assert keys(page.hits) == expected(twelvelabs_fake)[:10]
    assert twelvelabs_fake.record()["rate_limited"] == 1
    assert 1.0 in clock.sleeps  # the Retry-After, in whole seconds


def test_an_exhausted_rate_limit_window_is_waited_for(twelvelabs_fake):
    twelvelabs_fake.rate_limit, twelvelabs_fake.rate_window_s = 2, 0.6
    clock = RecordingClock()

    async def work(provider):
        page = await provider.search(query())
        for _ in range(3):
            page = await provider.search(query(), page.next_cursor)
        return page

    with_provider(provider_for(twelvelabs_fake, clock, pacing_s=0.01), work)
    assert twelvelabs_fake.record()["rate_limited"] == 0
    assert any(s > 0.01 for s in clock.sleeps)  # X-Ratelimit-Remaining 0: waited for X-Ratelimit-Reset


def test_thumbnails_load_without_the_key_and_are_refreshed_when_their_links_expire(twelvelabs_fake):
    async def work(provider):
        first = await provider.search(query())
        second = await provider.search(query(), first.next_cursor)
        image = await provider.fetch_thumbnail(second.hits[0].thumbnail_url)
        twelvelabs_fake.expire_thumbnails()  # an hour later
        with pytest.raises(LinkExpired) as caught:
            await provider.fetch_thumbnail(second.hits[0].thumbnail_url)
        fresh = await provider.refresh_thumbnails(query(), first.next_cursor)
        return second, image, caught.value, fresh, await provider.fetch_thumbnail(fresh.hits[0].thumbnail_url)

    second, image, expired, fresh, again = with_provider(provider_for(twelvelabs_fake), work)
    assert image[:3] == b"\xff\xd8\xff" and again[:3] == b"\xff\xd8\xff"
    assert expired.status == 403 and "search again" in str(expired)
    assert keys(fresh.hits) == keys(second.hits)
    assert fresh.hits[0].thumbnail_url != second.hits[0].thumbnail_url
    thumbnail_requests = [r for r in twelvelabs_fake.requests if r["path"].startswith("/thumbnails/")]
    assert thumbnail_requests and all("x-api-key" not in r["headers"] for r in thumbnail_requests)


def test_search_options_are_offered_and_sent(twelvelabs_fake):
    provider = provider_for(twelvelabs_fake)
    specs = run(provider.search_options())
    by_key = {spec.key: spec for spec in specs}
    assert [c.value for c in by_key["search_options"].choices] == ["visual", "conversation", "text_in_video", "logo"]
    assert (by_key["page_limit"].default, by_key["page_limit"].maximum) == (10, 50)
    assert by_key["index_id"].default == twelvelabs_fake.index_id
    options = ("visual", "conversation")
    page = with_provider(provider, lambda p: p.search(query(options={"search_options": options})))
    assert twelvelabs_fake.record()["searches"][0]["search_options"] == list(options)
    assert keys(page.hits) == expected(twelvelabs_fake, options)[:10]


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        ({"api_key": "tl-wrong-key-123"}, AuthenticationFailed, "The API key you provided is not valid."),
        ({"index_id": "000000000000000000000000"}, NotFound, "does not exist"),
    ],
)
def test_refusals_name_the_status_and_the_services_words(twelvelabs_fake, change, error, words):
    settings = settings_for(twelvelabs_fake, **{"index_id": twelvelabs_fake.index_id, **change})
    provider = TwelveLabsProvider.from_settings(settings, pacing_s=PACING_S)
    with pytest.raises(error) as caught:
        with_provider(provider, lambda p: p.search(query()))
    assert words in caught.value.server_message
    assert caught.value.status in (401, 404) and caught.value.hint


def test_an_expired_key_and_a_bad_option_are_refused_clearly(twelvelabs_fake):
    with pytest.raises(BadRequest) as bad:
        with_provider(provider_for(twelvelabs_fake), lambda p: p.search(query(options={"search_options": ("smell",)})))
    assert bad.value.status == 400 and "search_options must be" in bad.value.server_message
    twelvelabs_fake.expire(KEY)
    with pytest.raises(AuthenticationFailed) as expired:
        with_provider(provider_for(twelvelabs_fake), lambda p: p.search(query()))
    assert "expired" in expired.value.server_message


def test_no_index_is_a_clear_error_before_any_call(twelvelabs_fake):
    provider = TwelveLabsProvider.from_settings(settings_for(twelvelabs_fake), pacing_s=0)
    with pytest.raises(ProviderNotConfigured, match="index"):
        with_provider(provider, lambda p: p.search(query()))
    assert twelvelabs_fake.requests == []


@pytest.mark.parametrize("kind", ["html", "malformed"])
def test_a_web_page_or_broken_json_is_a_service_fault(twelvelabs_fake, kind):
    twelvelabs_fake.fail_next(kind, count=10, path="^/search$")  # an HTML 502 is retried like any 502
    with pytest.raises(ServiceFault):
        with_provider(provider_for(twelvelabs_fake), lambda p: p.search(query()))


def test_server_failures_are_retried(twelvelabs_fake):
    twelvelabs_fake.fail_next("503", count=2, path="^/search")
    page = with_provider(provider_for(twelvelabs_fake), lambda p: p.search(query()))
    assert keys(page.hits) == expected(twelvelabs_fake)[:10] and twelvelabs_fake.faulted == 2


def test_a_service_that_is_down_is_unreachable(twelvelabs_fake):
    url = twelvelabs_fake.base_url
    twelvelabs_fake.stop()
    settings = ProviderSettings(base_url=url, api_key=KEY, index_id="x")
    started = time.monotonic()
    with pytest.raises(ServiceUnreachable):
        with_provider(TwelveLabsProvider.from_settings(settings, pacing_s=0), lambda p: p.search(query()))
    assert time.monotonic() - started < 30
