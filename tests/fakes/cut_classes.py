"""Generated clips for each way a cut detector fails, with their truth by construction.

Each maker writes a small H.264 clip (320x240, 25 fps, camera-like grain) and returns a
`Truth`: the frames where a new shot starts after a hard cut, and the [first, last] frames of
each gradual transition (first: the last frame showing only the outgoing picture; last: the
first frame showing only the incoming one).

    truth = dark_interiors(tmp_path / "dark.mp4")
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

FPS = 25
SIZE = (320, 240)
GRAIN_SIGMA = 3.0


@dataclass(frozen=True)
class Truth:
    path: Path
    cuts: tuple[int, ...] = ()
    transitions: tuple[tuple[str, int, int], ...] = field(default_factory=tuple)  # (kind, first, last)
    total_frames: int = 0


def dark_interiors(path: Path) -> Truth:
    """Two dim rooms of the same palette and brightness, lit by one lamp each: only the layout differs."""
    palette = ((22, 20, 26), (48, 42, 50))
    first, second = _textured(1, palette), _textured(2, palette)
    return _write(path, [_drift(first, 40), _drift(second, 40)], cuts=(40,))


def overcast_exteriors(path: Path) -> Truth:
    """Two flat grey daylight views of the same palette and brightness."""
    palette = ((168, 172, 176), (196, 198, 200))
    first, second = _textured(3, palette), _textured(4, palette)
    return _write(path, [_drift(first, 40), _drift(second, 40)], cuts=(40,))


def colour_only_change(path: Path) -> Truth:
    """The same luma picture twice; only its colour changes at the cut (a grade, a gel, a twin set)."""
    luma = _textured(5, ((60, 60, 60), (170, 170, 170)))[:, :, 0]
    warm = _with_chroma(luma, u=100, v=160)
    cold = _with_chroma(luma, u=160, v=100)
    return _write(path, [_still(warm, 35), _still(cold, 35)], cuts=(35,))


def cut_in_fast_motion(path: Path) -> Truth:
    """A fast pan (14 px a frame) cut to another fast pan of a look-alike place."""
    palette = ((90, 110, 80), (150, 160, 120))
    width = SIZE[0] + 14 * 40
    first, second = _textured(6, palette, width), _textured(7, palette, width)
    return _write(path, [_pan(first, 40, 14), _pan(second, 40, 14)], cuts=(40,))


def through_near_black(path: Path) -> Truth:
    """A shot, a cut to a near-black frame held one second (faint shapes in it), a cut to another shot."""
    normal = ((120, 90, 60), (210, 180, 120))
    first, second = _textured(8, normal), _textured(9, normal)
    black = _textured(10, ((16, 16, 18), (24, 24, 28)))
    return _write(path, [_drift(first, 30), _still(black, 25), _drift(second, 30)], cuts=(30, 55))


def flashes_and_strobe(path: Path) -> Truth:
    """One shot with three camera flashes (one or two frames) and a strobe light: no cut at all."""
    picture = _textured(11, ((70, 70, 80), (150, 140, 130)))
    frames = list(_drift(picture, 110))
    for index in (15, 40, 41, 65):
        frames[index] = _flashed(frames[index], 2.2)
    for index in range(80, 100, 4):
        frames[index] = _flashed(frames[index], 1.7)
        frames[index + 1] = _flashed(frames[index + 1], 1.7)
    return _write(path, [frames], cuts=())


def short_shots(path: Path) -> Truth:
    """Shots of 0.24 s (6 frames) and 0.4 s (10 frames) between ordinary ones."""
    palettes = [((60, 80, 90), (180, 150, 120)), ((90, 60, 60), (200, 170, 140)), ((50, 90, 60), (170, 210, 160))]
    looks = [_textured(seed, palettes[seed % 3]) for seed in range(12, 16)]
    return _write(
        path,
        [_drift(looks[0], 30), _drift(looks[1], 6), _drift(looks[2], 10), _drift(looks[3], 30)],
        cuts=(30, 36, 46),
    )


def slow_fades(path: Path) -> Truth:
    """A fade to black over 1.5 s, a second of black, a fade in over 1.5 s."""
    first = _textured(16, ((140, 100, 70), (230, 200, 150)))
    second = _textured(17, ((60, 110, 150), (190, 220, 240)))
    black = np.full_like(first, 16)
    frames = [*_drift(first, 25), *_blend(first, black, 37), *_still(black, 25), *_blend(black, second, 37)]
    frames += list(_drift(second, 25))
    fade_out = (24, 24 + 38)
    fade_in = (fade_out[1] + 25 - 1, fade_out[1] + 25 - 1 + 38)
    return _write(path, [frames], transitions=(("fade", *fade_out), ("fade", *fade_in)))


def dissolve(path: Path, seconds: float = 1.0) -> Truth:
    """Two shots of different places, one dissolving into the other over `seconds`."""
    first = _textured(18, ((150, 120, 90), (240, 220, 170)))
    second = _textured(19, ((50, 90, 60), (150, 200, 140)))
    steps = round(seconds * FPS)
    frames = [*_drift(first, 30), *_blend(first, second, steps - 1), *_drift(second, 30)]
    return _write(path, [frames], transitions=(("dissolve", 29, 29 + steps),))


def exposure_change(path: Path) -> Truth:
    """One shot whose exposure climbs over a second, as a camera's does walking out into daylight."""
    dim = _textured(20, ((40, 45, 50), (110, 100, 90)))
    bright = np.clip(dim.astype(np.float32) * 2.0 + 20, 0, 255).astype(np.uint8)
    frames = [*_drift(dim, 30), *_blend(dim, bright, 24), *_drift(bright, 30)]
    return _write(path, [frames])


