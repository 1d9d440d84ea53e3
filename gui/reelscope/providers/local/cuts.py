"""Hard-cut detection on small pictures, with thresholds relative to the clip's own frame-to-frame noise.

A frame starts a new shot when its change from the frame before (frame_change.py) is a spike:
- well above the usual change of the second before it (grain, motion, flicker set that bar), and
  at least twice the change into the frame before and out to the frame after (a dissolve or a
  fade moves in steps of similar size; a cut is one step); or, amid fast motion where the change
  cannot spike, the colour histograms jump in the same way;
  A cut between a blank frame (black, or any flat colour) and a picture needs no more than that:
  a title card on black changes few pixels;
- and the old picture does not come back within a few frames, nor is the new one a picture seen
  just before: that is a camera flash, a strobe or a flicker, not a cut.

Each frame is therefore decided return_window_s after it arrives; `push` answers in order.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from .frame_change import Change, Signature, compare


@dataclass(frozen=True)
class CutThresholds:
    min_change: float = 0.03            # a cut changes at least this much (0..1), however still the clip
    baseline_ratio: float = 3.0         # and this many times the usual change of the recent frames
    neighbour_ratio: float = 2.0        # and this many times the steps just before and after it
    min_histogram_jump: float = 0.3     # the histogram route: at least this distance,
    histogram_ratio: float = 3.0        # this many times the usual distance
    return_fraction: float = 0.4        # a picture "comes back" when this close, relative to the spike
    min_blank_change: float = 0.003     # a cut to or from a blank frame, however sparse the picture
    blank_spread: float = 0.01          # luma standard deviation (0..1) of a blank frame
    picture_spread: float = 0.04        # and of a picture with something in it
    baseline_s: float = 1.0
    return_window_s: float = 0.2
    min_shot_s: float = 0.1


@dataclass(frozen=True)
class FrameVerdict:
    index: int
    is_cut: bool
    activity: float
    change: float
    signature: Signature


@dataclass
class _Pending:
    index: int
    signature: Signature
    change: Change
    baseline_change: float
    baseline_distance: float


class CutDetector:
    """Feed it Pictures' signatures in presentation order; it answers, a few frames late, which start a shot."""

    def __init__(self, fps: float, thresholds: CutThresholds = CutThresholds()) -> None:
        self.limits = thresholds
        self.lookahead = max(2, round(thresholds.return_window_s * fps))
        self.min_shot_frames = max(2, round(thresholds.min_shot_s * fps))
        history = max(8, round(thresholds.baseline_s * fps))
        self._changes: deque[float] = deque(maxlen=history)
        self._distances: deque[float] = deque(maxlen=history)
        # The frames not decided yet, plus the lookahead frames before them (for the flash check).
        self._window: deque[_Pending] = deque()
        self._next_index = 0
        self._decided_up_to = 0
        self._last_cut = -(10**9)

    def push(self, signature: Signature) -> list[FrameVerdict]:
        previous = self._window[-1] if self._window else None
        change = compare(previous.signature, signature) if previous else Change.none()
        self._window.append(
            _Pending(self._next_index, signature, change, _usual(self._changes), _usual(self._distances))
        )
        self._changes.append(change.change)
        self._distances.append(change.histogram_distance)
        self._next_index += 1
        return self._decide(final=False)

    def finish(self) -> list[FrameVerdict]:
        return self._decide(final=True)

    def _decide(self, final: bool) -> list[FrameVerdict]:
        verdicts = []
        while (frame := self._frame(self._decided_up_to)) is not None:
            if not final and self._next_index - 1 < frame.index + self.lookahead:
                break
            is_cut = frame.index - self._last_cut >= self.min_shot_frames and self._is_cut(frame)
            if is_cut:
                self._last_cut = frame.index
            verdicts.append(
                FrameVerdict(frame.index, is_cut, frame.change.activity, frame.change.change, frame.signature)
            )
            self._decided_up_to = frame.index + 1
            while self._window and self._window[0].index < frame.index - self.lookahead - 1:
                self._window.popleft()
        return verdicts

    def _frame(self, index: int) -> _Pending | None:
        first = self._window[0].index if self._window else 0
        position = index - first
        return self._window[position] if 0 <= position < len(self._window) else None

    def _is_cut(self, frame: _Pending) -> bool:
        if frame.index == 0:
            return False
        around = (frame.index - 2, frame.index - 1, frame.index + 1, frame.index + 2)
        neighbours = [pending.change for pending in map(self._frame, around) if pending]
        spikes = self._change_spikes(frame, neighbours) or self._colours_jump(frame, neighbours)
        return spikes and not self._picture_returns(frame)

    def _change_spikes(self, frame: _Pending, neighbours: list[Change]) -> bool:
        limits, change = self.limits, frame.change.change
        if change < limits.neighbour_ratio * max((n.change for n in neighbours), default=0.0):
            return False
        if self._leaves_or_enters_blank(frame):  # the frames around are still: no bar to clear
            return change >= limits.min_blank_change
        return change >= limits.min_change and change >= limits.baseline_ratio * frame.baseline_change

    def _colours_jump(self, frame: _Pending, neighbours: list[Change]) -> bool:
        limits, distance = self.limits, frame.change.histogram_distance
        return (
            distance >= limits.min_histogram_jump
            and distance >= limits.histogram_ratio * frame.baseline_distance
            and distance >= limits.neighbour_ratio * max((n.histogram_distance for n in neighbours), default=0.0)
            and frame.change.change >= max(limits.min_change, frame.baseline_change)
        )

    def _leaves_or_enters_blank(self, frame: _Pending) -> bool:
        """A cut between a blank frame (black, or any flat colour) and a picture, however sparse."""
        before = self._frame(frame.index - 1)
        assert before is not None
        spreads = sorted((before.signature.luma_spread, frame.signature.luma_spread))
        return spreads[0] < self.limits.blank_spread and spreads[1] >= self.limits.picture_spread

    def _picture_returns(self, frame: _Pending) -> bool:
        """Whether the old picture comes back soon after, or the new one was on screen just before."""
        close = self.limits.return_fraction * frame.change.change
        old = self._frame(frame.index - 1)
        assert old is not None
        for offset in range(1, self.lookahead + 1):
            later = self._frame(frame.index + offset)
            if later is not None and compare(old.signature, later.signature).change <= close:
                return True
            earlier = self._frame(frame.index - 1 - offset)
            if earlier is not None and compare(earlier.signature, frame.signature).change <= close:
                return True
        return False


def _usual(values: deque[float]) -> float:
    """The upper quartile of recent values: robust to a few spikes and to frames shown twice."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[(len(ordered) * 3) // 4]
