"""A fake Slipstream (seed 002) on 127.0.0.1: `python -m fakes.slipstream --port 8602`."""

from .server import FakeSlipstream

__all__ = ["FakeSlipstream"]
