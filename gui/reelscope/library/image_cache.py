"""Pictures fetched for display (face and hit thumbnails, section frames), kept under a size cap.

Each lives in `thumbnails/fetched/` under a name made from a hash of its reference (a URL with any
registered secret masked, or the image data itself), so no secret reaches a file name. When the
folder grows past max_bytes the least recently used pictures go, down to nine tenths of the cap.
Call it off the GUI thread: it reads and writes the disk.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

from ..providers._redact import redact

FOLDER = "fetched"
DEFAULT_MAX_BYTES = 200 << 20
SUFFIX = ".img"


class ImageCache:
    def __init__(self, thumbnail_root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = Path(thumbnail_root) / FOLDER
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._total: int | None = None   # bytes in the folder, counted once, then kept up to date

    def path_for(self, ref: str) -> Path:
        digest = hashlib.sha256(redact(ref).encode("utf-8", "surrogateescape")).hexdigest()
        return self.root / digest[:2] / f"{digest}{SUFFIX}"

    def get(self, ref: str) -> Path | None:
        """The cached file for ref, marked as just used; None when it is not cached."""
        path = self.path_for(ref)
        try:
            os.utime(path)
        except FileNotFoundError:
            return None
        return path

    def put(self, ref: str, data: bytes) -> Path:
        """Stores data for ref (written whole or not at all) and trims the cache to its cap."""
        path = self.path_for(ref)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, partial = tempfile.mkstemp(prefix=".part-", dir=path.parent)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
            previous = path.stat().st_size if path.exists() else 0
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        with self._lock:
            self._total = self._count() if self._total is None else self._total + len(data) - previous
            if self._total > self.max_bytes:
                self._trim()
        return path

    def size_bytes(self) -> int:
        with self._lock:
            return self._count()

    def _count(self) -> int:
        return sum(entry.stat().st_size for entry in self._files())

    def _files(self) -> list[Path]:
        return [path for path in self.root.glob(f"*/*{SUFFIX}") if path.is_file()] if self.root.is_dir() else []

    def _trim(self) -> None:
        entries = []
        for path in self._files():
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
        entries.sort()
        total = sum(size for _, size, _ in entries)
        target = self.max_bytes * 9 // 10
        for _, size, path in entries:
            if total <= target:
                break
            path.unlink(missing_ok=True)
            total -= size
        self._total = total
