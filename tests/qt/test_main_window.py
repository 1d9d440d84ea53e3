"""The whole window, driven as an editor would: drop clips, watch them analysed, open one, click a scene."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from fakes.media import make_clip, make_text_file
from reelscope.domain.jobs import JobState
from reelscope.qt.main_window import LIBRARY_MIN_WIDTH

FPS = 25


def drop_paths(widget, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = widget.rect().center()
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted(), "the window refused the drag"
    assert "Drop to analyse" in widget.window().statusBar().currentMessage()
    drop = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(widget, drop)


def wait_until_analysed(app, qtbot, count: int) -> None:
    qtbot.waitUntil(
        lambda: len(jobs := app.jobs()) == count and all(j.state is JobState.DONE for j in jobs),
        timeout=60_000,
    )
    qtbot.waitUntil(lambda: app.workspace.library.clip_count() == count, timeout=5_000)


def three_clips(folder: Path) -> list[Path]:
    return [
        make_clip(folder / "harbour.mp4", cut_frames=(20, 45), total_frames=70, fps=FPS),
        make_clip(folder / "market.mp4", cut_frames=(30,), total_frames=60, fps=FPS),
        make_clip(folder / "tunnel.mp4", total_frames=40, fps=FPS),
    ]


def test_drop_analyse_open_and_seek_by_scene(open_app, qtbot, tmp_path):
    media = tmp_path / "media"
    clips = three_clips(media)
    notes = make_text_file(media / "notes.txt")
    app = open_app()

    drop_paths(app.window.player.view.viewport(), [*clips, notes])  # over the picture itself

    qtbot.waitUntil(lambda: app.workspace.queue.row_count() == 4, timeout=5_000)
    jobs = app.jobs()
    assert sorted(Path(job.path).name for job in jobs) == ["harbour.mp4", "market.mp4", "tunnel.mp4"]
    assert app.workspace.queue.row_count() == 4, "three jobs and one refusal"
    assert "notes.txt" in _queue_text(app.workspace.queue) and "not a video" in _queue_text(app.workspace.queue)

    wait_until_analysed(app, qtbot, 3)

    harbour = next(c for c in app.clips() if c.title == "harbour")
    app.workspace.library.select_clip(harbour.id)
    qtbot.waitUntil(lambda: app.workspace.current_clip_id() == harbour.id, timeout=5_000)
    timeline = app.workspace.timeline
    qtbot.waitUntil(lambda: timeline.lane_rect("local/scenes").height() > 0, timeout=5_000)

    scenes = app.analysis(harbour.id).scenes
    assert len(scenes) == 3
    second = scenes[1]
    lane = timeline.lane_rect("local/scenes")
    x = int((timeline.x_for_time(second.start_s) + timeline.x_for_time(second.end_s)) / 2)
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, lane.center().y()))

    player = app.workspace.player
    assert abs(player.position() - second.start_s) <= 1.0 / FPS
    qtbot.waitUntil(lambda: abs(player.player_position() - second.start_s) <= 1.0 / FPS, timeout=5_000)
    assert abs(timeline.position() - second.start_s) <= 1.0 / FPS
    assert player.view.overlay_text().splitlines()[0] == "Scene 2 of 3"  # then its section


def test_unfinished_queue_survives_a_restart(open_app, qtbot, tmp_path, run_async):
    clips = three_clips(tmp_path / "media")
    first = open_app(start=False)          # quit before anything ran, as after a crash
    run_async(first.workspace.add_paths(clips))
    assert first.workspace.queue.row_count() == 3
    open_app.close(first)

    second = open_app(start=False)
    assert second.workspace.queue.row_count() == 3
    assert all(job.state is JobState.QUEUED for job in second.jobs())
    run_async(second.core.analysis.start())
    wait_until_analysed(second, qtbot, 3)


def test_failed_file_shows_its_reason_and_keeps_the_rest(open_app, qtbot, tmp_path, run_async):
    good = make_clip(tmp_path / "good.mp4", cut_frames=(10,), total_frames=30)
    broken = make_text_file(tmp_path / "broken.mp4")   # a video name, not video content
    app = open_app()
    run_async(app.workspace.add_paths([good, broken]))
    qtbot.waitUntil(lambda: all(job.state.is_finished for job in app.jobs()), timeout=60_000)
    states = {Path(job.path).name: job for job in app.jobs()}
    assert states["good.mp4"].state is JobState.DONE
    assert states["broken.mp4"].state is JobState.FAILED and states["broken.mp4"].error
    qtbot.waitUntil(lambda: states["broken.mp4"].error in _queue_text(app.workspace.queue), timeout=5_000)
    assert app.workspace.library.clip_count() == 1


def test_search_hit_opens_the_clip_at_that_moment(open_app, qtbot, tmp_path, run_async):
    clip = make_clip(tmp_path / "lighthouse.mp4", cut_frames=(25,), total_frames=50)
    app = open_app()
    run_async(app.workspace.add_paths([clip]))
    wait_until_analysed(app, qtbot, 1)

    app.window.quick_search.setText("lighth")
    qtbot.keyClick(app.window.quick_search, Qt.Key.Key_Return)
    grid = app.workspace.search.grid
    qtbot.waitUntil(lambda: app.workspace.search.hit_count() >= 1, timeout=5_000)
    first = grid.model().index(0, 0)
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=grid.visualRect(first).center())

    video_id = app.clips()[0].id
    qtbot.waitUntil(lambda: app.workspace.current_clip_id() == video_id, timeout=5_000)
    assert app.workspace.library.selected_clip().id == video_id


def test_layout_is_restored_at_the_next_start(open_app, qtbot):
    first = open_app(start=False)
    first.window.search_dock.hide()
    open_app.close(first)
    second = open_app(start=False)
    second.window.restore_layout()
    assert not second.window.search_dock.isVisible()
    assert second.window.library_dock.isVisible()


def test_on_a_small_screen_the_window_starts_as_small_as_it_can_and_the_library_stays_readable(open_app, qtbot):
    app = open_app(start=False)
    window = app.window
    screen = window.screen().availableGeometry()
    assert screen.width() < 1480 and screen.height() < 900, "the test platform's screen is not a small one"
    assert window.height() <= screen.height()
    assert window.width() == max(window.minimumSizeHint().width(), round(screen.width() * 0.92))

    narrowest = window.minimumSizeHint()
    window.resize(narrowest)   # a user narrowing the window as far as it goes
    qtbot.waitUntil(lambda: window.size() == narrowest)
    assert window.library_dock.width() >= LIBRARY_MIN_WIDTH
    assert window.centralWidget().width() >= 300   # the player is still a picture


def _queue_text(pane) -> str:
    model = pane.table.model()
    cells = []
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.data(index, role)
                if value:
                    cells.append(str(value))
    return "\n".join(cells)


def test_playback_moves_the_playhead_and_the_overlay(open_app, qtbot, tmp_path, run_async):
    clip = make_clip(tmp_path / "river.mp4", cut_frames=(15,), total_frames=100, fps=FPS)
    app = open_app()
    run_async(app.workspace.add_paths([clip]))
    wait_until_analysed(app, qtbot, 1)
    app.workspace.library.select_clip(app.clips()[0].id)
    player, timeline = app.workspace.player, app.workspace.timeline
    qtbot.waitUntil(player.has_frame, timeout=5_000)
    assert player.view.overlay_text().splitlines()[0] == "Scene 1 of 2"

    app.window.activateWindow()                        # shortcuts reach the active window only
    qtbot.waitUntil(app.window.isActiveWindow, timeout=10_000)
    player.view.setFocus()
    qtbot.keyClick(app.window, Qt.Key.Key_Space)       # the editor's play key
    qtbot.waitUntil(lambda: player.position() > 1.0, timeout=10_000)
    assert player.is_playing()
    assert abs(timeline.position() - player.position()) < 0.1
    assert player.view.overlay_text().splitlines()[0] == "Scene 2 of 2"
    qtbot.keyClick(app.window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=10_000)

    stopped_at = player.position()
    qtbot.keyClick(app.window, Qt.Key.Key_Right)        # one frame forward
    assert abs(player.position() - (stopped_at + 1 / FPS)) < 1e-6
    assert player.transport.time_label.text().startswith("00:00:0")


def test_a_clip_whose_name_is_not_utf8_plays(open_app, qtbot, tmp_path, run_async):
    made = make_clip(tmp_path / "made.mp4", cut_frames=(15,), total_frames=60, fps=FPS)
    raw_name = os.fsencode(tmp_path) + b"/caf\xe9 take\xff.mp4"   # Latin-1 bytes: legal on Linux, not UTF-8
    os.rename(made, raw_name)
    app = open_app()
    errors = []
    app.workspace.player.error_occurred.connect(errors.append)
    run_async(app.workspace.add_paths([Path(os.fsdecode(raw_name))]))
    wait_until_analysed(app, qtbot, 1)
    app.workspace.library.select_clip(app.clips()[0].id)
    player = app.workspace.player
    qtbot.waitUntil(lambda: player.has_frame() or bool(errors), timeout=5_000)
    assert errors == [] and player.has_frame()
    player.seek(1.5)
    qtbot.waitUntil(lambda: abs(player.player_position() - 1.5) <= 1.0 / FPS, timeout=5_000)


def test_an_exception_in_a_slot_reaches_the_user(open_app, qtbot, qloop):
    app = open_app(start=False)
    reporter = app.window.error_reporter
    reporter.install_hooks(qloop)
    try:
        def broken_slot():
            raise RuntimeError("catalogue went away")

        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: "catalogue went away" in app.window.statusBar().currentMessage(), timeout=3_000)
        assert reporter.last_message == "Unexpected error: catalogue went away"
    finally:
        reporter.uninstall_hooks(qloop)


def test_an_error_dropped_on_another_thread_is_shown_from_the_gui_thread(open_app, qtbot, qloop, monkeypatch):
    app = open_app(start=False)
    reporter = app.window.error_reporter
    reported_on = []
    report = reporter.report_exception
    monkeypatch.setattr(reporter, "report_exception",
                        lambda error: (reported_on.append(threading.current_thread()), report(error)))
    reporter.install_hooks(qloop)
    try:
        # asyncio reports a future whose exception nobody read from whichever thread frees it.
        dropper = threading.Thread(target=lambda: qloop.call_exception_handler(
            {"message": "Future exception was never retrieved", "exception": RuntimeError("worker gone")}))
        dropper.start()
        dropper.join()
        qtbot.waitUntil(lambda: "worker gone" in app.window.statusBar().currentMessage(), timeout=3_000)
        assert reported_on == [threading.main_thread()]
    finally:
        reporter.uninstall_hooks(qloop)


def test_settings_dialog_saves_the_data_folder_and_workers(open_app, qtbot, tmp_path, monkeypatch):
    from reelscope.library.config import load_settings
    from reelscope.qt.settings_dialog import SettingsDialog

    app = open_app(start=False)
    monkeypatch.delenv("REELSCOPE_DATA_DIR")   # the folder now comes from the file the dialog writes
    app.window.settings_action.trigger()
    qtbot.waitUntil(lambda: app.window.findChild(SettingsDialog) is not None, timeout=2_000)
    dialog = app.window.findChild(SettingsDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    dialog.data_dir_edit.setText(str(tmp_path / "elsewhere"))
    dialog.workers_spin.setValue(1)
    dialog.accept()
    qtbot.waitUntil(lambda: "next start" in app.window.statusBar().currentMessage(), timeout=5_000)
    settings = load_settings()
    assert settings.data_dir == str(tmp_path / "elsewhere") and settings.local_workers == 1


def test_settings_show_a_data_folder_fixed_by_the_environment(open_app, qtbot):
    from reelscope.qt.settings_dialog import SettingsDialog

    app = open_app(start=False)
    app.window.settings_action.trigger()
    qtbot.waitUntil(lambda: app.window.findChild(SettingsDialog) is not None, timeout=2_000)
    dialog = app.window.findChild(SettingsDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    assert dialog.data_dir_edit.isReadOnly()
    assert "REELSCOPE_DATA_DIR" in dialog.data_dir_edit.toolTip()
    dialog.reject()


def test_a_clip_is_listed_while_it_is_analysed_and_its_timeline_fills_in(open_app, qtbot, tmp_path, run_async):
    from fakes.media import make_looped_clip

    pair = make_clip(tmp_path / "pair.mp4", cut_frames=(50,), total_frames=100)
    long_clip = make_looped_clip(pair, tmp_path / "long take.mp4", repeats=80)   # 320 s: seconds to analyse
    # Text and faces in 160 scenes would take minutes; this is about the clip listed while it is analysed.
    (tmp_path / "config.toml").write_text("[local]\nocr = false\nfaces = false\n", encoding="utf-8")
    app = open_app()
    run_async(app.workspace.add_paths([long_clip]))
    library = app.workspace.library
    qtbot.waitUntil(lambda: library.clip_count() == 1, timeout=30_000)
    clip = app.clips()[0]
    assert clip.status_for("local").status == "running"
    assert app.jobs()[0].state is JobState.RUNNING

    library.select_clip(clip.id)                     # open it before its analysis is done
    qtbot.waitUntil(lambda: app.workspace.current_clip_id() == clip.id, timeout=5_000)
    wait_until_analysed(app, qtbot, 1)
    qtbot.waitUntil(lambda: app.workspace.timeline.lane_rect("local/scenes").height() > 0, timeout=5_000)
    assert app.clip(clip.id).status_for("local").status == "finished"


def test_remove_from_library_asks_then_forgets_the_clip_but_not_the_file(open_app, qtbot, tmp_path, run_async):
    from PySide6.QtWidgets import QMessageBox

    clip_path = make_clip(tmp_path / "outtake.mp4", cut_frames=(10,), total_frames=30)
    app = open_app()
    run_async(app.workspace.add_paths([clip_path]))
    wait_until_analysed(app, qtbot, 1)
    video_id = app.clips()[0].id
    app.workspace.library.select_clip(video_id)
    qtbot.waitUntil(lambda: app.workspace.current_clip_id() == video_id, timeout=5_000)

    list_view = app.workspace.library.list_view
    list_view.setFocus()
    qtbot.keyClick(list_view, Qt.Key.Key_Delete)
    box = app.window.findChild(QMessageBox)
    qtbot.waitUntil(lambda: box.isVisible(), timeout=10_000)
    assert "outtake" in box.text()
    remove = next(b for b in box.buttons() if b.text() == "Remove")
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: app.workspace.library.clip_count() == 0, timeout=10_000)
    assert app.clip(video_id) is None
    assert app.workspace.current_clip_id() is None and not app.workspace.player.has_frame()
    assert clip_path.is_file(), "removing from the library never touches the media"


def test_analyse_again_and_open_from_the_queue(open_app, qtbot, tmp_path, run_async):
    clip_path = make_clip(tmp_path / "take2.mp4", cut_frames=(10,), total_frames=30)
    app = open_app()
    run_async(app.workspace.add_paths([clip_path]))
    wait_until_analysed(app, qtbot, 1)
    video_id = app.clips()[0].id

    app.workspace.library.select_clip(video_id)
    app.workspace.library.reanalyse_requested.emit(video_id)      # the context menu's "Analyse again"
    qtbot.waitUntil(lambda: len(app.jobs()) == 2, timeout=10_000)
    qtbot.waitUntil(lambda: all(job.state is JobState.DONE for job in app.jobs()), timeout=60_000)

    run_async(app.workspace.remove_clip(video_id))   # start from nothing open, then double-click the queue row
    run_async(app.workspace.add_paths([clip_path]))
    qtbot.waitUntil(lambda: all(job.state is JobState.DONE for job in app.jobs()), timeout=60_000)
    table = app.workspace.queue.table
    row = next(r for r in range(table.model().rowCount()) if table.model().index(r, 0).data() == "take2.mp4")
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # QTest's double-click
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # needs a press first
    qtbot.waitUntil(lambda: app.workspace.current_clip_id() == video_id, timeout=5_000)


def test_shift_m_mutes_and_unmutes(open_app, qtbot):
    app = open_app(start=False)
    player = app.workspace.player
    assert not player.is_muted()
    app.window.activateWindow()                 # shortcuts reach the active window only
    qtbot.waitUntil(app.window.isActiveWindow, timeout=10_000)
    player.view.setFocus()
    qtbot.keyClick(player.view, Qt.Key.Key_M)   # M adds a marker, as in editing suites
    assert not player.is_muted()
    shift = Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(player.view, Qt.Key.Key_M, shift)
    assert player.is_muted() and player.transport.mute_button.isChecked()
    qtbot.keyClick(player.view, Qt.Key.Key_M, shift)
    assert not player.is_muted()

    app.window.quick_search.setFocus()          # typing a query never mutes
    qtbot.keyClick(app.window.quick_search, Qt.Key.Key_M, shift)
    assert app.window.quick_search.text().lower() == "m" and not player.is_muted()


def test_files_handed_over_by_a_second_start_are_added_and_the_window_comes_forward(open_app, qtbot, tmp_path):
    import subprocess
    import sys

    from reelscope.app import _take_files
    from reelscope.qt.instance_server import InstanceServer, hand_over

    clip = make_clip(tmp_path / "handed.mp4", total_frames=25)
    app = open_app()
    server = InstanceServer("reelscope-test-handover", app.window)
    assert server.listening
    server.files_received.connect(lambda paths: _take_files(app.window, app.workspace, paths))
    app.window.showMinimized()
    second_start = (  # another process, as a second `reelscope` is
        "import sys; from PySide6.QtCore import QCoreApplication; app = QCoreApplication([]); "
        "from reelscope.qt.instance_server import hand_over; "
        f"sys.exit(0 if hand_over('reelscope-test-handover', [{str(clip)!r}]) else 3)"
    )
    sender = subprocess.Popen([sys.executable, "-c", second_start])
    qtbot.waitUntil(lambda: sender.poll() is not None, timeout=15_000)
    assert sender.returncode == 0
    qtbot.waitUntil(lambda: app.workspace.queue.row_count() == 1, timeout=5_000)
    assert not app.window.isMinimized()
    assert hand_over("reelscope-nobody-listens", [clip], timeout_ms=300) is False
    server.close()


def test_the_window_never_queries_the_catalogue_on_its_own_thread(open_app, qtbot, tmp_path, run_async):
    import threading

    app = open_app()
    database = app.core.storage.database
    threads: set[str] = set()
    database.call(database.connection.set_trace_callback, lambda _sql: threads.add(threading.current_thread().name))
    clip = make_clip(tmp_path / "quay.mp4", cut_frames=(10,), total_frames=30)
    run_async(app.workspace.add_paths([clip]))
    wait_until_analysed(app, qtbot, 1)
    video_id = app.clips()[0].id
    run_async(app.workspace.open_clip(video_id))
    app.workspace.search.set_query("quay")
    qtbot.waitUntil(lambda: app.workspace.search.hit_count() >= 1, timeout=5_000)
    run_async(app.workspace.remove_clip(video_id))
    assert threads, "the scenario reached the catalogue"
    assert {name.split("_")[0] for name in threads} == {"reelscope-db"}, threads
