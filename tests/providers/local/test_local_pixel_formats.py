"""Whatever the codec and pixel format, frames are read and the cut is found on its frame."""

from __future__ import annotations

import pytest

from fakes.odd_media import make_two_shot_clip
from reelscope.providers.local.pipeline import analyze_file

FORMATS = [
    ("libx264", "yuv420p10le", "mkv"),
    ("libx264", "yuv422p", "mp4"),
    ("ffv1", "yuv444p", "mkv"),
    ("ffv1", "bgr0", "mkv"),
    ("ffv1", "gray", "mkv"),
    ("png", "rgb24", "mov"),
    ("rawvideo", "nv12", "mkv"),
    ("libvpx-vp9", "yuv420p", "webm"),
    ("mpeg4", "yuv420p", "avi"),  # low bit rate: colours jump a little at every keyframe, not a cut
]


@pytest.mark.parametrize(("codec", "pixel_format", "suffix"), FORMATS, ids=[f"{c}-{p}" for c, p, _ in FORMATS])
def test_the_cut_is_found_in_any_pixel_format(tmp_path, codec, pixel_format, suffix):
    clip = make_two_shot_clip(tmp_path / f"clip.{suffix}", codec, pixel_format, cut_frame=20)

    analysis = analyze_file(clip, tmp_path / "thumbnails")

    assert [round(scene.start_s * analysis.video.fps) for scene in analysis.scenes[1:]] == [20]
    assert len(analysis.activity.values) == 40
