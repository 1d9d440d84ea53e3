"""Seeknetic collection search against its fake: text and top_k, similarity as the score, the
collections the user uploaded to searched when none is named, paging here, and a hit of a clip that
is in the library carrying its file (matched through the upload's asset record)."""

from __future__ import annotations

import pytest

from cloud_support import FastClock, run, settings_for
from fakes.analyses import make_analysis
from fakes.media import make_clip
from reelscope.domain.errors import AuthenticationFailed, BadRequest, NotFound, ProviderNotConfigured, ServiceFault
from reelscope.domain.search import SearchQuery
from reelscope.domain.thumbnails import video_id_for
from reelscope.library.storage import Storage
from reelscope.providers._cloud import media_info
from reelscope.providers.seeknetic import SeekneticProvider
from reelscope.providers.seeknetic.search import SeekneticSearch
from reelscope.services.search import SearchService
from reelscope.services.search_links import SearchLinker
from reelscope.services.uploads import upload_file

TEXT = "a dog playing in the park"


def search_for(fake, uploaded=(), **values) -> SeekneticSearch:
    provider = SeekneticProvider.from_settings(settings_for(fake, **values), clock=FastClock())

    async def uploaded_collections():
        return list(uploaded)

    return SeekneticSearch(provider.client, collection_id=provider.collection_id,
                           uploaded_collections=uploaded_collections)


def query(**values) -> SearchQuery:
    values.setdefault("page_limit", 10)
    values.setdefault("text", TEXT)
    return SearchQuery(provider="seeknetic", **values)


def with_search(search, work):
    async def go():
        try:
            return await work(search)
        finally:
            await search.client.http.aclose()

    return run(go())


async def every_page(search, q):
    page = await search.search(q)
    hits = list(page.hits)
    while page.next_cursor:
        page = await search.search(q, page.next_cursor)
        hits += page.hits
    return page, hits


def keys(hits) -> list[tuple]:
    return [(h.video_id, h.start_s, h.end_s) for h in hits]


def test_a_collection_search_sends_text_and_top_k_and_pages_the_answer_here(seeknetic_fake):
    collection = seeknetic_fake.seed_demo(12)
    q = query(collection_id=collection, options={"top_k": 30})
    last, hits = with_search(search_for(seeknetic_fake), lambda s: every_page(s, q))
    assert seeknetic_fake.record()["searches"] == [{"collection_id": collection, "text": TEXT, "top_k": 30}]
    expected = seeknetic_fake.matches(collection, TEXT)[:30]
    assert keys(hits) == [(r["video_id"], r["start_time"], r["end_time"]) for r in expected]
    assert [h.score for h in hits] == [r["similarity"] for r in expected]
    assert all(h.title.startswith("demo clip ") and h.provider == "seeknetic" for h in hits)
    assert last.total == 30 and last.previous_cursor


def test_without_a_collection_every_one_uploaded_to_is_searched_and_merged(seeknetic_fake):
    first, second = seeknetic_fake.seed_demo(3, "A"), seeknetic_fake.seed_demo(4, "B")
    page = with_search(search_for(seeknetic_fake, uploaded=(first,), collection_id=second),
                       lambda s: s.search(query(page_limit=100)))
    assert {s["collection_id"] for s in seeknetic_fake.record()["searches"]} == {first, second}
    merged = sorted(seeknetic_fake.matches(first, TEXT) + seeknetic_fake.matches(second, TEXT),
                    key=lambda r: -r["similarity"])
    assert [h.score for h in page.hits] == [r["similarity"] for r in merged]


def test_a_collection_that_is_gone_is_left_out_with_a_warning_unless_asked_for(seeknetic_fake):
    kept = seeknetic_fake.seed_demo(2)
    page = with_search(search_for(seeknetic_fake, uploaded=("gone-1", kept)), lambda s: s.search(query()))
    assert page.warnings == ("collection gone-1 is gone from Seeknetic; it was left out",) and page.hits
    with pytest.raises(NotFound) as caught:
        with_search(search_for(seeknetic_fake), lambda s: s.search(query(collection_id="gone-1")))
    assert caught.value.status == 404 and "collection" in caught.value.hint


