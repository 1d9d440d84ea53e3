"""The music folder's fingerprints, kept in a small SQLite file in the data folder.

Songs are keyed by the SHA-256 of their file: a song renamed or moved within the folder is not
fingerprinted again, and one whose size and modification time are unchanged is not even read.
A refresh walks the folder, fingerprints what is new, and marks songs no longer in it absent
(kept, in case the folder comes back). Refreshes in several processes take turns (a lock file);
lookups read while a refresh writes (WAL).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .audio import AudioUnreadable, decode_mono
from .fingerprint import GAP_BITS, landmark_hashes
from .tags import title_and_artist

AUDIO_EXTENSIONS = frozenset(
    {".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".wav", ".aif", ".aiff", ".wma", ".mka", ".alac"}
)
SCHEMA = 1

StopCheck = Callable[[], None]


@dataclass(frozen=True)
class Song:
    song_id: int
    path: str
    title: str
    artist: str | None
    duration_s: float


@dataclass(frozen=True)
class RefreshReport:
    songs: int
    fingerprinted: int
    unreadable: int


class MusicIndex:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._create()

    def close(self) -> None:
        self._conn.close()

    def _create(self) -> None:
        with self._write():
            self._conn.execute(
                """CREATE TABLE IF NOT EXISTS songs (
                    id INTEGER PRIMARY KEY, sha256 TEXT UNIQUE NOT NULL, path TEXT NOT NULL,
                    size INTEGER NOT NULL, mtime REAL NOT NULL, title TEXT NOT NULL, artist TEXT,
                    duration_s REAL NOT NULL DEFAULT 0, present INTEGER NOT NULL DEFAULT 1,
                    error TEXT, indexed_at REAL NOT NULL)"""
            )
            self._conn.execute("CREATE INDEX IF NOT EXISTS songs_path ON songs (path)")
            self._conn.execute(
                """CREATE TABLE IF NOT EXISTS hashes (
                    hash INTEGER NOT NULL, song_id INTEGER NOT NULL, t INTEGER NOT NULL)"""
            )
            self._conn.execute("CREATE INDEX IF NOT EXISTS hashes_hash ON hashes (hash)")
            self._conn.execute(f"PRAGMA user_version = {SCHEMA}")

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # -- refresh ---------------------------------------------------------------------------------

    def refresh(self, folder: Path, should_stop: StopCheck | None = None) -> RefreshReport:
        """Brings the index in line with the folder's audio files; should_stop may raise to abort."""
        folder = Path(folder)
        with _refresh_lock(self.path.with_suffix(".lock")):
            files = sorted(audio_files(folder))
            seen: list[int] = []
            fingerprinted = unreadable = 0
            for path in files:
                if should_stop is not None:
                    should_stop()
                song_id, new = self._song_for(path, should_stop)
                if song_id is None:
                    continue
                seen.append(song_id)
                fingerprinted += new
                unreadable += self._conn.execute(
                    "SELECT error IS NOT NULL FROM songs WHERE id = ?", (song_id,)
                ).fetchone()[0]
            with self._write():
                self._conn.execute("UPDATE songs SET present = 0")
                self._conn.executemany("UPDATE songs SET present = 1 WHERE id = ?", [(i,) for i in seen])
        return RefreshReport(songs=len(seen), fingerprinted=fingerprinted, unreadable=unreadable)

    def _song_for(self, path: Path, should_stop: StopCheck | None) -> tuple[int | None, bool]:
        """The song's row, fingerprinting the file if its content is new: (id, fingerprinted now)."""
        try:
            stat = path.stat()
        except OSError:
            return None, False
        text = str(path)
        row = self._conn.execute(
            "SELECT id FROM songs WHERE path = ? AND size = ? AND mtime = ?", (text, stat.st_size, stat.st_mtime)
        ).fetchone()
        if row:
            return row[0], False
        try:
            sha256 = _file_sha256(path)
        except OSError:
            return None, False
        row = self._conn.execute("SELECT id FROM songs WHERE sha256 = ?", (sha256,)).fetchone()
        if row:
            with self._write():
                self._conn.execute(
                    "UPDATE songs SET path = ?, size = ?, mtime = ? WHERE id = ?",
                    (text, stat.st_size, stat.st_mtime, row[0]),
                )
            return row[0], False
        title, artist = title_and_artist(path)
        error = None
        try:
            samples, _ = decode_mono(path, should_stop=should_stop)
            hashes, times = landmark_hashes(samples)
            duration_s = len(samples) / 8000
        except AudioUnreadable as failure:
            error, hashes, times, duration_s = str(failure), np.zeros(0, np.int64), np.zeros(0, np.int64), 0.0
        with self._write():
            cursor = self._conn.execute(
                """INSERT INTO songs (sha256, path, size, mtime, title, artist, duration_s, error, indexed_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (sha256, text, stat.st_size, stat.st_mtime, title, artist, duration_s, error, time.time()),
            )
            song_id = cursor.lastrowid
            self._conn.executemany(
                "INSERT INTO hashes (hash, song_id, t) VALUES (?, ?, ?)",
                zip(hashes.tolist(), [song_id] * len(hashes), times.tolist()),
            )
        return song_id, True

    # -- lookup ----------------------------------------------------------------------------------

    def song_count(self) -> int:
        return self._conn.execute("SELECT count(*) FROM songs WHERE present = 1 AND error IS NULL").fetchone()[0]

    def lookup(self, hashes: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(query anchor frame, query pair end frame, song id, song anchor frame) of every stored pair
        sharing a query hash."""
        self._conn.execute("CREATE TEMP TABLE IF NOT EXISTS query (hash INTEGER NOT NULL, t INTEGER NOT NULL)")
        self._conn.execute("DELETE FROM temp.query")
        self._conn.executemany("INSERT INTO temp.query (hash, t) VALUES (?, ?)", zip(hashes.tolist(), times.tolist()))
        rows = self._conn.execute(
            f"""SELECT q.t, q.t + (q.hash & {(1 << GAP_BITS) - 1}), h.song_id, h.t FROM temp.query AS q
               JOIN hashes AS h ON h.hash = q.hash
               JOIN songs AS s ON s.id = h.song_id AND s.present = 1"""
        ).fetchall()
        self._conn.execute("DELETE FROM temp.query")
        if not rows:
            empty = np.zeros(0, np.int64)
            return empty, empty, empty, empty
        matrix = np.asarray(rows, dtype=np.int64)
        return matrix[:, 0], matrix[:, 1], matrix[:, 2], matrix[:, 3]

    def song(self, song_id: int) -> Song | None:
        row = self._conn.execute(
            "SELECT id, path, title, artist, duration_s FROM songs WHERE id = ?", (song_id,)
        ).fetchone()
        return Song(*row) if row else None


def audio_files(folder: Path) -> Iterator[Path]:
    for root, _dirs, names in os.walk(folder):
        for name in names:
            if not name.startswith(".") and Path(name).suffix.lower() in AUDIO_EXTENSIONS:
                yield Path(root) / name


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def _refresh_lock(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows: refreshes may overlap; each file is still stored once (sha256 is unique)
        yield
        return
    with open(path, "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
