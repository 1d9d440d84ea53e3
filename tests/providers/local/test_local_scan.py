"""The single decoding pass: hard cuts, activity and scene thumbnails, checked on real files."""

from __future__ import annotations

import math

import av
import numpy as np
import pytest
from PIL import Image

from fakes.media import frame_times, make_clip
from reelscope.domain.thumbnails import scene_thumbnail_relpath, sprite_layout_relpath, sprite_sheet_relpath
from reelscope.providers.local.pipeline import analyze_file

TOLERANCE_FRAMES = 2


def cut_frames_of(analysis, fps: float) -> list[int]:
    return [round(scene.start_s * fps) for scene in analysis.scenes[1:]]


def assert_cuts_near(found: list[int], expected: tuple[int, ...]) -> None:
    assert len(found) == len(expected), f"cuts at frames {found}, expected {expected}"
    for found_frame, expected_frame in zip(found, expected):
        assert abs(found_frame - expected_frame) <= TOLERANCE_FRAMES, (found, expected)


def assert_scenes_cover(analysis) -> None:
    scenes = analysis.scenes
    assert scenes[0].start_s == 0.0
    assert scenes[-1].end_s == analysis.video.duration_s
    for before, after in zip(scenes, scenes[1:]):
        assert before.end_s == after.start_s
        assert before.start_s < before.end_s


@pytest.mark.parametrize(
    ("cut_frames", "total_frames", "options"),
    [
        ((12,), 30, {}),
        ((20, 45, 70, 95), 120, {}),
        ((8, 16, 24, 32), 40, {}),
        ((30, 75), 100, {"fps": 30, "size": (640, 360)}),
        ((25, 60), 90, {"motion": "pan"}),
        ((25, 60), 90, {"motion": "zoom"}),
        ((25, 60), 90, {"motion": "grain"}),
        ((25, 60), 90, {"motion": "pan", "noise": 6.0, "size": (480, 270)}),
    ],
    ids=["one", "four", "short-scenes", "30fps-360p", "pan", "zoom", "grain", "noisy-pan"],
)
def test_every_hard_cut_is_found_within_two_frames(tmp_path, cut_frames, total_frames, options):
    clip = make_clip(
        tmp_path / "cuts.mp4", cut_frames=cut_frames, total_frames=total_frames, **options
    )

    analysis = analyze_file(clip, tmp_path / "thumbnails")

    assert_cuts_near(cut_frames_of(analysis, options.get("fps", 25)), cut_frames)
    assert_scenes_cover(analysis)


@pytest.mark.parametrize("motion", ["static", "pan", "zoom", "grain"])
def test_a_clip_without_cuts_is_one_scene(tmp_path, motion):
    clip = make_clip(tmp_path / f"{motion}.mp4", total_frames=150, motion=motion)

    analysis = analyze_file(clip, tmp_path / "thumbnails")

    assert len(analysis.scenes) == 1
    only = analysis.scenes[0]
    assert (only.start_s, only.end_s) == (0.0, analysis.video.duration_s)


def test_a_clip_shorter_than_a_second(tmp_path):
    clip = make_clip(tmp_path / "blink.mp4", cut_frames=(10,), total_frames=20)

    analysis = analyze_file(clip, tmp_path / "thumbnails")

    assert analysis.video.duration_s == pytest.approx(0.8, abs=0.05)
    assert_cuts_near(cut_frames_of(analysis, 25), (10,))
    assert len(analysis.activity.values) == 20


def test_a_three_frame_clip(tmp_path):
    clip = make_clip(tmp_path / "tiny.mp4", total_frames=3)
    analysis = analyze_file(clip, tmp_path / "thumbnails")
    assert len(analysis.scenes) == 1
    assert len(analysis.activity.values) == 3


