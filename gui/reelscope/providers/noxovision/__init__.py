"""Noxovision: asynchronous video and image analysis (seed 001)."""

from .provider import NoxovisionProvider

__all__ = ["NoxovisionProvider"]
