"""Generated test media: small H.264 MP4 clips with known cuts, motion, audio and text.

Every scene has its own colours and shapes, so a hard cut is unmistakable; within a scene the
picture is still, pans, zooms or is covered in heavy grain, none of which is a cut. Clips are
tiny by default (320x240, 25 fps, x264 ultrafast) so any test can make its own in milliseconds.

    clip = make_clip(tmp_path / "cuts.mp4", cut_frames=(20, 45), total_frames=60)
    times = frame_times(60, 25, vfr=False)   # presentation time of each frame, in seconds
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Literal

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

Motion = Literal["static", "pan", "zoom", "grain"]

PAN_PX_PER_FRAME = 3
ZOOM_PER_FRAME = 0.004
GRAIN_SIGMA = 24.0
AUDIO_RATE = 48_000
AUDIO_FRAME_SAMPLES = 1024
VFR_TIME_BASE = Fraction(1, 1000)
# Frame durations of a variable-frame-rate clip, as multiples of the nominal frame duration.
VFR_DURATION_PATTERN = (1.0, 0.5, 1.5, 1.0, 2.0, 0.5, 1.0, 0.5)

# Background and foreground of each scene; luma and hue both differ from one scene to the next.
SCENE_COLOURS = (
    ((200, 40, 40), (250, 230, 90)),
    ((30, 90, 200), (240, 240, 240)),
    ((40, 160, 70), (20, 20, 60)),
    ((235, 220, 200), (120, 30, 140)),
    ((25, 25, 25), (90, 200, 230)),
    ((240, 150, 30), (40, 60, 40)),
    ((120, 120, 130), (250, 60, 120)),
    ((90, 40, 20), (200, 250, 200)),
)


def make_clip(
    path: Path | str,
    *,
    cut_frames: Sequence[int] = (),
    total_frames: int = 50,
    fps: int | Fraction = 25,
    size: tuple[int, int] = (320, 240),
    audio: bool = False,
    motion: Motion = "static",
    vfr: bool = False,
    text: str | None = None,
    noise: float = 0.0,
    preset: str = "ultrafast",
    faststart: bool = False,
) -> Path:
    """Writes an H.264 MP4 whose scenes start at frame 0 and at each of cut_frames.

    fps may be a fraction for the rates cameras use: Fraction(30000, 1001) (29.97), Fraction(24000, 1001).
    With vfr=True, frames get irregular durations (see frame_times) in a 1/1000 time base.
    noise adds sensor-like grain of that standard deviation (0-255 scale) to any motion;
    motion="grain" is a still picture under heavy grain (GRAIN_SIGMA). faststart puts the index
    (moov) first, as streaming-friendly files have it: a truncated copy then still opens.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    cuts = sorted(set(cut_frames))
    if any(not 0 < cut < total_frames for cut in cuts):
        raise ValueError(f"cut frames {cuts} must lie inside 1..{total_frames - 1}")
    times = frame_times(total_frames, fps, vfr=vfr)
    options = {"movflags": "faststart"} if faststart else {}
    with av.open(str(path), mode="w", options=options) as container:
        video = _add_video_stream(container, fps, size, vfr, preset)
        tone = _SineTone(container) if audio else None
        painter = _FramePainter(size, motion, text, noise, longest_scene=total_frames)
        scene_starts = [0, *cuts]
        for index in range(total_frames):
            scene = sum(1 for start in scene_starts if start <= index) - 1
            picture = painter.paint(scene, index - scene_starts[scene])
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            if vfr:
                frame.pts = round(times[index] * 1000)
                frame.time_base = VFR_TIME_BASE
            else:
                frame.pts = index
            container.mux(video.encode(frame))
            if tone is not None:
                tone.write_until(times[index] + 1 / fps)
        container.mux(video.encode(None))
        if tone is not None:
            tone.flush()
    return path


def frame_times(total_frames: int, fps: int | Fraction, *, vfr: bool = False) -> list[float]:
    """Presentation time in seconds of each frame of a clip made by make_clip."""
    if not vfr:
        return [index / fps for index in range(total_frames)]
    times, elapsed_ms = [], 0
    for index in range(total_frames):
        times.append(elapsed_ms / 1000)
        factor = VFR_DURATION_PATTERN[index % len(VFR_DURATION_PATTERN)]
        elapsed_ms += round(1000 * factor / fps)
    return times


