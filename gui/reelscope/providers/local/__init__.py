"""The embedded local analysis engine: scenes, activity and thumbnails, computed with PyAV.

`LocalProvider` is imported on first use: a worker process imports this package before it lowers its
priority (`worker_start`), and must not load the engine until then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .provider import LocalProvider

__all__ = ["LocalProvider"]


def __getattr__(name: str):
    if name == "LocalProvider":
        from .provider import LocalProvider

        return LocalProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
