"""Builders of domain objects for the library and services tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

from reelscope.domain.analysis import (
    Analysis,
    AnalysisStatus,
    MusicMatch,
    OcrText,
    PeopleSpan,
    PersonPresence,
    Scene,
    Section,
    Tag,
    TimeSpan,
    VideoInfo,
)
from reelscope.domain.thumbnails import video_id_for
from reelscope.library.catalogue import Catalogue
from reelscope.library.db import open_database
from reelscope.library.thumbnails import ThumbnailCache


def make_video(name: str = "beach.mp4", *, folder: str = "/media/clips", duration_s: float = 20.0,
               content: str | None = None) -> VideoInfo:
    sha256 = hashlib.sha256((content or name).encode()).hexdigest()
    return VideoInfo(
        id=video_id_for(sha256),
        path=f"{folder}/{name}",
        title=name.rsplit(".", 1)[0],
        duration_s=duration_s,
        fps=25.0,
        width=1280,
        height=720,
        size_bytes=1_000_000,
        sha256=sha256,
    )


def make_analysis(video: VideoInfo | None = None, *, provider: str = "local", ocr: tuple[str, ...] = (),
                  **fields: object) -> Analysis:
    video = video or make_video()
    half = video.duration_s / 2
    defaults: dict[str, object] = {
        "scenes": (Scene(start_s=0, end_s=half), Scene(start_s=half, end_s=video.duration_s)),
        "ocr": tuple(
            OcrText(text=text, start_s=1.0 + 3 * i, end_s=2.5 + 3 * i) for i, text in enumerate(ocr)
        ),
    }
    return Analysis(provider=provider, status=AnalysisStatus.FINISHED, video=video, **{**defaults, **fields})


def rich_analysis(video: VideoInfo | None = None) -> Analysis:
    return make_analysis(
        video,
        ocr=("Welcome to Brighton", "SALE 50%"),
        sections=(Section(tag="intro", segments=(TimeSpan(start_s=0, end_s=4),)),),
        tags=(Tag(tag="seagull", category="animal", start_s=5, end_s=7),),
        music=(MusicMatch(title="Surf Rider", artist="The Lively Ones", start_s=0, end_s=12),),
        people=(
            PeopleSpan(start_s=2, end_s=4, persons=(PersonPresence(person_id="person-7"),)),
            PeopleSpan(start_s=4, end_s=6, persons=(PersonPresence(person_id="person-7"),)),
            PeopleSpan(start_s=9, end_s=10, persons=(PersonPresence(person_id="person-7"),)),
        ),
    )


def new_catalogue(tmp_path: Path, clock=None) -> Catalogue:
    conn = open_database(tmp_path / "data" / "catalogue.sqlite3")
    thumbnails = ThumbnailCache(tmp_path / "data" / "thumbnails")
    return Catalogue(conn, thumbnails, clock) if clock else Catalogue(conn, thumbnails)


class TickingClock:
    """A clock that advances one second per reading: stable, strictly increasing times."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        self.now += 1.0
        return self.now
