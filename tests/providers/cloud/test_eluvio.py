"""Eluvio search against its fake: everything fetched once and paged here despite the vendor's paging
bug, best-of-sources scores, both time forms, frames fetched with a token that never shows, and
every failure the seed describes (a status other than 200, an answer that is not JSON)."""

from __future__ import annotations

import json
import logging
import urllib.request

import pytest

from cloud_support import KEY, FastClock, run, settings_for
from reelscope.domain.errors import (
    AuthenticationFailed,
    BadRequest,
    NotFound,
    ProviderNotConfigured,
    ServiceFault,
)
from reelscope.domain.search import SearchQuery
from reelscope.providers.eluvio import EluvioProvider, mapping, wire
from reelscope.services.search import SearchService

TEXT = "life on campus"

SEED_RESULT = {  # the seed's sample answer (its `fields` left out, as there), and one without start_time
    "pagination": {"max_total": 40, "start": 0, "limit": 160, "total": 15, "total_clips": 2},
    "contents": [
        {"hash": "hq__Fec1", "id": "iq__EXYa2f2BpdJe1FAeWxzoQrjh8wK", "qlib_id": "ilibTs4J",
         "type": "hq__8v3p", "url": "/q/hq__Fec1/rep/playout/default/options.json?clip_start=70.01",
         "image_url": "/q/hq__Fec1/rep/frame/default/video?t=70.01&ignore_trimming=true",
         "start": "1m10.01s", "end": "1m40.737s", "start_time": 70010, "end_time": 100737, "source_count": 3,
         "sources": [{"prefix": "/video_tags/tags[44]", "score": 0.5066348910331726},
                     {"prefix": "/video_tags/tags[57]", "score": 0.808597207069397},
                     {"prefix": "/video_tags/tags[58]", "score": 0.6452518105506897}],
         "meta": {"public": {"asset_metadata": {"title": "BDRMTV - Test"}, "name": "BDRMTV - Test MEZ"}}},
        {"hash": "hq__Fec1", "id": "iq__EXYa2f2BpdJe1FAeWxzoQrjh8wK", "image_url": "/q/hq__Fec1/rep/frame/x?t=1",
         "start": "1h0m46.01s", "end": "1h1m16.838s", "sources": [{"score": 0.737773060798645}],
         "meta": {"public": {"name": "BDRMTV - Test MEZ"}}},
    ],
    "stats": {}, "warnings": [], "debug": {},
}


def provider_for(fake, clock=None, **values) -> EluvioProvider:
    values.setdefault("index_id", fake.index_id)
    return EluvioProvider.from_settings(settings_for(fake, **values), clock=clock or FastClock())


def query(**values) -> SearchQuery:
    values.setdefault("page_limit", 20)
    values.setdefault("text", TEXT)
    return SearchQuery(provider="eluvio", **values)


def with_provider(provider, work):
    async def go():
        try:
            return await work(provider)
        finally:
            await provider.aclose()

    return run(go())


def keys(hits) -> list[tuple]:
    return [(h.video_id, round(h.start_s, 3), round(h.end_s, 3)) for h in hits]


def expected(fake, clips=True, max_total=200) -> list[tuple]:
    found = fake.matches(TEXT, clips, max_total)
    found.sort(key=lambda r: -max(s["score"] for s in r["sources"]))
    return [(r["id"], round(r["start_time"] / 1000, 3), round(r["end_time"] / 1000, 3)) for r in found]


async def every_page(provider, q):
    page = await provider.search(q)
    pages = [page]
    while page.next_cursor:
        page = await provider.search(q, page.next_cursor)
        pages.append(page)
    return pages


def test_the_seeds_sample_maps_field_for_field():
    hits = mapping.hits(wire.SearchResults.model_validate(SEED_RESULT))
    first, second = hits
    assert (first.video_id, first.title, first.start_s, first.end_s) == (
        "iq__EXYa2f2BpdJe1FAeWxzoQrjh8wK", "BDRMTV - Test", 70.01, 100.737)
    assert first.score == pytest.approx(0.808597207069397)  # the best of its sources
    assert first.thumbnail_url == "eluvio:/q/hq__Fec1/rep/frame/default/video?t=70.01&ignore_trimming=true"
    assert (second.start_s, second.end_s, second.title) == (pytest.approx(3646.01), pytest.approx(3676.838),
                                                            "BDRMTV - Test MEZ")
    assert mapping.seconds_of("1h40m0.00s") == 6000 and mapping.seconds_of("0m46.01s") == pytest.approx(46.01)
    assert mapping.seconds_of("soon") is None


