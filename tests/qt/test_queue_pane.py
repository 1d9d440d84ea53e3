from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPalette, QRegion
from PySide6.QtWidgets import QApplication, QMenu, QToolButton

from reelscope.domain.jobs import Job, JobPhase, JobState
from reelscope.domain.media import Refusal
from reelscope.qt.models.queue_model import Column
from reelscope.qt.models.roles import FAILURE_COLOR, ObjectRole, ProgressRole
from reelscope.qt.panes.queue_pane import QueuePane

NOW = 10_000.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def queued(job_id: int, name: str = "queued.mov") -> Job:
    return Job(id=job_id, path=f"/footage/{name}", provider="local", created_at=NOW - 5)


def running(job_id: int, progress: float = 0.42, phase: JobPhase = JobPhase.PROCESSING) -> Job:
    return Job(id=job_id, path="/footage/day 2/running.mov", provider="twelvelabs", state=JobState.RUNNING,
               phase=phase, progress=progress, created_at=NOW - 60, started_at=NOW - 30)


def failed(job_id: int, error: str = "HTTP 401 from noxovision: invalid API key") -> Job:
    return Job(id=job_id, path="/footage/failed.mov", provider="noxovision", state=JobState.FAILED,
               phase=JobPhase.UPLOADING, progress=0.3, error=error, created_at=NOW - 90, started_at=NOW - 80,
               finished_at=NOW - 70)


def done(job_id: int) -> Job:
    return Job(id=job_id, path="/footage/done.mov", provider="local", state=JobState.DONE, progress=1.0,
               phase=JobPhase.PROCESSING, created_at=NOW - 90, started_at=NOW - 80, finished_at=NOW - 70)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def pane(qtbot, clock):
    widget = QueuePane(clock=clock)
    qtbot.addWidget(widget)
    widget.resize(1000, 320)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def cell(pane: QueuePane, row: int, column: Column, role=Qt.ItemDataRole.DisplayRole):
    return pane.table.model().index(row, column).data(role)


