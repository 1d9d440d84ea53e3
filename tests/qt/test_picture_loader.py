"""The thumbnail loader with a fetch function: references that are not files are fetched by it (off the
GUI thread, on the event loop), then decoded like files; a failed fetch is not retried at once."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage

from reelscope.qt.widgets.thumbnail_loader import ThumbnailLoader


def test_a_fetched_reference_becomes_a_pixmap_and_a_failed_one_waits(qtbot, qloop, tmp_path):
    picture = tmp_path / "face.png"
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("orange"))
    assert image.save(str(picture))
    asked: list[str] = []

    async def fetch(ref: str) -> str | None:
        asked.append(ref)
        await asyncio.sleep(0.01)
        return str(picture) if ref.startswith("https://") else None

    loader = ThumbnailLoader(QSize(32, 32), fetch=fetch)
    url = "https://faces.example/1.jpg"
    assert loader.pixmap(url) is None and loader.is_loading(url)
    with qtbot.waitSignal(loader.loaded, timeout=5_000) as loaded:
        pass
    assert loaded.args == [url]
    pixmap = loader.pixmap(url)
    assert pixmap is not None and pixmap.toImage().pixelColor(1, 1) == QColor("orange")

    base64_ref = "data:;base64,bm90"   # the fetch finds nothing for it
    assert loader.pixmap(base64_ref) is None
    qtbot.waitUntil(lambda: not loader.is_loading(base64_ref), timeout=5_000)
    assert loader.pixmap(base64_ref) is None and asked.count(base64_ref) == 1, "not asked again at once"
    assert asked.count(url) == 1


def test_without_a_fetch_only_files_load(qtbot, tmp_path):
    loader = ThumbnailLoader(QSize(32, 32))
    assert loader.pixmap("https://faces.example/1.jpg") is None
    assert not loader.is_loading("https://faces.example/1.jpg"), "nothing here can fetch it"