def test_a_token_in_an_image_url_is_never_kept():
    content = wire.Content(id="iq__a", image_url="/q/hq__a/rep/frame/default/video?t=3&authorization=elv-tok-9x")
    assert mapping.thumbnail_reference(content) == "eluvio:/q/hq__a/rep/frame/default/video?t=3"


def test_one_call_fetches_everything_and_pages_are_cut_here(eluvio_fake):
    pages = with_provider(provider_for(eluvio_fake), lambda p: every_page(p, query()))
    hits = [h for page in pages for h in page.hits]
    assert keys(hits) == expected(eluvio_fake)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    (call,) = eluvio_fake.record()["calls"]
    assert call == {"terms": TEXT, "start": "0", "limit": "200", "max_total": "200", "select": wire.SELECT,
                    "clips": "true"}
    token_sent = eluvio_fake.requests[0]
    assert token_sent["query"]["authorization"] == KEY and "authorization" not in token_sent["headers"]
    assert pages[0].total == len(hits) and all(len(p.hits) == 20 for p in pages[:-1])
    assert pages[1].previous_cursor is not None and pages[0].previous_cursor is None
    first = hits[0]
    assert first.title.startswith(tuple(t.split()[0] for t in ("Life", "Library", "Graduation", "Harbour",
                                                               "Fishing", "Street", "Mountain", "City",
                                                               "Concert", "Kitchen")))


def test_the_vendors_paging_bug_repeats_results_and_none_reach_the_user(eluvio_fake):
    def raw(start: int) -> list[tuple]:
        url = (f"{eluvio_fake.base_url}/q/{eluvio_fake.index_id}/rep/search?terms=life&start={start}&limit=10"
               f"&max_total=40&clips=false&authorization={KEY}")
        data = json.loads(urllib.request.urlopen(url, timeout=10).read())
        return [(c["id"], c["start_time"]) for c in data["contents"]], data["pagination"]

    first, pagination = raw(0)
    second, _ = raw(10)
    assert set(first) & set(second)  # a naive pager would show these twice
    assert pagination["limit"] == 40  # and the reported limit is not the one asked for

    eluvio_fake.page_cap = 60  # a service that also stops short of max_total in one answer
    q = query(options={"clips": "shots", "max_total": 200}, page_limit=25)
    pages = with_provider(provider_for(eluvio_fake), lambda p: every_page(p, q))
    hits = [h for page in pages for h in page.hits]
    assert keys(hits) == expected(eluvio_fake, clips=False)
    assert len(set(keys(hits))) == len(hits) == 200
    assert len(eluvio_fake.record()["calls"]) > 1


def test_paging_reuses_the_fetched_results_and_a_new_search_fetches_again(eluvio_fake):
    async def work(provider):
        pages = await every_page(provider, query())
        await provider.search(query())
        return pages

    pages = with_provider(provider_for(eluvio_fake), work)
    assert len(pages) > 2 and len(eluvio_fake.record()["calls"]) == 2


def test_clips_or_shots_and_max_total_are_options(eluvio_fake):
    provider = provider_for(eluvio_fake)
    specs = {spec.key: spec for spec in run(provider.search_options())}
    assert [c.value for c in specs["clips"].choices] == ["clips", "shots"]
    assert specs["index_id"].default == eluvio_fake.index_id
    shots = with_provider(provider, lambda p: p.search(query(options={"clips": "shots", "max_total": 50})))
    call = eluvio_fake.record()["calls"][0]
    assert (call["clips"], call["max_total"]) == ("false", "50")
    assert shots.total == 50 and keys(shots.hits) == expected(eluvio_fake, clips=False, max_total=50)[:20]


def test_grouped_pages_hold_whole_clips(eluvio_fake):
    q = query(group_by="video", page_limit=4)
    pages = with_provider(provider_for(eluvio_fake), lambda p: every_page(p, q))
    per_page = [[h.video_id for h in page.hits] for page in pages]
    assert all(len(set(ids)) <= 4 for ids in per_page)
    seen = [vid for ids in per_page for vid in dict.fromkeys(ids)]
    assert len(seen) == len(set(seen)) == pages[0].total
    assert pages[0].total_inner_matches == len(expected(eluvio_fake))


def test_the_services_warnings_reach_the_page(eluvio_fake):
    eluvio_fake.max_total_cap = 30
    page = with_provider(provider_for(eluvio_fake), lambda p: p.search(query()))
    assert page.warnings == ("max_total 200 is above 30; 30 used",)


def test_frames_are_fetched_with_the_token_which_no_hit_holds(eluvio_fake):
    async def work(provider):
        page = await provider.search(query())
        return page, await provider.fetch_thumbnail(page.hits[0].thumbnail_url)

    page, image = with_provider(provider_for(eluvio_fake), work)
    assert image[:3] == b"\xff\xd8\xff"
    frame_request = eluvio_fake.requests[-1]
    assert "/rep/frame/" in frame_request["path"] and frame_request["query"]["authorization"] == KEY
    assert frame_request["query"]["t"] == f"{page.hits[0].start_s:g}"
    assert KEY not in page.model_dump_json()
    assert all(h.thumbnail_url.startswith("eluvio:/q/") for h in page.hits)


