"""What counts as a video file, decided from the name and the size before anything is decoded."""

from __future__ import annotations

from .base import Frozen

VIDEO_EXTENSIONS = frozenset(
    {
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mxf", ".mts", ".m2ts", ".ts",
        ".mpg", ".mpeg", ".wmv", ".flv", ".3gp", ".ogv", ".dv",
    }
)


IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"})


def extension_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def is_image_name(name: str) -> bool:
    return extension_of(name) in IMAGE_EXTENSIONS


def refusal_reason(name: str, size_bytes: int, *, accept_images: bool = False) -> str | None:
    """Why a file cannot be queued for analysis, or None when it may be.

    Still images are accepted only when a target provider analyses them (accept_images).
    """
    extension = extension_of(name)
    if extension not in VIDEO_EXTENSIONS and not (accept_images and extension in IMAGE_EXTENSIONS):
        kind = f"a '{readable(extension)}' file" if extension else "a file without an extension"
        if extension in IMAGE_EXTENSIONS:
            return f"not a video: a still image ('{readable(extension)}'); only Noxovision analyses images"
        return f"not a video: {kind}"
    if size_bytes == 0:
        return "empty file (0 bytes)"
    return None


def title_from_name(name: str) -> str:
    dot = name.rfind(".")
    return readable(name[:dot] if dot > 0 else name)


def readable(text: str) -> str:
    """Text fit to show: bytes that are not UTF-8 (kept in a path as surrogate escapes) become �."""
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def one_line(text: str) -> str:
    """Text on one line whatever it holds (a file name may hold a newline): control characters escaped."""
    text = readable(text)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


class Refusal(Frozen):
    """A dropped path that was not queued, and why."""

    path: str
    reason: str
