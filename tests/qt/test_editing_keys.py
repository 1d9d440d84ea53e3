"""The keys editors' hands know, pressed on the real window: shuttle, marks, cuts, spans, markers; then export."""

from __future__ import annotations

import opentimelineio as otio
import pytest
from PySide6.QtCore import QPoint, Qt

from fakes.media import make_clip
from reelscope.qt.controllers.clip_controller import MUTE_KEY
from reelscope.qt.export_dialog import ExportDialog
from reelscope.qt.shortcuts_dialog import ShortcutsDialog

FPS = 25
CUTS = (50, 120)
FRAME = 1 / FPS


@pytest.fixture
def editing(open_app, qtbot, tmp_path, run_async):
    clip = make_clip(tmp_path / "jetty.mp4", cut_frames=CUTS, total_frames=250, fps=FPS)
    app = open_app()
    run_async(app.workspace.add_paths([clip]))
    qtbot.waitUntil(lambda: len(app.clips()) == 1 and app.clips()[0].status_for("local").status == "finished",
                    timeout=60_000)
    app.workspace.library.select_clip(app.clips()[0].id)
    player = app.workspace.player
    qtbot.waitUntil(player.has_frame, timeout=10_000)
    qtbot.waitUntil(lambda: app.workspace.timeline.lane_rect("local/scenes").height() > 0, timeout=5_000)
    app.window.activateWindow()                 # shortcuts reach the active window only
    qtbot.waitUntil(app.window.isActiveWindow, timeout=2_000)
    player.view.setFocus()
    return app


