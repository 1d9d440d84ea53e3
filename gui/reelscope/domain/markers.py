"""Markers an editor puts on a clip (M at the playhead): kept in the catalogue, drawn and exported."""

from __future__ import annotations

from .base import Frozen


class UserMarker(Frozen):
    id: int
    video_id: str
    time_s: float
    label: str = ""
    created_at: float = 0.0

    @property
    def name(self) -> str:
        return self.label or f"Marker {self.id}"
