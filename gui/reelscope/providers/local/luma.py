"""A small, grain-averaged luma picture of each decoded frame, read straight from its Y plane.

For the cut detector and the activity graph, a frame is reduced to a grid of about 80 cells
across. Each cell is the mean of 4x4 taps spread over it, which averages film grain away while
reading only a few percent of the frame's pixels: this is what keeps analysis near decoding speed.
"""

from __future__ import annotations

from dataclasses import dataclass

import av
import numpy as np

GRID_COLUMNS = 80
TAPS = 4  # per cell side


@dataclass(frozen=True)
class _Geometry:
    tap_stride: int
    rows: int
    columns: int


class LumaSampler:
    """Turns frames into float32 luma grids (0..255), GRID_COLUMNS cells wide."""

    def __init__(self) -> None:
        self._layout: tuple[str, int, int] | None = None
        self._sample = self._sample_by_reformat
        self._geometry = _Geometry(1, 1, 1)
        self._shift = 0

    def __call__(self, frame: av.VideoFrame) -> np.ndarray:
        layout = (frame.format.name, frame.width, frame.height)
        if layout != self._layout:
            self._adapt_to(frame)
            self._layout = layout
        return self._sample(frame)

    def _adapt_to(self, frame: av.VideoFrame) -> None:
        self._geometry = _geometry_for(frame.width, frame.height)
        luma_bits = _direct_luma_bits(frame.format)
        if luma_bits == 8:
            self._sample = self._sample_8bit_plane
        elif luma_bits:
            self._sample = self._sample_16bit_plane
            self._shift = luma_bits - 8
        else:
            self._sample = self._sample_by_reformat

    def _sample_8bit_plane(self, frame: av.VideoFrame) -> np.ndarray:
        plane = frame.planes[0]
        pixels = np.frombuffer(plane, dtype=np.uint8)
        return self._cell_means(pixels, plane.line_size, frame.height, np.uint16)

    def _sample_16bit_plane(self, frame: av.VideoFrame) -> np.ndarray:
        plane = frame.planes[0]
        pixels = np.frombuffer(plane, dtype="<u2")
        means = self._cell_means(pixels, plane.line_size // 2, frame.height, np.uint32)
        return means * (1.0 / (1 << self._shift))

    def _cell_means(self, pixels: np.ndarray, row_length: int, height: int, sum_type) -> np.ndarray:
        # Adding tap rows, then tap columns, one slice at a time is several times faster in
        # numpy than one sum over two strided axes.
        stride = self._geometry.tap_stride
        rows, columns = self._geometry.rows, self._geometry.columns
        image = pixels[: row_length * height].reshape(height, row_length)
        taps = image[: rows * TAPS * stride : stride, : columns * TAPS * stride : stride]
        taps = taps.reshape(rows, TAPS, columns, TAPS)
        row_sums = taps[:, 0].astype(sum_type)
        for tap in range(1, TAPS):
            row_sums += taps[:, tap]
        cell_sums = row_sums[:, :, 0].astype(np.float32)
        for tap in range(1, TAPS):
            cell_sums += row_sums[:, :, tap]
        return cell_sums * (1.0 / (TAPS * TAPS))

    def _sample_by_reformat(self, frame: av.VideoFrame) -> np.ndarray:
        """Any other pixel format (packed, RGB, high-aligned 10-bit): let swscale do the work."""
        rows, columns = self._geometry.rows, self._geometry.columns
        gray = frame.reformat(width=columns, height=rows, format="gray", interpolation="AREA")
        return gray.to_ndarray().astype(np.float32)


def _geometry_for(width: int, height: int) -> _Geometry:
    tap_stride = max(1, width // (GRID_COLUMNS * TAPS))
    columns = max(1, (width // tap_stride) // TAPS)
    rows = max(1, (height // tap_stride) // TAPS)
    return _Geometry(tap_stride, rows, columns)


def _direct_luma_bits(pixel_format: av.VideoFormat) -> int:
    """Bit depth of a little-endian Y plane we can read in place, or 0 when we cannot."""
    luma = pixel_format.components[0]
    readable = (
        pixel_format.is_planar
        and luma.is_luma
        and luma.plane == 0
        and not pixel_format.is_rgb
        and not pixel_format.is_big_endian
        and not pixel_format.is_bayer
    )
    if not readable or luma.bits < 8 or luma.bits > 16:
        return 0
    if luma.bits > 8 and pixel_format.name.startswith("p"):  # p010 and kin: high-aligned bits
        return 0
    return luma.bits
