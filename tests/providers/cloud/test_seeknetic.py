"""Seeknetic: regions, collections, uploads with status, tagging and embeddings sync and async, errors."""

from __future__ import annotations

import hashlib
import json

import pytest

from cloud_support import KEY, Recorder, run, settings_for
from fakes.media import make_clip
from reelscope.domain.analysis import AnalysisStatus
from reelscope.domain.errors import AuthenticationFailed, BadRequest, NotFound, ProviderNotConfigured, RateLimited
from reelscope.domain.jobs import JobPhase
from reelscope.domain.settings import ProviderSettings
from reelscope.providers.base import AnalysisRequest
from reelscope.providers.seeknetic import SeekneticProvider
from reelscope.providers.seeknetic.regions import REGIONS, base_url_for


def provider_for(fake, clock, **values) -> SeekneticProvider:
    return SeekneticProvider.from_settings(settings_for(fake, **values), clock=clock)


def with_provider(provider, work):
    async def go():
        try:
            return await work(provider)
        finally:
            await provider.aclose()

    return run(go())


def test_regions_tokyo_live_the_others_coming_soon():
    assert [(r.id, r.available) for r in REGIONS] == [("tokyo", True), ("oregon", False), ("beijing", False)]
    assert base_url_for(None, None) == "https://api.jp.seeknetic.com"
    with pytest.raises(ProviderNotConfigured) as caught:
        SeekneticProvider.from_settings(ProviderSettings(api_key=KEY, region="oregon"))
    assert "coming soon" in str(caught.value) and "Tokyo" in str(caught.value)


def test_collections_created_and_listed(seeknetic_fake, clock):
    async def work(provider):
        created = await provider.client.create_collection("Dailies", "Day one")
        return created, await provider.client.collections()

    created, listed = with_provider(provider_for(seeknetic_fake, clock), work)
    assert [(c.id, c.name) for c in listed] == [(created.collection_id, "Dailies")]
    assert listed[0].video_count == 0


def test_bearer_authentication_works_too(seeknetic_fake, clock):
    listed = with_provider(provider_for(seeknetic_fake, clock, auth_style="bearer"), lambda p: p.client.collections())
    assert listed == []
    assert seeknetic_fake.requests[-1]["headers"]["authorization"] == f"Bearer {KEY}"
    assert "x-api-key" not in seeknetic_fake.requests[-1]["headers"]


def test_analysis_uploads_to_the_collection_then_tags_and_embeds(seeknetic_fake, clock, tmp_path):
    clip = make_clip(tmp_path / "street.mp4", total_frames=50)
    seeknetic_fake.collections["c1"] = {"name": "Dailies"}
    events = Recorder()
    provider = provider_for(seeknetic_fake, clock, collection_id="c1")
    analysis = with_provider(provider, lambda p: p.analyze(AnalysisRequest(path=clip), events))
    assert analysis.status is AnalysisStatus.FINISHED
    assert {(t.category, t.tag) for t in analysis.tags} == {
        ("shot_size", "medium_shot"), ("camera_movement", "pan_left"), ("shooting_angle", "eye_level")}
    sha = hashlib.sha256(clip.read_bytes()).hexdigest()
    record = seeknetic_fake.record()
    (video_id,) = record["videos_by_sha256"][sha]
    assert events.remote_jobs[0] == (video_id, {"collection_id": "c1"})
    assert {c["kind"] for c in record["sync_calls"] if c["sha256"] == sha} == {"tagging", "embedding"}
    embedding = json.loads(events.remote_jobs[-1][1]["video_embedding"])
    assert len(embedding[0]) == 8
    fractions = [u.fraction for u in events.progress_updates if u.phase is JobPhase.PROCESSING and u.fraction]
    assert 0.5 in fractions and 1.0 in fractions  # the service's own percent


def test_a_504_moves_tagging_and_embedding_to_the_async_endpoints(seeknetic_fake, clock, tmp_path):
    clip = make_clip(tmp_path / "long.mp4", total_frames=50)
    seeknetic_fake.sync_limit_bytes = 100  # any real clip is "too long" for the sync call
    events = Recorder()
    analysis = with_provider(provider_for(seeknetic_fake, clock), lambda p: p.analyze(AnalysisRequest(path=clip),
                                                                                      events))
    assert len(analysis.tags) == 3
    record = seeknetic_fake.record()
    sha = hashlib.sha256(clip.read_bytes()).hexdigest()
    assert set(record["async_requests_by_kind_and_sha256"]) == {f"tagging:{sha}", f"embedding:{sha}"}
    assert all(call["timed_out"] for call in record["sync_calls"])
    details = events.remote_jobs[-1][1]
    assert {"tagging_request_id", "embedding_request_id", "video_embedding"} <= set(details)


