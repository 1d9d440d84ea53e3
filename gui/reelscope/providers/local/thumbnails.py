"""Scene thumbnails: small JPEGs in the thumbnail cache, never beside the user's media."""

from __future__ import annotations

import os
from pathlib import Path

import av
from PIL import Image

from ...domain.thumbnails import scene_thumbnail_relpath
from .frame_scaler import FrameScaler

THUMBNAIL_WIDTH = 320
JPEG_QUALITY = 85


class SceneThumbnailWriter:
    """Writes scene thumbnails of one clip; a thumbnail already in the cache is kept as it is."""

    def __init__(self, thumbnail_root: Path, sha256: str, sample_aspect_ratio: float = 1.0) -> None:
        self.thumbnail_root = Path(thumbnail_root)
        self.sha256 = sha256
        self.sample_aspect_ratio = sample_aspect_ratio or 1.0
        self._scaler = FrameScaler()

    def path_for(self, scene_index: int) -> Path:
        return self.thumbnail_root / scene_thumbnail_relpath(self.sha256, scene_index)

    def __call__(self, scene_index: int, frame: av.VideoFrame) -> None:
        target = self.path_for(scene_index)
        if target.exists():
            return
        image = _display_image(frame, self.sample_aspect_ratio, self._scaler)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written under a temporary name and renamed, so the cache never holds half a JPEG.
        partial = target.with_name(f".{target.name}.{os.getpid()}.part")
        image.save(partial, format="JPEG", quality=JPEG_QUALITY)
        os.replace(partial, target)


def _display_image(frame: av.VideoFrame, sample_aspect_ratio: float, scaler: FrameScaler) -> Image.Image:
    """The frame as a player shows it, THUMBNAIL_WIDTH wide: pixel aspect and rotation applied."""
    width, height = frame.width * sample_aspect_ratio, frame.height
    rotation = round((getattr(frame, "rotation", 0) or 0) / 90) * 90 % 360
    turned = rotation in (90, 270)
    display_width, display_height = (height, width) if turned else (width, height)
    thumbnail_height = max(2, round(THUMBNAIL_WIDTH * display_height / display_width / 2) * 2)
    if not turned:
        return scaler.image(frame, THUMBNAIL_WIDTH, thumbnail_height)
    # Rotated by PIL, counter-clockwise like the display matrix.
    return scaler.image(frame, thumbnail_height, THUMBNAIL_WIDTH).rotate(rotation, expand=True)
