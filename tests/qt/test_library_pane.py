from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QSize, Qt
from PySide6.QtGui import QColor, QRegion, QWheelEvent
from PySide6.QtWidgets import QApplication

from reelscope.domain.analysis import AnalysisStatus, VideoInfo
from reelscope.domain.clips import Clip, ProviderStatus
from reelscope.qt.models.roles import ObjectRole
from reelscope.qt.panes.library_pane import EMPTY_HINT, THUMB_SIZE, ClipDelegate, LibraryPane
from reelscope.qt.widgets.thumbnail_loader import ThumbnailLoader

RED = (220, 30, 30)


def make_clip(n: int, title: str, *, added_at: float | None = None, thumbnail: str | None = None,
              statuses: tuple[ProviderStatus, ...] = (), folder: str = "/footage") -> Clip:
    video = VideoInfo(id=f"clip{n}", path=f"{folder}/{title}.mov", title=title, duration_s=65.0 + n,
                      fps=25.0, width=1920, height=1080, size_bytes=1000, sha256=f"{n:064d}")
    return Clip(video=video, added_at=added_at if added_at is not None else float(n),
                thumbnail_path=thumbnail, statuses=statuses)


@pytest.fixture
def loader():
    return ThumbnailLoader(THUMB_SIZE)


@pytest.fixture
def pane(qtbot, loader):
    widget = LibraryPane(loader)
    qtbot.addWidget(widget)
    widget.resize(380, 520)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def visible_titles(pane: LibraryPane) -> list[str]:
    model = pane.list_view.model()
    return [model.index(row, 0).data(ObjectRole).title for row in range(model.rowCount())]


def click_row(qtbot, pane: LibraryPane, row: int) -> None:
    view = pane.list_view
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_rows_are_newest_first(pane):
    pane.set_clips([make_clip(1, "oldest"), make_clip(3, "newest"), make_clip(2, "middle")])
    assert visible_titles(pane) == ["newest", "middle", "oldest"]


def test_filter_matches_title_and_path_case_insensitively(qtbot, pane):
    pane.set_clips([
        make_clip(1, "Harbour at dawn"),
        make_clip(2, "Market stalls"),
        make_clip(3, "Boat leaving", folder="/footage/HARBOUR day"),
    ])
    assert pane.clip_count() == 3
    qtbot.keyClicks(pane.filter_edit, "harbour")
    assert pane.clip_count() == 2
    assert sorted(visible_titles(pane)) == ["Boat leaving", "Harbour at dawn"]

    pane.filter_edit.clear()
    assert pane.clip_count() == 3


def test_filter_without_match_says_so(qtbot, pane):
    pane.set_clips([make_clip(1, "Harbour at dawn")])
    qtbot.keyClicks(pane.filter_edit, "zebra")
    assert pane.clip_count() == 0
    assert pane._hint.isVisible()
    assert "zebra" in pane._hint.text()


def test_empty_library_shows_drop_hint(pane):
    assert pane.clip_count() == 0
    assert pane._hint.isVisible()
    assert pane._hint.text() == EMPTY_HINT
    assert pane.filter_edit.placeholderText() == "Filter clips"

    pane.set_clips([make_clip(1, "one")])
    assert not pane._hint.isVisible()
    assert pane.list_view.isVisible()


def test_clicking_a_row_emits_clip_selected(qtbot, pane):
    pane.set_clips([make_clip(1, "first"), make_clip(2, "second"), make_clip(3, "third")])
    with qtbot.waitSignal(pane.clip_selected, timeout=1000) as signal:
        click_row(qtbot, pane, 1)
    assert signal.args == ["clip2"]
    assert pane.selected_clip().id == "clip2"


def test_keyboard_selection_emits_clip_selected(qtbot, pane):
    pane.set_clips([make_clip(1, "first"), make_clip(2, "second"), make_clip(3, "third")])
    click_row(qtbot, pane, 0)
    with qtbot.waitSignal(pane.clip_selected, timeout=1000) as signal:
        qtbot.keyClick(pane.list_view, Qt.Key.Key_Down)
    assert signal.args == ["clip2"]


