"""Sprite sheets for hover scrub, made from the frames of a decoding pass."""

from __future__ import annotations

import av
import numpy as np
import pytest
from PIL import Image

from fakes.media import SCENE_COLOURS, make_clip
from reelscope.domain.sprites import SpriteLayout, sample_times, scrub_time
from reelscope.domain.thumbnails import sprite_layout_relpath, sprite_sheet_relpath
from reelscope.providers.local.sprites import make_sprite_sheet

FPS = 25


def decoded(path):
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            yield float(frame.pts * stream.time_base), frame


def test_a_sheet_holds_frames_across_the_clip_each_tile_from_its_time(tmp_path):
    clip = make_clip(tmp_path / "pier.mp4", cut_frames=(100,), total_frames=200, fps=FPS, size=(320, 180))
    layout = make_sprite_sheet(decoded(clip), duration_s=8.0, thumbnail_root=tmp_path / "cache", sha256="ab" * 32,
                               count=20, columns=5, tile_width=64)
    assert layout is not None and layout.count == 20 and (layout.columns, layout.rows) == (5, 4)
    assert (layout.tile_width, layout.tile_height) == (64, 36)
    wanted = sample_times(8.0, 20)
    assert all(0 <= shown - want < 1 / FPS + 1e-9 for shown, want in zip(layout.times_s, wanted))

    sheet = Image.open(tmp_path / "cache" / sprite_sheet_relpath("ab" * 32)).convert("RGB")
    assert sheet.size == (5 * 64, 4 * 36)
    assert SpriteLayout.from_json((tmp_path / "cache" / sprite_layout_relpath("ab" * 32)).read_text()) == layout
    assert SCENE_COLOURS[0][0][0] > SCENE_COLOURS[0][0][2] and SCENE_COLOURS[1][0][2] > SCENE_COLOURS[1][0][0]
    for index, time_s in enumerate(layout.times_s):   # red before the cut at 4 s, blue after it
        x, y = layout.tile_origin(index)
        red, _green, blue = np.asarray(sheet.crop((x, y, x + 64, y + 36))).reshape(-1, 3).mean(axis=0)
        assert (red > blue) == (time_s < 4.0), (index, time_s, red, blue)


def test_rgb_arrays_do_as_well_and_no_frame_makes_no_sheet(tmp_path):
    frames = ((t / 10, np.full((90, 160, 3), int(t * 20), np.uint8)) for t in range(10))
    layout = make_sprite_sheet(frames, duration_s=1.0, thumbnail_root=tmp_path, sha256="cd" * 32, count=4,
                               tile_width=32)
    assert layout is not None and layout.times_s == (pytest.approx(0.2), pytest.approx(0.4), pytest.approx(0.7),
                                                     pytest.approx(0.9))
    assert make_sprite_sheet(iter(()), duration_s=1.0, thumbnail_root=tmp_path, sha256="ef" * 32) is None


def test_the_tile_under_the_mouse_is_the_nearest_in_time():
    layout = SpriteLayout(columns=3, tile_width=10, tile_height=6, times_s=(0.5, 1.5, 2.5, 3.5))
    assert [layout.tile_at_time(t) for t in (0.0, 0.9, 1.1, 3.0, 9.0)] == [0, 0, 1, 2, 3]
    assert layout.tile_origin(3) == (0, 6)
    assert scrub_time(0.5, 10.0, 14.0) == 12.0 and scrub_time(1.7, 10.0, 14.0) == 14.0
