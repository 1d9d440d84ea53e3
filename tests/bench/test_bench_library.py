"""Library pane with 20,000 clips: first paint and scroll repaint times.

Run: .venv/bin/python -m pytest -m bench -s tests/bench/test_bench_library.py
"""

from __future__ import annotations

import statistics
import time

import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from reelscope.domain.analysis import AnalysisStatus, VideoInfo
from reelscope.domain.clips import Clip, ProviderStatus
from reelscope.qt.panes.library_pane import THUMB_SIZE, LibraryPane
from reelscope.qt.widgets.thumbnail_loader import ThumbnailLoader

CLIPS = 20_000
FIRST_PAINT_TARGET_MS = 150
SCROLL_TARGET_MS = 8
SCROLL_STEPS = 50


class PaintWatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def make_clips(thumbnails: list[str]) -> list[Clip]:
    statuses = (
        ProviderStatus(provider="local", status=AnalysisStatus.FINISHED),
        ProviderStatus(provider="twelvelabs", status=AnalysisStatus.RUNNING),
    )
    clips = []
    for n in range(CLIPS):
        video = VideoInfo(id=f"clip{n:05d}", path=f"/footage/reel {n // 100}/shot {n:05d}.mov", title=f"Shot {n:05d}",
                          duration_s=30.0 + n % 600, fps=25.0, width=1920, height=1080, size_bytes=10**8,
                          sha256=f"{n:064d}")
        clips.append(Clip(video=video, added_at=float(n), thumbnail_path=thumbnails[n % len(thumbnails)],
                          statuses=statuses[: 1 + n % 2]))
    return clips


def show_and_paint(qtbot, pane: LibraryPane, clips: list[Clip]) -> float:
    """Milliseconds from set_clips + show until the list's first paint has run."""
    watcher = PaintWatcher()
    pane.list_view.viewport().installEventFilter(watcher)
    started = time.perf_counter()
    pane.set_clips(clips)
    pane.show()
    while not watcher.painted:
        QApplication.processEvents()
    elapsed = (time.perf_counter() - started) * 1000
    pane.list_view.viewport().removeEventFilter(watcher)
    return elapsed


@pytest.mark.bench
def test_bench_library_20k(qtbot, tmp_path):
    thumbnails = []
    for n, color in enumerate([(200, 40, 40), (40, 160, 60), (40, 80, 200), (190, 170, 40), (120, 60, 160)]):
        path = tmp_path / f"thumb{n}.jpg"
        Image.new("RGB", (640, 360), color).save(path, quality=85)
        thumbnails.append(str(path))
    clips = make_clips(thumbnails)
    loader = ThumbnailLoader(THUMB_SIZE)

    warm_up = LibraryPane(loader)  # fonts, style and first-use costs shared by every window
    qtbot.addWidget(warm_up)
    show_and_paint(qtbot, warm_up, clips[:10])
    warm_up.hide()

    pane = LibraryPane(loader)
    qtbot.addWidget(pane)
    pane.resize(360, 900)
    first_paint_ms = show_and_paint(qtbot, pane, clips)
    assert pane.clip_count() == CLIPS

    loader.wait_idle()
    QApplication.processEvents()
    view = pane.list_view
    scroll = view.verticalScrollBar()
    times = []
    for _ in range(SCROLL_STEPS):
        started = time.perf_counter()
        scroll.setValue(scroll.value() + scroll.pageStep())
        view.viewport().repaint()
        times.append((time.perf_counter() - started) * 1000)
    scroll_ms = statistics.median(times)

    filter_started = time.perf_counter()
    pane.filter_edit.setText("shot 1999")   # a library this large waits for a pause in typing...
    pane.apply_filter()                     # ...so time the filtering pass itself
    filter_ms = (time.perf_counter() - filter_started) * 1000
    assert pane.clip_count() == 10  # Shot 19990 .. Shot 19999

    print(f"\nlibrary {CLIPS} clips: first paint {first_paint_ms:.0f} ms (target < {FIRST_PAINT_TARGET_MS}), "
          f"scroll repaint median {scroll_ms:.1f} ms (target < {SCROLL_TARGET_MS}), filter {filter_ms:.0f} ms")
    assert first_paint_ms < FIRST_PAINT_TARGET_MS * 3, "first paint far over target"
    assert scroll_ms < SCROLL_TARGET_MS * 3, "scroll repaint far over target"
