"""A scaler that keeps its swscale context gives the pixels a fresh reformat gives, frame after frame, even when
the clip's frame size or pixel format changes on the way (as in a stream spliced from two sources)."""

from __future__ import annotations

import av
import numpy as np
import pytest

from reelscope.providers.local.frame_scaler import FrameScaler


def grainy_frame(width: int, height: int, seed: int, pixel_format: str = "yuv420p") -> av.VideoFrame:
    rng = np.random.default_rng(seed)
    rgb = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    rgb[: height // 2] //= 2   # a darker top half, so a wrong scale shows in more than noise
    return av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format=pixel_format)


SOURCES = [(1280, 720, "yuv420p"), (1280, 720, "yuv420p"), (640, 360, "yuv420p"), (1280, 720, "yuv422p"),
           (1281, 719, "yuv444p"), (1280, 720, "yuv420p")]


@pytest.mark.parametrize(("width", "height", "pixel_format", "interpolation"), [
    (160, 90, "rgb24", "AREA"),      # a sprite tile
    (64, 36, "gray", "AREA"),        # the frame analysers' change probe
    (80, 45, "yuv444p", "AREA"),     # the cut detector's grid, for formats it cannot read in place
    (320, 180, "rgb24", None),       # a scene thumbnail
])
def test_each_frame_is_scaled_as_a_fresh_reformat_scales_it(width, height, pixel_format, interpolation):
    scaler = FrameScaler()
    for seed, (source_width, source_height, source_format) in enumerate(SOURCES):
        frame = grainy_frame(source_width, source_height, seed, source_format)
        kept = scaler.array(frame, width, height, pixel_format, interpolation)
        fresh = frame.to_ndarray(width=width, height=height, format=pixel_format, interpolation=interpolation)
        assert kept.shape == fresh.shape
        assert np.array_equal(kept, fresh), f"frame {seed} ({source_width}x{source_height} {source_format})"


def test_an_image_is_what_to_image_gives():
    scaler = FrameScaler()
    for seed, (width, height, pixel_format) in enumerate(SOURCES):
        frame = grainy_frame(width, height, seed, pixel_format)
        kept = scaler.image(frame, 320, 180)
        assert kept.size == (320, 180)
        assert np.array_equal(np.asarray(kept), np.asarray(frame.to_image(width=320, height=180)))
