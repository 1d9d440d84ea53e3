"""Connection tests (what the service answered, never the key) and picture downloads (the key only to the
provider's own origin), against the fakes over loopback."""

from __future__ import annotations

import base64
import socket

import pytest

from cloud_support import KEY, run, settings_for
from fakes.noxovision.server import FACES, SECOND_FACE_BASE64
from reelscope.domain.errors import ProviderError, ServiceFault
from reelscope.domain.pictures import inline_image, picture_ref
from reelscope.providers.images import ImageDownloader, provider_clients
from reelscope.providers.registry import build_analysis_provider


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("provider_id", ["noxovision", "slipstream", "seeknetic"])
def test_a_connection_test_says_what_the_service_answered(provider_id, noxovision_fake, slipstream_fake,
                                                          seeknetic_fake):
    fake = {"noxovision": noxovision_fake, "slipstream": slipstream_fake, "seeknetic": seeknetic_fake}[provider_id]

    async def check(settings):
        provider = build_analysis_provider(provider_id, settings)
        try:
            return await provider.check_connection()
        finally:
            await provider.aclose()

    accepted = run(check(settings_for(fake)))
    assert accepted.ok and accepted.status in (200, 404) and "accepted the key" in accepted.message
    assert accepted.endpoint.startswith(f"GET {fake.base_url}/") and accepted.elapsed_s > 0

    refused = run(check(settings_for(fake).model_copy(update={"api_key": "sk-wrong-key-000"})))
    assert not refused.ok and refused.status == 401 and "refused the API key" in refused.message
    assert refused.server_message and "sk-wrong-key-000" not in refused.model_dump_json()

    away = run(check(settings_for(fake).model_copy(update={"base_url": f"http://127.0.0.1:{closed_port()}"})))
    assert not away.ok and away.status is None and "cannot connect" in away.message


def test_pictures_on_the_providers_origin_carry_its_key_and_no_other_does(noxovision_fake, seeknetic_fake, clock):
    provider = build_analysis_provider("noxovision", settings_for(noxovision_fake))
    downloader = ImageDownloader(lambda: provider_clients([provider]))

    async def scenario():
        try:
            own = await downloader.fetch(f"{noxovision_fake.base_url}/thumbnails/face-1.jpg")
            with pytest.raises(ProviderError):   # a 404 from a host that is not Noxovision
                await downloader.fetch(f"{seeknetic_fake.base_url}/thumbnails/face-1.jpg")
            with pytest.raises(ServiceFault):   # an answer that is not a picture
                await downloader.fetch(f"{noxovision_fake.base_url}/latency/video")
            return own
        finally:
            await downloader.aclose()
            await provider.aclose()

    assert run(scenario()) == FACES["face-1.jpg"]
    assert noxovision_fake.requests[0]["headers"]["x-api-key"] == KEY
    assert all("x-api-key" not in r["headers"] and "authorization" not in r["headers"]
               for r in seeknetic_fake.requests), "the key went to another host"


def test_a_picture_given_as_base64_is_read_as_one():
    assert inline_image(picture_ref(SECOND_FACE_BASE64)) == base64.b64decode(SECOND_FACE_BASE64)
    assert picture_ref(SECOND_FACE_BASE64).startswith("data:"), "raw base64 may start with '/': never a path"
    assert picture_ref("https://host.example/f.jpg") == "https://host.example/f.jpg"
    assert inline_image("data:;base64,bm90IGEgcGljdHVyZQ==") is None, "base64 that is not a picture"
