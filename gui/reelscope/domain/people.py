"""People: faces followed through a clip, the persons they are grouped into across the library,
and who is on screen together (constellations) as time spans of an analysis."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .analysis import PeopleSpan, PersonPresence, Scene, TimeSpan
from .base import Frozen

SAME_PERSON_DISTANCE = 0.6
"""dlib's 128-d face embeddings of one person lie closer than this (its documented threshold)."""

_PERSON_ID = re.compile(r"^person-(\d+)$")


class FaceTrack(Frozen):
    """One face followed through one scene of a clip, as the local engine found it.

    `group` joins the tracks of one face within the clip (the same person in two scenes); the
    library assigns each group a person. `embedding` is the mean 128-d descriptor of the track.
    """

    index: int
    group: int
    scene_index: int
    intervals: tuple[TimeSpan, ...]
    embedding: tuple[float, ...]
    prominence: float
    """Mean face height as a fraction of the frame height."""
    thumbnail: str | None = None
    """Path of its face crop, relative to the thumbnail cache."""

    @property
    def start_s(self) -> float:
        return self.intervals[0].start_s

    @property
    def end_s(self) -> float:
        return self.intervals[-1].end_s

    @property
    def screen_time_s(self) -> float:
        return sum(interval.duration_s for interval in self.intervals)


class Person(Frozen):
    person_id: str
    name: str | None = None
    face_count: int = 0
    clip_count: int = 0
    screen_time_s: float = 0.0
    thumbnail_path: str | None = None

    @property
    def display_name(self) -> str:
        return self.name or person_label(self.person_id)


class Face(Frozen):
    """A face track as the gallery lists it: whose it is, where it appears, its crop."""

    face_id: int
    person_id: str
    video_id: str
    title: str
    start_s: float
    end_s: float
    thumbnail_path: str | None = None


class PersonMoment(Frozen):
    """A stretch of a clip where a person is on screen."""

    person_id: str
    video_id: str
    title: str
    start_s: float
    end_s: float
    thumbnail_path: str | None = None


def person_label(person_id: str, names: dict[str, str] | None = None) -> str:
    """What a user reads for a person: their name, else "Person 7" for the library's own ids."""
    if names and names.get(person_id):
        return names[person_id]
    match = _PERSON_ID.match(person_id)
    return f"Person {match.group(1)}" if match else person_id


def person_id_for(number: int) -> str:
    return f"person-{number}"


@dataclass(frozen=True)
class Appearance:
    """One person visible over some intervals, with how large they appear."""

    person_id: str
    intervals: Sequence[TimeSpan]
    prominence: float


def constellations(appearances: Iterable[Appearance], scenes: Sequence[Scene] = ()) -> tuple[PeopleSpan, ...]:
    """Who is on screen together: spans over which the set of visible persons stays the same.

    A scene cut always ends a span, so each span lies within one scene. Persons in a span are
    ordered by prominence, largest first.
    """
    appearances = list(appearances)
    bounds = {scene.start_s for scene in scenes} | {scenes[-1].end_s} if scenes else set()
    for appearance in appearances:
        for interval in appearance.intervals:
            bounds.update((interval.start_s, interval.end_s))
    cuts = sorted(bounds)
    spans: list[PeopleSpan] = []
    for start_s, end_s in zip(cuts, cuts[1:]):
        if end_s - start_s <= 1e-9:
            continue
        middle = (start_s + end_s) / 2
        present: dict[str, float] = {}
        for appearance in appearances:
            if any(interval.start_s <= middle < interval.end_s for interval in appearance.intervals):
                present[appearance.person_id] = max(present.get(appearance.person_id, 0.0), appearance.prominence)
        if not present:
            continue
        persons = tuple(
            PersonPresence(person_id=person_id, prominence=round(prominence, 3))
            for person_id, prominence in sorted(present.items(), key=lambda item: (-item[1], item[0]))
        )
        previous = spans[-1] if spans else None
        joins = (
            previous is not None
            and abs(previous.end_s - start_s) < 1e-9
            and start_s not in _scene_starts(scenes)
            and {p.person_id for p in previous.persons} == set(present)
        )
        if joins:
            spans[-1] = previous.model_copy(update={"end_s": end_s})
        else:
            spans.append(PeopleSpan(start_s=start_s, end_s=end_s, persons=persons))
    return tuple(spans)


def _scene_starts(scenes: Sequence[Scene]) -> set[float]:
    return {scene.start_s for scene in scenes[1:]}


def screen_time_by_person(people: Iterable[PeopleSpan]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for span in people:
        for person in span.persons:
            totals[person.person_id] = totals.get(person.person_id, 0.0) + span.duration_s
    return totals


def person_spans(people: Iterable[PeopleSpan]) -> Iterator[tuple[str, float, float]]:
    """Each person's presence, overlapping or touching spans merged, by person then time."""
    by_person: dict[str, list[tuple[float, float]]] = {}
    for span in people:
        for person in span.persons:
            by_person.setdefault(person.person_id, []).append((span.start_s, span.end_s))
    for person_id, spans in by_person.items():
        spans.sort()
        start_s, end_s = spans[0]
        for next_start, next_end in spans[1:]:
            if next_start <= end_s:
                end_s = max(end_s, next_end)
            else:
                yield person_id, start_s, end_s
                start_s, end_s = next_start, next_end
        yield person_id, start_s, end_s


def presence_spans(people: Iterable[PeopleSpan], person_id: str) -> list[tuple[float, float]]:
    """Where one person is on screen, touching spans merged."""
    merged: list[tuple[float, float]] = []
    for span in sorted(people, key=lambda s: s.start_s):
        if not any(p.person_id == person_id for p in span.persons):
            continue
        if merged and span.start_s <= merged[-1][1] + 1e-6:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span.end_s))
        else:
            merged.append((span.start_s, span.end_s))
    return merged
