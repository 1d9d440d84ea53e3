"""User markers in the catalogue. Not thread-safe: used on the database thread only."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from ..domain.markers import UserMarker
from .db import transaction


class MarkerStore:
    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], float] = time.time) -> None:
        self._conn = conn
        self._clock = clock

    def add(self, video_id: str, time_s: float, label: str = "") -> UserMarker:
        """A marker at time_s on the clip; the clip must be in the catalogue."""
        now = self._clock()
        with transaction(self._conn):
            cursor = self._conn.execute(
                "INSERT INTO markers (video_id, time_s, label, created_at) VALUES (?, ?, ?, ?)",
                (video_id, max(0.0, time_s), label, now),
            )
        return UserMarker(id=cursor.lastrowid, video_id=video_id, time_s=max(0.0, time_s), label=label, created_at=now)

    def for_clip(self, video_id: str) -> list[UserMarker]:
        rows = self._conn.execute(
            "SELECT id, video_id, time_s, label, created_at FROM markers WHERE video_id = ? ORDER BY time_s, id",
            (video_id,),
        ).fetchall()
        return [UserMarker(**dict(row)) for row in rows]

    def remove(self, marker_id: int) -> None:
        with transaction(self._conn):
            self._conn.execute("DELETE FROM markers WHERE id = ?", (marker_id,))
