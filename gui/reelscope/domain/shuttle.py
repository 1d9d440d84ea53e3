"""J/K/L shuttle as editors' hands know it, as plain state: the key pressed gives the next playback rate.

L plays forward, each further L doubles the speed up to MAX_RATE; J the same backwards; K stops.
Held K with J or L steps one frame back or forward (the caller steps; the rate stays 0).
"""

from __future__ import annotations

MAX_RATE = 8.0


def rate_after(key: str, rate: float) -> float:
    """The playback rate after pressing "J", "K" or "L" at the given rate (negative: backwards)."""
    if key == "K":
        return 0.0
    if key == "L":
        return min(rate * 2, MAX_RATE) if rate > 0 else 1.0
    if key == "J":
        return max(rate * 2, -MAX_RATE) if rate < 0 else -1.0
    raise ValueError(f"not a shuttle key: {key!r}")


def neighbour(times: list[float], position: float, forward: bool, tolerance: float) -> float | None:
    """The first of the sorted times after position (forward) or before it, ignoring those within tolerance."""
    if forward:
        return next((t for t in times if t > position + tolerance), None)
    return next((t for t in reversed(times) if t < position - tolerance), None)