def click_cell(qtbot, pane: QueuePane, row: int, column: Column) -> None:
    table = pane.table
    rect = table.visualRect(table.model().index(row, column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def toolbar_button(pane: QueuePane, text: str) -> QToolButton:
    return next(button for button in pane.findChildren(QToolButton) if button.text() == text)


def test_rows_show_progress_state_and_eta(pane):
    pane.set_jobs([queued(1), running(2), failed(3), done(4)])
    assert pane.row_count() == 4

    assert cell(pane, 0, Column.FILE) == "queued.mov"
    assert cell(pane, 0, Column.FILE, Qt.ItemDataRole.ToolTipRole) == "/footage/queued.mov"
    assert cell(pane, 0, Column.PROGRESS) == "Queued"
    assert cell(pane, 0, Column.ETA) == ""

    assert cell(pane, 1, Column.TARGET) == "Twelve Labs"
    assert cell(pane, 1, Column.PROGRESS) == "Processing 42%"
    assert cell(pane, 1, Column.PROGRESS, ProgressRole) == pytest.approx(0.42)
    assert cell(pane, 1, Column.STATE) == "Running"
    assert cell(pane, 1, Column.ETA) == "0:42"  # 30 s for 42 %: 41.4 s left
    assert cell(pane, 1, Column.ACTIONS) == "Cancel"

    assert cell(pane, 2, Column.STATE) == "Failed: HTTP 401 from noxovision: invalid API key"
    assert cell(pane, 2, Column.STATE, Qt.ItemDataRole.ToolTipRole) == "HTTP 401 from noxovision: invalid API key"
    assert cell(pane, 2, Column.STATE, Qt.ItemDataRole.ForegroundRole) == FAILURE_COLOR
    assert cell(pane, 2, Column.ACTIONS) == "Retry"

    assert cell(pane, 3, Column.PROGRESS) == "Done"
    assert cell(pane, 3, Column.ACTIONS) == ""
    assert pane.summary_text == "1 queued · 1 running · 1 done · 1 failed"


def _painted_cell(pane: QueuePane, row: int, column: Column):
    table = pane.table
    table.viewport().repaint()
    image = table.viewport().grab().toImage()
    return image, table.visualRect(table.model().index(row, column))


def _is(colour, expected: QColor, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour.getRgb()[:3], expected.getRgb()[:3], strict=True))


def test_in_a_narrow_queue_the_file_name_gives_way_and_every_column_stays_in_view(qtbot, pane):
    pane.set_jobs([done(1), failed(2)])
    pane.resize(600, 320)   # the queue dock on a 1366x768 screen
    table = pane.table
    qtbot.waitUntil(lambda: table.viewport().width() < 600)
    header = table.horizontalHeader()
    assert header.length() <= table.viewport().width()   # no column behind a horizontal scroll bar
    metrics = table.fontMetrics()
    assert header.sectionSize(Column.STATE) > metrics.horizontalAdvance("Analysing 100 %")
    assert header.sectionSize(Column.FILE) > metrics.horizontalAdvance("done.mov")


def test_the_bar_is_filled_as_far_as_the_job_got_and_updates_with_it(pane):
    pane.set_jobs([running(1, progress=0.25)])
    highlight = pane.table.palette().color(QPalette.ColorRole.Highlight)

    def filled_fraction() -> float:
        image, rect = _painted_cell(pane, 0, Column.PROGRESS)
        y = rect.top() + 6   # above the centred words
        xs = range(rect.left() + 5, rect.right() - 4)
        return sum(_is(image.pixelColor(x, y), highlight) for x in xs) / len(xs)

    assert filled_fraction() == pytest.approx(0.25, abs=0.03)
    pane.update_job(running(1, progress=0.8))
    assert filled_fraction() == pytest.approx(0.8, abs=0.03)


def test_a_progress_step_repaints_only_the_cells_it_changes(qtbot, pane):
    """The queue repaints on every progress step of every job: a step redraws the bar and the words
    beside it, a change of state the whole row."""
    pane.set_jobs([running(1, progress=0.25), running(2, progress=0.5)])
    table = pane.table
    table.viewport().repaint()   # whatever the first show left to paint
    repainted = QRegion()

    class Paints(QObject):
        def eventFilter(self, watched, event) -> bool:
            nonlocal repainted
            if event.type() == QEvent.Type.Paint:
                repainted |= event.region()
            return False

    def cells(row: int, first: Column, last: Column) -> QRegion:
        model = table.model()
        return QRegion(table.visualRect(model.index(row, first)) | table.visualRect(model.index(row, last)))

    def repainted_cells(row: int) -> set[Column]:
        model = table.model()
        return {column for column in Column
                if repainted.contains(table.visualRect(model.index(row, column)).adjusted(1, 1, -1, -1))}

    second_row = cells(1, Column.FILE, Column.ACTIONS)   # the first row's clock may tick meanwhile
    watcher = Paints()
    table.viewport().installEventFilter(watcher)
    pane.update_job(running(2, progress=0.6))
    qtbot.waitUntil(lambda: not (repainted & second_row).isEmpty())
    assert repainted_cells(1) == {Column.PROGRESS, Column.STATE, Column.ETA}

    repainted = QRegion()
    pane.update_job(failed(2))
    qtbot.waitUntil(lambda: not (repainted & second_row).isEmpty())
    table.viewport().removeEventFilter(watcher)
    assert repainted_cells(1) == set(Column)


def test_a_failure_is_painted_in_the_failure_colour(pane):
    pane.set_jobs([failed(1)])
    image, rect = _painted_cell(pane, 0, Column.STATE)
    colours = [image.pixelColor(x, y) for x in range(rect.left(), rect.right())
               for y in range(rect.top(), rect.bottom())]
    assert sum(_is(colour, FAILURE_COLOR, 30) for colour in colours) > 30   # the words' strokes


def test_uploading_phase_is_named(pane):
    pane.set_jobs([running(1, progress=0.1, phase=JobPhase.UPLOADING)])
    assert cell(pane, 0, Column.PROGRESS) == "Uploading 10%"


def test_eta_refreshes_every_second_while_running(qtbot, pane, clock):
    pane.set_jobs([running(1, progress=0.5)])
    assert cell(pane, 0, Column.ETA) == "0:30"
    assert pane._eta_timer.isActive()
    clock.now += 10  # 40 s for 50 %: 40 s left
    painted: list[int] = []
    pane.table.model().dataChanged.connect(lambda top, *_: painted.append(top.column()))
    qtbot.waitUntil(lambda: Column.ETA in painted, timeout=2000)
    assert cell(pane, 0, Column.ETA) == "0:40"

    pane.update_job(done(1))
    assert not pane._eta_timer.isActive()


def test_update_job_replaces_in_place_or_appends(pane):
    pane.set_jobs([queued(1), queued(2, "second.mov")])
    pane.update_job(running(1))
    assert pane.row_count() == 2
    assert cell(pane, 0, Column.STATE) == "Running"
    pane.update_job(queued(7, "new.mov"))
    assert pane.row_count() == 3
    assert cell(pane, 2, Column.FILE) == "new.mov"


def test_cancel_cell_on_a_running_job_emits_its_id(qtbot, pane):
    pane.set_jobs([done(1), running(5), failed(9)])
    with qtbot.waitSignal(pane.cancel_requested, timeout=1000) as signal, \
            qtbot.assertNotEmitted(pane.retry_requested):
        click_cell(qtbot, pane, 1, Column.ACTIONS)
    assert signal.args == [5]


def test_retry_cell_on_a_failed_job_emits_its_id(qtbot, pane):
    pane.set_jobs([done(1), running(5), failed(9)])
    with qtbot.waitSignal(pane.retry_requested, timeout=1000) as signal, \
            qtbot.assertNotEmitted(pane.cancel_requested):
        click_cell(qtbot, pane, 2, Column.ACTIONS)
    assert signal.args == [9]


def test_clicking_other_cells_does_not_act(qtbot, pane):
    pane.set_jobs([running(5)])
    with qtbot.assertNotEmitted(pane.cancel_requested):
        click_cell(qtbot, pane, 0, Column.FILE)


def test_toolbar_buttons_act_on_the_selection(qtbot, pane):
    pane.set_jobs([queued(1), running(5), failed(9)])
    cancel, retry = toolbar_button(pane, "Cancel"), toolbar_button(pane, "Retry")

    click_cell(qtbot, pane, 1, Column.FILE)
    assert cancel.isEnabled() and not retry.isEnabled()
    with qtbot.waitSignal(pane.cancel_requested, timeout=1000) as signal:
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert signal.args == [5]

    click_cell(qtbot, pane, 2, Column.FILE)
    assert retry.isEnabled() and not cancel.isEnabled()
    with qtbot.waitSignal(pane.retry_requested, timeout=1000) as signal:
        qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    assert signal.args == [9]


def test_selection_survives_set_jobs(qtbot, pane):
    pane.set_jobs([queued(1), running(5)])
    click_cell(qtbot, pane, 1, Column.FILE)
    pane.set_jobs([queued(1), running(5, progress=0.6), queued(6)])
    selected = pane.table.selectionModel().selectedRows()
    assert [index.data(ObjectRole).id for index in selected] == [5]


def test_refusals_show_their_reasons(pane):
    pane.set_jobs([queued(1)])
    pane.add_refusals([
        Refusal(path="/footage/notes.txt", reason="not a video ('.txt' file)"),
        Refusal(path="/footage/empty.mov", reason="empty file (0 bytes)"),
    ])
    assert pane.row_count() == 3
    assert cell(pane, 1, Column.FILE) == "notes.txt"
    assert cell(pane, 1, Column.STATE) == "Refused: not a video ('.txt' file)"
    assert "not a video" in cell(pane, 1, Column.STATE, Qt.ItemDataRole.ToolTipRole)
    assert cell(pane, 2, Column.STATE) == "Refused: empty file (0 bytes)"
    assert pane.summary_text == "1 queued · 2 refused"

    pane.set_jobs([queued(1), queued(2)])  # a refresh keeps the refusals
    assert pane.row_count() == 4


def test_clear_finished_drops_refusals_and_asks_for_the_rest(qtbot, pane):
    pane.set_jobs([running(1), done(2)])
    pane.add_refusals([Refusal(path="/footage/notes.txt", reason="not a video")])
    clear = toolbar_button(pane, "Clear finished")
    assert clear.isEnabled()
    with qtbot.waitSignal(pane.clear_finished_requested, timeout=1000):
        qtbot.mouseClick(clear, Qt.MouseButton.LeftButton)
    assert pane.row_count() == 2
    assert all(isinstance(cell(pane, row, Column.FILE, ObjectRole), Job) for row in range(2))


def test_context_menu_offers_the_actions(qtbot, pane):
    pane.set_jobs([failed(9)])
    click_cell(qtbot, pane, 0, Column.FILE)
    table = pane.table
    position = table.visualRect(table.model().index(0, Column.FILE)).center()
    table.customContextMenuRequested.emit(position)
    menu = next(widget for widget in QApplication.topLevelWidgets() if isinstance(widget, QMenu) and widget.isVisible())
    actions = {action.text(): action for action in menu.actions() if action.text()}
    assert list(actions) == ["Cancel", "Retry", "Clear finished"]
    assert not actions["Cancel"].isEnabled() and actions["Retry"].isEnabled()
    with qtbot.waitSignal(pane.retry_requested, timeout=1000) as signal:
        actions["Retry"].trigger()
    assert signal.args == [9]
    menu.close()