def make_looped_clip(source: Path | str, path: Path | str, repeats: int) -> Path:
    """source's video played repeats times over, by copying its packets (no re-encoding).

    A quick way to a clip long enough that analysing it takes a while.
    """
    path = Path(path)
    with av.open(str(source)) as original:
        template = original.streams.video[0]
        packets = [
            (bytes(packet), packet.pts, packet.dts, packet.is_keyframe, packet.duration)
            for packet in original.demux(template)
            if packet.size
        ]
        time_base = template.time_base
        with av.open(str(path), mode="w") as looped:
            stream = looped.add_stream_from_template(template)
            _, last_pts, _, _, last_duration = max(packets, key=lambda packet: packet[1])
            span = last_pts + last_duration
            for repeat in range(repeats):
                for data, pts, dts, is_keyframe, duration in packets:
                    packet = av.Packet(data)
                    packet.stream = stream
                    packet.time_base = time_base
                    packet.pts, packet.dts = pts + repeat * span, dts + repeat * span
                    packet.duration = duration
                    packet.is_keyframe = is_keyframe
                    looped.mux(packet)
    return path


def make_audio_only_clip(path: Path | str, seconds: float = 1.0) -> Path:
    """An MP4 with a sine tone and no video stream."""
    path = Path(path)
    with av.open(str(path), mode="w") as container:
        tone = _SineTone(container)
        tone.write_until(seconds)
        tone.flush()
    return path


def make_empty_file(path: Path | str) -> Path:
    path = Path(path)
    path.write_bytes(b"")
    return path


def make_truncated_copy(
    source: Path | str, path: Path | str, keep_bytes: int | None = None
) -> Path:
    """The first keep_bytes of source (default: half of it), as a download cut short leaves it."""
    data = Path(source).read_bytes()
    keep = len(data) // 2 if keep_bytes is None else keep_bytes
    path = Path(path)
    path.write_bytes(data[:keep])
    return path


def make_text_file(path: Path | str, text: str = "this is not a video\n" * 20) -> Path:
    """A plain text file, typically named with a video extension."""
    path = Path(path)
    path.write_text(text, encoding="utf-8")
    return path


def _add_video_stream(container, fps: int | Fraction, size: tuple[int, int], vfr: bool, preset: str):
    stream = container.add_stream("libx264", rate=fps, options={"preset": preset})
    stream.width, stream.height = size
    stream.pix_fmt = "yuv420p"
    stream.codec_context.gop_size = round(2 * fps)
    if vfr:
        stream.codec_context.time_base = VFR_TIME_BASE
        stream.time_base = VFR_TIME_BASE
    return stream


class _FramePainter:
    """Draws frame n of scene s: the scene's canvas moved by the chosen motion."""

    NOISE_FIELDS = 7  # grain patterns cycled through: generating fresh noise is slow

    def __init__(
        self,
        size: tuple[int, int],
        motion: Motion,
        text: str | None,
        noise: float,
        longest_scene: int,
    ) -> None:
        self.size = size
        self.motion = motion
        self.text = text
        self.noise = GRAIN_SIGMA if motion == "grain" else noise
        self.longest_scene = longest_scene
        self._canvases: dict[int, np.ndarray] = {}
        self._noise_fields: list[np.ndarray] = []
        self._frames_painted = 0

    def paint(self, scene: int, frame_in_scene: int) -> np.ndarray:
        width, height = self.size
        canvas = self._canvas(scene)
        if self.motion == "pan":
            left = frame_in_scene * PAN_PX_PER_FRAME
            picture = canvas[:, left : left + width]
        elif self.motion == "zoom":
            picture = _zoomed(canvas, 1.0 + ZOOM_PER_FRAME * frame_in_scene)
        else:
            picture = canvas
        if self.noise:
            picture = self._grainy(picture)
        if self.text:
            picture = _with_caption(picture, self.text)
        return np.ascontiguousarray(picture)

    def _grainy(self, picture: np.ndarray) -> np.ndarray:
        if not self._noise_fields:
            rng = np.random.default_rng(1234)
            width, height = self.size
            shape = (height, width, 1)
            self._noise_fields = [
                rng.normal(0.0, self.noise, size=shape).astype(np.float32)
                for _ in range(self.NOISE_FIELDS)
            ]
        grain = self._noise_fields[self._frames_painted % self.NOISE_FIELDS]
        self._frames_painted += 1
        return np.clip(picture + grain, 0, 255).astype(np.uint8)

    def _canvas(self, scene: int) -> np.ndarray:
        if scene not in self._canvases:
            width, height = self.size
            if self.motion == "pan":
                width += PAN_PX_PER_FRAME * self.longest_scene
            self._canvases[scene] = _scene_canvas(scene, width, height)
        return self._canvases[scene]


