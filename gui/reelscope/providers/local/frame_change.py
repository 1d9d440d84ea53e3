"""How much one small picture differs from another, measured in ways a cut detector can trust.

- activity: the mean absolute luma difference, as a fraction of full scale (0..1): what the
  activity graph shows.
- change: luma difference after the best small global shift (so a pan or a shake is not a
  change of picture), plus the mean absolute U and V difference. 0..1 on the same scale.
- histogram distance: half the L1 distance of the luma, U and V cell histograms (0..1): blind to
  motion, so it still tells a cut when fast motion hides it from the other measures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .sampling import Picture

MAX_SHIFT_CELLS = 3
LUMA_BINS = 16
CHROMA_BINS = 8


@dataclass(frozen=True)
class Change:
    activity: float
    change: float
    histogram_distance: float

    @classmethod
    def none(cls) -> Change:
        return cls(0.0, 0.0, 0.0)


class Signature:
    """A Picture with what comparisons reuse: its histograms and luma profiles."""

    __slots__ = ("picture", "histogram", "columns", "rows", "mean_luma", "luma_spread")

    def __init__(self, picture: Picture) -> None:
        self.picture = picture
        luma = picture.luma
        self.histogram = np.concatenate(
            (
                _histogram(luma, LUMA_BINS) * 2.0,
                _histogram(picture.u, CHROMA_BINS),
                _histogram(picture.v, CHROMA_BINS),
            )
        ) * 0.25
        self.columns = luma.mean(axis=0)
        self.rows = luma.mean(axis=1)
        self.mean_luma = float(self.columns.mean()) / 255.0
        self.luma_spread = float(luma.std()) / 255.0

    def same_shape(self, other: Signature) -> bool:
        return (
            self.picture.luma.shape == other.picture.luma.shape
            and self.picture.u.shape == other.picture.u.shape
        )


def compare(before: Signature, after: Signature) -> Change:
    if not before.same_shape(after):
        return Change(1.0, 1.0, 1.0)
    luma_before, luma_after = before.picture.luma, after.picture.luma
    activity = float(np.abs(luma_after - luma_before).mean()) / 255.0
    dx = _best_shift(before.columns, after.columns)
    dy = _best_shift(before.rows, after.rows)
    shifted = activity
    if dx or dy:
        a, b = _overlap(luma_before, luma_after, dx, dy)
        if a.size:
            shifted = min(activity, float(np.abs(b - a).mean()) / 255.0)
    chroma = float(
        np.abs(after.picture.u - before.picture.u).mean() + np.abs(after.picture.v - before.picture.v).mean()
    ) / 255.0
    distance = 0.5 * float(np.abs(after.histogram - before.histogram).sum())
    return Change(activity, shifted + chroma, distance)


def _histogram(grid: np.ndarray, bins: int) -> np.ndarray:
    indices = np.clip(grid * (bins / 256.0), 0, bins - 1).astype(np.intp)
    return np.bincount(indices.ravel(), minlength=bins) / indices.size


def _best_shift(before: np.ndarray, after: np.ndarray) -> int:
    """The shift (in cells) that best lines up two luma profiles, within MAX_SHIFT_CELLS."""
    length = len(before)
    limit = min(MAX_SHIFT_CELLS, length // 4)
    best, best_error = 0, float(np.abs(after - before).mean()) if length else 0.0
    for shift in range(-limit, limit + 1):
        if shift == 0:
            continue
        if shift > 0:
            error = float(np.abs(after[shift:] - before[:-shift]).mean())
        else:
            error = float(np.abs(after[:shift] - before[-shift:]).mean())
        if error < best_error * 0.9:
            best, best_error = shift, error
    return best


def _overlap(before: np.ndarray, after: np.ndarray, dx: int, dy: int) -> tuple[np.ndarray, np.ndarray]:
    """The parts of two grids that show the same place when after is before moved by (dx, dy)."""
    rows, columns = before.shape
    b_rows = slice(max(dy, 0), rows + min(dy, 0))
    a_rows = slice(max(-dy, 0), rows + min(-dy, 0))
    b_cols = slice(max(dx, 0), columns + min(dx, 0))
    a_cols = slice(max(-dx, 0), columns + min(-dx, 0))
    return before[a_rows, a_cols], after[b_rows, b_cols]
