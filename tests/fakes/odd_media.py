"""Valid but unusual video files, and things that only look like videos: the bad input of issue 9.

    make_timestamp_gap_clip(tmp_path / "gap.mkv", gap_hours=1000)
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from .media import _scene_canvas

FPS = 25


def make_timestamp_gap_clip(path: Path | str, frames: int = 20, gap_hours: float = 1000) -> Path:
    """A tiny clip whose last frame is stamped gap_hours after the others.

    MP4 gets a track time scale of one tick per frame, which (unlike its default) can hold such a stamp.
    """
    last = round(gap_hours * 3600 * FPS)
    options = {"video_track_timescale": str(FPS)} if Path(path).suffix == ".mp4" else None
    return _write(path, frames, (64, 48), pts=[*range(frames - 1), last], container_options=options)


def make_sized_clip(path: Path | str, size: tuple[int, int], frames: int = 10) -> Path:
    """A valid H.264 clip of any frame size, 1x1 included (4:4:4 chroma allows odd sizes)."""
    return _write(path, frames, size, pixel_format="yuv444p")


def make_late_start_clip(path: Path | str, start_s: float = 5000.0, frames: int = 50) -> Path:
    """A clip whose timestamps start at start_s, as a recording cut out of a longer stream has."""
    first = round(start_s * FPS)
    return _write(path, frames, (64, 48), pts=[first + index for index in range(frames)])


def make_rotated_clip(path: Path | str, rotation: int = -90, size: tuple[int, int] = (320, 240)) -> Path:
    """A phone clip: landscape pixels, a display matrix turning them (counter-clockwise degrees).

    The coded picture is grey with a red band along its top edge, so where the band ends up
    shows which way a picture was turned.
    """
    return _write(path, 10, size, rotation=rotation, marked=True)


def make_two_shot_clip(path: Path | str, codec: str, pixel_format: str, cut_frame: int = 20) -> Path:
    """Two shots (a cut at cut_frame) in any codec and pixel format, at the codec's default bit rate."""
    path = Path(path)
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream(codec, rate=FPS)
        stream.width, stream.height = 320, 240
        stream.pix_fmt = pixel_format
        for index in range(2 * cut_frame):
            picture = _scene_canvas(0 if index < cut_frame else 1, 320, 240)
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts = index
            frame.time_base = Fraction(1, FPS)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def make_still_image_named_as_video(path: Path | str) -> Path:
    """A JPEG photo with a video file name."""
    path = Path(path)
    Image.new("RGB", (64, 48), (200, 60, 30)).save(path, format="JPEG")
    return path


def _write(
    path: Path | str,
    frames: int,
    size: tuple[int, int],
    *,
    pts: list[int] | None = None,
    pixel_format: str = "yuv420p",
    rotation: int = 0,
    marked: bool = False,
    container_options: dict[str, str] | None = None,
) -> Path:
    path = Path(path)
    width, height = size
    with av.open(str(path), mode="w", options=container_options or {}) as container:
        stream = container.add_stream("libx264", rate=FPS, options={"preset": "ultrafast"})
        stream.width, stream.height = size
        stream.pix_fmt = pixel_format
        if rotation:
            stream.set_display_rotation(rotation)
        for index in range(frames):
            picture = np.full((height, width, 3), 60 + (index * 13) % 120, np.uint8)
            if marked:
                picture[: max(1, height // 8)] = (220, 20, 20)
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts = pts[index] if pts else index
            frame.time_base = Fraction(1, FPS)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path
