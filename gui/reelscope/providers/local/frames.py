"""One frame of a clip as a small JPEG: the picture at a time a service points to (a section's thumbnail)."""

from __future__ import annotations

import io
from pathlib import Path

import av.error

from ...domain.errors import MediaError
from .probe import decode_in_threads, describe_av_error, open_video
from .thumbnails import JPEG_QUALITY, THUMBNAIL_WIDTH


def frame_jpeg(path: Path | str, at_s: float, width: int = THUMBNAIL_WIDTH) -> bytes:
    """The frame showing at at_s (the last one before it, at the clip's end), scaled to width; MediaError if none."""
    path = Path(path)
    with open_video(path) as container:
        stream = container.streams.video[0]
        decode_in_threads(stream)
        base = stream.time_base
        shown = None
        try:
            if base:
                container.seek(int(max(0.0, at_s) / base) + (stream.start_time or 0), stream=stream, backward=True)
            for frame in container.decode(stream):
                if shown is not None and frame.time is not None and frame.time > at_s:
                    break
                shown = frame
        except av.error.FFmpegError as error:
            if shown is None:
                raise MediaError(str(path), f"no frame at {at_s:.2f} s ({describe_av_error(error)})") from error
        if shown is None:
            raise MediaError(str(path), f"no frame at {at_s:.2f} s")
        aspect = float(stream.sample_aspect_ratio or 1) or 1.0
        height = max(2, round(width * shown.height / (shown.width * aspect) / 2) * 2)
        image = shown.to_image(width=width, height=height)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()
