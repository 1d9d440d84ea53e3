"""Cloud providers against their fakes over real loopback sockets."""

from __future__ import annotations

import pytest

from cloud_support import KEY, FastClock
from fakes.noxovision import FakeNoxovision
from fakes.seeknetic import FakeSeeknetic
from fakes.slipstream import FakeSlipstream


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
