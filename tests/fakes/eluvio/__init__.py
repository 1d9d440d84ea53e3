"""A fake Eluvio vector search (seed 004) on 127.0.0.1: `python -m fakes.eluvio --port 8605`."""

from .server import FakeEluvio

__all__ = ["FakeEluvio"]
