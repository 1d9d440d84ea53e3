"""The unified analysis of one clip by one provider (schema reelscope.analysis/1, docs/architecture.md)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from .base import Frozen

ANALYSIS_SCHEMA = "reelscope.analysis/1"


class AnalysisStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


class VideoInfo(Frozen):
    id: str
    path: str
    title: str
    duration_s: float
    fps: float
    width: int
    height: int
    size_bytes: int
    sha256: str
    codec: str | None = None
    has_audio: bool | None = None


class TimeSpan(Frozen):
    start_s: float
    end_s: float

    @model_validator(mode="after")
    def _ordered(self) -> TimeSpan:
        if self.end_s < self.start_s:
            raise ValueError(f"span ends ({self.end_s}) before it starts ({self.start_s})")
        return self

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def contains(self, t: float) -> bool:
        return self.start_s <= t < self.end_s


class Scene(TimeSpan):
    pass


class Transition(TimeSpan):
    """A gradual change of shot: a fade (to or from black) or a dissolve, from start_s to end_s."""

    kind: Literal["dissolve", "fade"]


class Activity(Frozen):
    """Motion/change per sample; values[i] covers [i*interval_s, (i+1)*interval_s)."""

    interval_s: float
    values: tuple[float, ...] = ()


class Section(Frozen):
    tag: str
    segments: tuple[TimeSpan, ...] = ()
    thumbnail_s: float | None = None
    confidence: float | None = None
    is_critical: bool | None = None
    relative_activity: float | None = None


class OcrText(TimeSpan):
    text: str
    language: str | None = None
    confidence: float | None = None


class PersonPresence(Frozen):
    person_id: str
    age: float | None = None
    gender: str | None = None
    prominence: float | None = None
    allowlisted: bool | None = None
    face_thumbnail: str | None = None
    """The service's picture of the face (a URL, or base64 image data), when it gives one."""
    face_embedding: tuple[float, ...] | None = None
    """The service's face vector, kept for grouping people across clips."""


class PeopleSpan(TimeSpan):
    persons: tuple[PersonPresence, ...] = ()


class Tag(TimeSpan):
    tag: str
    category: str | None = None
    probability: float | None = None
    is_critical: bool | None = None


class MusicMatch(TimeSpan):
    title: str
    artist: str | None = None
    isrc: str | None = None
    label: str | None = None
    score: float | None = None
    song_offset_s: float | None = None
    """Where in the song the match's start_s falls, in seconds from the song's start."""


class Analysis(Frozen):
    schema_id: Literal["reelscope.analysis/1"] = Field(default=ANALYSIS_SCHEMA, alias="schema")
    provider: str
    status: AnalysisStatus
    error: str | None = None
    video: VideoInfo
    scenes: tuple[Scene, ...] = ()
    transitions: tuple[Transition, ...] = ()
    activity: Activity | None = None
    sections: tuple[Section, ...] = ()
    ocr: tuple[OcrText, ...] = ()
    people: tuple[PeopleSpan, ...] = ()
    tags: tuple[Tag, ...] = ()
    music: tuple[MusicMatch, ...] = ()

    def scene_index_at(self, t: float) -> int | None:
        """Index of the scene playing at time t (the last scene owns its end)."""
        for index, scene in enumerate(self.scenes):
            if scene.contains(t):
                return index
        if self.scenes and t >= self.scenes[-1].end_s:
            return len(self.scenes) - 1 if t <= self.video.duration_s else None
        return None
