"""Zoom and scroll of the timeline as plain maths: seconds <-> pixels of the lane area, no Qt.

The lane area maps time to x by ``x = t * px_per_s - offset_px``. The offset is kept in whole pixels so
cached span rectangles (in content pixels, ``t * px_per_s``) line up exactly after a translation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_VISIBLE_FRAMES = 10  # deepest zoom: this many frames across the view


@dataclass
class TimeAxis:
    duration_s: float = 0.0
    width_px: int = 1
    fps: float = 25.0
    px_per_s: float = 1.0
    offset_px: int = 0

    # --- limits -------------------------------------------------------------------------------------

    @property
    def fit_px_per_s(self) -> float:
        """The zoom that shows the whole duration: the widest view, and the lower zoom limit."""
        if self.duration_s <= 0:
            return 1.0
        return self.width_px / self.duration_s

    @property
    def max_px_per_s(self) -> float:
        min_visible_s = MIN_VISIBLE_FRAMES / (self.fps if self.fps > 0 else 25.0)
        return max(self.fit_px_per_s, self.width_px / min_visible_s)

    @property
    def content_px(self) -> int:
        return math.ceil(self.duration_s * self.px_per_s)

    @property
    def max_offset_px(self) -> int:
        return max(0, self.content_px - self.width_px)

    @property
    def is_fitted(self) -> bool:
        return self.px_per_s <= self.fit_px_per_s * (1 + 1e-9)

    # --- mapping ------------------------------------------------------------------------------------

    def x_at(self, seconds: float) -> float:
        return seconds * self.px_per_s - self.offset_px

    def time_at(self, x: float) -> float:
        return (x + self.offset_px) / self.px_per_s

    def visible_range(self) -> tuple[float, float]:
        return self.time_at(0), self.time_at(self.width_px)

    def contains(self, seconds: float) -> bool:
        start, end = self.visible_range()
        return start <= seconds <= end

    # --- changes ------------------------------------------------------------------------------------

    def reset(self, duration_s: float, fps: float) -> None:
        self.duration_s = max(0.0, duration_s)
        self.fps = fps if fps > 0 else 25.0
        self.fit()

    def fit(self) -> None:
        self.px_per_s = self.fit_px_per_s
        self.offset_px = 0

    def set_width(self, width_px: int) -> None:
        """A resize keeps a fitted view fitted, otherwise keeps the zoom and the left edge."""
        fitted = self.is_fitted
        self.width_px = max(1, int(width_px))
        if fitted:
            self.fit()
        else:
            self.px_per_s = min(max(self.px_per_s, self.fit_px_per_s), self.max_px_per_s)
            self.scroll_to(self.offset_px)

    def scroll_to(self, offset_px: float) -> None:
        self.offset_px = int(min(max(0, round(offset_px)), self.max_offset_px))

    def scroll_by(self, dx_px: float) -> None:
        self.scroll_to(self.offset_px + dx_px)

    def zoom_at(self, x: float, factor: float) -> None:
        """Zooms by factor (> 1 zooms in) keeping the time under x where it is."""
        anchor_s = self.time_at(x)
        self.px_per_s = min(max(self.px_per_s * factor, self.fit_px_per_s), self.max_px_per_s)
        self.scroll_to(anchor_s * self.px_per_s - x)

    def page_to(self, seconds: float, lead_px: float) -> None:
        """Scrolls like an NLE page-scroll: seconds lands lead_px from the left edge."""
        self.scroll_to(seconds * self.px_per_s - lead_px)
