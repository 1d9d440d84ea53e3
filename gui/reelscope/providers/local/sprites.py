"""Sprite sheets for hover scrub: a few dozen small frames across a clip in one JPEG, with its layout.

make_sprite_sheet takes the frames of a decoding pass as they come, keeps only the one nearest after
each sample time (sample_times), scales those few to tiles, and writes the sheet and its layout into
the thumbnail cache (domain.thumbnails.sprite_*_relpath) under temporary names renamed into place.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import av
import numpy as np
from PIL import Image

from ...domain.sprites import SpriteLayout, sample_times
from ...domain.thumbnails import sprite_layout_relpath, sprite_sheet_relpath
from .frame_scaler import FrameScaler

TILE_COUNT = 60
COLUMNS = 10
TILE_WIDTH = 160
JPEG_QUALITY = 80

Frame = av.VideoFrame | np.ndarray


class SpriteSheetWriter:
    """Takes a decoding pass's frames one at a time (offer), keeps a small tile of the one nearest after
    each sample time, and writes the sheet at finish(). Only tiles are kept, never frames."""

    def __init__(
        self,
        *,
        duration_s: float,
        thumbnail_root: Path,
        sha256: str,
        count: int = TILE_COUNT,
        columns: int = COLUMNS,
        tile_width: int = TILE_WIDTH,
        pixel_aspect: float = 1.0,
    ) -> None:
        self._wanted = sample_times(duration_s, count)
        self._root = Path(thumbnail_root)
        self._sha256 = sha256
        self._columns = columns
        self._tile_width = tile_width
        self._pixel_aspect = pixel_aspect
        self._tiles: list[np.ndarray] = []
        self._times: list[float] = []
        self._tile_height = 0
        self._next = 0
        self._last: tuple[float, Frame] | None = None
        self._scaler = FrameScaler()
        self._done = self.already_made

    @property
    def already_made(self) -> bool:
        """The cache holds this content's sheet already: it is kept as it is, like scene thumbnails."""
        return (self._root / sprite_layout_relpath(self._sha256)).is_file() and (
            self._root / sprite_sheet_relpath(self._sha256)
        ).is_file()

    def offer(self, time_s: float, frame: Frame) -> None:
        if self._done:
            return
        self._last = (time_s, frame)
        if self._next >= len(self._wanted) or time_s + 1e-6 < self._wanted[self._next]:
            return
        self._take(time_s, frame)
        while self._next < len(self._wanted) and self._wanted[self._next] <= time_s + 1e-6:
            self._next += 1

    def finish(self) -> SpriteLayout | None:
        """Writes the sheet and its layout; None when no frame came or the sheet was there already."""
        if self._done:
            return None
        if not self._tiles and self._last is not None:  # a clip shorter than the first sample time
            self._take(*self._last)
        self._last = None
        if not self._tiles:
            return None
        tile_width, tile_height = self._tiles[0].shape[1], self._tiles[0].shape[0]
        columns = max(1, min(self._columns, len(self._tiles)))
        layout = SpriteLayout(
            columns=columns, tile_width=tile_width, tile_height=tile_height, times_s=tuple(self._times)
        )
        sheet = np.zeros((layout.rows * tile_height, columns * tile_width, 3), dtype=np.uint8)
        for index, tile in enumerate(self._tiles):
            x, y = layout.tile_origin(index)
            sheet[y:y + tile_height, x:x + tile_width] = tile
        _write_atomically(self._root / sprite_sheet_relpath(self._sha256), lambda path: Image.fromarray(sheet).save(
            path, format="JPEG", quality=JPEG_QUALITY))
        _write_atomically(self._root / sprite_layout_relpath(self._sha256), lambda path: path.write_text(
            layout.to_json()))
        return layout

    def _take(self, time_s: float, frame: Frame) -> None:
        rotation = _rotation(frame)
        if not self._tile_height:
            self._tile_height = _tile_height(frame, self._tile_width, self._pixel_aspect, rotation)
        turned = rotation in (90, 270)
        width, height = (self._tile_height, self._tile_width) if turned else (self._tile_width, self._tile_height)
        tile = _scaled(frame, width, height, self._scaler)
        if rotation:
            tile = np.ascontiguousarray(np.rot90(tile, rotation // 90))  # counter-clockwise, as displayed
        self._tiles.append(tile)
        self._times.append(time_s)


def make_sprite_sheet(
    frames: Iterable[tuple[float, Frame]],
    *,
    duration_s: float,
    thumbnail_root: Path,
    sha256: str,
    count: int = TILE_COUNT,
    columns: int = COLUMNS,
    tile_width: int = TILE_WIDTH,
    pixel_aspect: float = 1.0,
) -> SpriteLayout | None:
    """Writes the sprite sheet of a clip from its frames, (time in seconds, PyAV frame or RGB array), in order.

    Returns its layout, or None when no frame came. The frames are only looked at, never kept.
    """
    writer = SpriteSheetWriter(
        duration_s=duration_s, thumbnail_root=thumbnail_root, sha256=sha256, count=count, columns=columns,
        tile_width=tile_width, pixel_aspect=pixel_aspect,
    )
    for time_s, frame in frames:
        writer.offer(time_s, frame)
    return writer.finish()


def _rotation(frame: Frame) -> int:
    """Degrees counter-clockwise the picture is turned for display (PyAV frames carry it)."""
    return round((getattr(frame, "rotation", 0) or 0) / 90) * 90 % 360


def _tile_height(frame: Frame, tile_width: int, pixel_aspect: float, rotation: int = 0) -> int:
    height, width = (frame.height, frame.width) if isinstance(frame, av.VideoFrame) else frame.shape[:2]
    display_width, display_height = width * (pixel_aspect or 1.0), height
    if rotation in (90, 270):
        display_width, display_height = display_height, display_width
    return max(2, round(tile_width * display_height / display_width / 2) * 2)


def _scaled(frame: Frame, width: int, height: int, scaler: FrameScaler) -> np.ndarray:
    if isinstance(frame, av.VideoFrame):
        # Area averaging: a clean downscale at a tenth of the default (bicubic) scaler's cost.
        return scaler.array(frame, width, height, "rgb24", "AREA")
    image = Image.fromarray(np.ascontiguousarray(frame[..., :3]))
    return np.asarray(image.resize((width, height), Image.Resampling.BILINEAR))


def _write_atomically(target: Path, write) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    write(partial)
    os.replace(partial, target)
