"""Time display as editors read it."""

from __future__ import annotations


def format_clock(seconds: float, with_hours: bool | None = None) -> str:
    """1:05 / 01:02:03 style: what a library list or a search hit shows."""
    seconds = max(0.0, seconds)
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if with_hours or (with_hours is None and hours):
        return f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{minutes:d}:{secs:02d}"


def format_timecode(seconds: float, fps: float) -> str:
    """HH:MM:SS.FF with frames, as the player's time display shows it."""
    seconds = max(0.0, seconds)
    fps = fps if fps > 0 else 25.0
    frames_total = int(round(seconds * fps))
    frames_per_second = max(1, int(round(fps)))
    whole, frame = divmod(frames_total, frames_per_second)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{frame:02d}"
