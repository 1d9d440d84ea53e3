"""Seeknetic: collections, uploads, video tagging, embeddings and collection search (seed 000).

`SeekneticProvider` is imported on first use, so that its regions can be read without its HTTP client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .provider import SeekneticProvider

__all__ = ["SeekneticProvider"]


def __getattr__(name: str):
    if name == "SeekneticProvider":
        from .provider import SeekneticProvider

        return SeekneticProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