def test_a_stored_async_request_is_polled_not_sent_again(seeknetic_fake, clock, tmp_path):
    clip = make_clip(tmp_path / "resume.mp4", total_frames=25)
    seeknetic_fake.sync_limit_bytes = 100
    first = Recorder()
    with_provider(provider_for(seeknetic_fake, clock), lambda p: p.analyze(AnalysisRequest(path=clip), first))
    remote_id, details = first.remote_jobs[-1]
    calls_before = len(seeknetic_fake.record()["sync_calls"])
    again = AnalysisRequest(path=clip, remote_id=remote_id, remote_details=details)
    analysis = with_provider(provider_for(seeknetic_fake, clock), lambda p: p.analyze(again, Recorder()))
    assert len(analysis.tags) == 3
    assert len(seeknetic_fake.record()["sync_calls"]) == calls_before
    assert sum(len(v) for v in seeknetic_fake.record()["async_requests_by_kind_and_sha256"].values()) == 2


def test_an_interrupted_upload_is_looked_up_before_sending_again(seeknetic_fake, clock, tmp_path):
    clip = make_clip(tmp_path / "cut.mp4", total_frames=25)
    seeknetic_fake.collections["c1"] = {"name": "Dailies"}
    with_provider(provider_for(seeknetic_fake, clock), lambda p: p.client.upload("c1", clip))
    request = AnalysisRequest(path=clip, interrupted_upload=True, options={"collection_id": "c1"})
    with_provider(provider_for(seeknetic_fake, clock), lambda p: p.analyze(request, Recorder()))
    assert sum(len(v) for v in seeknetic_fake.record()["videos_by_sha256"].values()) == 1


def test_text_embeddings_and_collection_search(seeknetic_fake, clock, tmp_path):
    seeknetic_fake.collections["c1"] = {"name": "Dailies"}
    clip = make_clip(tmp_path / "dog.mp4", total_frames=25)

    async def work(provider):
        uploaded = await provider.client.upload("c1", clip)
        return uploaded, await provider.client.embed_text("A dog playing"), await provider.client.search("c1", "dog")

    uploaded, vector, results = with_provider(provider_for(seeknetic_fake, clock), work)
    assert len(vector) == 8 and results.results[0].video_id == uploaded.video_id


def test_processing_failed_is_a_failed_analysis(seeknetic_fake, clock, tmp_path):
    clip = make_clip(tmp_path / "broken.mp4", total_frames=25)
    seeknetic_fake.collections["c1"] = {"name": "x"}
    seeknetic_fake.fail_processing.add(hashlib.sha256(clip.read_bytes()).hexdigest())
    analysis = with_provider(provider_for(seeknetic_fake, clock, collection_id="c1"),
                             lambda p: p.analyze(AnalysisRequest(path=clip), Recorder()))
    assert analysis.status is AnalysisStatus.FAILED and "Video decoding failed" in analysis.error


@pytest.mark.parametrize(
    ("fault", "error_type", "words"),
    [
        ("400", BadRequest, "check the request's format"),
        ("expired", AuthenticationFailed, "API key is correct"),
        ("404", NotFound, "collection or video id"),
    ],
)
def test_the_error_table_gives_actionable_messages(seeknetic_fake, clock, fault, error_type, words):
    if fault == "404":
        work = lambda p: p.client.upload("no-such-collection", __file__)  # noqa: E731
    else:
        seeknetic_fake.fail_next(fault) if fault != "expired" else seeknetic_fake.expire(KEY)
        work = lambda p: p.client.collections()  # noqa: E731
    with pytest.raises(error_type) as caught:
        with_provider(provider_for(seeknetic_fake, clock), work)
    assert words in str(caught.value)


def test_rate_limits_beyond_the_cap_fail_with_the_wait_asked(seeknetic_fake, clock):
    seeknetic_fake.chaos(1.0, statuses=(429,), retry_after="3600")
    with pytest.raises(RateLimited) as caught:
        with_provider(provider_for(seeknetic_fake, clock), lambda p: p.client.collections())
    assert caught.value.retry_after_s == 3600 and "upgrade the Seeknetic plan" in str(caught.value)
