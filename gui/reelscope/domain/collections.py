"""A provider's collection of uploaded videos (Seeknetic's), as the library pane and the CLI list it."""

from __future__ import annotations

from .base import Frozen


class Collection(Frozen):
    provider: str
    collection_id: str
    name: str
    video_count: int | None = None
    description: str | None = None
