"""The library: clips, their analyses per provider, and the full-text index over both."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

from ..domain.analysis import Analysis, AnalysisStatus, PeopleSpan, VideoInfo
from ..domain.clips import Clip, ProviderStatus
from ..domain.media import readable, title_from_name
from ..domain.people import person_label, person_spans
from ..domain.search import ORDER_DATE, SearchHit
from .db import transaction
from .paths import path_from_db, path_to_db
from .thumbnails import ThumbnailCache

LOCAL = "local"
VIDEO_LEVEL = ""
"""The provider column of index rows that belong to the clip itself (title, file name)."""


HIGHLIGHT_START, HIGHLIGHT_END = "\x02", "\x03"


@dataclass(frozen=True)
class IndexRow:
    kind: str
    text: str
    start_s: float
    end_s: float
    ref: str | None = None
    """What the row stands for, when it is not only text: a person's id."""


@dataclass(frozen=True)
class SearchFilters:
    """Which moments a search keeps (None: any), how good they must be, and their order."""

    person_id: str | None = None
    provider: str | None = None
    video_id: str | None = None
    min_score: float = 0.0
    order: str = "score"


class Catalogue:
    """Clips, analyses and the search index. Not thread-safe: used on the database thread only."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        thumbnails: ThumbnailCache,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._conn = conn
        self._thumbnails = thumbnails
        self._clock = clock

    @property
    def thumbnails(self) -> ThumbnailCache:
        return self._thumbnails

    # -- writing -----------------------------------------------------------------------------

    def upsert_video(self, video: VideoInfo) -> None:
        with transaction(self._conn):
            self._upsert_video(video)

    def set_analysis_status(
        self, video_id: str, provider: str, status: AnalysisStatus, error: str | None = None
    ) -> None:
        """Records where a provider's analysis stands; the clip must already be in the catalogue."""
        with transaction(self._conn):
            if not self._has_video(video_id):
                raise KeyError(f"no clip {video_id!r} in the catalogue")
            self._conn.execute(
                """INSERT INTO analyses (video_id, provider, status, error, updated_at)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (video_id, provider) DO UPDATE SET
                     status = excluded.status, error = excluded.error,
                     updated_at = excluded.updated_at""",
                (video_id, provider, status.value, error, self._clock()),
            )

    def abandon_analysis(self, video_id: str, provider: str) -> None:
        """A provider's run stopped without a result: back to what its stored analysis says, or to none."""
        with transaction(self._conn):
            row = self._conn.execute(
                "SELECT json FROM analyses WHERE video_id = ? AND provider = ?", (video_id, provider)
            ).fetchone()
            if row is None:
                return
            if row["json"] is None:
                self._conn.execute("DELETE FROM analyses WHERE video_id = ? AND provider = ?", (video_id, provider))
                return
            stored = Analysis.from_json(row["json"])
            self._conn.execute(
                "UPDATE analyses SET status = ?, error = ?, updated_at = ? WHERE video_id = ? AND provider = ?",
                (stored.status.value, stored.error, self._clock(), video_id, provider),
            )

    def save_analysis(self, analysis: Analysis) -> None:
        video = analysis.video
        with transaction(self._conn):
            self._upsert_video(video)
            self._conn.execute(
                """INSERT INTO analyses
                     (video_id, provider, status, error, json, scene_count, scene_starts, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (video_id, provider) DO UPDATE SET
                     status = excluded.status, error = excluded.error, json = excluded.json,
                     scene_count = excluded.scene_count, scene_starts = excluded.scene_starts,
                     updated_at = excluded.updated_at""",
                (
                    video.id, analysis.provider, analysis.status.value, analysis.error,
                    analysis.to_json(), len(analysis.scenes),
                    json.dumps([scene.start_s for scene in analysis.scenes]), self._clock(),
                ),
            )
            names = self.person_names(_person_ids(analysis.people))
            self._reindex(video.id, analysis.provider, analysis_index_rows(analysis, names))

    def remove_clip(self, video_id: str) -> None:
        """Forgets a clip, its analyses, index rows and thumbnails (never the media file)."""
        with transaction(self._conn):
            row = self._conn.execute("SELECT sha256 FROM videos WHERE id = ?", (video_id,)).fetchone()
            if row is None:
                return
            self._conn.execute("DELETE FROM videos WHERE id = ?", (video_id,))
        self._thumbnails.remove(row["sha256"])

    def _has_video(self, video_id: str) -> bool:
        return self._conn.execute("SELECT 1 FROM videos WHERE id = ?", (video_id,)).fetchone() is not None

    def _upsert_video(self, video: VideoInfo) -> None:
        now = self._clock()
        self._conn.execute(
            """INSERT INTO videos (id, sha256, path, title, json, added_at, updated_at,
                                   duration_s, fps, width, height, size_bytes, codec, has_audio)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET
                 sha256 = excluded.sha256, path = excluded.path, title = excluded.title,
                 json = excluded.json, updated_at = excluded.updated_at,
                 duration_s = excluded.duration_s, fps = excluded.fps, width = excluded.width,
                 height = excluded.height, size_bytes = excluded.size_bytes, codec = excluded.codec,
                 has_audio = excluded.has_audio""",
            (
                video.id, video.sha256, path_to_db(video.path), video.title, video.to_json(), now, now,
                video.duration_s, video.fps, video.width, video.height, video.size_bytes, video.codec,
                None if video.has_audio is None else int(video.has_audio),
            ),
        )
        self._reindex(video.id, VIDEO_LEVEL, [video_index_row(video)])

    def _reindex(self, video_id: str, provider: str, rows: Iterable[IndexRow]) -> None:
        self._conn.execute(
            "DELETE FROM search_rows WHERE video_id = ? AND provider = ?", (video_id, provider)
        )
        self._conn.executemany(
            """INSERT INTO search_rows (video_id, provider, kind, text, start_s, end_s, ref)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [(video_id, provider, r.kind, r.text, r.start_s, r.end_s, r.ref) for r in rows if r.text.strip()],
        )

    def person_names(self, person_ids: Iterable[str]) -> dict[str, str]:
        """The names users gave to these persons (unnamed ones are left out)."""
        ids = list(set(person_ids))
        names: dict[str, str] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            rows = self._conn.execute(
                f"SELECT id, name FROM persons WHERE name IS NOT NULL AND id IN ({','.join('?' * len(part))})", part
            )
            names.update({row["id"]: row["name"] for row in rows})
        return names

    def rename_in_index(self, person_id: str, text: str) -> None:
        """Gives a person's search rows a new text (in the caller's transaction)."""
        rows = self._conn.execute(
            """SELECT id, video_id, provider, kind, start_s, end_s, ref FROM search_rows
               WHERE kind = 'person' AND ref = ?""",
            (person_id,),
        ).fetchall()
        self._conn.executemany("DELETE FROM search_rows WHERE id = ?", [(row["id"],) for row in rows])
        self._conn.executemany(
            """INSERT INTO search_rows (video_id, provider, kind, text, start_s, end_s, ref)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [(r["video_id"], r["provider"], r["kind"], text, r["start_s"], r["end_s"], r["ref"]) for r in rows],
        )

    # -- reading -----------------------------------------------------------------------------

    def analysis(self, video_id: str, provider: str) -> Analysis | None:
        row = self._conn.execute(
            "SELECT json FROM analyses WHERE video_id = ? AND provider = ?", (video_id, provider)
        ).fetchone()
        return Analysis.from_json(row["json"]) if row and row["json"] else None

    def analyses(self, video_id: str) -> list[Analysis]:
        """Every stored analysis of a clip, the local one first, then by provider id."""
        rows = self._conn.execute(
            """SELECT json FROM analyses WHERE video_id = ? AND json IS NOT NULL
               ORDER BY provider != ?, provider""",
            (video_id, LOCAL),
        ).fetchall()
        return [Analysis.from_json(row["json"]) for row in rows]

    def clips(self, filter_text: str = "") -> list[Clip]:
        """Clips newest first; filter_text keeps those whose title or path contains it (any case).

        Built from columns, without parsing any stored JSON: the library lists 20,000 clips at start.
        """
        needle = filter_text.strip().casefold()
        videos = _all_rows(
            self._conn.execute(f"SELECT {_VIDEO_COLUMNS} FROM videos ORDER BY added_at DESC, rowid DESC")
        )
        if needle:
            videos = [v for v in videos if _matches(v, needle)]
        statuses = self._status_rows(None if not needle else [v["id"] for v in videos])
        return [self._clip(v, statuses.get(v["id"], [])) for v in videos]

    def clip(self, video_id: str) -> Clip | None:
        row = self._conn.execute(f"SELECT {_VIDEO_COLUMNS} FROM videos WHERE id = ?", (video_id,)).fetchone()
        if row is None:
            return None
        return self._clip(row, self._status_rows([video_id]).get(video_id, []))

    def clip_by_sha256(self, sha256: str) -> Clip | None:
        row = self._conn.execute(
            "SELECT id FROM videos WHERE sha256 = ? ORDER BY updated_at DESC LIMIT 1", (sha256,)
        ).fetchone()
        return self.clip(row["id"]) if row else None

    def clip_count(self) -> int:
        return self._conn.execute("SELECT count(*) FROM videos").fetchone()[0]

    def _status_rows(self, video_ids: list[str] | None) -> dict[str, list[sqlite3.Row]]:
        query = "SELECT video_id, provider, status, error, scene_count FROM analyses"
        params: list[str] = []
        if video_ids is not None:
            if not video_ids:
                return {}
            params = video_ids
            query += f" WHERE video_id IN ({','.join('?' * len(video_ids))})"
        grouped: dict[str, list[sqlite3.Row]] = {}
        for row in self._conn.execute(query + " ORDER BY provider != ?, provider", (*params, LOCAL)):
            grouped.setdefault(row["video_id"], []).append(row)
        return grouped

    def _clip(self, video_row: sqlite3.Row, status_rows: list[sqlite3.Row]) -> Clip:
        video = _video_of(video_row)
        # No stat per clip: listing 20k clips must stay fast; the view shows a placeholder for a lost file.
        has_local_scenes = any(r["provider"] == LOCAL and r["scene_count"] for r in status_rows)
        return Clip(
            video=video,
            added_at=video_row["added_at"],
            thumbnail_path=self._thumbnails.scene_path_text(video.sha256, 0) if has_local_scenes else None,
            scene_count=_best_scene_count(status_rows),
            statuses=tuple(
                ProviderStatus(provider=r["provider"], status=r["status"], error=r["error"])
                for r in status_rows
            ),
        )

    # -- search ------------------------------------------------------------------------------

    def search(
        self, query: str, limit: int = 50, offset: int = 0, filters: SearchFilters | None = None
    ) -> tuple[list[SearchHit], int]:
        """One page of matching index rows, best first (or newest clips first), and how many match in all."""
        expression = fts_query(query)
        if not expression:
            return [], 0
        filters = filters or SearchFilters()
        if filters == SearchFilters():
            rows, total, best_rank = self._best_matches(expression, limit, offset)
        else:
            rows, total, best_rank = self._filtered_matches(expression, limit, offset, filters)
        if not rows and total == 0:
            return [], 0
        scene_starts: dict[str, list[float]] = {}
        hits = []
        for row in rows:
            video_id = row["video_id"]
            if video_id not in scene_starts:
                scene_starts[video_id] = self._thumbnail_scene_starts(video_id)
            thumbnail = self._thumbnails.scene_thumbnail_at(row["sha256"], scene_starts[video_id], row["start_s"])
            snippet, highlights = unmark(row["marked"])
            hits.append(
                SearchHit(
                    video_id=video_id,
                    title=row["title"],
                    local_path=path_from_db(row["path"]),
                    start_s=row["start_s"],
                    end_s=row["end_s"],
                    score=score_from_bm25(row["rank"], best_rank),
                    thumbnail_url=str(thumbnail) if thumbnail else None,
                    snippet=snippet,
                    kind=row["kind"],
                    provider=row["provider"] or None,
                    highlights=highlights,
                )
            )
        return hits, total

    _HIT_COLUMNS = """r.video_id, r.provider, r.kind, r.start_s, r.end_s, v.title, v.path, v.sha256"""

    def _best_matches(self, expression: str, limit: int, offset: int) -> tuple[list[sqlite3.Row], int, float]:
        """Best first, unfiltered: FTS5 ranks and pages on its own; only the page is joined."""
        total = self._conn.execute(
            "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", (expression,)
        ).fetchone()[0]
        if total == 0:
            return [], 0, 0.0
        rows = self._conn.execute(
            f"""WITH page AS (
                   SELECT rowid AS id, rank, highlight(search_fts, 0, ?, ?) AS marked FROM search_fts
                   WHERE search_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?)
               SELECT {self._HIT_COLUMNS}, page.marked, page.rank
               FROM page JOIN search_rows AS r ON r.id = page.id JOIN videos AS v ON v.id = r.video_id
               ORDER BY page.rank""",
            (HIGHLIGHT_START, HIGHLIGHT_END, expression, max(0, limit), max(0, offset)),
        ).fetchall()
        if offset == 0 and rows:
            best_rank = rows[0]["rank"]
        else:
            best_rank = self._conn.execute(
                "SELECT rank FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT 1", (expression,)
            ).fetchone()[0]
        return rows, total, best_rank

    def _filtered_matches(
        self, expression: str, limit: int, offset: int, filters: SearchFilters
    ) -> tuple[list[sqlite3.Row], int, float]:
        where, params = _filter_sql(filters)
        best = self._conn.execute(
            f"""SELECT bm25(search_fts) FROM search_fts JOIN search_rows AS r ON r.id = search_fts.rowid
                WHERE search_fts MATCH ?{where} ORDER BY rank LIMIT 1""",
            (expression, *params),
        ).fetchone()
        if best is None:
            return [], 0, 0.0
        best_rank = best[0]
        if filters.min_score > 0 and best_rank < 0:
            where += " AND bm25(search_fts) <= ?"
            params = (*params, min(1.0, filters.min_score) * best_rank)
        total = self._conn.execute(
            f"""SELECT count(*) FROM search_fts JOIN search_rows AS r ON r.id = search_fts.rowid
                WHERE search_fts MATCH ?{where}""",
            (expression, *params),
        ).fetchone()[0]
        order = "v.added_at DESC, r.video_id, rank, r.start_s" if filters.order == ORDER_DATE else (
            "rank, v.added_at DESC, r.video_id, r.start_s"
        )
        rows = self._conn.execute(
            f"""SELECT {self._HIT_COLUMNS}, highlight(search_fts, 0, ?, ?) AS marked, bm25(search_fts) AS rank
               FROM search_fts
               JOIN search_rows AS r ON r.id = search_fts.rowid
               JOIN videos AS v ON v.id = r.video_id
               WHERE search_fts MATCH ?{where}
               ORDER BY {order}
               LIMIT ? OFFSET ?""",
            (HIGHLIGHT_START, HIGHLIGHT_END, expression, *params, max(0, limit), max(0, offset)),
        ).fetchall()
        return rows, total, best_rank

    def _thumbnail_scene_starts(self, video_id: str) -> list[float]:
        """Scene starts of the analysis the thumbnails were made from: the local one if present."""
        row = self._conn.execute(
            """SELECT scene_starts FROM analyses
               WHERE video_id = ? AND scene_count > 0 AND scene_starts IS NOT NULL
               ORDER BY provider != ?, provider LIMIT 1""",
            (video_id, LOCAL),
        ).fetchone()
        return json.loads(row["scene_starts"]) if row else []


