"""Persons across the library: the face tracks of every clip, clustered into persons with stable ids.

Clustering is incremental: a clip's face groups (one person within the clip, as the engine found
them) are each matched against every face already stored, and join the person of the nearest one
when it lies within MATCH_DISTANCE, else become a new person. Person ids (person-N) are never
reused. A user's corrections (rename, merge, moving a face out) rewrite the people of the local
analyses they touch, so the timeline, the search index and the JSON output agree.

Not thread-safe: used on the database thread only, like the catalogue.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from ..domain.analysis import TimeSpan, VideoInfo
from ..domain.people import (
    Appearance,
    Face,
    FaceTrack,
    Person,
    PersonMoment,
    constellations,
    person_id_for,
    person_label,
)
from .catalogue import LOCAL, Catalogue
from .db import transaction
from .thumbnails import ThumbnailCache

MATCH_DISTANCE = 0.55
"""A little under dlib's 0.6 for one person: a wrong merge costs a user more than a split."""


class PeopleStore:
    def __init__(
        self,
        conn: sqlite3.Connection,
        catalogue: Catalogue,
        thumbnails: ThumbnailCache,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._conn = conn
        self._catalogue = catalogue
        self._thumbnails = thumbnails
        self._clock = clock

    # -- clustering --------------------------------------------------------------------------------

    def assign(self, video: VideoInfo, faces: Sequence[FaceTrack]) -> dict[int, str]:
        """Stores a clip's face tracks (replacing any from an earlier analysis of it); returns the
        person id of each face group of the clip."""
        self._catalogue.upsert_video(video)
        with transaction(self._conn):
            known_ids, known = self._embeddings()
            person_of_group: dict[int, str] = {}
            for group in _groups_in_order(faces):
                tracks = [track for track in faces if track.group == group]
                vectors = np.asarray([track.embedding for track in tracks], dtype=np.float32)
                person_id = _nearest_person(vectors, known_ids, known)
                if person_id is None:
                    person_id = self._new_person()
                person_of_group[group] = person_id
                known_ids = [*known_ids, *([person_id] * len(tracks))]
                known = np.vstack([known, vectors]) if len(known) else vectors
            self._conn.execute("DELETE FROM faces WHERE video_id = ?", (video.id,))
            now = self._clock()
            self._conn.executemany(
                """INSERT INTO faces (person_id, video_id, track, face_group, scene_index, start_s, end_s,
                                      intervals, screen_time_s, prominence, embedding, thumbnail, added_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    (
                        person_of_group[track.group], video.id, track.index, track.group, track.scene_index,
                        track.start_s, track.end_s, _intervals_json(track.intervals), track.screen_time_s,
                        track.prominence, np.asarray(track.embedding, dtype=np.float32).tobytes(),
                        track.thumbnail, now,
                    )
                    for track in faces
                ],
            )
        return person_of_group

    def _embeddings(self) -> tuple[list[str], np.ndarray]:
        rows = self._conn.execute("SELECT person_id, embedding FROM faces ORDER BY id").fetchall()
        if not rows:
            return [], np.zeros((0, 128), dtype=np.float32)
        return [row["person_id"] for row in rows], np.stack(
            [np.frombuffer(row["embedding"], dtype=np.float32) for row in rows]
        )

    def _new_person(self, name: str | None = None) -> str:
        number = self._conn.execute("SELECT coalesce(max(number), 0) + 1 FROM persons").fetchone()[0]
        person_id = person_id_for(number)
        self._conn.execute(
            "INSERT INTO persons (id, number, name, created_at) VALUES (?, ?, ?, ?)",
            (person_id, number, name, self._clock()),
        )
        return person_id

    # -- reading -----------------------------------------------------------------------------------

    def persons(self) -> list[Person]:
        """Every person with at least one face, most screen time first."""
        rows = self._conn.execute(
            """SELECT p.id, p.name, count(f.id) AS faces, count(DISTINCT f.video_id) AS clips,
                      sum(f.screen_time_s) AS screen_time,
                      (SELECT thumbnail FROM faces AS best WHERE best.person_id = p.id AND best.thumbnail IS NOT NULL
                       ORDER BY best.prominence DESC, best.id LIMIT 1) AS thumbnail
               FROM persons AS p JOIN faces AS f ON f.person_id = p.id
               GROUP BY p.id ORDER BY screen_time DESC, p.number"""
        ).fetchall()
        return [self._person(row) for row in rows]

    def person(self, person_id: str) -> Person | None:
        return next((person for person in self.persons() if person.person_id == person_id), None)

    def names(self) -> dict[str, str]:
        rows = self._conn.execute("SELECT id, name FROM persons WHERE name IS NOT NULL")
        return {row["id"]: row["name"] for row in rows}

    def faces_of(self, person_id: str) -> list[Face]:
        rows = self._conn.execute(
            """SELECT f.id, f.person_id, f.video_id, v.title, f.start_s, f.end_s, f.thumbnail
               FROM faces AS f JOIN videos AS v ON v.id = f.video_id
               WHERE f.person_id = ? ORDER BY v.added_at DESC, f.start_s""",
            (person_id,),
        ).fetchall()
        return [
            Face(
                face_id=row["id"], person_id=row["person_id"], video_id=row["video_id"], title=row["title"],
                start_s=row["start_s"], end_s=row["end_s"], thumbnail_path=self._path(row["thumbnail"]),
            )
            for row in rows
        ]

    def moments_of(self, person_id: str) -> list[PersonMoment]:
        """Where the person is on screen: per clip, their faces' intervals with touching ones merged."""
        rows = self._conn.execute(
            """SELECT f.video_id, v.title, f.intervals, f.thumbnail
               FROM faces AS f JOIN videos AS v ON v.id = f.video_id
               WHERE f.person_id = ? ORDER BY v.added_at DESC, f.video_id, f.start_s""",
            (person_id,),
        ).fetchall()
        moments: list[PersonMoment] = []
        for video_id in dict.fromkeys(row["video_id"] for row in rows):
            clip_rows = [row for row in rows if row["video_id"] == video_id]
            spans = sorted(
                (interval[0], interval[1], row["thumbnail"])
                for row in clip_rows
                for interval in json.loads(row["intervals"])
            )
            merged: list[list] = []
            for start, end, thumbnail in spans:
                if merged and start <= merged[-1][1] + 1e-6:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end, thumbnail])
            moments.extend(
                PersonMoment(
                    person_id=person_id, video_id=video_id, title=clip_rows[0]["title"], start_s=start, end_s=end,
                    thumbnail_path=self._path(thumbnail),
                )
                for start, end, thumbnail in merged
            )
        return moments

    # -- corrections -------------------------------------------------------------------------------

    def rename(self, person_id: str, name: str) -> Person | None:
        """Names a person (a blank name clears it); the name becomes searchable at once."""
        name = " ".join(name.split()) or None
        with transaction(self._conn):
            if self._conn.execute("SELECT 1 FROM persons WHERE id = ?", (person_id,)).fetchone() is None:
                raise KeyError(f"no person {person_id!r}")
            self._conn.execute("UPDATE persons SET name = ? WHERE id = ?", (name, person_id))
            self._catalogue.rename_in_index(person_id, name or person_label(person_id))
        return self.person(person_id)

    def merge(self, source_id: str, target_id: str) -> Person | None:
        """source's faces become target's (target keeps its name, or takes source's if it has none)."""
        if source_id == target_id:
            return self.person(target_id)
        with transaction(self._conn):
            names = {row["id"]: row["name"] for row in self._conn.execute(
                "SELECT id, name FROM persons WHERE id IN (?, ?)", (source_id, target_id)
            )}
            if len(names) != 2:
                raise KeyError(f"no person {source_id!r} or {target_id!r}")
            if not names[target_id] and names[source_id]:
                self._conn.execute("UPDATE persons SET name = ? WHERE id = ?", (names[source_id], target_id))
                self._catalogue.rename_in_index(target_id, names[source_id])
            videos = self._videos_of(source_id)
            self._conn.execute("UPDATE faces SET person_id = ? WHERE person_id = ?", (target_id, source_id))
        self._rewrite_people(videos)
        return self.person(target_id)

    def move_face(self, face_id: int, to_person: str | None = None) -> Person | None:
        """A face wrongly grouped goes to another person, or to a new one of its own (to_person None)."""
        with transaction(self._conn):
            row = self._conn.execute("SELECT video_id FROM faces WHERE id = ?", (face_id,)).fetchone()
            if row is None:
                raise KeyError(f"no face {face_id}")
            person_id = to_person or self._new_person()
            self._conn.execute("UPDATE faces SET person_id = ? WHERE id = ?", (person_id, face_id))
        self._rewrite_people([row["video_id"]])
        return self.person(person_id)

    def videos_of_face(self, face_id: int) -> tuple[str, ...]:
        row = self._conn.execute("SELECT video_id FROM faces WHERE id = ?", (face_id,)).fetchone()
        return (row["video_id"],) if row else ()

    def _videos_of(self, person_id: str) -> list[str]:
        rows = self._conn.execute("SELECT DISTINCT video_id FROM faces WHERE person_id = ?", (person_id,))
        return [row["video_id"] for row in rows]

    def _rewrite_people(self, video_ids: Iterable[str]) -> None:
        """Rebuilds the people of these clips' local analyses from their faces, and their index rows."""
        for video_id in video_ids:
            analysis = self._catalogue.analysis(video_id, LOCAL)
            if analysis is None:
                continue
            rows = self._conn.execute(
                "SELECT person_id, intervals, prominence FROM faces WHERE video_id = ?", (video_id,)
            ).fetchall()
            appearances = [
                Appearance(
                    row["person_id"],
                    [TimeSpan(start_s=start, end_s=end) for start, end in json.loads(row["intervals"])],
                    row["prominence"],
                )
                for row in rows
            ]
            people = constellations(appearances, analysis.scenes)
            self._catalogue.save_analysis(analysis.model_copy(update={"people": people}))

    def _person(self, row: sqlite3.Row) -> Person:
        return Person(
            person_id=row["id"], name=row["name"], face_count=row["faces"], clip_count=row["clips"],
            screen_time_s=round(row["screen_time"] or 0.0, 3), thumbnail_path=self._path(row["thumbnail"]),
        )

    def _path(self, relpath: str | None) -> str | None:
        return str(self._thumbnails.root / relpath) if relpath else None


def _groups_in_order(faces: Sequence[FaceTrack]) -> list[int]:
    return list(dict.fromkeys(track.group for track in sorted(faces, key=lambda t: t.start_s)))


def _nearest_person(vectors: np.ndarray, known_ids: list[str], known: np.ndarray) -> str | None:
    if len(known) == 0 or len(vectors) == 0:
        return None
    distances = np.linalg.norm(known[None, :, :] - vectors[:, None, :], axis=2).min(axis=0)
    best = int(np.argmin(distances))
    return known_ids[best] if distances[best] < MATCH_DISTANCE else None


def _intervals_json(intervals: Iterable[TimeSpan]) -> str:
    return json.dumps([[interval.start_s, interval.end_s] for interval in intervals])