def test_cuts_in_a_variable_frame_rate_clip_are_found_at_their_times(tmp_path):
    cuts = (20, 45, 70)
    clip = make_clip(tmp_path / "vfr.mp4", cut_frames=cuts, total_frames=90, vfr=True)
    times = frame_times(90, 25, vfr=True)

    analysis = analyze_file(clip, tmp_path / "thumbnails")

    found = [scene.start_s for scene in analysis.scenes[1:]]
    assert len(found) == len(cuts)
    for found_s, cut in zip(found, cuts):
        nearby = times[cut - TOLERANCE_FRAMES : cut + TOLERANCE_FRAMES + 1]
        assert any(abs(found_s - t) < 1e-3 for t in nearby), (found_s, nearby)
    activity = analysis.activity
    assert activity.interval_s == pytest.approx(1 / analysis.video.fps)
    assert len(activity.values) == math.ceil(analysis.video.duration_s / activity.interval_s - 1e-6)


@pytest.mark.parametrize("audio", [False, True])
def test_clips_with_and_without_audio(tmp_path, audio):
    clip = make_clip(tmp_path / "clip.mp4", cut_frames=(20,), total_frames=50, audio=audio)

    analysis = analyze_file(clip, tmp_path / "thumbnails")

    assert analysis.video.has_audio is audio
    assert_cuts_near(cut_frames_of(analysis, 25), (20,))


def test_activity_is_one_value_per_frame_peaking_at_cuts(tmp_path):
    clip = make_clip(tmp_path / "pan.mp4", cut_frames=(25,), total_frames=50, motion="pan")

    activity = analyze_file(clip, tmp_path / "thumbnails").activity

    assert activity.interval_s == pytest.approx(0.04)
    assert len(activity.values) == 50
    assert all(0.0 <= value <= 1.0 for value in activity.values)
    assert activity.values[0] == 0.0
    assert int(np.argmax(activity.values)) == 25
    assert min(activity.values[5:20]) > 0.0  # the pan itself registers as motion


def test_one_thumbnail_per_scene_in_the_cache_only(tmp_path):
    media = tmp_path / "media"
    clip = make_clip(media / "clip.mp4", cut_frames=(20, 45), total_frames=70)
    root = tmp_path / "thumbnails"

    analysis = analyze_file(clip, root)

    sha256 = analysis.video.sha256
    paths = [root / scene_thumbnail_relpath(sha256, i) for i in range(3)]
    sprites = [root / sprite_sheet_relpath(sha256), root / sprite_layout_relpath(sha256)]
    assert sorted(p for p in root.rglob("*") if p.is_file()) == sorted(paths + sprites)
    assert list(media.iterdir()) == [clip]
    for path in paths:
        with Image.open(path) as image:
            assert image.format == "JPEG"
            assert image.size == (320, 240)


def test_a_thumbnail_shows_its_own_scene(tmp_path):
    cuts = (20, 45)
    clip = make_clip(tmp_path / "clip.mp4", cut_frames=cuts, total_frames=70)
    root = tmp_path / "thumbnails"
    analysis = analyze_file(clip, root)
    with av.open(str(clip)) as container:
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]

    starts = (0, *cuts)
    for index in range(len(starts)):
        with Image.open(root / scene_thumbnail_relpath(analysis.video.sha256, index)) as image:
            thumbnail = np.asarray(image.convert("RGB"), dtype=np.float32)
        distances = [np.abs(thumbnail - frames[other + 5]).mean() for other in starts]
        own = distances.pop(index)
        assert own < 10 and all(own * 3 < other for other in distances)


def test_cached_thumbnails_are_reused(tmp_path):
    clip = make_clip(tmp_path / "clip.mp4", cut_frames=(20,), total_frames=40)
    root = tmp_path / "thumbnails"
    first = analyze_file(clip, root)
    files = sorted(p for p in root.rglob("*.jpg"))
    for path in files:
        path.write_bytes(b"cached")

    second = analyze_file(clip, root)

    assert len(second.scenes) == len(first.scenes) == 2
    assert sorted(root.rglob("*.jpg")) == files
    assert all(path.read_bytes() == b"cached" for path in files)
