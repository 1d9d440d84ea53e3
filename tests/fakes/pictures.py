"""Clips made of pictures: shots of still photos (real ones from installed packages, or drawn),
captions shown at chosen times, and a soundtrack given as samples.

    shots = [Shot(3.0, astronaut), Shot(2.0, card("Hello"))]
    make_picture_clip(tmp_path / "c.mp4", shots, captions=[Caption("NO PARKING", 2.0, 4.0)])

Where to find real media that ships inside installable packages, and what is in it (looked at by
eye), is in real_media.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

AUDIO_RATE = 48_000


@dataclass(frozen=True)
class Shot:
    seconds: float
    picture: np.ndarray      # RGB, any size: fitted to the clip with black bars
    zoom: float = 0.0        # zoom in by this fraction over the shot (a little life in a still)


@dataclass(frozen=True)
class Caption:
    text: str
    start_s: float
    end_s: float


def make_picture_clip(
    path: Path | str,
    shots: Sequence[Shot],
    *,
    size: tuple[int, int] = (640, 360),
    fps: int = 25,
    captions: Sequence[Caption] = (),
    audio: np.ndarray | None = None,
    preset: str = "ultrafast",
) -> Path:
    """An H.264 MP4 of the shots one after another, with captions and an optional mono soundtrack."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    total_s = sum(shot.seconds for shot in shots)
    total_frames = round(total_s * fps)
    fitted = [_fit(shot.picture, size) for shot in shots]
    with av.open(str(path), mode="w") as container:
        video = container.add_stream("libx264", rate=fps, options={"preset": preset})
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        video.codec_context.gop_size = 2 * fps
        sound = _Soundtrack(container, audio) if audio is not None else None
        shot_starts = np.cumsum([0.0] + [shot.seconds for shot in shots])
        for index in range(total_frames):
            t = index / fps
            shot_index = min(int(np.searchsorted(shot_starts, t + 1e-9, side="right")) - 1, len(shots) - 1)
            shot = shots[shot_index]
            picture = fitted[shot_index]
            if shot.zoom:
                progress = (t - shot_starts[shot_index]) / shot.seconds
                picture = _zoomed(picture, 1.0 + shot.zoom * progress)
            for caption in captions:
                if caption.start_s <= t + 1e-9 < caption.end_s:
                    picture = with_caption(picture, caption.text)
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="rgb24")
            frame.pts = index
            container.mux(video.encode(frame))
            if sound is not None:
                sound.write_until((index + 1) / fps)
        container.mux(video.encode(None))
        if sound is not None:
            sound.flush()
    return path


def card(text: str, size: tuple[int, int] = (640, 360), background=(20, 24, 40), colour=(240, 240, 240)) -> np.ndarray:
    """A title card: large text centred on a plain background."""
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=max(16, size[1] // 8))
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    origin = ((size[0] - (right - left)) // 2 - left, (size[1] - (bottom - top)) // 2 - top)
    draw.text(origin, text, fill=colour, font=font)
    return np.asarray(image)


def plain(colour=(60, 90, 60), size: tuple[int, int] = (640, 360), seed: int = 0) -> np.ndarray:
    """A textured background with no text or face."""
    rng = np.random.default_rng(seed)
    base = np.full((size[1], size[0], 3), colour, dtype=np.float32)
    blobs = rng.normal(0, 18, size=(size[1] // 40 + 1, size[0] // 40 + 1, 3)).astype(np.float32)
    blobs = np.kron(blobs, np.ones((40, 40, 1), dtype=np.float32))[: size[1], : size[0]]
    return np.clip(base + blobs, 0, 255).astype(np.uint8)


def with_caption(picture: np.ndarray, text: str) -> np.ndarray:
    """White text on a dark band across the lower third, as subtitles or lower thirds look."""
    image = Image.fromarray(picture)
    draw = ImageDraw.Draw(image)
    width, height = image.size
    font = ImageFont.load_default(size=max(14, height // 12))
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x, y = (width - (right - left)) // 2, height * 3 // 4
    draw.rectangle((x - 10, y - 8, x + right - left + 10, y + bottom - top + 10), fill=(10, 10, 10))
    draw.text((x - left, y - top), text, fill=(250, 250, 250), font=font)
    return np.asarray(image)


def _fit(picture: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    image = Image.fromarray(picture).convert("RGB")
    image.thumbnail(size, Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", size, (0, 0, 0))
    canvas.paste(image, ((size[0] - image.width) // 2, (size[1] - image.height) // 2))
    return np.asarray(canvas)


def _zoomed(picture: np.ndarray, factor: float) -> np.ndarray:
    height, width = picture.shape[:2]
    crop_w, crop_h = round(width / factor), round(height / factor)
    left, top = (width - crop_w) // 2, (height - crop_h) // 2
    crop = Image.fromarray(picture[top : top + crop_h, left : left + crop_w])
    return np.asarray(crop.resize((width, height), Image.Resampling.BILINEAR))


class _Soundtrack:
    """Mono AAC from float samples at AUDIO_RATE, written in step with the video."""

    FRAME = 1024

    def __init__(self, container, samples: np.ndarray) -> None:
        self.stream = container.add_stream("aac", rate=AUDIO_RATE, layout="mono")
        self.stream.bit_rate = 128_000
        self.container = container
        self.samples = np.clip(samples.astype(np.float32), -1.0, 1.0)
        self.written = 0

    def write_until(self, seconds: float) -> None:
        target = min(len(self.samples), round(seconds * AUDIO_RATE))
        while self.written + self.FRAME <= target:
            chunk = self.samples[self.written : self.written + self.FRAME]
            frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="flt", layout="mono")
            frame.sample_rate = AUDIO_RATE
            frame.pts = self.written
            self.container.mux(self.stream.encode(frame))
            self.written += self.FRAME

    def flush(self) -> None:
        self.write_until(len(self.samples) / AUDIO_RATE)
        self.container.mux(self.stream.encode(None))