def _scene_canvas(scene: int, width: int, height: int) -> np.ndarray:
    """A picture unique to the scene: its colours, a soft gradient and scattered shapes."""
    background, foreground = SCENE_COLOURS[scene % len(SCENE_COLOURS)]
    rng = np.random.default_rng(scene)
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    unit = max(8, height // 6)
    shape_count = max(6, width * height // (unit * unit * 3))
    for shape_index in range(shape_count):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        extent = int(rng.integers(unit // 2, unit * 2))
        box = (x, y, x + extent, y + extent * (1 + scene % 2))
        shade = tuple(int(c * rng.uniform(0.6, 1.0)) for c in foreground)
        if (scene + shape_index) % 3 == 0:
            draw.ellipse(box, fill=shade)
        elif (scene + shape_index) % 3 == 1:
            draw.rectangle(box, fill=shade)
        else:
            triangle = [(x, y + extent), (x + extent // 2, y), (x + extent, y + extent)]
            draw.polygon(triangle, fill=shade)
    pixels = np.asarray(image, dtype=np.float32)
    gradient = np.linspace(0.85, 1.1, height, dtype=np.float32)[:, None, None]
    return np.clip(pixels * gradient, 0, 255).astype(np.uint8)


def _zoomed(canvas: np.ndarray, factor: float) -> np.ndarray:
    height, width = canvas.shape[:2]
    crop_w, crop_h = round(width / factor), round(height / factor)
    left, top = (width - crop_w) // 2, (height - crop_h) // 2
    crop = Image.fromarray(canvas[top : top + crop_h, left : left + crop_w])
    return np.asarray(crop.resize((width, height), Image.Resampling.BILINEAR))


def _with_caption(picture: np.ndarray, text: str) -> np.ndarray:
    """Black text on a white band across the lower third, easy for OCR to read."""
    image = Image.fromarray(picture)
    draw = ImageDraw.Draw(image)
    width, height = image.size
    font = ImageFont.load_default(size=max(12, height // 10))
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = (width - (right - left)) // 2
    y = height * 2 // 3
    draw.rectangle((x - 8, y - 6, x + right - left + 8, y + bottom - top + 10), fill="white")
    draw.text((x - left, y - top), text, fill="black", font=font)
    return np.asarray(image)


class _SineTone:
    """A 440 Hz mono AAC track, written in step with the video so the muxer can interleave."""

    def __init__(self, container) -> None:
        self.stream = container.add_stream("aac", rate=AUDIO_RATE, layout="mono")
        self.container = container
        self.samples_written = 0

    def write_until(self, seconds: float) -> None:
        while self.samples_written < seconds * AUDIO_RATE:
            first = self.samples_written
            t = (np.arange(first, first + AUDIO_FRAME_SAMPLES) / AUDIO_RATE).astype(np.float32)
            samples = (0.3 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)[None, :]
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
            frame.sample_rate = AUDIO_RATE
            frame.pts = first
            frame.time_base = Fraction(1, AUDIO_RATE)
            self.container.mux(self.stream.encode(frame))
            self.samples_written += AUDIO_FRAME_SAMPLES

    def flush(self) -> None:
        self.container.mux(self.stream.encode(None))
