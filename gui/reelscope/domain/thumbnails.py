"""Where a clip's thumbnails live, relative to the thumbnail cache root."""

from __future__ import annotations


def scene_thumbnail_relpath(sha256: str, scene_index: int) -> str:
    return f"{sha256[:2]}/{sha256}/scene-{scene_index:04d}.jpg"


def face_thumbnail_relpath(sha256: str, face_index: int) -> str:
    """A face followed through a scene of the clip, cropped: shown in the people gallery."""
    return f"{sha256[:2]}/{sha256}/face-{face_index:04d}.jpg"


def video_id_for(sha256: str) -> str:
    """A clip's id: stable for the same content wherever the file lives."""
    return sha256[:16]
