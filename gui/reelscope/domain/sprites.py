"""Hover scrub: which tile of a clip's sprite sheet to show for a mouse position over its thumbnail."""

from __future__ import annotations

import bisect

from .base import Frozen


class SpriteLayout(Frozen):
    """Tiles of tile_width x tile_height, row by row, columns per row; times_s[i] is the time tile i shows."""

    columns: int
    tile_width: int
    tile_height: int
    times_s: tuple[float, ...]

    @property
    def count(self) -> int:
        return len(self.times_s)

    @property
    def rows(self) -> int:
        return -(-self.count // self.columns) if self.columns else 0

    def tile_origin(self, index: int) -> tuple[int, int]:
        row, column = divmod(index, self.columns)
        return column * self.tile_width, row * self.tile_height

    def tile_at_time(self, time_s: float) -> int:
        """The tile whose time is nearest to time_s."""
        if not self.times_s:
            return 0
        right = bisect.bisect_left(self.times_s, time_s)
        if right == 0:
            return 0
        if right >= self.count:
            return self.count - 1
        return right if self.times_s[right] - time_s < time_s - self.times_s[right - 1] else right - 1


def scrub_time(fraction: float, start_s: float, end_s: float) -> float:
    """The time under the mouse at fraction (0..1) across a thumbnail standing for [start_s, end_s]."""
    fraction = min(1.0, max(0.0, fraction))
    return start_s + fraction * max(0.0, end_s - start_s)


def sample_times(duration_s: float, count: int) -> tuple[float, ...]:
    """count times spread evenly across a clip, each in the middle of its share of the duration."""
    if duration_s <= 0 or count <= 0:
        return (0.0,) if count > 0 else ()
    return tuple((index + 0.5) * duration_s / count for index in range(count))
