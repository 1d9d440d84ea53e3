"""Twelve Labs: text-to-video search in an index, paged by tokens, grouped by video on request (seed 003)."""

from .provider import TwelveLabsProvider

__all__ = ["TwelveLabsProvider"]
