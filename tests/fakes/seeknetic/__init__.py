"""A fake Seeknetic (seed 000) on 127.0.0.1: `python -m fakes.seeknetic --port 8603`."""

from .server import FakeSeeknetic

__all__ = ["FakeSeeknetic"]
