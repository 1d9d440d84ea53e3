"""Scene thumbnails: small JPEGs in the thumbnail cache, never beside the user's media."""

from __future__ import annotations

import os
from pathlib import Path

import av

from ...domain.thumbnails import scene_thumbnail_relpath

THUMBNAIL_WIDTH = 320
JPEG_QUALITY = 85


class SceneThumbnailWriter:
    """Writes scene thumbnails of one clip; a thumbnail already in the cache is kept as it is."""

    def __init__(self, thumbnail_root: Path, sha256: str, sample_aspect_ratio: float = 1.0) -> None:
        self.thumbnail_root = Path(thumbnail_root)
        self.sha256 = sha256
        self.sample_aspect_ratio = sample_aspect_ratio or 1.0

    def path_for(self, scene_index: int) -> Path:
        return self.thumbnail_root / scene_thumbnail_relpath(self.sha256, scene_index)

    def __call__(self, scene_index: int, frame: av.VideoFrame) -> None:
        target = self.path_for(scene_index)
        if target.exists():
            return
        display_width = frame.width * self.sample_aspect_ratio
        height = max(2, round(THUMBNAIL_WIDTH * frame.height / display_width / 2) * 2)
        image = frame.to_image(width=THUMBNAIL_WIDTH, height=height)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written under a temporary name and renamed, so the cache never holds half a JPEG.
        partial = target.with_name(f".{target.name}.{os.getpid()}.part")
        image.save(partial, format="JPEG", quality=JPEG_QUALITY)
        os.replace(partial, target)
