"""Each way cut detectors fail, as a generated clip: every hard cut on its frame, nothing else a cut."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from fakes import cut_classes
from fakes.media import make_clip
from reelscope.domain.thumbnails import scene_thumbnail_relpath
from reelscope.providers.local.pipeline import analyze_file

TRANSITION_TOLERANCE_S = 0.2


def cut_frames(analysis) -> list[int]:
    fps = analysis.video.fps
    return [round(scene.start_s * fps) for scene in analysis.scenes[1:]]


@pytest.mark.parametrize(
    "make",
    [
        cut_classes.dark_interiors,
        cut_classes.overcast_exteriors,
        cut_classes.colour_only_change,
        cut_classes.cut_in_fast_motion,
        cut_classes.through_near_black,
        cut_classes.short_shots,
    ],
    ids=lambda make: make.__name__,
)
def test_every_hard_cut_is_found_on_its_frame(tmp_path, make):
    truth = make(tmp_path / "clip.mp4")

    analysis = analyze_file(truth.path, tmp_path / "thumbnails")

    assert cut_frames(analysis) == list(truth.cuts)
    assert analysis.transitions == ()


def test_flashes_and_strobe_light_are_not_cuts(tmp_path):
    truth = cut_classes.flashes_and_strobe(tmp_path / "flashes.mp4")

    analysis = analyze_file(truth.path, tmp_path / "thumbnails")

    assert len(analysis.scenes) == 1


@pytest.mark.parametrize(
    "make",
    [
        cut_classes.slow_fades,
        cut_classes.fade_in_from_black,
        cut_classes.dissolve,
        lambda path: cut_classes.dissolve(path, seconds=0.4),
    ],
    ids=["slow-fades", "fade-in", "dissolve-1s", "dissolve-0.4s"],
)
def test_fades_and_dissolves_are_transitions_not_cuts(tmp_path, make):
    truth = make(tmp_path / "gradual.mp4")

    analysis = analyze_file(truth.path, tmp_path / "thumbnails")

    assert len(analysis.scenes) == 1
    fps = analysis.video.fps
    found = [(t.kind, t.start_s, t.end_s) for t in analysis.transitions]
    assert len(found) == len(truth.transitions), found
    for (kind, start_s, end_s), (true_kind, first, last) in zip(found, truth.transitions):
        assert kind == true_kind
        assert start_s == pytest.approx(first / fps, abs=TRANSITION_TOLERANCE_S), found
        assert end_s == pytest.approx(last / fps, abs=TRANSITION_TOLERANCE_S), found


@pytest.mark.parametrize("motion", ["pan", "zoom", "grain"])
def test_camera_motion_is_neither_a_cut_nor_a_transition(tmp_path, motion):
    clip = make_clip(tmp_path / f"{motion}.mp4", cut_frames=(60,), total_frames=150, motion=motion)

    analysis = analyze_file(clip, tmp_path / "thumbnails")

    assert cut_frames(analysis) == [60]
    assert analysis.transitions == ()


def test_an_exposure_change_is_neither_a_cut_nor_a_transition(tmp_path):
    truth = cut_classes.exposure_change(tmp_path / "exposure.mp4")

    analysis = analyze_file(truth.path, tmp_path / "thumbnails")

    assert len(analysis.scenes) == 1
    assert analysis.transitions == ()


def test_a_scene_that_fades_in_from_black_is_not_thumbnailed_black(tmp_path):
    truth = cut_classes.fade_in_from_black(tmp_path / "fade-in.mp4")
    root = tmp_path / "thumbnails"

    analysis = analyze_file(truth.path, root)

    with Image.open(root / scene_thumbnail_relpath(analysis.video.sha256, 0)) as image:
        luma = np.asarray(image.convert("L"), dtype=np.float32)
    assert luma.std() > 0.04 * 255  # the picture, not black or a dim ghost of it