def press(qtbot, app, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(app.workspace.player.view, key, modifier)


def test_l_and_j_shuttle_doubling_to_8x_and_k_stops(editing, qtbot):
    app, player = editing, editing.workspace.player
    rates = []
    for _ in range(5):
        press(qtbot, app, Qt.Key.Key_L)
        rates.append(player.rate())
    assert rates == [1.0, 2.0, 4.0, 8.0, 8.0]
    qtbot.waitUntil(lambda: player.position() > 1.0, timeout=10_000)
    press(qtbot, app, Qt.Key.Key_K)
    assert player.rate() == 0.0 and not player.is_playing()

    player.seek(8.0)
    press(qtbot, app, Qt.Key.Key_J)
    assert player.rate() == -1.0 and player.is_playing()
    qtbot.waitUntil(lambda: player.position() < 7.7, timeout=5_000)     # backwards, by stepped seeks
    press(qtbot, app, Qt.Key.Key_J)
    assert player.rate() == -2.0
    press(qtbot, app, Qt.Key.Key_L)                                     # L while reversing: forwards at 1x
    assert player.rate() == 1.0
    press(qtbot, app, Qt.Key.Key_K)
    stopped = player.position()
    qtbot.wait(200)
    assert player.rate() == 0.0 and player.position() == stopped


def test_holding_k_steps_a_frame_with_j_and_l(editing, qtbot):
    app, player = editing, editing.workspace.player
    view = player.view
    player.seek(2.0)
    qtbot.keyPress(view, Qt.Key.Key_K)
    qtbot.keyClick(view, Qt.Key.Key_L)
    qtbot.keyClick(view, Qt.Key.Key_L)
    assert player.position() == pytest.approx(2.0 + 2 * FRAME) and player.rate() == 0.0
    qtbot.keyClick(view, Qt.Key.Key_J)
    qtbot.keyRelease(view, Qt.Key.Key_K)
    assert player.position() == pytest.approx(2.0 + FRAME) and not player.is_playing()
    press(qtbot, app, Qt.Key.Key_L)                                     # K released: L plays again
    assert player.rate() == 1.0
    press(qtbot, app, Qt.Key.Key_K)


def test_i_and_o_mark_a_range_drawn_on_the_timeline(editing, qtbot):
    app, player, timeline = editing, editing.workspace.player, editing.workspace.timeline
    before = timeline.grab().toImage()
    player.seek(1.0)
    press(qtbot, app, Qt.Key.Key_I)
    player.seek(3.0)
    press(qtbot, app, Qt.Key.Key_O)
    assert timeline.marks() == (1.0, 3.0)
    after = timeline.grab().toImage()
    inside = QPoint(int(timeline.x_for_time(2.0)), 5)                 # on the ruler, away from ticks' labels
    outside = QPoint(int(timeline.x_for_time(6.0)), 5)
    assert after.pixelColor(inside) != before.pixelColor(inside), "the range is shaded"
    assert after.pixelColor(outside) == before.pixelColor(outside)
    press(qtbot, app, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    assert timeline.marks() == (None, None)


def test_up_and_down_go_cut_to_cut_and_shift_arrows_walk_the_selected_lane(editing, qtbot):
    app, player, timeline = editing, editing.workspace.player, editing.workspace.timeline
    player.seek(0.0)
    press(qtbot, app, Qt.Key.Key_Down)
    assert player.position() == pytest.approx(CUTS[0] * FRAME)
    press(qtbot, app, Qt.Key.Key_Down)
    assert player.position() == pytest.approx(CUTS[1] * FRAME)
    press(qtbot, app, Qt.Key.Key_Up)
    assert player.position() == pytest.approx(CUTS[0] * FRAME)

    press(qtbot, app, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert player.position() == pytest.approx(CUTS[0] * FRAME), "no lane selected: nothing to walk"
    assert "lane" in app.window.statusBar().currentMessage()
    header = timeline.header_rect("local/scenes")
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=header.center())
    assert timeline.selected_track_key() == "local/scenes"
    timeline.setFocus()
    qtbot.keyClick(timeline, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert player.position() == pytest.approx(CUTS[1] * FRAME)
    qtbot.keyClick(timeline, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(timeline, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert player.position() == 0.0


def test_m_adds_a_marker_kept_in_the_catalogue_and_exported_with_the_range(editing, qtbot, tmp_path):
    app, player, timeline = editing, editing.workspace.player, editing.workspace.timeline
    video_id = app.clips()[0].id
    player.seek(3.0)
    press(qtbot, app, Qt.Key.Key_M)
    storage = app.core.storage
    qtbot.waitUntil(lambda: len(storage.database.call(storage.markers.for_clip, video_id)) == 1, timeout=5_000)
    [marker] = storage.database.call(storage.markers.for_clip, video_id)
    assert marker.time_s == pytest.approx(3.0)
    qtbot.waitUntil(lambda: timeline.markers() == [pytest.approx(3.0)], timeout=2_000)

    player.seek(1.0)
    press(qtbot, app, Qt.Key.Key_I)
    player.seek(6.0)
    press(qtbot, app, Qt.Key.Key_O)
    app.window.export_action.trigger()
    dialog = app.window.findChild(ExportDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=2_000)
    assert dialog.range_box.isChecked() and "00:00:01:00" in dialog.range_box.text()
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("otio"))
    target = tmp_path / "jetty-selects.otio"
    dialog.path_edit.setText(str(target))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=10_000)
    qtbot.waitUntil(lambda: "Exported 1 clip" in app.window.statusBar().currentMessage(), timeout=5_000)

    timeline_file = otio.adapters.read_from_file(str(target))
    pieces = timeline_file.tracks[0].find_clips()
    ranges = [(round(p.source_range.start_time.value), round(p.source_range.end_time_exclusive().value))
              for p in pieces]
    assert ranges == [(25, CUTS[0]), (CUTS[0], CUTS[1]), (CUTS[1], 150)]   # 1 s to 6 s, cut at the scenes
    markers = [(m.name, round(m.marked_range.start_time.value)) for p in pieces for m in p.markers]
    assert [m for m in markers if m[0].startswith("Marker ")] == [(f"Marker {marker.id}", 75)]


def test_the_shortcuts_dialog_lists_every_key(editing, qtbot):
    app = editing
    qtbot.keyClick(app.workspace.player.view, Qt.Key.Key_F1)
    dialog = app.window.findChild(ShortcutsDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=2_000)
    keys = {action: keys for _menu, action, keys in dialog.rows()}
    assert keys["Play backwards"] == "J" and keys["Stop"] == "K" and keys["Play forwards"] == "L"
    assert keys["Mark in"] == "I" and keys["Mark out"] == "O" and keys["Add marker"] == "M"
    assert keys["Previous cut"] == "Up" and keys["Next span of the selected lane"] == "Shift+Right"
    assert keys["Mute"] == MUTE_KEY and keys["Export…"] == "Ctrl+E"
    assert any("frame" in action for action in keys)   # the K+J / K+L chords
    dialog.reject()
