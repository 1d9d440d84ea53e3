"""Picture references as services give them: an http(s) URL, or the picture itself in base64."""

from __future__ import annotations

import base64
import binascii

_SIGNATURES = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)
_SERVED_FORMATS = frozenset({"jpeg", "png", "gif", "bmp", "webp"})   # what a service's picture may be


def is_url(ref: str) -> bool:
    return ref[:8].lower().startswith(("http://", "https://"))


def picture_ref(value: str) -> str:
    """A service's picture string as a reference no one takes for a file path: raw base64 (which may
    well start with '/') becomes a data: URI; a URL or a data: URI stays as it is."""
    text = value.strip()
    if is_url(text) or text[:5].lower() == "data:":
        return text
    return f"data:;base64,{text}"


def image_format(head: bytes) -> str | None:
    """The format a picture's first 12 bytes name: jpeg, png, gif, bmp, webp or tiff; None for any other."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return next((name for magic, name in _SIGNATURES if head.startswith(magic)), None)


def looks_like_image(data: bytes) -> bool:
    """JPEG, PNG, GIF, BMP or WebP, by their first bytes."""
    return image_format(data) in _SERVED_FORMATS


def inline_image(ref: str) -> bytes | None:
    """The picture in a base64 reference (raw, or a data: URI), or None when ref is not one."""
    text = ref.strip()
    if text[:5].lower() == "data:":
        header, _, text = text.partition(",")
        if ";base64" not in header.lower():
            return None
    try:
        data = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if looks_like_image(data) else None
