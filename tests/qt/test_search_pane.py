from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from reelscope.domain.search import SearchGroup, SearchHit, SearchResult
from reelscope.qt.models.roles import ObjectRole
from reelscope.qt.panes.search_pane import THUMB_SIZE, HitDelegate, SearchPane
from reelscope.qt.widgets.thumbnail_loader import ThumbnailLoader

GREEN = (30, 200, 60)


def make_hit(n: int, video_id: str = "clipA", thumbnail: str | None = None, score: float | None = 0.8) -> SearchHit:
    return SearchHit(video_id=video_id, title=f"Title of {video_id}", start_s=10.0 * n, end_s=10.0 * n + 6,
                     score=score, confidence="high", thumbnail_url=thumbnail)


def result(hits, query: str = "boat", total: int | None = None) -> SearchResult:
    return SearchResult(provider="local", query=query, total=total, hits=tuple(hits))


@pytest.fixture
def loader():
    return ThumbnailLoader(THUMB_SIZE)


@pytest.fixture
def pane(qtbot, loader):
    widget = SearchPane(loader)
    qtbot.addWidget(widget)
    widget.resize(560, 480)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def collect(signal) -> list:
    received: list = []
    signal.connect(lambda *args: received.append(args[0] if args else None))
    return received


def grid_rows(pane: SearchPane) -> list:
    model = pane.grid.model()
    return [model.index(row, 0).data(ObjectRole) for row in range(model.rowCount())]


def test_enter_emits_search_requested_with_the_text(qtbot, pane):
    queries = collect(pane.search_requested)
    qtbot.keyClicks(pane.query_edit, "boat leaving")
    qtbot.keyClick(pane.query_edit, Qt.Key.Key_Return)
    assert queries == ["boat leaving"]
    qtbot.wait(400)  # the debounce was stopped by Enter
    assert queries == ["boat leaving"]


def test_typing_quickly_emits_once_after_the_pause(qtbot, pane):
    queries = collect(pane.search_requested)
    qtbot.keyClicks(pane.query_edit, "harbour")
    assert queries == []
    qtbot.waitUntil(lambda: queries == ["harbour"], timeout=1500)
    qtbot.wait(400)
    assert queries == ["harbour"]


def test_blank_text_is_never_searched(qtbot, pane):
    queries = collect(pane.search_requested)
    qtbot.keyClicks(pane.query_edit, "   ")
    qtbot.keyClick(pane.query_edit, Qt.Key.Key_Return)
    qtbot.wait(400)
    assert queries == []


def test_set_query_fills_the_box_and_searches(pane):
    queries = collect(pane.search_requested)
    pane.set_query("sunset")
    assert pane.query_edit.text() == "sunset"
    assert queries == ["sunset"]


def test_results_fill_the_grid_and_the_status_line(pane):
    hits = [make_hit(1, "clipA"), make_hit(2, "clipB"), make_hit(3, "clipA")]
    pane.set_results(result(hits))
    assert pane.hit_count() == 3
    assert grid_rows(pane) == hits
    assert pane.status_text == "3 moments in 2 clips"


def test_no_results_says_so(pane):
    pane.set_results(result([], query="zebra"))
    assert pane.hit_count() == 0
    assert pane.status_text == "No results for “zebra”"


def test_clicking_a_thumbnail_emits_its_hit(qtbot, pane):
    hits = [make_hit(n) for n in range(5)]
    pane.set_results(result(hits))
    grid = pane.grid
    rect = grid.visualRect(grid.model().index(2, 0))
    with qtbot.waitSignal(pane.hit_activated, timeout=1000) as signal:
        qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == [hits[2], hits[2].start_s]   # no sprite sheet: the moment opens at its start


def test_enter_on_the_current_thumbnail_emits_its_hit(qtbot, pane):
    hits = [make_hit(n) for n in range(5)]
    pane.set_results(result(hits))
    pane.grid.setCurrentIndex(pane.grid.model().index(3, 0))
    with qtbot.waitSignal(pane.hit_activated, timeout=1000) as signal:
        qtbot.keyClick(pane.grid, Qt.Key.Key_Return)
    assert signal.args == [hits[3], hits[3].start_s]