# --- pictures ---------------------------------------------------------------------------------------


Palette = tuple[tuple[int, int, int], tuple[int, int, int]]


def _textured(seed: int, palette: Palette, width: int | None = None) -> np.ndarray:
    """A picture of soft shapes in palette (background, shapes), its layout set by seed."""
    width = width or SIZE[0]
    height = SIZE[1]
    background, shapes = palette
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    for _ in range(width * height // 1500):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        extent = int(rng.integers(10, 60))
        shade = tuple(int(c * rng.uniform(0.75, 1.0)) for c in shapes)
        if rng.random() < 0.5:
            draw.ellipse((x, y, x + extent, y + extent), fill=shade)
        else:
            draw.rectangle((x, y, x + extent, y + extent * 2), fill=shade)
    return np.asarray(image, dtype=np.uint8)


def _with_chroma(luma: np.ndarray, *, u: int, v: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    height, width = luma.shape
    return luma, np.full((height // 2, width // 2), u, np.uint8), np.full((height // 2, width // 2), v, np.uint8)


def _flashed(picture: np.ndarray, gain: float) -> np.ndarray:
    return np.clip(picture.astype(np.float32) * gain + 40, 0, 255).astype(np.uint8)


def _still(picture, frames: int) -> Iterator:
    for _ in range(frames):
        yield picture


def _drift(picture: np.ndarray, frames: int) -> Iterator[np.ndarray]:
    """A hand-held camera at rest: the view sways by a pixel or two."""
    for index in range(frames):
        dx = round(1.5 * np.sin(index / 5))
        yield np.roll(picture, dx, axis=1)


def _pan(canvas: np.ndarray, frames: int, px_per_frame: int) -> Iterator[np.ndarray]:
    for index in range(frames):
        left = index * px_per_frame
        yield canvas[:, left : left + SIZE[0]]


def _blend(start: np.ndarray, end: np.ndarray, frames: int) -> Iterator[np.ndarray]:
    """The frames strictly between start and end of a linear mix over frames + 1 steps."""
    a, b = start.astype(np.float32), end.astype(np.float32)
    for step in range(1, frames + 1):
        share = step / (frames + 1)
        yield (a * (1 - share) + b * share).astype(np.uint8)


# --- writing ----------------------------------------------------------------------------------------


def _write(
    path: Path,
    shots: Iterable[Iterable],
    cuts: tuple[int, ...] = (),
    transitions: tuple[tuple[str, int, int], ...] = (),
) -> Truth:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    grain = [rng.normal(0, GRAIN_SIGMA, (SIZE[1], SIZE[0], 1)).astype(np.float32) for _ in range(5)]
    count = 0
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=FPS, options={"preset": "ultrafast", "crf": "18"})
        stream.width, stream.height = SIZE
        stream.pix_fmt = "yuv420p"
        stream.codec_context.gop_size = 2 * FPS
        for shot in shots:
            for picture in shot:
                frame = _frame_of(picture, grain[count % len(grain)])
                frame.pts = count
                frame.time_base = Fraction(1, FPS)
                container.mux(stream.encode(frame))
                count += 1
        container.mux(stream.encode(None))
    return Truth(path, cuts, transitions, count)


def _frame_of(picture, grain: np.ndarray) -> av.VideoFrame:
    if isinstance(picture, tuple):  # (Y, U, V) planes
        luma, u, v = picture
        luma = np.clip(luma + grain[:, :, 0], 0, 255).astype(np.uint8)
        width = luma.shape[1]
        planes = np.concatenate((luma, u.reshape(-1, width), v.reshape(-1, width)))
        return av.VideoFrame.from_ndarray(planes, format="yuv420p")
    grainy = np.clip(picture + grain, 0, 255).astype(np.uint8)
    return av.VideoFrame.from_ndarray(grainy, format="rgb24")


def fade_in_from_black(path: Path) -> Truth:
    """A clip that opens on black and fades in over 1.5 s, then holds the picture."""
    picture = _textured(21, ((150, 120, 90), (240, 220, 170)))
    black = np.full_like(picture, 16)
    return _write(path, [[*_still(black, 5), *_blend(black, picture, 37), *_drift(picture, 40)]],
                  transitions=(("fade", 4, 42),))
