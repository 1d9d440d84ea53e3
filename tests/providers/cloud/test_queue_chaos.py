"""The persistent queue with every cloud provider while the fakes answer 30% of requests with 429 or
5xx: every job ends, done, and each fake created exactly one job per file."""

from __future__ import annotations

import asyncio
import hashlib

from cloud_support import FastClock, settings_for
from fakes.loops import run_on_own_loop
from fakes.media import make_clip
from reelscope.domain.jobs import JobState
from reelscope.library.storage import Storage
from reelscope.providers.noxovision import NoxovisionProvider
from reelscope.providers.seeknetic import SeekneticProvider
from reelscope.providers.slipstream import SlipstreamProvider
from reelscope.services.analysis import AnalysisService

FILES = 20


def test_twenty_uploads_through_faults_end_with_one_job_per_file(tmp_path, noxovision_fake, slipstream_fake,
                                                                  seeknetic_fake):
    clips = [make_clip(tmp_path / f"clip{i:02d}.mp4", total_frames=8, text=f"take {i}") for i in range(FILES)]
    hashes = {hashlib.sha256(c.read_bytes()).hexdigest() for c in clips}
    assert len(hashes) == FILES
    seeknetic_fake.collections["dailies"] = {"name": "Dailies"}
    for fake in (noxovision_fake, slipstream_fake, seeknetic_fake):
        fake.chaos(0.3, statuses=(429, 500, 502, 503), retry_after="0")
    clock = FastClock()
    providers = {
        "noxovision": NoxovisionProvider.from_settings(settings_for(noxovision_fake), clock=clock),
        "slipstream": SlipstreamProvider.from_settings(settings_for(slipstream_fake), clock=clock),
        "seeknetic": SeekneticProvider.from_settings(settings_for(seeknetic_fake, collection_id="dailies"),
                                                     clock=clock),
    }
    storage = Storage.open(tmp_path / "data")

    async def queue_everything():
        service = AnalysisService(storage, providers, transient_retry_delays_s=(0.1, 0.2, 0.4))
        await service.start()
        report = await service.submit(clips, tuple(providers))
        assert len(report.queued) == FILES * len(providers)
        await asyncio.wait_for(service.wait_idle(), 240)
        jobs = await service.jobs()
        await service.aclose()
        for provider in providers.values():
            await provider.aclose()
        return jobs

    try:
        jobs = run_on_own_loop(queue_everything())
    finally:
        storage.close()
    failed = [(j.provider, j.path, j.error) for j in jobs if j.state is not JobState.DONE]
    assert failed == [], failed
    fakes = (noxovision_fake, slipstream_fake, seeknetic_fake)
    faulted, answered = sum(f.faulted for f in fakes), sum(len(f.requests) for f in fakes)
    assert faulted > 50 and 0.2 < faulted / answered < 0.4  # the chaos really hit about 30% of the requests
    assert {h: len(v) for h, v in noxovision_fake.record()["jobs_by_sha256"].items()} == {h: 1 for h in hashes}
    assert {h: len(v) for h, v in slipstream_fake.record()["jobs_by_sha256"].items()} == {h: 1 for h in hashes}
    assert {h: len(v) for h, v in seeknetic_fake.record()["videos_by_sha256"].items()} == {h: 1 for h in hashes}


def test_an_image_dropped_with_noxovision_is_queued_for_it_alone(tmp_path, noxovision_fake):
    from PIL import Image

    from reelscope.providers.base import ProviderLimits

    photo = tmp_path / "still.jpg"
    Image.new("RGB", (32, 24), (90, 30, 200)).save(photo)
    clip = make_clip(tmp_path / "moving.mp4", total_frames=8)
    notes = tmp_path / "notes.txt"
    notes.write_text("not media")
    provider = NoxovisionProvider.from_settings(settings_for(noxovision_fake), clock=FastClock())

    class Idle:
        id, limits = "local", ProviderLimits()

    storage = Storage.open(tmp_path / "data")

    async def drop(targets):
        service = AnalysisService(storage, {"local": Idle(), "noxovision": provider})
        return await service.submit([photo, clip, notes], targets)

    try:
        both = run_on_own_loop(drop(("local", "noxovision")))
        local_only = run_on_own_loop(drop(("local",)))
    finally:
        storage.close()
        run_on_own_loop(provider.aclose())
    assert sorted((j.path.rsplit("/", 1)[-1], j.provider) for j in both.queued) == [
        ("moving.mp4", "local"), ("moving.mp4", "noxovision"), ("still.jpg", "noxovision")]
    assert [r.path for r in both.refused] == [str(notes)]
    assert {r.path: r.reason for r in local_only.refused}[str(photo)].startswith("not a video: a still image")
