"""How much one small picture differs from another, measured in ways a cut detector can trust.

- activity: the mean absolute luma difference, as a fraction of full scale (0..1): what the
  activity graph shows.
- change: luma difference after the best small global shift (so a pan or a shake is not a
  change of picture), plus the mean absolute U and V difference. 0..1 on the same scale.
  Keyframes of low-bitrate video shift colours a little (a few levels): it takes a real change
  of colour to make a cut.
- histogram distance: half the L1 distance of the coarse luma, U and V histograms (0..1): blind
  to motion, so it still tells a cut when fast motion hides it from the other measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np

from .sampling import Picture

MAX_SHIFT = 0.06  # of the picture's width or height: camera motion up to this much per frame is discounted
STILL_ACTIVITY = 0.004  # below this, no shift can lower the change enough to matter
LUMA_BINS = 16
CHROMA_BINS = 8
COARSE_CELLS = 4  # coarse luma cell side, in luma cells
# Weights of the luma, U and V histograms in the distance: luma counts for half.
_BIN_WEIGHTS = np.concatenate((np.full(LUMA_BINS, 0.5), np.full(2 * CHROMA_BINS, 0.25)))


@dataclass(frozen=True)
class Change:
    activity: float
    change: float
    histogram_distance: float

    @classmethod
    def none(cls) -> Change:
        return cls(0.0, 0.0, 0.0)


class Signature:
    """A Picture with what comparisons reuse: a coarse picture, histograms and luma profiles."""

    def __init__(self, picture: Picture) -> None:
        self.luma = picture.luma
        self.chroma = np.concatenate((picture.u.ravel(), picture.v.ravel()))
        luma_coarse = _coarse(picture.luma)
        self.coarse_luma_cells = luma_coarse.size  # the coarse picture's luma comes first, then U and V
        self.coarse = np.concatenate((luma_coarse.ravel(), self.chroma))
        self.histogram = _histogram(luma_coarse.size, self.coarse)
        rows, columns = self.luma.shape
        self.columns = np.add.reduce(self.luma, axis=0) * (1.0 / rows)
        self.rows = np.add.reduce(self.luma, axis=1) * (1.0 / columns)
        self.mean_luma = float(self.rows.sum()) / (255.0 * rows)

    @cached_property
    def luma_spread(self) -> float:
        return float(self.luma.std()) / 255.0

    def same_shape(self, other: Signature) -> bool:
        return self.luma.shape == other.luma.shape and self.chroma.shape == other.chroma.shape


def compare(before: Signature, after: Signature) -> Change:
    if not before.same_shape(after):
        return Change(1.0, 1.0, 1.0)
    luma_before, luma_after = before.luma, after.luma
    activity = float(np.abs(luma_after - luma_before).sum()) / (255.0 * luma_before.size)
    shifted = activity
    if activity > STILL_ACTIVITY:
        dx = _best_shift(before.columns, after.columns)
        dy = _best_shift(before.rows, after.rows)
        if dx or dy:
            a, b = _overlap(luma_before, luma_after, dx, dy)
            if a.size:
                shifted = min(activity, float(np.abs(b - a).sum()) / (255.0 * a.size))
    chroma = float(np.abs(after.chroma - before.chroma).sum()) / (255.0 * before.chroma.size)
    distance = 0.5 * float(np.abs(after.histogram - before.histogram).sum())
    return Change(activity, shifted + chroma, distance)


def _coarse(luma: np.ndarray) -> np.ndarray:
    rows, columns = luma.shape[0] // COARSE_CELLS, luma.shape[1] // COARSE_CELLS
    if not rows or not columns:
        return luma
    cells = luma[: rows * COARSE_CELLS, : columns * COARSE_CELLS].reshape(rows, COARSE_CELLS, columns, COARSE_CELLS)
    return np.add.reduce(np.add.reduce(cells, axis=3), axis=1) * (1.0 / (COARSE_CELLS * COARSE_CELLS))


def _histogram(luma_cells: int, coarse: np.ndarray) -> np.ndarray:
    """Luma, U and V histograms of a coarse picture, one after the other, each summing to its weight."""
    chroma_cells = (coarse.size - luma_cells) // 2
    scaled = coarse * (CHROMA_BINS / 256.0)
    scaled[:luma_cells] *= LUMA_BINS / CHROMA_BINS
    scaled[luma_cells : luma_cells + chroma_cells] += LUMA_BINS
    scaled[luma_cells + chroma_cells :] += LUMA_BINS + CHROMA_BINS
    counts = np.bincount(scaled.astype(np.intp), minlength=LUMA_BINS + 2 * CHROMA_BINS)
    sizes = np.concatenate((np.full(LUMA_BINS, luma_cells), np.full(2 * CHROMA_BINS, max(1, chroma_cells))))
    return counts[: len(sizes)] * _BIN_WEIGHTS / sizes


def _best_shift(before: np.ndarray, after: np.ndarray) -> int:
    """The shift (in cells) that best lines up two luma profiles, within MAX_SHIFT of their length."""
    limit = max(1, round(MAX_SHIFT * len(before))) if len(before) >= 8 else 0
    if not limit:
        return 0
    padded = np.concatenate((np.full(limit, before[0]), before, np.full(limit, before[-1])))
    errors = np.abs(padded[_window_indices(len(before), limit)] - after).sum(axis=1)
    best = int(errors.argmin())
    return limit - best if errors[best] < 0.9 * errors[limit] else 0


@cache
def _window_indices(length: int, limit: int) -> np.ndarray:
    """Indices of the 2 * limit + 1 windows of length cells in a profile padded by limit on each side."""
    return np.arange(2 * limit + 1)[:, None] + np.arange(length)[None, :]


def _overlap(before: np.ndarray, after: np.ndarray, dx: int, dy: int) -> tuple[np.ndarray, np.ndarray]:
    """The parts of two grids that show the same place when after is before moved by (dx, dy)."""
    rows, columns = before.shape
    b_rows = slice(max(dy, 0), rows + min(dy, 0))
    a_rows = slice(max(-dy, 0), rows + min(-dy, 0))
    b_cols = slice(max(dx, 0), columns + min(dx, 0))
    a_cols = slice(max(-dx, 0), columns + min(-dx, 0))
    return before[a_rows, a_cols], after[b_rows, b_cols]
