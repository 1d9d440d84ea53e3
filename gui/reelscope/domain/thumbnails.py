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


def sprite_sheet_relpath(sha256: str) -> str:
    """The hover-scrub sprite sheet of a clip's content: frames across the clip in one JPEG."""
    return f"{sha256[:2]}/{sha256}/sprites.jpg"


def sprite_layout_relpath(sha256: str) -> str:
    """Where each tile of the sprite sheet is and which time it shows (SpriteLayout as JSON)."""
    return f"{sha256[:2]}/{sha256}/sprites.json"
CLIP_FRAME_SCHEME = "clip-frame:"


def clip_frame_ref(video_id: str, at_s: float) -> str:
    """A picture reference meaning 'the frame of this library clip at this time' (a section's thumbnail)."""
    return f"{CLIP_FRAME_SCHEME}{video_id}@{max(0.0, at_s):.3f}"


def parse_clip_frame_ref(ref: str) -> tuple[str, float] | None:
    """(video id, seconds) of a clip_frame_ref, or None for any other reference."""
    if not ref.startswith(CLIP_FRAME_SCHEME):
        return None
    video_id, _, seconds = ref[len(CLIP_FRAME_SCHEME):].partition("@")
    try:
        return (video_id, float(seconds)) if video_id else None
    except ValueError:
        return None