FETCH_BATCH_ROWS = 100


def _all_rows(cursor: sqlite3.Cursor) -> list[sqlite3.Row]:
    """Every row, fetched a batch at a time: one fetchall of 20,000 rows holds the GIL for a fifth of a
    second, a frozen window for that long; between batches the GUI thread gets its turn."""
    rows: list[sqlite3.Row] = []
    while batch := cursor.fetchmany(FETCH_BATCH_ROWS):
        rows.extend(batch)
    return rows


_VIDEO_COLUMNS = (
    "id, sha256, path, title, added_at, duration_s, fps, width, height, size_bytes, codec, has_audio"
)


def _filter_sql(filters: SearchFilters) -> tuple[str, tuple]:
    where, params = "", ()
    if filters.provider is not None:
        where += " AND r.provider = ?"
        params += (filters.provider,)
    if filters.video_id is not None:
        where += " AND r.video_id = ?"
        params += (filters.video_id,)
    if filters.person_id is not None:
        # Moments during which the person is on screen in that clip (their own rows included; a
        # clip's title is no moment). The clips they appear in are few: checked first.
        where += """ AND r.kind != 'title'
                     AND r.video_id IN (SELECT video_id FROM search_rows WHERE kind = 'person' AND ref = ?)
                     AND EXISTS (SELECT 1 FROM search_rows AS p
                     WHERE p.kind = 'person' AND p.ref = ? AND p.video_id = r.video_id
                       AND p.start_s < max(r.end_s, r.start_s + 0.001) AND p.end_s > r.start_s)"""
        params += (filters.person_id, filters.person_id)
    return where, params


