"""Hover scrub: the mouse across a library thumbnail or a search tile shows frames from the sprite sheet."""

from __future__ import annotations

import av
import pytest
from PySide6.QtCore import QPoint, Qt

from fakes.media import make_clip
from reelscope.domain.analysis import AnalysisStatus, VideoInfo
from reelscope.domain.clips import Clip, ProviderStatus
from reelscope.domain.search import SearchHit, SearchResult
from reelscope.providers.local.sprites import make_sprite_sheet
from reelscope.qt.panes.library_pane import ClipDelegate, LibraryPane
from reelscope.qt.panes.search_pane import THUMB_SIZE, HitDelegate, SearchPane
from reelscope.qt.widgets.sprite_loader import SpriteLoader
from reelscope.qt.widgets.thumbnail_loader import ThumbnailLoader

SHA = "5c" * 32
DURATION_S = 8.0


@pytest.fixture
def sprites(tmp_path, qtbot):
    clip = make_clip(tmp_path / "pier.mp4", cut_frames=(100,), total_frames=200, fps=25, size=(320, 180))
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        frames = ((float(f.pts * stream.time_base), f) for f in container.decode(stream))
        make_sprite_sheet(frames, duration_s=DURATION_S, thumbnail_root=tmp_path / "cache", sha256=SHA)
    return SpriteLoader(tmp_path / "cache")


def video() -> VideoInfo:
    return VideoInfo(id=SHA[:16], path="/media/pier.mp4", title="pier", duration_s=DURATION_S, fps=25.0,
                     width=320, height=180, size_bytes=1, sha256=SHA)


def hover(qtbot, view, pos: QPoint) -> None:
    qtbot.mouseMove(view.viewport(), pos)


def colour_at(widget, point: QPoint):
    return widget.grab().toImage().pixelColor(point)


def test_moving_across_a_library_thumbnail_shows_frames_across_the_clip(qtbot, sprites):
    pane = LibraryPane(ThumbnailLoader(THUMB_SIZE), sprites=sprites)
    qtbot.addWidget(pane)
    pane.resize(360, 300)
    pane.show()
    qtbot.waitExposed(pane)
    finished = ProviderStatus(provider="local", status=AnalysisStatus.FINISHED)
    clip = Clip(video=video(), added_at=1.0, statuses=(finished,))
    pane.set_clips([clip])
    view = pane.list_view
    thumb = ClipDelegate.thumbnail_rect(view.visualRect(view.model().index(0, 0)))
    probe = QPoint(thumb.center().x(), thumb.top() + 8)

    hover(qtbot, view, QPoint(thumb.left() + 5, thumb.center().y()))          # early: the red first scene
    qtbot.waitUntil(lambda: sprites.sheet(SHA[:16]) is not None, timeout=5_000)
    qtbot.waitUntil(lambda: (c := colour_at(view.viewport(), probe)).red() > c.blue(), timeout=2_000)
    hover(qtbot, view, QPoint(thumb.right() - 5, thumb.center().y()))         # late: the blue second scene
    qtbot.waitUntil(lambda: (c := colour_at(view.viewport(), probe)).blue() > c.red(), timeout=2_000)
    assert pane.scrub.fraction_at(view.model().index(0, 0)) > 0.9


def test_a_scrubbed_search_tile_opens_at_the_frame_it_shows(qtbot, sprites):
    pane = SearchPane(ThumbnailLoader(THUMB_SIZE), sprites=sprites)
    qtbot.addWidget(pane)
    pane.resize(560, 480)
    pane.show()
    qtbot.waitExposed(pane)
    hit = SearchHit(video_id=SHA[:16], title="pier", start_s=2.0, end_s=6.0, score=0.9)
    pane.set_results(SearchResult(provider="local", query="pier", hits=(hit,)))
    grid = pane.grid
    thumb = HitDelegate.thumbnail_rect(grid.visualRect(grid.model().index(0, 0)))
    three_quarters = QPoint(thumb.left() + round(0.75 * (thumb.width() - 1)), thumb.center().y())
    hover(qtbot, grid, three_quarters)
    qtbot.waitUntil(lambda: sprites.sheet(SHA[:16]) is not None, timeout=5_000)
    with qtbot.waitSignal(pane.hit_activated, timeout=2_000) as signal:
        qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=three_quarters)
    opened_hit, at_s = signal.args
    layout = sprites.sheet(SHA[:16]).layout
    assert opened_hit == hit
    assert at_s in layout.times_s and abs(at_s - 5.0) <= DURATION_S / layout.count   # 3/4 of 2..6 s
