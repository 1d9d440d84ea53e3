"""A long clip costs no more memory than a short one: the detectors keep a few seconds of frames."""

from __future__ import annotations

import tracemalloc

from fakes.media import make_clip, make_looped_clip
from reelscope.providers.local.pipeline import analyze_file


def peak_bytes(clip, thumbnails):
    tracemalloc.start()
    try:
        analysis = analyze_file(clip, thumbnails)
        return tracemalloc.get_traced_memory()[1], analysis
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_over_a_long_clip(tmp_path):
    shot = make_clip(tmp_path / "shot.mp4", cut_frames=(50,), total_frames=100, motion="pan", size=(160, 120))
    short = make_looped_clip(shot, tmp_path / "short.mp4", repeats=3)
    long = make_looped_clip(shot, tmp_path / "long.mp4", repeats=15)

    short_peak, short_analysis = peak_bytes(short, tmp_path / "thumbnails-short")
    long_peak, long_analysis = peak_bytes(long, tmp_path / "thumbnails-long")

    assert (len(short_analysis.scenes), len(long_analysis.scenes)) == (6, 30)  # each loop starts a scene
    # 1,200 more frames: their times and activity values, under 2 KB each; their small pictures
    # alone would be over 10 KB each.
    assert long_peak - short_peak < 1_200 * 2_000