def test_no_collection_at_all_and_an_empty_query_are_clear(seeknetic_fake):
    with pytest.raises(ProviderNotConfigured, match="no Seeknetic collection to search"):
        with_search(search_for(seeknetic_fake), lambda s: s.search(query()))
    collection = seeknetic_fake.seed_demo(1)
    with pytest.raises(BadRequest) as caught:
        with_search(search_for(seeknetic_fake), lambda s: s.search(query(text="", collection_id=collection)))
    assert caught.value.server_message == "Field 'text' is required"


def test_options_list_the_collections_uploaded_to_first(seeknetic_fake):
    other, uploaded = seeknetic_fake.seed_demo(1, "Other"), seeknetic_fake.seed_demo(2, "Dailies")
    specs = with_search(search_for(seeknetic_fake, uploaded=(uploaded,)), lambda s: s.search_options())
    collection = next(spec for spec in specs if spec.key == "collection_id")
    assert [(c.value, c.label) for c in collection.choices] == [
        ("", "Every collection you uploaded to"), (uploaded, "Dailies"), (other, "Other")]
    top_k = next(spec for spec in specs if spec.key == "top_k")
    assert (top_k.default, top_k.maximum) == (50, 500)


def test_a_hit_of_a_clip_in_the_library_carries_its_file(seeknetic_fake, tmp_path):
    clip = make_clip(tmp_path / "street.mp4", total_frames=30)
    collection = seeknetic_fake.seed_demo(3)
    storage = Storage.open(tmp_path / "data")
    provider = SeekneticProvider.from_settings(settings_for(seeknetic_fake), clock=FastClock())
    linker = SearchLinker(storage)
    search = SeekneticSearch(provider.client, uploaded_collections=lambda: linker.collections_uploaded_to("seeknetic"))
    service = SearchService({"seeknetic": search}, linker)

    async def work():
        try:
            uploaded = await upload_file(storage, provider, clip, collection)
            video = await media_info(clip, None)
            await storage.database.run(storage.catalogue.save_analysis, make_analysis(video))
            return uploaded, video, await service.search_all(query(page_limit=5))
        finally:
            await provider.aclose()

    try:
        uploaded, video, everything = run(work())
    finally:
        storage.close()
    ours = [h for h in everything.hits if h.video_id == uploaded.video_id]
    others = [h for h in everything.hits if h.video_id != uploaded.video_id]
    assert ours and all(h.local_path == str(clip) and h.title == "street" for h in ours)
    assert all(h.added_at is not None for h in ours)
    assert others and all(h.local_path is None and h.added_at is None for h in others)
    assert video.id == video_id_for(video.sha256)
    assert len(everything.hits) == len(set(keys(everything.hits))) == 4 * 3


def test_the_seeds_error_table_for_a_search(seeknetic_fake):
    collection = seeknetic_fake.seed_demo(2)
    seeknetic_fake.fail_next("429", path="/search$")
    seeknetic_fake.fail_next("502", path="/search$")
    page = with_search(search_for(seeknetic_fake), lambda s: s.search(query(collection_id=collection)))
    assert len(page.hits) == 6 and seeknetic_fake.faulted == 2  # retried: rate limit, external API error
    seeknetic_fake.fail_next("500", count=10, path="/search$")
    with pytest.raises(ServiceFault) as failed:
        with_search(search_for(seeknetic_fake), lambda s: s.search(query(collection_id=collection, text="cats")))
    assert failed.value.status == 500 and "technical support" in failed.value.hint
    with pytest.raises(AuthenticationFailed) as refused:
        with_search(search_for(seeknetic_fake, api_key="seek-wrong-1"),
                    lambda s: s.search(query(collection_id=collection)))
    assert refused.value.status == 401 and refused.value.server_message == "Invalid API key"
