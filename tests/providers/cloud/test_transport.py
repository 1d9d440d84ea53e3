"""The shared transport against a fake over loopback: retries, Retry-After, pacing, typed errors, redaction."""

from __future__ import annotations

import email.utils
import json
import logging
import subprocess
import sys
import textwrap
import time

import pytest

from cloud_support import KEY, FastClock, run
from reelscope.domain.errors import ServiceFault, ServiceUnreachable
from reelscope.providers._http import (
    HeaderKey,
    HttpClient,
    QueryToken,
    RetryPolicy,
    SystemClock,
    Timeouts,
    parse_retry_after,
    redact,
)


def client_for(fake, clock, **options) -> HttpClient:
    return HttpClient("noxovision", fake.base_url, HeaderKey(KEY), clock=clock, **options)


def call(client, work):
    async def go():
        try:
            return await work(client)
        finally:
            await client.aclose()

    return run(go())


def test_retry_after_in_seconds_is_honoured(noxovision_fake, clock):
    noxovision_fake.faults.retry_after = "2"
    noxovision_fake.fail_next(429, count=2)
    latency = call(client_for(noxovision_fake, clock), lambda c: c.get_json("/latency/video"))
    assert latency["latency_ms_per_unit"] == 40.0 and clock.sleeps == [2.0, 2.0]


def test_retry_after_as_an_http_date_is_honoured(noxovision_fake):
    clock = FastClock()
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    noxovision_fake.faults.retry_after = when
    noxovision_fake.fail_next(429)
    call(client_for(noxovision_fake, clock), lambda c: c.get_json("/latency/video"))
    assert 27 <= clock.sleeps[0] <= 30
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now_wall=0) > 0
    assert parse_retry_after("soon", now_wall=0) is None


def test_server_errors_back_off_with_jitter_then_give_up_with_the_servers_words(noxovision_fake, clock):
    noxovision_fake.fail_next(502, count=3)
    client = client_for(noxovision_fake, clock, retry=RetryPolicy(max_attempts=3, base_delay_s=1.0))
    with pytest.raises(ServiceFault) as caught:
        call(client, lambda c: c.get_json("/latency/video"))
    assert caught.value.status == 502 and caught.value.server_message == "External API error"
    assert len(clock.sleeps) == 2 and 0 <= clock.sleeps[0] <= 1.0 and 0 <= clock.sleeps[1] <= 2.0


def test_an_html_error_page_is_a_clear_service_fault(noxovision_fake, clock):
    noxovision_fake.fail_next("html", count=10)
    with pytest.raises(ServiceFault) as caught:
        call(client_for(noxovision_fake, clock, retry=RetryPolicy(max_attempts=2)),
             lambda c: c.get_json("/latency/video"))
    assert "502 Bad Gateway" in caught.value.server_message and caught.value.status == 502


def test_malformed_json_is_a_clear_service_fault(noxovision_fake, clock):
    noxovision_fake.fail_next("malformed")
    with pytest.raises(ServiceFault) as caught:
        call(client_for(noxovision_fake, clock), lambda c: c.get_json("/latency/video"))
    assert "malformed JSON" in str(caught.value) and '"status":' in caught.value.server_message


def test_a_slow_answer_times_out_and_a_post_is_not_sent_twice(noxovision_fake, clock, tmp_path):
    from reelscope.providers._http import FileBody

    video = tmp_path / "v.mp4"
    video.write_bytes(b"\0" * 1000)
    noxovision_fake.faults.slow_fault_s = 1.0
    noxovision_fake.fail_next("slow", path="^/video$")
    client = client_for(noxovision_fake, clock, timeouts=Timeouts(read_s=0.3))
    with pytest.raises(ServiceUnreachable) as caught:
        call(client, lambda c: c.request("POST", "/video", body=FileBody(video)))
    assert "no answer within 0.3 s" in str(caught.value)
    time.sleep(1.0)  # the slow answer arrives after the client gave up; it created one job only
    assert sum(len(v) for v in noxovision_fake.record()["jobs_by_sha256"].values()) == 1


def test_a_slow_get_is_retried(noxovision_fake, clock):
    noxovision_fake.faults.slow_fault_s = 0.6
    noxovision_fake.fail_next("slow")
    client = client_for(noxovision_fake, clock, timeouts=Timeouts(read_s=0.3))
    assert call(client, lambda c: c.get_json("/latency/image"))["unit"] == "image"


def test_no_server_is_service_unreachable(clock):
    client = HttpClient("noxovision", "http://127.0.0.1:9", HeaderKey(KEY), clock=clock,
                        retry=RetryPolicy(max_attempts=2))
    with pytest.raises(ServiceUnreachable) as caught:
        call(client, lambda c: c.get_json("/latency/video"))
    assert "cannot connect to Noxovision" in str(caught.value) and len(clock.sleeps) == 1


def test_pacing_keeps_calls_apart(noxovision_fake):
    class RecordingClock(SystemClock):
        sleeps: list[float] = []

        async def sleep(self, seconds: float) -> None:
            self.sleeps.append(seconds)
            await super().sleep(seconds)

    clock = RecordingClock()
    client = HttpClient("twelvelabs", noxovision_fake.base_url, HeaderKey(KEY, "x-api-key"), min_interval_s=0.2,
                        clock=clock)

    async def three(c):
        started = time.monotonic()
        for _ in range(3):
            await c.request("GET", "/latency/video", ok=range(200, 500))
        return time.monotonic() - started

    elapsed = call(client, three)
    assert elapsed >= 0.4 and len(clock.sleeps) == 2 and all(0 < s <= 0.2 for s in clock.sleeps)
    arrivals = [request["at"] for request in noxovision_fake.requests[-3:]]
    assert all(later - earlier >= 0.2 for earlier, later in zip(arrivals, arrivals[1:])), \
        "apart where the service counts them, however long each took to get there"
    assert noxovision_fake.requests[0]["headers"]["x-api-key"] == KEY


def test_a_token_in_the_url_never_reaches_logs_or_errors(noxovision_fake, clock, caplog):
    token = "eluvio+tok/en=abc123XYZ"
    client = HttpClient("eluvio", noxovision_fake.base_url, QueryToken(token), clock=clock,
                        retry=RetryPolicy(max_attempts=2))
    noxovision_fake.fail_next(500, count=2)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ServiceFault) as caught:
        call(client, lambda c: c.get_json("/q/iq__1/rep/search", params={"terms": "campus"}))
    assert noxovision_fake.requests[0]["query"]["authorization"] == token  # it was sent
    text = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert "HTTP Request" in text  # httpx's own INFO line about the URL is there, masked
    for shown in (text, str(caught.value), repr(caught.value)):
        assert token not in shown and "abc123XYZ" not in shown and "eluvio%2Btok" not in shown
    assert redact(f"https://x/?a=1&authorization={token}&b=2") == "https://x/?a=1&authorization=***&b=2"


def test_the_first_call_to_a_service_imports_nothing_on_the_event_loop(noxovision_fake):
    """The loop is the window's: httpx's stack imported at a client's first connection stalled it 15-45 ms."""
    script = textwrap.dedent(f"""
        import asyncio, json, sys
        from reelscope.providers._http import HeaderKey, HttpClient

        async def first_call():
            client = HttpClient("noxovision", {noxovision_fake.base_url!r}, HeaderKey({KEY!r}))
            before = set(sys.modules)
            await client.get_json("/latency/video")
            await client.aclose()
            return sorted(set(sys.modules) - before)

        print(json.dumps(asyncio.run(first_call())))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(done.stdout.splitlines()[-1]) == []
