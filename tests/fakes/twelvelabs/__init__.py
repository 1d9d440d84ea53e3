"""A fake Twelve Labs search API (seed 003) on 127.0.0.1: `python -m fakes.twelvelabs --port 8604`."""

from .server import FakeTwelveLabs

__all__ = ["FakeTwelveLabs"]
