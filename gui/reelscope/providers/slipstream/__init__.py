"""Slipstream: music track recognition in a clip (seed 002)."""

from .provider import SlipstreamProvider

__all__ = ["SlipstreamProvider"]
