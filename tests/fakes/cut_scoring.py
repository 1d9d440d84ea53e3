"""Precision, recall and F1 of found cut frames against true ones, each true cut matched at most once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CutScore:
    true_positives: int
    found: int
    expected: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def score_cuts(found: Sequence[int], truth: Sequence[int], tolerance_frames: int = 1) -> CutScore:
    unmatched = sorted(truth)
    hits = 0
    for frame in sorted(found):
        match = next((cut for cut in unmatched if abs(cut - frame) <= tolerance_frames), None)
        if match is not None:
            unmatched.remove(match)
            hits += 1
    return CutScore(hits, len(found), len(truth))
