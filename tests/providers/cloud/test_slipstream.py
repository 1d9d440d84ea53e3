"""Slipstream's two upload paths, its polling and every error its document gives, over loopback."""

from __future__ import annotations

import hashlib
import os

import pytest

from cloud_support import KEY, Recorder, run, settings_for
from fakes.media import make_clip
from reelscope.domain.analysis import AnalysisStatus
from reelscope.domain.errors import AuthenticationFailed, BadRequest, NotFound
from reelscope.domain.jobs import JobPhase
from reelscope.providers.base import AnalysisRequest
from reelscope.providers.slipstream import SlipstreamProvider
from reelscope.providers.slipstream import wire as slip_wire


def provider_for(fake, clock, **values) -> SlipstreamProvider:
    return SlipstreamProvider.from_settings(settings_for(fake, **values), clock=clock)


async def analyze(provider, request, events):
    try:
        return await provider.analyze(request, events)
    finally:
        await provider.aclose()


def test_a_small_clip_goes_multipart_and_its_track_is_the_music_span(slipstream_fake, clock, tmp_path):
    clip = make_clip(tmp_path / "beach.mp4", total_frames=50)
    events = Recorder()
    analysis = run(analyze(provider_for(slipstream_fake, clock), AnalysisRequest(path=clip), events))
    (music,) = analysis.music
    assert (music.title, music.artist, music.isrc, music.label) == (
        "Blue Hour", "The Night Shift", "USRC17607839", "Northern Lights Records")
    assert music.score == pytest.approx(0.875) and music.end_s == pytest.approx(analysis.video.duration_s)
    job = slipstream_fake.record()["jobs"][events.remote_jobs[0][0]]
    assert job["via"] == "upload" and job["sha256"] == hashlib.sha256(clip.read_bytes()).hexdigest()
    assert [u.detail for u in events.progress_updates if u.phase is JobPhase.PROCESSING][:2] == ["queued", "processing"]
    assert events.uploaded_bytes()[-1] == clip.stat().st_size


def test_no_track_means_no_music_found(slipstream_fake, clock, tmp_path):
    clip = make_clip(tmp_path / "quiet.mp4", total_frames=25)
    slipstream_fake.default_track = None
    events = Recorder()
    analysis = run(analyze(provider_for(slipstream_fake, clock), AnalysisRequest(path=clip), events))
    assert analysis.status is AnalysisStatus.FINISHED and analysis.music == ()
    assert events.progress_updates[-1].detail == "No music found"


def test_over_100_mb_takes_the_upload_url_put_and_storage_key_path(slipstream_fake, clock, tmp_path):
    clip = make_clip(tmp_path / "long.mp4", total_frames=25)
    with clip.open("ab") as file:  # a real clip padded past the direct-upload limit (trailing bytes, sparse)
        file.truncate(slip_wire.MAX_DIRECT_UPLOAD_BYTES + 1024)
    events = Recorder()
    analysis = run(analyze(provider_for(slipstream_fake, clock), AnalysisRequest(path=clip), events), timeout_s=120)
    assert analysis.music[0].title == "Blue Hour"
    (put,) = slipstream_fake.record()["puts"]
    assert put["size"] == os.path.getsize(clip) and put["content_type"] == "video/mp4" and not put["authorization"]
    job = slipstream_fake.record()["jobs"][events.remote_jobs[0][0]]
    assert job["via"] == "storage_key" and job["name"].startswith("video-recognition/")
    assert events.remote_jobs[0][1]["storage_key"] == put["storage_key"]
    assert not [r for r in slipstream_fake.requests if r["path"] == "/api/v4/video-recognition/"
                and r["headers"].get("content-type", "").startswith("multipart")]


def test_a_wrong_extension_is_refused_before_sending_in_the_services_words(slipstream_fake, clock, tmp_path):
    clip = make_clip(tmp_path / "take.mkv", total_frames=25)
    with pytest.raises(BadRequest) as caught:
        run(analyze(provider_for(slipstream_fake, clock), AnalysisRequest(path=clip), Recorder()))
    assert caught.value.server_message == (
        "file: File extension “mkv” is not allowed. Allowed extensions are: mp4, mov, avi, mpeg.")
    assert slipstream_fake.requests == []


def test_the_services_400_field_errors_are_shown_verbatim(slipstream_fake, clock, tmp_path):
    provider = provider_for(slipstream_fake, clock)

    async def calls():
        errors = []
        for payload in ({}, {"storage_key": "elsewhere/clip.mp4"}):
            try:
                await provider.client.http.post_json("/api/v4/video-recognition/", payload)
            except BadRequest as error:
                errors.append(error.server_message)
        await provider.aclose()
        return errors

    assert run(calls()) == [
        "Provide exactly one of `file` or `storage_key`.",
        "storage_key: Must start with `video-recognition/`.",
    ]


def test_an_expired_job_is_explained(slipstream_fake, clock, tmp_path):
    clip = make_clip(tmp_path / "old.mp4", total_frames=25)
    request = AnalysisRequest(path=clip, remote_id="7b2c1e8a-0f4d-4a2b-9c11-7f5a2d9e3c10")
    with pytest.raises(NotFound) as caught:
        run(analyze(provider_for(slipstream_fake, clock), request, Recorder()))
    assert "expired" in str(caught.value) and "about a day" in str(caught.value) and caught.value.status == 404


def test_missing_credentials_are_the_services_401(slipstream_fake, clock, tmp_path):
    clip = make_clip(tmp_path / "a.mp4", total_frames=25)
    provider = SlipstreamProvider.from_settings(
        settings_for(slipstream_fake).model_copy(update={"api_key": "not-the-key"}), clock=clock)
    with pytest.raises(AuthenticationFailed) as caught:
        run(analyze(provider, AnalysisRequest(path=clip), Recorder()))
    assert caught.value.server_message == "Authentication credentials were not provided."
    assert KEY not in str(caught.value)
