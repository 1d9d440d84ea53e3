"""Cut detection side by side: Reelscope and PySceneDetect on every clip of the evaluation set.

For each clip (the real footage of tests/data/real, the same re-encoded small and heavily compressed
as web video often is, then the generated failure classes) it prints
precision, recall and F1 at +-1 frame, and each tool's speed as a ratio to decoding every frame
with PyAV (threaded, nothing else done) in the same run. PySceneDetect is a bench-only extra:
    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python -m pytest -m bench -s tests/bench/test_bench_cuts.py
It fails only when Reelscope is far behind: an F1 below PySceneDetect's best on a clip, or below 1.0
on real footage as it comes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import pytest

from fakes import cut_classes
from fakes.cut_scoring import CutScore, score_cuts
from fakes.real_footage import FootageUnavailable, real_clips
from reelscope.providers.local.probe import probe_video
from reelscope.providers.local.scan import scan_video

GENERATED = (
    cut_classes.dark_interiors,
    cut_classes.overcast_exteriors,
    cut_classes.colour_only_change,
    cut_classes.cut_in_fast_motion,
    cut_classes.through_near_black,
    cut_classes.flashes_and_strobe,
    cut_classes.short_shots,
    cut_classes.slow_fades,
    cut_classes.dissolve,
    cut_classes.exposure_change,
)


@dataclass(frozen=True)
class Clip:
    name: str
    path: Path
    cuts: tuple[int, ...]
    real: bool


@dataclass(frozen=True)
class Run:
    score: CutScore
    speed_ratio: float


STRESSED_WIDTH = 640
STRESSED_CRF = 38


def evaluation_set(folder: Path) -> tuple[list[Clip], list[str]]:
    clips, stressed, missing = [], [], []
    for real in real_clips():
        try:
            clips.append(Clip(real.name, real.path(), real.cuts, real=True))
        except FootageUnavailable as error:
            missing.append(f"{real.name}: {error}")
            continue
        small = reencoded(real.path(), folder / f"{real.name}-small.mp4")
        stressed.append(Clip(f"{real.name} {STRESSED_WIDTH}px", small, real.cuts, real=False))
    clips += stressed
    for make in GENERATED:
        truth = make(folder / f"{make.__name__}.mp4")
        clips.append(Clip(make.__name__, truth.path, truth.cuts, real=False))
    return clips, missing


def reencoded(source: Path, target: Path) -> Path:
    """source at STRESSED_WIDTH pixels wide, H.264 at CRF STRESSED_CRF, every frame kept."""
    with av.open(str(source)) as original, av.open(str(target), mode="w") as copy:
        rate = original.streams.video[0].average_rate or 25
        stream = None
        for index, frame in enumerate(original.decode(video=0)):
            if stream is None:
                height = round(STRESSED_WIDTH * frame.height / frame.width / 2) * 2
                options = {"crf": str(STRESSED_CRF), "preset": "veryfast"}
                stream = copy.add_stream("libx264", rate=rate, options=options)
                stream.width, stream.height, stream.pix_fmt = STRESSED_WIDTH, height, "yuv420p"
            small = frame.reformat(width=STRESSED_WIDTH, height=stream.height, format="yuv420p")
            small.pts, small.time_base = index, Fraction(1) / rate
            copy.mux(stream.encode(small))
        copy.mux(stream.encode(None))
    return target


def decode_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        started = time.perf_counter()
        for _ in container.decode(stream):
            pass
    return time.perf_counter() - started


def reelscope_cuts(path: Path) -> list[int]:
    probed = probe_video(path)
    fps = probed.info.fps
    result = scan_video(
        path, fps=fps, duration_s=probed.info.duration_s, duration_is_estimate=probed.duration_is_estimate
    )
    return [round(scene.start_s * fps) for scene in result.scenes[1:]]


def scenedetect_tools() -> dict[str, Callable[[Path], list[int]]]:
    try:
        from scenedetect import AdaptiveDetector, ContentDetector, detect
    except ImportError:
        return {}

    def with_detector(make_detector) -> Callable[[Path], list[int]]:
        def cuts(path: Path) -> list[int]:
            scenes = detect(str(path), make_detector())
            return [start.get_frames() for start, _ in scenes[1:]]

        return cuts

    return {"Content": with_detector(ContentDetector), "Adaptive": with_detector(AdaptiveDetector)}


def timed(tool: Callable[[Path], list[int]], clip: Clip, decode_s: float) -> Run:
    best_s, found = float("inf"), []
    for _ in range(2):
        started = time.perf_counter()
        found = tool(clip.path)
        best_s = min(best_s, time.perf_counter() - started)
    return Run(score_cuts(found, clip.cuts), decode_s / best_s)


@pytest.mark.bench
def test_cut_detection_against_pyscenedetect(tmp_path):
    clips, missing = evaluation_set(tmp_path)
    tools: dict[str, Callable[[Path], list[int]]] = {"Reelscope": reelscope_cuts, **scenedetect_tools()}
    print()
    for line in missing:
        print(f"skipped {line}")
    if len(tools) == 1:
        print("PySceneDetect is not installed (pip install -e '.[bench]'): Reelscope alone")
    header = " ".join(f"{name:>23}" for name in tools)
    print(f"{'clip':<22} {'cuts':>4} {header}")
    print(f"{'':<22} {'':>4} " + " ".join(f"{'P    R    F1   speed':>23}" for _ in tools))
    shortfalls = []
    for clip in clips:
        decode_s = min(decode_seconds(clip.path) for _ in range(2))
        runs = {name: timed(tool, clip, decode_s) for name, tool in tools.items()}
        cells = " ".join(
            f"{run.score.precision:>5.2f}{run.score.recall:>5.2f}{run.score.f1:>5.2f}{run.speed_ratio:>7.2f}x"
            for run in runs.values()
        )
        print(f"{clip.name:<22} {len(clip.cuts):>4} {cells}")
        ours = runs.pop("Reelscope").score.f1
        best_other = max((run.score.f1 for run in runs.values()), default=0.0)
        if ours < best_other or (clip.real and ours < 1.0):
            shortfalls.append(f"{clip.name}: F1 {ours:.2f} (PySceneDetect's best {best_other:.2f})")
    print("speed: each tool's frames per second over PyAV decode-only frames per second, same clip, same run")
    assert not shortfalls, "; ".join(shortfalls)
