"""A small picture of each decoded frame: a luma grid and coarse chroma grids, read from its planes.

For the detectors and the activity graph, a frame is reduced to a luma grid about 80 cells across
and U and V grids about 20 cells across. Each luma cell is the mean of 3x3 taps spread over it
(2x2 for chroma), which averages film grain away while reading only a few percent of the pixels:
this is what keeps analysis faster than decoding. Pixel formats whose planes cannot be read in
place, and frames too small for taps (down to 1x1), go through swscale instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import av
import numpy as np

from .frame_scaler import FrameScaler

LUMA_COLUMNS = 80
CHROMA_COLUMNS = 20
LUMA_TAPS = 3  # per cell side
CHROMA_TAPS = 2


@dataclass(frozen=True)
class Picture:
    """Cell means on the 0..255 scale."""

    luma: np.ndarray
    u: np.ndarray
    v: np.ndarray


@dataclass(frozen=True)
class _Grid:
    tap_stride: int
    taps: int
    rows: int
    columns: int


class FrameSampler:
    """Turns frames into Pictures; adapts once per pixel format and size."""

    def __init__(self) -> None:
        self._layout: tuple[str, int, int] | None = None
        self._grids: tuple[_Grid, _Grid, _Grid] | None = None
        self._shift = 0
        self._sum_type: type = np.uint16
        self._scaler = FrameScaler()

    def __call__(self, frame: av.VideoFrame) -> Picture:
        layout = (frame.format.name, frame.width, frame.height)
        if layout != self._layout:
            self._adapt_to(frame)
            self._layout = layout
        if self._grids is None:
            return _by_reformat(frame, self._scaler)
        luma, u, v = (self._plane_grid(frame, index, grid) for index, grid in enumerate(self._grids))
        return Picture(luma, u, v)

    def _adapt_to(self, frame: av.VideoFrame) -> None:
        self._grids = None
        bits = _direct_plane_bits(frame.format)
        if not bits:
            return
        planes = frame.planes
        grids = (
            _grid_for(planes[0].width, planes[0].height, LUMA_COLUMNS, LUMA_TAPS),
            _grid_for(planes[1].width, planes[1].height, CHROMA_COLUMNS, CHROMA_TAPS),
            _grid_for(planes[2].width, planes[2].height, CHROMA_COLUMNS, CHROMA_TAPS),
        )
        if all(grid is not None for grid in grids):
            self._grids = grids  # type: ignore[assignment]
            self._shift = bits - 8
            self._sum_type = np.uint16 if bits == 8 else np.uint32

    def _plane_grid(self, frame: av.VideoFrame, index: int, grid: _Grid) -> np.ndarray:
        plane = frame.planes[index]
        if self._shift:
            pixels = np.frombuffer(plane, dtype="<u2")
            row_length = plane.line_size // 2
        else:
            pixels = np.frombuffer(plane, dtype=np.uint8)
            row_length = plane.line_size
        means = _cell_means(pixels, row_length, plane.height, grid, self._sum_type)
        return means * (1.0 / (1 << self._shift)) if self._shift else means


def _cell_means(pixels: np.ndarray, row_length: int, height: int, grid: _Grid, sum_type: type) -> np.ndarray:
    # Adding tap rows, then tap columns, one slice at a time is several times faster in numpy
    # than one sum over two strided axes.
    stride, count, rows, columns = grid.tap_stride, grid.taps, grid.rows, grid.columns
    image = pixels[: row_length * height].reshape(height, row_length)
    taps = image[: rows * count * stride : stride, : columns * count * stride : stride]
    taps = taps.reshape(rows, count, columns, count)
    row_sums = taps[:, 0].astype(sum_type)
    for tap in range(1, count):
        row_sums += taps[:, tap]
    cell_sums = row_sums[:, :, 0].astype(np.float32)
    for tap in range(1, count):
        cell_sums += row_sums[:, :, tap]
    return cell_sums * (1.0 / (count * count))


def _grid_for(width: int, height: int, target_columns: int, taps: int) -> _Grid | None:
    """Taps for about target_columns cells across, or None when the plane is too small for taps."""
    stride = max(1, width // (target_columns * taps))
    columns = width // (stride * taps)
    rows = height // (stride * taps)
    if columns < 1 or rows < 1:
        return None
    return _Grid(stride, taps, rows, columns)


def _by_reformat(frame: av.VideoFrame, scaler: FrameScaler) -> Picture:
    """Any other pixel format or a tiny frame: let swscale average the picture down."""
    columns = max(1, min(frame.width, LUMA_COLUMNS))
    rows = max(1, min(frame.height, round(columns * frame.height / frame.width)))
    small = scaler.frame(frame, columns, rows, "yuv444p", "AREA")
    luma, u, v = _planes_of(small)
    return Picture(luma, u, v)


def _planes_of(frame: av.VideoFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    arrays = []
    for plane in frame.planes:
        pixels = np.frombuffer(plane, dtype=np.uint8).reshape(plane.height, plane.line_size)
        arrays.append(pixels[:, : plane.width].astype(np.float32))
    return arrays[0], arrays[1], arrays[2]


def _direct_plane_bits(pixel_format: av.VideoFormat) -> int:
    """Bit depth of little-endian planar Y, U and V planes readable in place, or 0 when not."""
    components = pixel_format.components
    if len(components) < 3 or not pixel_format.is_planar or pixel_format.is_rgb:
        return 0
    if pixel_format.is_big_endian or pixel_format.is_bayer:
        return 0
    planes = [component.plane for component in components[:3]]
    if planes != [0, 1, 2] or not components[0].is_luma:
        return 0
    bits = components[0].bits
    if bits < 8 or bits > 16 or any(component.bits != bits for component in components[:3]):
        return 0
    if bits > 8 and pixel_format.name.startswith("p"):  # p010 and kin: high-aligned bits
        return 0
    return bits