def test_scrolling_to_the_end_asks_for_more_once(qtbot, pane):
    more = collect(pane.more_requested)
    pane.set_results(result([make_hit(n) for n in range(40)], total=80))
    pane.set_has_more(True)
    qtbot.wait(50)
    assert more == []  # the first page overflows the view: nothing asked yet

    scroll = pane.grid.verticalScrollBar()
    scroll.setValue(scroll.maximum())
    qtbot.waitUntil(lambda: len(more) == 1, timeout=1000)
    scroll.setValue(0)
    scroll.setValue(scroll.maximum())
    qtbot.wait(50)
    assert len(more) == 1  # one request per page

    pane.set_results(result([make_hit(n) for n in range(40, 80)], total=80), append=True)
    pane.set_has_more(False)
    assert pane.hit_count() == 80
    assert pane.status_text == "80 moments in 1 clip"
    scroll.setValue(scroll.maximum())
    qtbot.wait(50)
    assert len(more) == 1


def test_a_short_first_page_asks_for_more_at_once(qtbot, pane):
    more = collect(pane.more_requested)
    pane.set_results(result([make_hit(1)], total=30))
    pane.set_has_more(True)
    qtbot.waitUntil(lambda: len(more) == 1, timeout=1000)


def test_append_adds_rows_after_the_first_page(pane):
    first = [make_hit(n) for n in range(3)]
    pane.set_results(result(first, total=5))
    assert pane.status_text == "3 of 5 moments in 1 clip"
    second = [make_hit(n) for n in range(3, 5)]
    pane.set_results(result(second, total=5), append=True)
    assert grid_rows(pane) == first + second


def test_grouping_shows_each_clips_moments_together(qtbot, pane):
    a1, b1, a2, c1, b2 = make_hit(1, "clipA"), make_hit(2, "clipB"), make_hit(3, "clipA"), make_hit(4, "clipC"), \
        make_hit(5, "clipB")
    pane.set_results(result([a1, b1, a2]))
    qtbot.mouseClick(pane.group_checkbox, Qt.MouseButton.LeftButton)
    assert pane.group_checkbox.isChecked()

    rows = grid_rows(pane)
    assert [type(row).__name__ for row in rows] == ["SearchGroup", "SearchHit", "SearchHit", "SearchGroup", "SearchHit"]
    assert rows[0].video_id == "clipA" and rows[1:3] == [a1, a2]
    assert rows[3].video_id == "clipB" and rows[4] == b1

    grid = pane.grid
    header = grid.visualRect(grid.model().index(0, 0))
    first_hit = grid.visualRect(grid.model().index(1, 0))
    assert header.width() > 2 * first_hit.width()  # a header spans the grid
    assert first_hit.top() >= header.bottom()
    assert not grid.model().flags(grid.model().index(0, 0)) & Qt.ItemFlag.ItemIsSelectable

    pane.set_results(result([c1, b2]), append=True)  # the next page lands in its clip's group
    rows = grid_rows(pane)
    assert [row.video_id for row in rows if isinstance(row, SearchGroup)] == ["clipA", "clipB", "clipC"]
    assert rows[3].hits == (b1, b2) and rows[4:6] == [b1, b2]
    assert rows[7] == c1

    qtbot.mouseClick(pane.group_checkbox, Qt.MouseButton.LeftButton)
    assert grid_rows(pane) == [a1, b1, a2, c1, b2]


def test_clicking_a_group_header_activates_nothing(qtbot, pane):
    pane.set_results(result([make_hit(1, "clipA")]))
    pane.group_checkbox.setChecked(True)
    grid = pane.grid
    rect = grid.visualRect(grid.model().index(0, 0))
    with qtbot.assertNotEmitted(pane.hit_activated):
        qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_errors_are_shown_inline(qtbot, pane):
    pane.set_busy(True)
    assert pane._busy.isVisible()
    pane.show_error("Twelve Labs: HTTP 429: rate limit reached, retry in 3 s")
    assert pane.status_text == "Twelve Labs: HTTP 429: rate limit reached, retry in 3 s"
    assert pane._status.isVisible()
    assert not pane._busy.isVisible()
    assert not any(isinstance(w, QMessageBox) for w in QApplication.topLevelWidgets())