def test_a_reference_to_another_host_never_gets_the_token(eluvio_fake):
    provider = provider_for(eluvio_fake)
    with pytest.raises(BadRequest, match="only sent to the Eluvio host"):
        with_provider(provider, lambda p: p.fetch_thumbnail("eluvio:https://elsewhere.example/q/x/rep/frame"))
    with pytest.raises(BadRequest):
        run(provider.fetch_thumbnail("https://elsewhere.example/q/x"))
    assert eluvio_fake.requests == []


@pytest.mark.parametrize(
    ("setup", "error", "status", "words"),
    [
        (lambda fake: None, AuthenticationFailed, 401, "invalid authorization token"),
        (lambda fake: fake.expire("elv-wrong-token-77"), AuthenticationFailed, 401, "token expired"),
    ],
)
def test_a_refused_token_says_so_and_asks_for_a_fresh_one(eluvio_fake, setup, error, status, words):
    setup(eluvio_fake)
    provider = provider_for(eluvio_fake, api_key="elv-wrong-token-77")
    with pytest.raises(error) as caught:
        with_provider(provider, lambda p: p.search(query()))
    assert caught.value.status == status and caught.value.server_message == words
    assert "fresh" in caught.value.hint and "elv-wrong-token-77" not in str(caught.value)


def test_an_unknown_index_no_terms_and_no_index_are_clear(eluvio_fake):
    with pytest.raises(NotFound) as unknown:
        with_provider(provider_for(eluvio_fake, index_id="iq__nothing"), lambda p: p.search(query()))
    assert "iq__nothing not found" in unknown.value.server_message and "index id" in unknown.value.hint
    with pytest.raises(BadRequest) as empty:
        with_provider(provider_for(eluvio_fake), lambda p: p.search(query(text=" ")))
    assert empty.value.status == 400 and "needs terms" in empty.value.server_message
    calls = len(eluvio_fake.requests)
    no_index = EluvioProvider.from_settings(settings_for(eluvio_fake))
    with pytest.raises(ProviderNotConfigured, match="no Eluvio index"):
        with_provider(no_index, lambda p: p.search(query()))
    assert len(eluvio_fake.requests) == calls
    with pytest.raises(ProviderNotConfigured, match="no Eluvio API key"):
        EluvioProvider.from_settings(settings_for(eluvio_fake).model_copy(update={"api_key": None}))


@pytest.mark.parametrize(("kind", "words"), [("text", "text/plain instead of JSON"), ("malformed", "malformed JSON")])
def test_an_answer_that_is_not_json_is_a_service_fault(eluvio_fake, kind, words):
    eluvio_fake.fail_next(kind)
    with pytest.raises(ServiceFault, match=words):
        with_provider(provider_for(eluvio_fake), lambda p: p.search(query()))


def test_a_web_page_and_server_failures(eluvio_fake):
    eluvio_fake.fail_next("html", count=10)
    with pytest.raises(ServiceFault) as page:
        with_provider(provider_for(eluvio_fake), lambda p: p.search(query()))
    assert page.value.server_message == "an HTML page: 502 Bad Gateway"
    eluvio_fake.faults.queue.clear()
    eluvio_fake.fail_next("503", count=2)
    eluvio_fake.fail_next("429")
    page = with_provider(provider_for(eluvio_fake), lambda p: p.search(query()))
    assert keys(page.hits) == expected(eluvio_fake)[:20]


def test_the_token_shows_in_no_log_line_error_or_result_at_debug(eluvio_fake, caplog):
    caplog.set_level(logging.DEBUG)
    eluvio_fake.fail_next("503")  # a retry logs the URL; httpx logs every request URL
    provider = provider_for(eluvio_fake)
    service = SearchService({"eluvio": provider})

    async def work():
        try:
            everything = await service.search_all(query())
            image = await provider.fetch_thumbnail(everything.hits[0].thumbnail_url)
            eluvio_fake.expire(KEY)
            with pytest.raises(AuthenticationFailed) as refused:
                await service.search(query(text="graduation"))
            return everything, image, refused.value
        finally:
            await service.aclose()

    everything, image, refused = run(work())
    assert "HTTP Request" in caplog.text and "authorization=***" in caplog.text
    texts = [caplog.text, everything.to_result().to_json(), str(refused), repr(refused), refused.server_message or ""]
    assert all(KEY not in text for text in texts)
