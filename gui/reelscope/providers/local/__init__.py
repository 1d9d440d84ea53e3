"""The embedded local analysis engine: scenes, activity and thumbnails, computed with PyAV."""

from .provider import LocalProvider

__all__ = ["LocalProvider"]
