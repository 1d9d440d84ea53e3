"""A fake Noxovision (seed 001) on 127.0.0.1: `python -m fakes.noxovision --port 8601`."""

from .server import FakeNoxovision

__all__ = ["FakeNoxovision"]
