"""The engine's terms, shared by the window's process and the workers: what a job is asked to do
(`EngineOptions`) and what it gives back (`LocalResult`, its faces named by `people_spans`).

Light on purpose: the window imports this at start-up, and the decoders (PyAV, Pillow, numpy) only with
the first analysis.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...domain.analysis import Analysis
from ...domain.people import Appearance, FaceTrack, constellations, person_id_for

MUSIC_INDEX_FILE = "music-fingerprints.sqlite"
"""The music folder's fingerprints, a file in the data folder."""


@dataclass(frozen=True)
class EngineOptions:
    """Which stages run; picklable, handed to each worker job."""

    ocr: bool = True
    faces: bool = True
    music: bool = True
    sections: bool = True
    music_dir: str | None = None
    music_index: str | None = None
    """The fingerprint file of the music folder (in the data folder)."""

    @classmethod
    def scenes_only(cls) -> EngineOptions:
        return cls(ocr=False, faces=False, music=False, sections=False)

    @property
    def matches_music(self) -> bool:
        return self.music and bool(self.music_dir) and bool(self.music_index)


@dataclass(frozen=True)
class LocalResult:
    """The analysis, the face tracks behind its people (for the library to cluster), and where the time went."""

    analysis: Analysis
    faces: tuple[FaceTrack, ...] = ()
    stage_seconds: dict[str, float] = field(default_factory=dict)


def people_spans(faces, scenes, person_ids: dict[int, str]):
    """Constellations of the clip's face tracks, each group named by person_ids (else person-<group+1>)."""
    appearances = [
        Appearance(person_ids.get(track.group) or person_id_for(track.group + 1), track.intervals, track.prominence)
        for track in faces
    ]
    return constellations(appearances, scenes)
