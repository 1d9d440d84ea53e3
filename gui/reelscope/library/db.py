"""The catalogue database: one SQLite file, schema versioned with PRAGMA user_version."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..domain.errors import ReelscopeError

Migration = Callable[[sqlite3.Connection], None]


def _v1_core(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE videos (
            id TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL,
            path TEXT NOT NULL,
            title TEXT NOT NULL,
            json TEXT NOT NULL,
            added_at REAL NOT NULL,
            updated_at REAL NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX videos_sha256 ON videos (sha256)")
    conn.execute(
        """CREATE TABLE analyses (
            video_id TEXT NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
            provider TEXT NOT NULL,
            status TEXT NOT NULL,
            error TEXT,
            json TEXT,
            updated_at REAL NOT NULL,
            PRIMARY KEY (video_id, provider)
        )"""
    )
    conn.execute(
        """CREATE TABLE jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            path TEXT NOT NULL,
            provider TEXT NOT NULL,
            state TEXT NOT NULL,
            phase TEXT NOT NULL,
            progress REAL NOT NULL DEFAULT 0,
            bytes_total INTEGER NOT NULL DEFAULT 0,
            bytes_done INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            video_id TEXT,
            created_at REAL NOT NULL,
            started_at REAL,
            finished_at REAL
        )"""
    )
    conn.execute("CREATE INDEX jobs_path_provider ON jobs (path, provider)")
    # Search rows live in a plain table (indexed by clip) that an FTS5 index mirrors via triggers.
    conn.execute(
        """CREATE TABLE search_rows (
            id INTEGER PRIMARY KEY,
            video_id TEXT NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
            provider TEXT NOT NULL,
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            start_s REAL NOT NULL,
            end_s REAL NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX search_rows_video ON search_rows (video_id, provider)")
    conn.execute(
        """CREATE VIRTUAL TABLE search_fts USING fts5 (
            text, content='search_rows', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2', prefix='2 3'
        )"""
    )
    conn.execute(
        """CREATE TRIGGER search_rows_insert AFTER INSERT ON search_rows BEGIN
            INSERT INTO search_fts (rowid, text) VALUES (new.id, new.text);
        END"""
    )
    conn.execute(
        """CREATE TRIGGER search_rows_delete AFTER DELETE ON search_rows BEGIN
            INSERT INTO search_fts (search_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END"""
    )


def _v2_scene_count(conn: sqlite3.Connection) -> None:
    """Lets the library list show scene counts without parsing every analysis."""
    conn.execute("ALTER TABLE analyses ADD COLUMN scene_count INTEGER NOT NULL DEFAULT 0")
    conn.execute(
        """UPDATE analyses SET scene_count = coalesce(json_array_length(json, '$.scenes'), 0)
           WHERE json IS NOT NULL"""
    )


def _v3_columns_and_provider_assets(conn: sqlite3.Connection) -> None:
    """Clip facts as columns (listing 20k clips parses no JSON), job phases, provider assets."""
    for column, kind, json_path in (
        ("duration_s", "REAL NOT NULL DEFAULT 0", "$.duration_s"),
        ("fps", "REAL NOT NULL DEFAULT 0", "$.fps"),
        ("width", "INTEGER NOT NULL DEFAULT 0", "$.width"),
        ("height", "INTEGER NOT NULL DEFAULT 0", "$.height"),
        ("size_bytes", "INTEGER NOT NULL DEFAULT 0", "$.size_bytes"),
        ("codec", "TEXT", "$.codec"),
        ("has_audio", "INTEGER", "$.has_audio"),
    ):
        conn.execute(f"ALTER TABLE videos ADD COLUMN {column} {kind}")
        conn.execute(f"UPDATE videos SET {column} = coalesce(json_extract(json, ?), {column})", (json_path,))
    conn.execute("CREATE INDEX videos_added ON videos (added_at DESC)")
    # Scene starts alone, so a search hit finds its thumbnail without parsing the whole analysis.
    conn.execute("ALTER TABLE analyses ADD COLUMN scene_starts TEXT")
    conn.execute(
        """UPDATE analyses SET scene_starts =
             (SELECT json_group_array(json_extract(value, '$.start_s')) FROM json_each(analyses.json, '$.scenes'))
           WHERE json IS NOT NULL"""
    )
    for column, kind in (
        ("phase_started_at", "REAL"),
        ("remote_id", "TEXT"),
        ("sha256", "TEXT"),
        ("fingerprint", "TEXT"),
        ("fresh", "INTEGER NOT NULL DEFAULT 0"),
        ("eta_s", "REAL"),
        ("detail", "TEXT"),
    ):
        conn.execute(f"ALTER TABLE jobs ADD COLUMN {column} {kind}")
    conn.execute("CREATE INDEX jobs_state ON jobs (state)")
    conn.execute("CREATE INDEX jobs_fingerprint ON jobs (fingerprint, provider)")
    # What each provider holds of a file's content: found by sha256, wherever the file now lives.
    # scope is the collection or index the content went to ('' when the provider has none).
    conn.execute(
        """CREATE TABLE provider_assets (
            sha256 TEXT NOT NULL,
            provider TEXT NOT NULL,
            scope TEXT NOT NULL DEFAULT '',
            remote_id TEXT,
            state TEXT NOT NULL,
            video_id TEXT,
            details TEXT,
            updated_at REAL NOT NULL,
            PRIMARY KEY (sha256, provider, scope)
        )"""
    )
    conn.execute("CREATE INDEX provider_assets_remote ON provider_assets (provider, remote_id)")


def _user_markers(conn: sqlite3.Connection) -> None:
    """Markers an editor adds on a clip (M at the playhead); they go when the clip leaves the library."""
    conn.execute(
        """CREATE TABLE markers (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            video_id TEXT NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
            time_s REAL NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX markers_video ON markers (video_id, time_s)")


def _local_engine_depth(conn: sqlite3.Connection) -> None:
    """Persons recognised across the library and the face tracks behind them; search rows say what
    they refer to (a person's id), so a search can keep to the moments a person is on screen."""
    conn.execute(
        """CREATE TABLE persons (
            id TEXT PRIMARY KEY,
            number INTEGER NOT NULL UNIQUE,
            name TEXT,
            created_at REAL NOT NULL
        )"""
    )
    conn.execute(
        """CREATE TABLE faces (
            id INTEGER PRIMARY KEY,
            person_id TEXT NOT NULL REFERENCES persons (id),
            video_id TEXT NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
            track INTEGER NOT NULL,
            face_group INTEGER NOT NULL,
            scene_index INTEGER NOT NULL,
            start_s REAL NOT NULL,
            end_s REAL NOT NULL,
            intervals TEXT NOT NULL,
            screen_time_s REAL NOT NULL,
            prominence REAL NOT NULL,
            embedding BLOB NOT NULL,
            thumbnail TEXT,
            added_at REAL NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX faces_person ON faces (person_id)")
    conn.execute("CREATE INDEX faces_video ON faces (video_id)")
    conn.execute("ALTER TABLE search_rows ADD COLUMN ref TEXT")
    conn.execute("CREATE INDEX search_rows_ref ON search_rows (kind, ref)")


MIGRATIONS: tuple[Migration, ...] = (
    _v1_core, _v2_scene_count, _v3_columns_and_provider_assets, _user_markers, _local_engine_depth,
)
"""Migration i brings a database from version i to i + 1; append, never edit a released one."""

SCHEMA_VERSION: int = len(MIGRATIONS)


class CatalogueTooNew(ReelscopeError):
    pass


class CatalogueUnavailable(ReelscopeError):
    """The catalogue file cannot be created or is not a database."""


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (the connection is in autocommit)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> None:
    """Applies the missing migrations up to target, each in its own transaction."""
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise CatalogueTooNew(
            f"the catalogue has schema version {current}, newer than this Reelscope "
            f"understands ({SCHEMA_VERSION}); update Reelscope"
        )
    for version in range(current, target):
        with transaction(conn):
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")


def connect(path: Path) -> sqlite3.Connection:
    """A configured connection without migrations (open_database is what the app uses)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def open_database(path: Path) -> sqlite3.Connection:
    try:
        conn = connect(path)
    except OSError as error:
        raise CatalogueUnavailable(
            f"cannot create the data folder {path.parent} ({error.strerror or error}); "
            "choose another one in Settings or with REELSCOPE_DATA_DIR"
        ) from error
    except sqlite3.DatabaseError as error:
        raise CatalogueUnavailable(
            f"the catalogue {path} cannot be opened ({error}); move it aside and Reelscope starts a new one"
        ) from error
    try:
        migrate(conn)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise CatalogueUnavailable(
            f"the catalogue {path} is damaged ({error}); move it aside and Reelscope starts a new one"
        ) from error
    except BaseException:
        conn.close()
        raise
    return conn
