"""What a video file is: its stream facts and content hash, with failures in the user's words."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import av
import av.error

from ...domain.analysis import VideoInfo
from ...domain.errors import MediaError
from ...domain.media import title_from_name
from ...domain.thumbnails import video_id_for
from ..hashing import file_sha256

FALLBACK_FPS = 25.0
GAPPED_AVERAGE_FACTOR = 4   # an average rate this many times under the stamped rate comes of a gap
UNREADABLE_HINT = "the file may be truncated or not a video"


STILL_IMAGE_FORMATS = frozenset({"image2", "image2pipe"})
# Containers whose duration FFmpeg can only estimate (from bit rate or scattered timestamps).
ESTIMATED_DURATION_FORMATS = frozenset({"mpegts", "h264", "hevc", "mpegvideo", "m4v", "mjpeg", "flv"})


@dataclass(frozen=True)
class ProbedVideo:
    info: VideoInfo  # width and height as displayed: rotation applied
    pixel_aspect: float  # width of a pixel over its height: 1.0 but for anamorphic video
    rotation: int = 0  # degrees counter-clockwise that the picture is turned for display
    duration_is_estimate: bool = False  # the container's guess, not the video stream's own


def probe(path: Path | str) -> VideoInfo:
    """Reads the container header and hashes the file; raises MediaError if it is not a video."""
    return probe_video(path).info


def probe_video(path: Path | str, sha256: str | None = None) -> ProbedVideo:
    path = Path(path).absolute()
    size_bytes = _checked_size(path)
    with open_video(path) as container:
        stream = container.streams.video[0]
        if _is_still_image(container):
            raise MediaError(str(path), "a still image, not a video")
        width, height = stream.codec_context.width, stream.codec_context.height
        rotation = _display_rotation(container, stream)
        if rotation % 180:
            width, height = height, width
        duration_s, is_estimate = _duration_s(container, stream)
        info = VideoInfo(
            id="",
            path=str(path),
            title=title_from_name(path.name),
            duration_s=duration_s,
            fps=nominal_fps(stream),
            width=width,
            height=height,
            size_bytes=size_bytes,
            sha256="",
            codec=stream.codec_context.name,
            has_audio=bool(container.streams.audio),
        )
        pixel_aspect = float(stream.sample_aspect_ratio or 1) or 1.0
    sha256 = sha256 or file_sha256(path)
    info = info.model_copy(update={"sha256": sha256, "id": video_id_for(sha256)})
    return ProbedVideo(info, pixel_aspect, rotation, is_estimate)


_decoding_threads = 0


def set_decoding_threads(count: int) -> None:
    """How many threads each decoder of this process uses (0: FFmpeg chooses); a worker sets it on start."""
    global _decoding_threads
    _decoding_threads = max(0, count)


def decode_in_threads(stream: av.video.stream.VideoStream) -> None:
    """Frame and slice threads for stream's decoder, as many as this process was given."""
    stream.thread_type = "AUTO"
    stream.thread_count = _decoding_threads


@contextmanager
def open_video(path: Path) -> Iterator[av.container.InputContainer]:
    """Opens path for decoding; every PyAV failure on opening comes out as MediaError."""
    try:
        container = av.open(str(path), mode="r")
    except FileNotFoundError as error:
        raise MediaError(str(path), "file not found") from error
    except av.error.FFmpegError as error:
        reason = f"cannot be read as video: {UNREADABLE_HINT} ({describe_av_error(error)})"
        raise MediaError(str(path), reason) from error
    except OSError as error:
        raise MediaError(str(path), f"cannot be opened ({error.strerror or error})") from error
    with container:
        if not container.streams.video:
            if not container.streams:   # a damaged MP4 index (moov) leaves none at all
                raise MediaError(str(path), f"no stream could be found: {UNREADABLE_HINT}")
            raise MediaError(str(path), "no video stream (an audio or data file, not a video)")
        yield container


def nominal_fps(stream: av.video.stream.VideoStream) -> float:
    """The stream's average frame rate (frames over duration), which also suits variable rates.

    A gap in the timestamps drags the average down (20 frames with a 1000-hour gap average one frame in
    50 hours): an average under a quarter of the rate the timestamps are laid out at gives way to that rate.
    """
    average, *stamped = (float(rate) if rate and 0 < float(rate) < 1000 else None
                         for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate))
    laid_out = next((rate for rate in stamped if rate is not None), None)
    if average is not None and (laid_out is None or average * GAPPED_AVERAGE_FACTOR >= laid_out):
        return average
    return laid_out or FALLBACK_FPS


def _checked_size(path: Path) -> int:
    try:
        stat = path.stat()
    except FileNotFoundError as error:
        raise MediaError(str(path), "file not found") from error
    except OSError as error:
        raise MediaError(str(path), f"cannot be read ({error.strerror or error})") from error
    if path.is_dir():
        raise MediaError(str(path), "is a folder, not a video file")
    if stat.st_size == 0:
        raise MediaError(str(path), "empty file (0 bytes)")
    return stat.st_size


def _duration_s(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> tuple[float, bool]:
    """(duration from the first frame, whether it is an estimate); 0.0 when unknown.

    The video stream's own duration counts from its first frame. A container's may be the time
    of its end instead, in which case its start time is taken off.
    """
    estimate = container.format.name in ESTIMATED_DURATION_FORMATS
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base), estimate
    if container.duration is None:
        return 0.0, True
    duration = container.duration / av.time_base
    start = (container.start_time or 0) / av.time_base
    if 0 < start < duration:
        duration -= start
    return duration, estimate


def _is_still_image(container: av.container.InputContainer) -> bool:
    name = container.format.name
    return name in STILL_IMAGE_FORMATS or name.endswith("_pipe")


def _display_rotation(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> int:
    """The display rotation of the first frame (multiples of 90 degrees), 0 when it cannot be read."""
    try:
        frame = next(container.decode(stream), None)
    except av.error.FFmpegError:
        return 0
    rotation = round(getattr(frame, "rotation", 0) or 0) if frame is not None else 0
    return (round(rotation / 90) * 90) % 360


def describe_av_error(error: av.error.FFmpegError) -> str:
    return error.strerror or type(error).__name__