def unmark(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Text without highlight() markers, and the [start, end) ranges they enclosed."""
    text: list[str] = []
    ranges: list[tuple[int, int]] = []
    length = 0
    opened: int | None = None
    for character in marked:
        if character == HIGHLIGHT_START:
            opened = length
        elif character == HIGHLIGHT_END:
            if opened is not None:
                ranges.append((opened, length))
            opened = None
        else:
            text.append(character)
            length += 1
    return "".join(text), tuple(ranges)


def _person_ids(people: Iterable[PeopleSpan]) -> set[str]:
    return {person.person_id for span in people for person in span.persons}


def _video_of(row: sqlite3.Row) -> VideoInfo:
    has_audio = row["has_audio"]
    return VideoInfo(
        id=row["id"],
        path=path_from_db(row["path"]),
        title=row["title"],
        duration_s=row["duration_s"],
        fps=row["fps"],
        width=row["width"],
        height=row["height"],
        size_bytes=row["size_bytes"],
        sha256=row["sha256"],
        codec=row["codec"],
        has_audio=None if has_audio is None else bool(has_audio),
    )


def _matches(row: sqlite3.Row, needle: str) -> bool:
    return needle in row["title"].casefold() or needle in readable(path_from_db(row["path"])).casefold()


def _best_scene_count(status_rows: list[sqlite3.Row]) -> int:
    for row in status_rows:
        if row["provider"] == LOCAL and row["scene_count"]:
            return row["scene_count"]
    return max((row["scene_count"] for row in status_rows), default=0)


# -- full-text index --------------------------------------------------------------------------


def fts_query(text: str) -> str:
    """An FTS5 expression matching every word of text, the last one as a prefix.

    Each word is quoted as an FTS5 string, so operators and punctuation in user input are
    searched for as text and never parsed as query syntax.
    """
    words = text.split()
    if not words:
        return ""
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def score_from_bm25(rank: float, best_rank: float) -> float:
    """Relevance relative to the query's best match: 1.0 for the best, towards 0 for the weakest.

    FTS5's bm25 is negative (lower is better) and its size depends on the catalogue (a word found in
    most rows scores near 0), so only its ratio to the best match means anything to a user.
    """
    if best_rank >= 0:
        return 1.0
    return min(1.0, max(0.0, rank / best_rank))


def video_index_row(video: VideoInfo) -> IndexRow:
    name = readable(PurePath(video.path).name)
    text = name if title_from_name(name) == video.title else f"{video.title} — {name}"
    return IndexRow("title", text, 0.0, max(0.0, video.duration_s))


def analysis_index_rows(analysis: Analysis, person_names: dict[str, str] | None = None) -> Iterator[IndexRow]:
    whole = (0.0, max(0.0, analysis.video.duration_s))
    for ocr in analysis.ocr:
        yield IndexRow("ocr", ocr.text, ocr.start_s, ocr.end_s)
    for section in analysis.sections:
        for segment in section.segments or ():
            yield IndexRow("section", section.tag, segment.start_s, segment.end_s)
        if not section.segments:
            yield IndexRow("section", section.tag, *whole)
    for tag in analysis.tags:
        yield IndexRow("tag", tag.tag, tag.start_s, tag.end_s)
    for music in analysis.music:
        text = f"{music.title} — {music.artist}" if music.artist else music.title
        yield IndexRow("music", text, music.start_s, music.end_s)
    for person_id, start_s, end_s in person_spans(analysis.people):
        yield IndexRow("person", person_label(person_id, person_names), start_s, end_s, ref=person_id)
