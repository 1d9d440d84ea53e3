"""Eluvio: vector search of a content-fabric index, clips or shots (seed 004)."""

from .provider import EluvioProvider

__all__ = ["EluvioProvider"]
