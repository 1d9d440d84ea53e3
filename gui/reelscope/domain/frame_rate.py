"""A clip's frame rate as editors count it: an exact fraction, frames and SMPTE timecode (drop-frame too)."""

from __future__ import annotations

import math
from fractions import Fraction

from .base import Frozen

# Rates an editing suite knows by name; a measured rate this close to one of them is that rate.
_STANDARD_RATES = (
    Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(30), Fraction(48),
    Fraction(50), Fraction(60000, 1001), Fraction(60), Fraction(100), Fraction(120000, 1001), Fraction(120),
)
_SNAP_TOLERANCE = 1e-4  # relative
_DROP_FRAME_NOMINALS = (30, 60)


class FrameRate(Frozen):
    numerator: int
    denominator: int = 1
    drop_frame: bool = False

    @classmethod
    def from_fps(cls, fps: float, *, drop_frame: bool | None = None) -> FrameRate:
        """The exact rate behind a measured fps; 29.97 and 59.94 count in drop-frame unless told otherwise."""
        fps = fps if fps and fps > 0 else 25.0
        exact = next((rate for rate in _STANDARD_RATES if abs(float(rate) - fps) <= fps * _SNAP_TOLERANCE), None)
        if exact is None:
            exact = Fraction(fps).limit_denominator(1001)
        ntsc = exact.denominator == 1001 and round(float(exact)) in _DROP_FRAME_NOMINALS
        return cls(
            numerator=exact.numerator,
            denominator=exact.denominator,
            drop_frame=ntsc if drop_frame is None else (drop_frame and ntsc),
        )

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.numerator, self.denominator)

    @property
    def fps(self) -> float:
        return self.numerator / self.denominator

    @property
    def nominal(self) -> int:
        """Frames per timecode second: 30 for 29.97, 24 for 23.976."""
        return max(1, round(self.fps))

    @property
    def label(self) -> str:
        text = f"{self.fps:.3f}".rstrip("0").rstrip(".")
        return f"{text} DF" if self.drop_frame else text

    def frame_at(self, seconds: float) -> int:
        """The frame showing at seconds (times from an analysis sit on frame starts, give or take rounding)."""
        return max(0, math.floor(seconds * self.numerator / self.denominator + 1e-6))

    def seconds_at(self, frame: int) -> float:
        return frame * self.denominator / self.numerator

    def exact_seconds_at(self, frame: int) -> Fraction:
        return Fraction(frame * self.denominator, self.numerator)

    def timecode(self, frame: int) -> str:
        """SMPTE timecode of a frame count: HH:MM:SS:FF, or HH:MM:SS;FF counted in drop-frame."""
        nominal = self.nominal
        frame = max(0, frame)
        if self.drop_frame:
            frame = _drop_frame_label_count(frame, nominal)
        frames = frame % nominal
        seconds_total = frame // nominal
        hours, rest = divmod(seconds_total, 3600)
        minutes, seconds = divmod(rest, 60)
        separator = ";" if self.drop_frame else ":"
        return f"{hours % 24:02d}:{minutes:02d}:{seconds:02d}{separator}{frames:02d}"


def _drop_frame_label_count(frame: int, nominal: int) -> int:
    """The frame count a drop-frame label shows: 2 (or 4 at 59.94) labels skipped every minute but each tenth."""
    dropped = 2 * nominal // 30
    per_ten_minutes = nominal * 600 - dropped * 9
    per_minute = nominal * 60 - dropped
    tens, rest = divmod(frame, per_ten_minutes)
    if rest < dropped:
        return frame + dropped * 9 * tens
    return frame + dropped * 9 * tens + dropped * ((rest - dropped) // per_minute)
