"""What the user waits for per clip (probe, hashing, the scan, thumbnails) against plain decoding.

Targets, as a ratio of analysis speed to PyAV decode-only speed of the same file in the same run:
>= 1.0 at 1080p, >= 0.9 at 720p. The clips are 10 s of grainy camera-like panning footage with a
cut every 2 s. Both the wall-clock ratio (the target) and the CPU-time ratio (all threads of the
process) are printed: on a machine shared with other work the wall-clock one swings by a third
from run to run, the CPU one much less. Runs are interleaved and the best of each kind kept.
Run with: .venv/bin/python -m pytest -m bench -s tests/bench/test_bench_analysis.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import av
import pytest
from targets import check_target

from fakes.media import make_clip
from reelscope.providers.local.pipeline import analyze_file

TARGETS = {"720p": 0.9, "1080p": 1.0}
RUNS = 3
CLIP_SECONDS = 10
FPS = 25
MEDIA_CACHE = Path(tempfile.gettempdir()) / "reelscope-bench-media-v2"


def bench_clip(label: str, size: tuple[int, int]) -> Path:
    """A 10 s grainy panning clip with a cut every 2 s, encoded like camera footage."""
    path = MEDIA_CACHE / f"pan-{label}-{CLIP_SECONDS}s.mp4"
    if not path.exists():
        total = CLIP_SECONDS * FPS
        partial = make_clip(
            path.with_suffix(".part.mp4"),
            cut_frames=tuple(range(2 * FPS, total, 2 * FPS)),
            total_frames=total,
            fps=FPS,
            size=size,
            motion="pan",
            noise=5.0,
            preset="veryfast",
        )
        partial.rename(path)
    return path


def decode_only_s(path: Path) -> tuple[float, float]:
    """(wall-clock, CPU) seconds to decode every frame, threaded, doing nothing else."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        started, cpu = time.perf_counter(), time.process_time()
        for _ in container.decode(stream):
            pass
    return time.perf_counter() - started, time.process_time() - cpu


def analysis_s(path: Path, thumbnail_root: Path) -> tuple[float, float]:
    """(wall-clock, CPU) seconds of the whole local analysis of a clip."""
    started, cpu = time.perf_counter(), time.process_time()
    analysis = analyze_file(path, thumbnail_root, on_progress=lambda fraction: None)
    elapsed = time.perf_counter() - started, time.process_time() - cpu
    assert len(analysis.scenes) == CLIP_SECONDS // 2
    assert len(list(thumbnail_root.rglob("scene-*.jpg"))) == len(analysis.scenes)
    return elapsed


@pytest.mark.bench
@pytest.mark.parametrize(("label", "size"), [("720p", (1280, 720)), ("1080p", (1920, 1080))])
def test_analysis_keeps_up_with_decoding(label, size, tmp_path):
    clip = bench_clip(label, size)
    decode, analysis = [], []
    for run in range(RUNS):  # interleaved, so both see the same machine load
        decode.append(decode_only_s(clip))
        analysis.append(analysis_s(clip, tmp_path / f"thumbnails-{run}"))
    frames = CLIP_SECONDS * FPS
    decode_wall, decode_cpu = (min(times) for times in zip(*decode))
    analysis_wall, analysis_cpu = (min(times) for times in zip(*analysis))
    ratio, cpu_ratio = decode_wall / analysis_wall, decode_cpu / analysis_cpu
    target = TARGETS[label]
    print(
        f"\nanalysis/decode {label}: {ratio:.2f} (target >= {target}; CPU time {cpu_ratio:.2f}; "
        f"analysis {frames / analysis_wall:.0f} fps, decode-only {frames / decode_wall:.0f} fps; "
        f"probe + hashing + scan + thumbnails)"
    )
    check_target(f"analysis/decode {label}", ratio, ">=", target)
    # Noisy machines: the printed figures matter; only a result far below the target in both fails.
    assert max(ratio, cpu_ratio) >= target * 0.75, f"far below the target of {target}"
