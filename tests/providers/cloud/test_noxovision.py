"""Noxovision's whole flow and every case its document gives, against the fake over loopback."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.request
from pathlib import Path

import pytest

from cloud_support import KEY, Recorder, run, settings_for
from fakes.media import make_clip
from reelscope.domain.analysis import AnalysisStatus
from reelscope.domain.errors import AuthenticationFailed, BadRequest
from reelscope.domain.jobs import JobPhase
from reelscope.providers.base import AnalysisRequest
from reelscope.providers.noxovision import NoxovisionProvider
from reelscope.providers.noxovision.webhooks import WebhookReceiver, signature_for


def provider_for(fake, clock, **values) -> NoxovisionProvider:
    return NoxovisionProvider.from_settings(settings_for(fake, **values), clock=clock)


async def analyze(provider, request, events):
    try:
        return await provider.analyze(request, events)
    finally:
        await provider.aclose()


@pytest.fixture
def clip(tmp_path) -> Path:
    return make_clip(tmp_path / "lobby.mp4", cut_frames=(10,), total_frames=50)


def test_a_video_is_streamed_polled_and_mapped(noxovision_fake, clock, clip):
    provider = provider_for(noxovision_fake, clock, max_processing_time_s=600)
    events = Recorder()
    analysis = run(analyze(provider, AnalysisRequest(path=clip), events))

    assert analysis.status is AnalysisStatus.FINISHED and analysis.provider == "noxovision"
    assert [(s.start_s, s.end_s) for s in analysis.scenes] == [(0, 5.2), (5.2, 10.7)]
    assert analysis.activity.values == (0.01, 0.15, 0.08)
    demo = analysis.sections[1]
    assert demo.tag == "demo" and demo.is_critical and demo.thumbnail_s == 4.1
    assert analysis.ocr[0].text == "No dogs off leash" and analysis.ocr[0].language == "en"
    first, second = analysis.people[0].persons
    assert first.face_thumbnail == f"{noxovision_fake.base_url}/thumbnails/face-1.jpg" and first.allowlisted is True
    assert base64.b64decode(second.face_thumbnail).startswith(b"\xff\xd8\xff"), "the other face comes as raw base64"
    assert first.prominence == 0.65 and first.face_embedding == (0.11, -0.02, 0.33)
    # The same face (a near-identical embedding) in the next scene is the same person; the other is not.
    assert analysis.people[1].persons[0].person_id == first.person_id != second.person_id

    job_id = events.remote_jobs[0][0]
    job = noxovision_fake.record()["jobs"][job_id]
    assert job["sha256"] == hashlib.sha256(clip.read_bytes()).hexdigest() and job["limit"] == 600
    assert events.phases() == [JobPhase.UPLOADING, JobPhase.PROCESSING, JobPhase.FETCHING]
    assert events.uploaded_bytes()[-1] == clip.stat().st_size
    # The latency figure (40 ms per second of video) gives the ETA while the service works.
    first_eta = next(u.eta_s for u in events.progress_updates if u.phase is JobPhase.PROCESSING)
    assert first_eta == pytest.approx(0.04 * events.videos[0].duration_s)


@pytest.mark.parametrize("absolute", [False, True], ids=["relative-location", "absolute-location"])
def test_the_location_header_is_followed(noxovision_fake, clock, clip, absolute):
    noxovision_fake.absolute_location = absolute
    events = Recorder()
    run(analyze(provider_for(noxovision_fake, clock), AnalysisRequest(path=clip), events))
    poll_url = events.remote_jobs[0][1]["poll_url"]
    assert poll_url == f"{noxovision_fake.base_url}/video/{events.remote_jobs[0][0]}"
    polled = [r for r in noxovision_fake.requests if r["method"] == "GET" and r["path"].startswith("/video/")]
    assert polled


def test_a_stored_job_is_polled_not_sent_again(noxovision_fake, clock, clip):
    run(analyze(provider_for(noxovision_fake, clock), AnalysisRequest(path=clip), Recorder()))
    (job_id,) = [j for jobs in noxovision_fake.record()["jobs_by_sha256"].values() for j in jobs]
    request = AnalysisRequest(path=clip, remote_id=job_id, remote_details={})
    events = Recorder()
    analysis = run(analyze(provider_for(noxovision_fake, clock), request, events))
    assert analysis.status is AnalysisStatus.FINISHED
    assert len(noxovision_fake.record()["jobs"]) == 1 and events.remote_jobs == []
    assert JobPhase.UPLOADING not in events.phases()


def test_max_processing_time_zero_means_no_limit(noxovision_fake, clock, clip):
    noxovision_fake.processing_s = 0.3
    analysis = run(analyze(provider_for(noxovision_fake, clock, max_processing_time_s=0), AnalysisRequest(path=clip),
                           Recorder()))
    assert analysis.status is AnalysisStatus.FINISHED
    assert list(noxovision_fake.record()["jobs"].values())[0]["limit"] == 0


def test_max_processing_time_exceeded_is_a_failed_analysis_saying_why(noxovision_fake, clock, clip):
    noxovision_fake.processing_s = 1.5
    limited = provider_for(noxovision_fake, clock, max_processing_time_s=1)
    analysis = run(analyze(limited, AnalysisRequest(path=clip), Recorder()))
    assert analysis.status is AnalysisStatus.FAILED
    assert "Max-Processing-Time" in analysis.error and "exceeded" in analysis.error


def test_an_image_goes_as_a_batch_of_raw_base64(noxovision_fake, clock, tmp_path):
    from PIL import Image

    photo = tmp_path / "kitchen.jpg"
    Image.new("RGB", (64, 48), (200, 120, 40)).save(photo)
    events = Recorder()
    analysis = run(analyze(provider_for(noxovision_fake, clock), AnalysisRequest(path=photo), events))
    assert [t.tag for t in analysis.tags] == ["cat", "indoor"] and analysis.tags[0].probability == 0.92
    assert analysis.ocr[0].text == "Kitchen" and analysis.people[0].persons[0].age == 4
    assert analysis.video.width == 64 and analysis.video.duration_s == 0
    job = noxovision_fake.record()["jobs"][events.remote_jobs[0][0]]
    assert job["kind"] == "image_batch" and job["sha256"] == hashlib.sha256(photo.read_bytes()).hexdigest()


def test_a_wrong_key_is_an_authentication_error_with_the_servers_words(noxovision_fake, clock, clip):
    provider = NoxovisionProvider.from_settings(
        settings_for(noxovision_fake).model_copy(update={"api_key": "wrong-key-123"}), clock=clock
    )
    with pytest.raises(AuthenticationFailed) as caught:
        run(analyze(provider, AnalysisRequest(path=clip), Recorder()))
    assert caught.value.status == 401 and "Invalid or missing API key" in caught.value.server_message
    assert "wrong-key-123" not in str(caught.value)


def test_an_expired_key_says_so(noxovision_fake, clock, clip):
    noxovision_fake.expire(KEY)
    with pytest.raises(AuthenticationFailed) as caught:
        run(analyze(provider_for(noxovision_fake, clock), AnalysisRequest(path=clip), Recorder()))
    assert "expired" in caught.value.server_message.lower()


def test_an_unprocessable_image_batch_shows_the_servers_reason(noxovision_fake, clock):
    from reelscope.providers.noxovision.client import NoxovisionClient

    provider = provider_for(noxovision_fake, clock)
    client: NoxovisionClient = provider.client

    async def bad_batch():
        try:
            await client.http.post_json("/images", {"images": [{"external_id": "a", "data_base64": "data:x"}]})
        finally:
            await provider.aclose()

    with pytest.raises(BadRequest) as caught:
        run(bad_batch())
    assert caught.value.status == 422 and "no data URI prefix" in caught.value.server_message


def test_reachability_is_a_real_call(noxovision_fake, clock):
    good = provider_for(noxovision_fake, clock)
    bad = NoxovisionProvider.from_settings(
        settings_for(noxovision_fake).model_copy(update={"api_key": "nope-nope"}), clock=clock
    )

    async def both():
        try:
            return await good.check_reachable(), await bad.check_reachable()
        finally:
            await good.aclose()
            await bad.aclose()

    assert run(both()) == (True, False)


def test_with_webhooks_a_signed_delivery_ends_the_wait(noxovision_fake, clip):
    secret = "whsec-0b8e1d"
    settings = settings_for(
        noxovision_fake, webhook_url="http://127.0.0.1:0/hook", webhook_listen="127.0.0.1:0", webhook_secret=secret
    ).model_copy(update={"poll_interval_s": 60.0})
    provider = NoxovisionProvider.from_settings(settings)  # real time: a poll would come only after 60 s
    receiver: WebhookReceiver = provider._webhooks
    noxovision_fake.processing_s = 0.3

    async def flow():
        await receiver.start()
        url = f"http://127.0.0.1:{receiver.port}/hook"
        provider._webhook = provider._webhook.model_copy(update={"url": url})
        try:
            return await provider.analyze(AnalysisRequest(path=clip), Recorder())
        finally:
            await provider.aclose()

    analysis = run(flow(), timeout_s=20)
    assert analysis.status is AnalysisStatus.FINISHED and analysis.ocr[0].text == "No dogs off leash"
    job = next(iter(noxovision_fake.record()["jobs"].values()))
    assert job["webhook"]["secret"] == secret
    deadline = time.monotonic() + 5
    while not noxovision_fake.record()["webhook_deliveries"] and time.monotonic() < deadline:
        time.sleep(0.01)  # the fake notes the delivery once its POST has been answered
    assert noxovision_fake.record()["webhook_deliveries"][0]["status"] == 204 and receiver.accepted == 1


def test_the_webhook_receiver_refuses_forged_payloads():
    secret = "whsec-77aa"
    receiver = WebhookReceiver(secret, "127.0.0.1", 0)

    async def deliveries():
        await receiver.start()
        url = f"http://127.0.0.1:{receiver.port}/"
        body = json.dumps({"job_id": "video_1", "status": "finished"}).encode()
        loop = __import__("asyncio").get_running_loop()

        def post(signature):
            headers = {"Content-Type": "application/json"}
            if signature is not None:
                headers["X-Webhook-Signature"] = signature
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:
                    return answer.status
            except urllib.error.HTTPError as error:
                return error.code

        statuses = [
            await loop.run_in_executor(None, post, None),
            await loop.run_in_executor(None, post, "0" * 64),
            await loop.run_in_executor(None, post, signature_for("other-secret", body)),
            await loop.run_in_executor(None, post, "sha256=" + signature_for(secret, body)),
        ]
        payload = await receiver.wait_for("video_1")
        await receiver.aclose()
        return statuses, payload

    statuses, payload = run(deliveries())
    assert statuses == [401, 401, 401, 204]
    assert payload["status"] == "finished" and receiver.refused == 3 and receiver.accepted == 1
    assert hmac.compare_digest(signature_for(secret, b"x"), signature_for(secret, b"x"))