def test_update_clip_replaces_the_row_in_place(qtbot, pane):
    pane.set_clips([make_clip(1, "first"), make_clip(2, "second"), make_clip(3, "third")])
    click_row(qtbot, pane, 1)
    done = (ProviderStatus(provider="local", status=AnalysisStatus.FINISHED),)

    with qtbot.assertNotEmitted(pane.clip_selected):
        pane.update_clip(make_clip(2, "second, renamed", statuses=done))

    assert visible_titles(pane) == ["third", "second, renamed", "first"]
    assert pane.selected_clip().title == "second, renamed"
    assert pane.selected_clip().statuses == done

    pane.update_clip(make_clip(4, "brand new"))
    assert visible_titles(pane) == ["brand new", "third", "second, renamed", "first"]
    assert pane.selected_clip().id == "clip2"


def test_tab_leaves_the_list_for_the_next_control(qtbot, pane):
    pane.set_clips([make_clip(1, "first"), make_clip(2, "second")])
    click_row(qtbot, pane, 0)
    assert pane.list_view.hasFocus()
    qtbot.keyClick(pane.list_view, Qt.Key.Key_Tab)
    assert not pane.list_view.hasFocus()
    assert pane.selected_clip().id == "clip2"   # the row clicked, the newest


def test_a_wheel_notch_scrolls_the_list_by_whole_rows(qtbot, pane):
    pane.set_clips([make_clip(n, f"clip {n}") for n in range(40)])
    view = pane.list_view
    viewport = view.viewport()
    at = QPointF(viewport.rect().center())
    notch = QWheelEvent(at, viewport.mapToGlobal(at), QPoint(), QPoint(0, -120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, notch)
    rows = QApplication.wheelScrollLines()
    assert view.verticalScrollBar().value() == rows * ClipDelegate.ROW_HEIGHT
    assert view.indexAt(QPoint(4, 1)).row() == rows


def row_image(pane: LibraryPane, row: int):
    view = pane.list_view
    view.viewport().repaint()
    return view.viewport().grab(view.visualRect(view.model().index(row, 0))).toImage()


def fresh_pane(qtbot, loader, clips: list[Clip], width: int) -> LibraryPane:
    other = LibraryPane(loader)
    qtbot.addWidget(other)
    other.resize(width, 520)
    other.show()
    qtbot.waitExposed(other)
    other.set_clips(clips)
    return other


def test_a_renamed_clip_is_painted_with_its_new_title(qtbot, pane, loader):
    pane.set_clips([make_clip(1, "Harbour at dawn, wide")])
    before = row_image(pane, 0)
    renamed = make_clip(1, "Market stalls at noon")
    pane.update_clip(renamed)
    after = row_image(pane, 0)
    assert after != before
    assert after == row_image(fresh_pane(qtbot, loader, [renamed], pane.width()), 0)


def test_a_narrower_pane_shortens_the_titles_to_fit(qtbot, pane, loader):
    clip = make_clip(1, "Harbour at dawn, the long wide shot from the breakwater before the boats go out")
    pane.set_clips([clip])
    wide = row_image(pane, 0)
    pane.resize(260, 520)
    qtbot.waitUntil(lambda: pane.list_view.viewport().width() < 260)
    narrow = row_image(pane, 0)
    assert narrow.width() < wide.width()
    assert narrow == row_image(fresh_pane(qtbot, loader, [clip], 260), 0)


def test_set_clips_keeps_the_selection(qtbot, pane):
    pane.set_clips([make_clip(1, "first"), make_clip(2, "second")])
    click_row(qtbot, pane, 0)
    assert pane.selected_clip().id == "clip2"
    with qtbot.assertNotEmitted(pane.clip_selected):
        pane.set_clips([make_clip(1, "first"), make_clip(2, "second"), make_clip(5, "newer")])
    assert pane.selected_clip().id == "clip2"
    selected = pane.list_view.selectionModel().selectedRows()
    assert [index.data(ObjectRole).id for index in selected] == ["clip2"]


def test_select_clip_reveals_a_filtered_out_clip(qtbot, pane):
    pane.set_clips([make_clip(1, "first"), make_clip(2, "second")])
    qtbot.keyClicks(pane.filter_edit, "first")
    with qtbot.waitSignal(pane.clip_selected, timeout=1000) as signal:
        pane.select_clip("clip2")
    assert signal.args == ["clip2"]
    assert pane.filter_edit.text() == ""


def test_failed_provider_error_is_in_the_tooltip(pane):
    failed = ProviderStatus(provider="twelvelabs", status=AnalysisStatus.FAILED, error="HTTP 401: bad key")
    pane.set_clips([make_clip(1, "clip", statuses=(failed,))])
    tooltip = pane.list_view.model().index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Twelve Labs" in tooltip and "HTTP 401: bad key" in tooltip


def test_delegate_paints_the_thumbnail(qtbot, pane, loader, tmp_path):
    jpeg = tmp_path / "red.jpg"
    Image.new("RGB", (192, 108), RED).save(jpeg, quality=95)
    pane.set_clips([make_clip(2, "with thumbnail", thumbnail=str(jpeg)), make_clip(1, "without")])

    qtbot.waitUntil(lambda: loader.pixmap(str(jpeg)) is not None, timeout=3000)
    view = pane.list_view
    view.viewport().repaint()
    image = view.viewport().grab().toImage()

    def thumbnail_centre(row: int) -> QColor:
        rect = view.visualRect(view.model().index(row, 0))
        offset = QPoint(ClipDelegate.MARGIN + THUMB_SIZE.width() // 2, ClipDelegate.MARGIN + THUMB_SIZE.height() // 2)
        return image.pixelColor(rect.topLeft() + offset)

    painted = thumbnail_centre(0)
    assert abs(painted.red() - RED[0]) < 25 and painted.green() < 60 and painted.blue() < 60
    placeholder = thumbnail_centre(1)
    assert abs(placeholder.red() - placeholder.green()) < 20  # a neutral placeholder, not the picture


def test_a_decoded_thumbnail_repaints_only_the_rows_that_show_it(qtbot, pane, loader, tmp_path):
    jpeg = tmp_path / "red.jpg"
    Image.new("RGB", (192, 108), RED).save(jpeg, quality=95)
    pane.set_clips([make_clip(3, "first", thumbnail=str(jpeg)), make_clip(2, "second"),
                    make_clip(1, "third", thumbnail=str(jpeg))])
    view = pane.list_view
    repainted: list[QRegion] = []

    class Paints(QObject):
        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                repainted.append(event.region())
            return False

    watcher = Paints()
    view.viewport().installEventFilter(watcher)
    loader.loaded.connect(lambda _path: repainted.clear())  # after the pane's own slot: what it asked for
    qtbot.waitUntil(lambda: loader.pixmap(str(jpeg)) is not None and bool(repainted), timeout=3000)
    QApplication.processEvents()
    view.viewport().removeEventFilter(watcher)
    rows = [view.visualRect(view.model().index(row, 0)) for row in range(3)]
    region = QRegion()
    for each in repainted:
        region |= each
    assert region == QRegion(rows[0]) | QRegion(rows[2])


def test_thumbnail_loader_scales_and_signals(qtbot, tmp_path):
    jpeg = tmp_path / "wide.jpg"
    Image.new("RGB", (1280, 720), RED).save(jpeg)
    loader = ThumbnailLoader(QSize(96, 54))
    assert loader.pixmap(str(jpeg)) is None
    with qtbot.waitSignal(loader.loaded, timeout=3000) as signal:
        pass
    assert signal.args == [str(jpeg)]
    pixmap = loader.pixmap(str(jpeg))
    assert pixmap.deviceIndependentSize().toSize() == QSize(96, 54)
    assert loader.pixmap(None) is None
    assert loader.pixmap("https://example.com/thumb.jpg") is None


def test_thumbnail_loader_retries_a_file_written_later(qtbot, tmp_path):
    jpeg = tmp_path / "later.jpg"
    loader = ThumbnailLoader(QSize(96, 54))
    assert loader.pixmap(str(jpeg)) is None
    qtbot.waitUntil(lambda: not loader.is_loading(str(jpeg)), timeout=3000)  # the failure arrives queued
    Image.new("RGB", (192, 108), RED).save(jpeg)
    assert loader.pixmap(str(jpeg)) is None  # failed just now: not retried at once
    loader.invalidate(str(jpeg))
    loader.pixmap(str(jpeg))
    qtbot.waitUntil(lambda: loader.pixmap(str(jpeg)) is not None, timeout=3000)


def test_a_large_library_filters_after_a_pause_in_typing(qtbot, pane):
    from reelscope.qt.panes.library_pane import FILTER_DEBOUNCE_MS, LARGE_LIBRARY_ROWS

    total = LARGE_LIBRARY_ROWS + 1
    pane.set_clips([make_clip(n, f"Take {n}") for n in range(total)])
    qtbot.keyClicks(pane.filter_edit, "take 77")
    assert pane.clip_count() == total, "a large library is not re-filtered on every keystroke"
    qtbot.waitUntil(lambda: pane.clip_count() < total, timeout=FILTER_DEBOUNCE_MS * 10)
    titles = [f"Take {n}" for n in range(total)]
    assert sorted(visible_titles(pane)) == sorted(t for t in titles if "take 77" in t.lower())


def test_enter_filters_at_once(qtbot, pane):
    from reelscope.qt.panes.library_pane import LARGE_LIBRARY_ROWS

    pane.set_clips([make_clip(n, f"Take {n}") for n in range(LARGE_LIBRARY_ROWS + 1)])
    pane.filter_edit.setText("take 1999")
    qtbot.keyClick(pane.filter_edit, Qt.Key.Key_Return)
    assert visible_titles(pane) == ["Take 1999"]


def shown_titles(pane) -> list[str]:
    return [pane.clip_at_row(row).title for row in range(pane.clip_count())]


def test_clips_arriving_and_leaving_under_a_filter_keep_their_places(qtbot, pane):
    pane.set_clips([make_clip(n, f"{'Harbour' if n % 2 else 'Market'} take {n}") for n in range(1, 7)])
    pane.filter_edit.setText("harbour")
    pane.apply_filter()
    assert shown_titles(pane) == ["Harbour take 5", "Harbour take 3", "Harbour take 1"]
    pane.update_clip(make_clip(9, "Harbour take 9"))        # newest: on top of the filtered list
    pane.update_clip(make_clip(8, "Market take 8"))         # hidden by the filter
    pane.update_clip(make_clip(4, "Harbour take 4"))        # renamed into the filter, in its place
    pane.remove_clip("clip3")
    assert shown_titles(pane) == ["Harbour take 9", "Harbour take 5", "Harbour take 4", "Harbour take 1"]
    pane.filter_edit.clear()
    pane.apply_filter()
    assert shown_titles(pane) == [
        "Harbour take 9", "Market take 8", "Market take 6", "Harbour take 5", "Harbour take 4",
        "Market take 2", "Harbour take 1",
    ]


def test_selecting_a_clip_the_filter_hides_clears_the_filter(qtbot, pane):
    pane.set_clips([make_clip(1, "Harbour"), make_clip(2, "Market")])
    pane.filter_edit.setText("market")
    pane.apply_filter()
    with qtbot.waitSignal(pane.clip_selected, timeout=1000) as signal:
        pane.select_clip("clip1")
    assert signal.args == ["clip1"]
    assert pane.filter_edit.text() == "" and pane.clip_count() == 2
