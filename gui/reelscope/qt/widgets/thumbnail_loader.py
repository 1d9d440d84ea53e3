"""Thumbnails decoded off the GUI thread, kept as pixmaps in a small LRU cache."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QObject, QRect, QRunnable, QSize, Qt, QThreadPool, QTimer, QUrl, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPainter, QPalette, QPixmap

from .image_reading import read_image

DEFAULT_CACHE_SIZE = 600
RETRY_UNREADABLE_S = 10.0
RETRY_UNFETCHABLE_S = 120.0

log = logging.getLogger(__name__)

Fetch = Callable[[str], Awaitable[str | None]]
"""Gives a local file for a picture reference that is not one (an http(s) URL, base64 data...), or None."""


class _Delivery(QObject):
    """Carries decoded images from pool threads back to the GUI thread (queued connection)."""

    decoded = Signal(str, QImage)


class _DecodeJob(QRunnable):
    def __init__(self, path: str, file_path: str, size: QSize, delivery: _Delivery) -> None:
        super().__init__()
        self._path = path
        self._file_path = file_path
        self._size = size
        self._delivery = delivery

    def run(self) -> None:
        image = read_image(self._file_path, self._size)
        try:
            self._delivery.decoded.emit(self._path, image)
        except RuntimeError:  # the loader was deleted while this job ran
            pass


class ThumbnailLoader(QObject):
    """Gives pixmaps for image files, fitted within `size`; decodes in a thread pool on a miss.

    Paths may be plain file paths or file:// URLs. Any other reference (an http(s) URL, base64 picture
    data, a frame of a clip) goes to the injected `fetch` (a service's, on the event loop), whose file
    is then decoded like a local one; without a fetch, such a reference gives None.
    A file that could not be read (e.g. not written yet) is tried again after RETRY_UNREADABLE_S, a
    reference that could not be fetched after RETRY_UNFETCHABLE_S.
    Fetching and decoding start once control is back in the event loop, so that on a scroll they do not
    add to the repaint that asked for the thumbnails.
    """

    loaded = Signal(str)

    def __init__(
        self, size: QSize, parent: QObject | None = None, cache_size: int = DEFAULT_CACHE_SIZE,
        fetch: Fetch | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._size = QSize(size)
        self._ratio = QGuiApplication.instance().devicePixelRatio() if QGuiApplication.instance() else 1.0
        self._cache: OrderedDict[str, QPixmap] = OrderedDict()
        self._cache_size = cache_size
        self._pending: set[str] = set()
        self._queued: list[tuple[str, str]] = []   # (path, file path) asked for, not started yet
        self._to_fetch: list[str] = []             # references asked for, not started yet
        self._start_timer = QTimer(self)
        self._start_timer.setSingleShot(True)
        self._start_timer.setInterval(0)
        self._start_timer.timeout.connect(self._start_queued)
        self._unreadable: dict[str, float] = {}  # path -> when to try it again
        self._priority = itertools.count()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._delivery = _Delivery(self)
        self._delivery.decoded.connect(self._on_decoded)

    @property
    def size(self) -> QSize:
        return QSize(self._size)

    @property
    def fetch(self) -> Fetch | None:
        return self._fetch

    def set_fetch(self, fetch: Fetch | None) -> None:
        """Where references that are not local files are fetched from (a service's coroutine function)."""
        self._fetch = fetch
        self._unreadable = {path: when for path, when in self._unreadable.items() if _local_file(path) is not None}

    def pixmap(self, path: str | None) -> QPixmap | None:
        """The cached pixmap for `path`, or None (and a decode starts unless one is under way)."""
        if not path:
            return None
        cached = self._cache.get(path)
        if cached is not None:
            self._cache.move_to_end(path)
            return cached
        if path not in self._pending and not self._recently_unreadable(path):
            self._start(path)
        return None

    def is_loading(self, path: str) -> bool:
        """Whether a decode of path was asked for and its result has not arrived yet."""
        return path in self._pending

    def invalidate(self, path: str | None = None) -> None:
        """Forgets one path (its file was rewritten) or, without one, everything cached."""
        if path is None:
            self._cache.clear()
            self._unreadable.clear()
        else:
            self._cache.pop(path, None)
            self._unreadable.pop(path, None)

    def wait_idle(self, timeout_ms: int = 5000) -> bool:
        """Blocks until no decode is running (for tests and benchmarks); results still arrive queued."""
        self._start_queued()
        return self._pool.waitForDone(timeout_ms)

    def _start(self, path: str) -> None:
        file_path = _local_file(path)
        if file_path is None:
            self._start_fetch(path)
            return
        self._queue_decode(path, file_path)

    def _queue_decode(self, path: str, file_path: str) -> None:
        self._pending.add(path)
        self._queued.append((path, file_path))
        if not self._start_timer.isActive():
            self._start_timer.start()

    def _start_fetch(self, ref: str) -> None:
        if self._fetch is None:
            self._unreadable[ref] = float("inf")  # nothing here can fetch it
            return
        self._pending.add(ref)
        self._to_fetch.append(ref)
        if not self._start_timer.isActive():
            self._start_timer.start()

    def _fetch_queued(self) -> None:
        refs, self._to_fetch = self._to_fetch, []
        for ref in refs:
            fetching = self._fetch(ref) if self._fetch is not None else None
            try:
                if fetching is None:
                    raise RuntimeError("nothing fetches pictures any more")
                task = asyncio.ensure_future(fetching)
            except RuntimeError:  # no event loop to fetch on
                close = getattr(fetching, "close", None)   # a coroutine never started
                if close is not None:
                    close()
                self._pending.discard(ref)
                self._unreadable[ref] = time.monotonic() + RETRY_UNFETCHABLE_S
                continue
            task.add_done_callback(lambda done, ref=ref: self._on_fetched(ref, done))

    def _on_fetched(self, ref: str, task: asyncio.Future) -> None:
        file_path = None
        if not task.cancelled():
            if task.exception() is not None:
                log.warning("fetching a picture failed", exc_info=task.exception())
            else:
                file_path = task.result()
        self._pending.discard(ref)
        if not file_path:
            self._unreadable[ref] = time.monotonic() + RETRY_UNFETCHABLE_S
            return
        try:
            self._queue_decode(ref, file_path)
        except RuntimeError:  # the loader was deleted (its window closed) while the picture was fetched
            pass

    def _start_queued(self) -> None:
        self._start_timer.stop()
        self._fetch_queued()
        queued, self._queued = self._queued, []
        target = self._size * self._ratio
        for path, file_path in queued:
            # Newer requests first: what the user scrolled to last is what they look at.
            self._pool.start(_DecodeJob(path, file_path, target, self._delivery), next(self._priority))

    def _on_decoded(self, path: str, image: QImage) -> None:
        self._pending.discard(path)
        if image.isNull():
            self._unreadable[path] = time.monotonic() + RETRY_UNREADABLE_S
            return
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self._ratio)
        self._cache[path] = pixmap
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        self.loaded.emit(path)

    def _recently_unreadable(self, path: str) -> bool:
        retry_at = self._unreadable.get(path)
        if retry_at is None:
            return False
        if time.monotonic() < retry_at:
            return True
        del self._unreadable[path]
        return False


def _local_file(path: str) -> str | None:
    """The file a reference names: a path, or a file:// URL; None for anything to fetch (a URL, base64...)."""
    if path.startswith("file:"):
        url = QUrl(path)
        return url.toLocalFile() if url.isLocalFile() else None
    return path if os.path.isabs(path) else None


def paint_thumbnail(painter: QPainter, rect: QRect, pixmap: QPixmap | None, palette: QPalette) -> None:
    """The picture fitted and centred in rect on a dark ground; an empty frame while it is not loaded."""
    painter.fillRect(rect, palette.color(QPalette.ColorRole.Shadow))
    if pixmap is None:
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        return
    size = pixmap.deviceIndependentSize().toSize().scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
    target = QRect(0, 0, size.width(), size.height())
    target.moveCenter(rect.center())
    painter.drawPixmap(target, pixmap)
