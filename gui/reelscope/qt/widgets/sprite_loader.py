"""Hover-scrub sprite sheets read off the GUI thread and kept as pixmaps in a small LRU cache."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap

from ...domain.sprites import SpriteLayout
from .image_reading import read_image

CACHE_SIZE = 64
RETRY_MISSING_S = 10.0   # a sheet not made yet (the clip is being analysed) is looked for again after this


@dataclass(frozen=True)
class SpriteSheet:
    pixmap: QPixmap
    layout: SpriteLayout


class _Delivery(QObject):
    read = Signal(str, object, object)   # video_id, QImage | None, SpriteLayout | None


class _ReadJob(QRunnable):
    def __init__(self, root: Path, video_id: str, delivery: _Delivery) -> None:
        super().__init__()
        self._root, self._video_id, self._delivery = root, video_id, delivery

    def run(self) -> None:
        image, layout = None, None
        try:
            # A clip's folder is named after its content hash, which its id begins with.
            for folder in (self._root / self._video_id[:2]).glob(f"{self._video_id}*"):
                index, sheet = folder / "sprites.json", folder / "sprites.jpg"
                if index.is_file() and sheet.is_file():
                    layout = SpriteLayout.from_json(index.read_bytes())
                    image = read_image(str(sheet))
                    break
        except (OSError, ValueError):
            image, layout = None, None
        try:
            self._delivery.read.emit(self._video_id, image, layout)
        except RuntimeError:  # the loader was deleted meanwhile
            pass


class SpriteLoader(QObject):
    """sheet(video_id) gives the clip's sprite sheet, or None and starts reading it; `loaded` says when."""

    loaded = Signal(str)

    def __init__(self, thumbnail_root: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = Path(thumbnail_root)
        self._cache: OrderedDict[str, SpriteSheet] = OrderedDict()
        self._pending: set[str] = set()
        self._missing: dict[str, float] = {}
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._delivery = _Delivery(self)
        self._delivery.read.connect(self._on_read)

    def sheet(self, video_id: str | None) -> SpriteSheet | None:
        if not video_id:
            return None
        cached = self._cache.get(video_id)
        if cached is not None:
            self._cache.move_to_end(video_id)
            return cached
        missing_since = self._missing.get(video_id)
        retry = missing_since is None or time.monotonic() - missing_since > RETRY_MISSING_S
        if video_id not in self._pending and retry:
            self._pending.add(video_id)
            self._pool.start(_ReadJob(self._root, video_id, self._delivery))
        return None

    def wait_idle(self, timeout_ms: int = 5000) -> bool:
        return self._pool.waitForDone(timeout_ms)

    def _on_read(self, video_id: str, image: QImage | None, layout: SpriteLayout | None) -> None:
        self._pending.discard(video_id)
        if image is None or image.isNull() or layout is None:
            self._missing[video_id] = time.monotonic()
            return
        self._missing.pop(video_id, None)
        self._cache[video_id] = SpriteSheet(QPixmap.fromImage(image), layout)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        self.loaded.emit(video_id)
