"""Audio for fingerprinting: any file PyAV reads, decoded to mono float32 at FINGERPRINT_RATE."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import av
import av.error
import numpy as np

FINGERPRINT_RATE = 8000


class AudioUnreadable(Exception):
    pass


def decode_mono(
    path: Path | str, rate: int = FINGERPRINT_RATE, should_stop: Callable[[], None] | None = None
) -> tuple[np.ndarray, float]:
    """(samples, start_s): the first audio stream as mono float32 at rate, and when its first sample
    plays relative to the first video frame (0.0 for a file without video).

    Raises AudioUnreadable when the file has no audio stream or it cannot be decoded.
    should_stop is called every few hundred packets and may raise to abort.
    """
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError) as error:
        raise AudioUnreadable(f"{path}: cannot be opened ({error})") from error
    with container:
        if not container.streams.audio:
            raise AudioUnreadable(f"{path}: no audio stream")
        stream = container.streams.audio[0]
        start_s = _start_relative_to_video(container, stream)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        chunks: list[np.ndarray] = []
        try:
            for count, frame in enumerate(container.decode(stream)):
                if should_stop is not None and count % 200 == 0:
                    should_stop()
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
        except av.error.FFmpegError as error:
            if not chunks:
                raise AudioUnreadable(f"{path}: audio cannot be decoded ({error})") from error
    samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    return samples, start_s


def _start_relative_to_video(container, audio_stream) -> float:
    if not container.streams.video:
        return 0.0
    video = container.streams.video[0]
    if audio_stream.start_time is None or video.start_time is None:
        return 0.0
    audio_start = float(audio_stream.start_time * audio_stream.time_base)
    video_start = float(video.start_time * video.time_base)
    return audio_start - video_start