def test_busy_shows_and_restores_the_status(pane):
    pane.set_results(result([make_hit(1)]))
    pane.set_busy(True)
    assert pane.status_text == "Searching…"
    pane.set_busy(False)
    assert pane.status_text == "1 moment in 1 clip"


def test_thumbnails_are_painted_in_the_grid(qtbot, pane, loader, tmp_path):
    jpeg = tmp_path / "green.jpg"
    Image.new("RGB", (320, 180), GREEN).save(jpeg, quality=95)
    pane.set_results(result([make_hit(1, thumbnail=str(jpeg))]))
    qtbot.waitUntil(lambda: loader.pixmap(str(jpeg)) is not None, timeout=3000)
    grid = pane.grid
    grid.viewport().repaint()
    image = grid.viewport().grab().toImage()
    rect = grid.visualRect(grid.model().index(0, 0))
    # Top right of the thumbnail: away from the time badge at its bottom left.
    color = image.pixelColor(rect.topLeft() + QPoint(HitDelegate.PAD + THUMB_SIZE.width() - 10, HitDelegate.PAD + 10))
    assert color.green() > 150 and color.red() < 80


def test_captions_a_paint_had_no_time_for_follow_without_a_user_action(qtbot, pane, monkeypatch):
    from reelscope.qt.panes import hit_grid

    monkeypatch.setattr(hit_grid, "PAINT_TEXTS_S", 0.0)   # each paint draws one tile's texts, no more
    pane.set_results(result([make_hit(n, video_id=f"clip{n}") for n in range(6)]))
    grid = pane.grid
    delegate = grid.itemDelegate()
    grid.viewport().repaint()
    assert delegate.texts_left_out, "the paint ran out of time and left captions out"

    def caption_inked(image, row: int) -> bool:
        rect = grid.visualRect(grid.model().index(row, 0))
        top = rect.top() + HitDelegate.PAD + THUMB_SIZE.height() + 6
        text = grid.palette().color(grid.palette().ColorRole.Text)
        return any(abs(image.pixelColor(x, y).lightness() - text.lightness()) < 60
                   for x in range(rect.left() + HitDelegate.PAD, rect.left() + HitDelegate.PAD + 60)
                   for y in range(top, top + 14))

    # The grid draws the rest ahead and repaints those tiles by itself.
    qtbot.waitUntil(lambda: not delegate.texts_left_out, timeout=3000)
    image = grid.viewport().grab().toImage()
    assert all(caption_inked(image, row) for row in range(6))


def test_what_came_in_during_a_paint_is_handled_before_captions_are_drawn_ahead(qtbot, pane, monkeypatch):
    """A scroll step's paint and the next turn of drawing captions ahead do not follow each other at once: a
    key pressed meanwhile, or the next wheel step, is handled between them."""
    pane.resize(400, 300)
    pane.set_results(result([make_hit(n, video_id=f"clip{n}") for n in range(60)]))
    grid = pane.grid
    qtbot.waitUntil(lambda: not grid._ahead.isActive(), timeout=5000)   # the first screens drawn ahead
    order: list[str] = []
    delegate = grid.itemDelegate()
    drawn = delegate.draw_ahead
    monkeypatch.setattr(delegate, "draw_ahead", lambda *args: (order.append("caption drawn ahead"), drawn(*args)))

    class KeyDuringPaint(QObject):
        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint and not order:
                order.append("painted")
                QTimer.singleShot(0, lambda: order.append("key handled"))
            return False

    during_paint = KeyDuringPaint()
    grid.viewport().installEventFilter(during_paint)
    grid.verticalScrollBar().setValue(grid.verticalScrollBar().maximum() // 3)
    qtbot.waitUntil(lambda: "caption drawn ahead" in order and "key handled" in order, timeout=5000)
    assert order.index("painted") < order.index("key handled") < order.index("caption drawn ahead"), order
