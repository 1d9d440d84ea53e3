"""The provider_assets table: per provider, what it holds of which content (domain.assets)."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable

from ..domain.assets import AssetState, ProviderAsset


class AssetStore:
    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], float] = time.time) -> None:
        self._conn = conn
        self._clock = clock

    def get(self, sha256: str, provider: str, scope: str = "") -> ProviderAsset | None:
        row = self._conn.execute(
            "SELECT * FROM provider_assets WHERE sha256 = ? AND provider = ? AND scope = ?",
            (sha256, provider, scope),
        ).fetchone()
        return _asset(row) if row else None

    def put(self, asset: ProviderAsset) -> ProviderAsset:
        stored = asset.model_copy(update={"updated_at": self._clock()})
        self._conn.execute(
            """INSERT INTO provider_assets (sha256, provider, scope, remote_id, state, video_id, details, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (sha256, provider, scope) DO UPDATE SET
                 remote_id = excluded.remote_id, state = excluded.state, video_id = excluded.video_id,
                 details = excluded.details, updated_at = excluded.updated_at""",
            (
                stored.sha256, stored.provider, stored.scope, stored.remote_id, stored.state.value,
                stored.video_id, json.dumps(stored.details) if stored.details else None, stored.updated_at,
            ),
        )
        return stored

    def for_provider(self, provider: str, state: AssetState | None = None) -> list[ProviderAsset]:
        query = "SELECT * FROM provider_assets WHERE provider = ?"
        params: tuple = (provider,)
        if state is not None:
            query += " AND state = ?"
            params += (state.value,)
        return [_asset(row) for row in self._conn.execute(query + " ORDER BY updated_at", params)]

    def for_video(self, video_id: str) -> list[ProviderAsset]:
        rows = self._conn.execute(
            "SELECT * FROM provider_assets WHERE video_id = ? ORDER BY provider, scope", (video_id,)
        )
        return [_asset(row) for row in rows]

    def remove(self, sha256: str, provider: str, scope: str = "") -> None:
        self._conn.execute(
            "DELETE FROM provider_assets WHERE sha256 = ? AND provider = ? AND scope = ?", (sha256, provider, scope)
        )


def _asset(row: sqlite3.Row) -> ProviderAsset:
    return ProviderAsset(
        sha256=row["sha256"],
        provider=row["provider"],
        scope=row["scope"],
        remote_id=row["remote_id"],
        state=AssetState(row["state"]),
        video_id=row["video_id"],
        details=json.loads(row["details"]) if row["details"] else {},
        updated_at=row["updated_at"],
    )
