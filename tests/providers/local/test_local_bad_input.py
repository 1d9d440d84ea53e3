"""Odd but valid videos are analysed, and files that are not what they claim say so (issue 9)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from fakes.media import make_clip, make_truncated_copy
from fakes.odd_media import (
    make_late_start_clip,
    make_rotated_clip,
    make_sized_clip,
    make_still_image_named_as_video,
    make_timestamp_gap_clip,
)
from reelscope.domain.errors import MediaError
from reelscope.domain.sprites import SpriteLayout
from reelscope.domain.thumbnails import scene_thumbnail_relpath, sprite_layout_relpath, sprite_sheet_relpath
from reelscope.providers.local.frame_clock import MAX_FRAME_HOLD_S
from reelscope.providers.local.pipeline import analyze_file
from reelscope.providers.local.probe import probe


@pytest.mark.parametrize("suffix", [".mkv", ".mp4"])
def test_a_timestamp_gap_of_a_thousand_hours_stays_small(tmp_path, suffix):
    clip = make_timestamp_gap_clip(tmp_path / f"gap{suffix}", frames=20, gap_hours=1000)

    analysis = analyze_file(clip, tmp_path / "thumbnails")

    bound_s = 20 / 25 + MAX_FRAME_HOLD_S
    assert analysis.video.duration_s <= bound_s
    assert len(analysis.activity.values) <= bound_s * 25 + 1
    assert len(analysis.to_json()) < 100_000
    # MP4 states an average rate of 20 frames over 1000 hours: the clip still steps and is timed at 25 fps.
    assert analysis.video.fps == pytest.approx(25)
    assert analysis.activity.interval_s == pytest.approx(1 / 25)


@pytest.mark.parametrize("size", [(1, 1), (2, 2), (8000, 64), (64, 8000)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_any_frame_size_is_analysed(tmp_path, size):
    clip = make_sized_clip(tmp_path / "odd.mp4", size)

    analysis = analyze_file(clip, tmp_path / "thumbnails")

    assert (analysis.video.width, analysis.video.height) == size
    assert len(analysis.activity.values) == 10
    assert len(analysis.scenes) >= 1


@pytest.mark.parametrize("suffix", [".mkv", ".mp4", ".ts"])
def test_timestamps_that_start_late_are_not_a_truncation(tmp_path, suffix):
    clip = make_late_start_clip(tmp_path / f"late{suffix}", start_s=5000.0, frames=50)

    analysis = analyze_file(clip, tmp_path / "thumbnails")

    assert analysis.video.duration_s == pytest.approx(2.0, abs=0.05)
    assert analysis.scenes[0].start_s == 0.0


def test_a_still_image_named_like_a_video_is_refused(tmp_path):
    photo = make_still_image_named_as_video(tmp_path / "holiday.mp4")

    with pytest.raises(MediaError) as caught:
        probe(photo)

    assert caught.value.reason == "a still image, not a video"


@pytest.mark.parametrize("suffix", [".mp4", ".mkv"])
def test_a_file_cut_short_at_ninety_percent_is_reported(tmp_path, suffix):
    # Grain makes every frame about the same size: cutting 10 % of the bytes cuts 10 % of the frames.
    if suffix == ".mp4":
        whole = make_clip(tmp_path / "whole.mp4", cut_frames=(20,), total_frames=100, faststart=True, motion="grain")
    else:
        whole = make_sized_clip(tmp_path / "whole.mkv", (320, 240), frames=100)
    cut_short = make_truncated_copy(whole, tmp_path / f"ninety{suffix}", keep_bytes=whole.stat().st_size * 9 // 10)

    with pytest.raises(MediaError, match="truncated"):
        analyze_file(cut_short, tmp_path / "thumbnails")


def test_the_whole_file_is_not_reported_short(tmp_path):
    whole = make_clip(tmp_path / "whole.mp4", cut_frames=(20,), total_frames=100, faststart=True)
    assert analyze_file(whole, tmp_path / "thumbnails").video.duration_s == pytest.approx(4.0, abs=0.05)


def test_a_portrait_phone_clip_is_reported_and_thumbnailed_upright(tmp_path):
    # Landscape pixels with a red band along their top, shown turned a quarter clockwise.
    clip = make_rotated_clip(tmp_path / "phone.mp4", rotation=-90, size=(320, 240))
    root = tmp_path / "thumbnails"

    analysis = analyze_file(clip, root)

    assert (analysis.video.width, analysis.video.height) == (240, 320)
    with Image.open(root / scene_thumbnail_relpath(analysis.video.sha256, 0)) as image:
        assert image.width < image.height
        pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    red = (pixels[:, :, 0] - pixels[:, :, 1]) > 100
    columns_with_red = np.flatnonzero(red.mean(axis=0) > 0.9)
    assert columns_with_red.min() > image.width * 3 // 4  # the band now runs down the right edge

    layout = SpriteLayout.from_json((root / sprite_layout_relpath(analysis.video.sha256)).read_text())
    assert layout.tile_width < layout.tile_height, "hover-scrub tiles are upright too"
    with Image.open(root / sprite_sheet_relpath(analysis.video.sha256)) as sheet:
        tile = np.asarray(sheet.convert("RGB").crop((0, 0, layout.tile_width, layout.tile_height)), dtype=np.int16)
    tile_red = ((tile[:, :, 0] - tile[:, :, 1]) > 100).mean(axis=0) > 0.9
    assert np.flatnonzero(tile_red).min() > layout.tile_width * 3 // 4
