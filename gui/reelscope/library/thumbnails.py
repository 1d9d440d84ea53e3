"""Scene thumbnails on disk, laid out by content hash (domain.thumbnails)."""

from __future__ import annotations

import bisect
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from ..domain.thumbnails import scene_thumbnail_relpath


class ThumbnailCache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._root_text = str(root)

    def scene_path(self, sha256: str, scene_index: int) -> Path:
        return self.root / scene_thumbnail_relpath(sha256, scene_index)

    def scene_path_text(self, sha256: str, scene_index: int) -> str:
        """scene_path as a string, without pathlib's cost: for listing thousands of clips."""
        return os.path.join(self._root_text, scene_thumbnail_relpath(sha256, scene_index))

    def existing_scene_path(self, sha256: str, scene_index: int) -> Path | None:
        path = self.scene_path(sha256, scene_index)
        return path if path.is_file() else None

    def scene_thumbnail_at(self, sha256: str, scene_starts: Sequence[float], t: float) -> Path | None:
        """The thumbnail of the scene playing at time t, if that file is on disk."""
        if not scene_starts:
            return None
        index = max(0, bisect.bisect_right(scene_starts, t) - 1)
        return self.existing_scene_path(sha256, index)

    def remove(self, sha256: str) -> None:
        """Deletes every thumbnail of one clip's content."""
        folder = self.scene_path(sha256, 0).parent
        if folder.is_dir() and folder.resolve().is_relative_to(self.root.resolve()):
            shutil.rmtree(folder, ignore_errors=True)
