"""One clip's local analysis, in the calling process.

Stages: probe; the one decoding pass (cuts, activity, scene thumbnails) with the frame analysers
(text on screen, faces) tapping its frames; a separate audio decode matched against the music
folder; sections from all of the above. Each stage but the first two can be turned off.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from ...domain.analysis import Analysis, AnalysisStatus, VideoInfo
from ...domain.providers import LOCAL as PROVIDER_ID
from .engine import EngineOptions, LocalResult, people_spans
from .faces import FaceAnalyser, FaceThumbnailWriter
from .frame_sampling import FrameAnalyser, FrameSampler
from .ocr import OcrAnalyser
from .probe import probe_video
from .scan import ProgressSink, scan_video
from .sprites import SpriteSheetWriter
from .thumbnails import SceneThumbnailWriter

StageSink = Callable[[str], None]
"""Receives the words for the stage that starts, for the queue to show."""

DECODE_STAGE = "Finding scenes"
MUSIC_STAGE = "Matching music"
SECTIONS_STAGE = "Grouping scenes into sections"
MUSIC_SHARE = 0.1


def analyze_file(
    path: Path | str,
    thumbnail_root: Path | str,
    on_progress: ProgressSink | None = None,
    on_video: Callable[[VideoInfo], None] | None = None,
    sha256: str | None = None,
) -> Analysis:
    """Scenes, activity and thumbnails only (the stages every analysis has)."""
    return analyze_clip(path, thumbnail_root, EngineOptions.scenes_only(), on_progress, on_video, sha256).analysis


def analyze_clip(
    path: Path | str,
    thumbnail_root: Path | str,
    options: EngineOptions,
    on_progress: ProgressSink | None = None,
    on_video: Callable[[VideoInfo], None] | None = None,
    sha256: str | None = None,
    on_stage: StageSink | None = None,
) -> LocalResult:
    """Raises MediaError for unreadable media; on_progress may raise to abort.

    sha256, when the caller already hashed the file, saves reading it twice. The people of the
    analysis carry clip-local ids (person-1, person-2...) until the library assigns its own.
    """
    report = on_progress or (lambda fraction: None)
    say = on_stage or (lambda words: None)
    timer = _StageTimer()
    probed = probe_video(path, sha256=sha256)
    video = probed.info
    if on_video is not None:
        on_video(video)
    thumbnails = SceneThumbnailWriter(Path(thumbnail_root), video.sha256, probed.pixel_aspect)
    sprites = SpriteSheetWriter(
        duration_s=video.duration_s, thumbnail_root=Path(thumbnail_root), sha256=video.sha256,
        pixel_aspect=probed.pixel_aspect,
    )
    analysers = _frame_analysers(options, Path(thumbnail_root), video.sha256)
    sampler = FrameSampler([analyser for analyser in analysers.values() if analyser is not None])

    def on_frame(time_s: float, frame, starts_scene: bool) -> None:
        sprites.offer(time_s, frame)
        if sampler.analysers:
            sampler(time_s, frame, starts_scene)

    decode_share = 1.0 - (MUSIC_SHARE if options.matches_music and video.has_audio else 0.0)
    say(_decode_words(options))
    started = time.perf_counter()
    result = scan_video(
        Path(video.path),
        fps=video.fps,
        duration_s=video.duration_s,
        duration_is_estimate=probed.duration_is_estimate,
        on_progress=lambda fraction: report(fraction * decode_share),
        on_scene_frame=thumbnails,
        on_frame=on_frame,
    )
    sprites.finish()
    sampler.finish(result.duration_s)
    timer.add("decode and cuts", time.perf_counter() - started - sum(sampler.seconds.values()))
    for name, seconds in sampler.seconds.items():
        timer.add(name, seconds)
    if result.duration_s != video.duration_s:
        video = video.model_copy(update={"duration_s": result.duration_s})
    ocr = analysers["ocr"].result if analysers["ocr"] else []
    faces = analysers["faces"].result if analysers["faces"] else []
    music = []
    if options.matches_music and video.has_audio:
        say(MUSIC_STAGE)
        with timer.stage("music"):
            music = _match_music(Path(video.path), options, result.duration_s, lambda: report(decode_share))
        report(1.0)
    sections = ()
    if options.sections:
        say(SECTIONS_STAGE)
        with timer.stage("sections"):
            from .sections import sections_from

            sections = sections_from(result.scenes, result.activity, ocr, faces)
    analysis = Analysis(
        provider=PROVIDER_ID,
        status=AnalysisStatus.FINISHED,
        video=video,
        scenes=result.scenes,
        transitions=result.transitions,
        activity=result.activity,
        sections=sections,
        ocr=tuple(ocr),
        people=people_spans(faces, result.scenes, {}),
        music=tuple(music),
    )
    return LocalResult(analysis=analysis, faces=tuple(faces), stage_seconds=timer.seconds)


def _frame_analysers(options: EngineOptions, thumbnail_root: Path, sha256: str) -> dict[str, FrameAnalyser | None]:
    return {
        "ocr": OcrAnalyser() if options.ocr else None,
        "faces": FaceAnalyser(thumbnails=FaceThumbnailWriter(thumbnail_root, sha256)) if options.faces else None,
    }


def _decode_words(options: EngineOptions) -> str:
    extra = [words for on, words in ((options.ocr, "text"), (options.faces, "faces")) if on]
    return DECODE_STAGE + (", " + " and ".join(extra) if extra else "")


def _match_music(path: Path, options: EngineOptions, duration_s: float, keep_going: Callable[[], None]):
    from .music.index import MusicIndex
    from .music.matcher import match_clip

    index = MusicIndex(Path(options.music_index))
    try:
        folder = Path(options.music_dir)
        if folder.is_dir():
            index.refresh(folder, should_stop=keep_going)
        if index.song_count() == 0:
            return []
        return match_clip(path, index, duration_s, should_stop=keep_going)
    finally:
        index.close()


class _StageTimer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + max(0.0, seconds)

    def stage(self, name: str):
        timer = self

        class _Stage:
            def __enter__(self):
                self.started = time.perf_counter()

            def __exit__(self, *exc):
                timer.add(name, time.perf_counter() - self.started)
                return False

        return _Stage()
