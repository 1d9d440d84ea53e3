"""Which search hits are clips in the library: a cloud hit through the provider's asset record
(provider_assets: content sha256 <-> remote id), a local hit by its video id."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from .paths import path_from_db

BATCH = 500  # SQLite's limit on parameters is far above; this keeps statements small


@dataclass(frozen=True)
class LocalLink:
    video_id: str
    path: str
    title: str
    added_at: float


class LinkStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def for_remote_ids(self, provider: str, remote_ids: Iterable[str]) -> dict[str, LocalLink]:
        """The library's clip for each remote id the provider's asset records know (newest copy first)."""
        links: dict[str, LocalLink] = {}
        for batch in _batches(sorted(set(remote_ids))):
            rows = self._conn.execute(
                f"""SELECT a.remote_id, v.id, v.path, v.title, v.added_at
                    FROM provider_assets AS a JOIN videos AS v ON v.sha256 = a.sha256
                    WHERE a.provider = ? AND a.remote_id IN ({",".join("?" * len(batch))})
                    ORDER BY v.updated_at""",
                (provider, *batch),
            )
            for row in rows:  # the last row per id (the newest copy) wins
                links[row["remote_id"]] = _link(row)
        return links

    def for_video_ids(self, video_ids: Iterable[str]) -> dict[str, LocalLink]:
        links: dict[str, LocalLink] = {}
        for batch in _batches(sorted(set(video_ids))):
            rows = self._conn.execute(
                f"""SELECT v.id, v.path, v.title, v.added_at FROM videos AS v
                    WHERE v.id IN ({",".join("?" * len(batch))})""",
                tuple(batch),
            )
            for row in rows:
                links[row["id"]] = _link(row)
        return links

    def collections_uploaded_to(self, provider: str) -> list[str]:
        """The collections this provider holds some of the library's content in, most recent first."""
        rows = self._conn.execute(
            """SELECT scope, details FROM provider_assets
               WHERE provider = ? AND remote_id IS NOT NULL AND state IN ('processing', 'done')
               ORDER BY updated_at DESC""",
            (provider,),
        )
        found: list[str] = []
        for row in rows:
            details = json.loads(row["details"]) if row["details"] else {}
            for collection in (row["scope"], details.get("collection_id")):
                if collection and collection not in found:
                    found.append(collection)
        return found


def _link(row: sqlite3.Row) -> LocalLink:
    return LocalLink(video_id=row["id"], path=path_from_db(row["path"]), title=row["title"], added_at=row["added_at"])


def _batches(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), BATCH):
        yield values[start:start + BATCH]
