"""Cloud providers against their fakes over real loopback sockets."""

from __future__ import annotations

import pytest

from cloud_support import KEY, FastClock
from fakes.eluvio import FakeEluvio
from fakes.noxovision import FakeNoxovision
from fakes.seeknetic import FakeSeeknetic
from fakes.slipstream import FakeSlipstream
from fakes.twelvelabs import FakeTwelveLabs


@pytest.fixture
def clock() -> FastClock:
    return FastClock()


@pytest.fixture
def noxovision_fake():
    with FakeNoxovision(api_key=KEY) as fake:
        yield fake


@pytest.fixture
def slipstream_fake():
    with FakeSlipstream(api_key=KEY) as fake:
        yield fake


@pytest.fixture
def seeknetic_fake():
    with FakeSeeknetic(api_key=KEY) as fake:
        yield fake


@pytest.fixture
def twelvelabs_fake():
    """A small index (12 videos, about 130 moments a query); rate limit windows short enough for tests."""
    with FakeTwelveLabs(api_key=KEY, videos=12) as fake:
        fake.rate_window_s = 0.05
        yield fake


@pytest.fixture
def eluvio_fake():
    with FakeEluvio(api_key=KEY) as fake:
        yield fake
