"""Where a clip's thumbnails live, relative to the thumbnail cache root."""

from __future__ import annotations


def scene_thumbnail_relpath(sha256: str, scene_index: int) -> str:
    return f"{sha256[:2]}/{sha256}/scene-{scene_index:04d}.jpg"


def video_id_for(sha256: str) -> str:
    """A clip's id: stable for the same content wherever the file lives."""
    return sha256[:16]


def sprite_sheet_relpath(sha256: str) -> str:
    """The hover-scrub sprite sheet of a clip's content: frames across the clip in one JPEG."""
    return f"{sha256[:2]}/{sha256}/sprites.jpg"


def sprite_layout_relpath(sha256: str) -> str:
    """Where each tile of the sprite sheet is and which time it shows (SpriteLayout as JSON)."""
    return f"{sha256[:2]}/{sha256}/sprites.json"
