"""What counts as a video file, decided from the name and the size before anything is decoded."""

from __future__ import annotations

from .base import Frozen

VIDEO_EXTENSIONS = frozenset(
    {
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mxf", ".mts", ".m2ts", ".ts",
        ".mpg", ".mpeg", ".wmv", ".flv", ".3gp", ".ogv", ".dv",
    }
)


def refusal_reason(name: str, size_bytes: int) -> str | None:
    """Why a file cannot be queued for analysis, or None when it may be."""
    dot = name.rfind(".")
    extension = name[dot:].lower() if dot > 0 else ""
    if extension not in VIDEO_EXTENSIONS:
        kind = f"a '{extension}' file" if extension else "a file without an extension"
        return f"not a video: {kind}"
    if size_bytes == 0:
        return "empty file (0 bytes)"
    return None


def title_from_name(name: str) -> str:
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name


class Refusal(Frozen):
    """A dropped path that was not queued, and why."""

    path: str
    reason: str
