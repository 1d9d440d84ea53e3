"""Export from the library's selection and from search results, through the dialog on the real window."""

from __future__ import annotations

import opentimelineio as otio
from PySide6.QtCore import QItemSelectionModel, Qt

from fakes.media import make_clip
from reelscope.qt.export_dialog import ExportDialog


def analysed_app(open_app, qtbot, run_async, paths):
    app = open_app()
    run_async(app.workspace.add_paths(paths))
    qtbot.waitUntil(lambda: len(app.clips()) == len(paths)
                    and all(c.status_for("local").status == "finished" for c in app.clips()), timeout=60_000)
    return app


def finish_dialog(app, qtbot, export_format: str, target) -> None:
    dialog = app.window.findChild(ExportDialog)
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible(), timeout=2_000)
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData(export_format))
    dialog.path_edit.setText(str(target))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=10_000)


def test_two_selected_clips_export_as_one_timeline(open_app, qtbot, tmp_path, run_async):
    paths = [make_clip(tmp_path / "bow.mp4", cut_frames=(20,), total_frames=40),
             make_clip(tmp_path / "stern.mp4", total_frames=30)]
    app = analysed_app(open_app, qtbot, run_async, paths)
    view = app.workspace.library.list_view
    selection = view.selectionModel()
    for row in range(2):
        selection.select(view.model().index(row, 0), QItemSelectionModel.SelectionFlag.Select)
    assert len(app.workspace.library.selected_clip_ids()) == 2
    app.workspace.library.export_requested.emit(app.workspace.library.selected_clip_ids())  # the context menu's
    target = tmp_path / "both.xml"
    finish_dialog(app, qtbot, "fcp7", target)
    timeline = otio.adapters.read_from_file(str(target))
    names = [clip.name for clip in timeline.tracks[0].find_clips()]
    assert sorted(names) == ["bow · Scene 1", "bow · Scene 2", "stern · Scene 1"]


def test_search_results_export_as_a_reel_of_moments(open_app, qtbot, tmp_path, run_async):
    paths = [make_clip(tmp_path / "harbour one.mp4", cut_frames=(20,), total_frames=50),
             make_clip(tmp_path / "harbour two.mp4", total_frames=25)]
    app = analysed_app(open_app, qtbot, run_async, paths)
    pane = app.workspace.search
    pane.set_query("harbour")
    qtbot.waitUntil(lambda: pane.hit_count() == 2 and pane.export_button.isEnabled(), timeout=5_000)
    qtbot.mouseClick(pane.export_button, Qt.MouseButton.LeftButton)
    target = tmp_path / "moments.otio"
    finish_dialog(app, qtbot, "otio", target)
    timeline = otio.adapters.read_from_file(str(target))
    assert timeline.name == "Search: harbour"
    assert sorted(c.name.split(" · ")[0] for c in timeline.tracks[0].find_clips()) == [
        "harbour one 0:00–0:02", "harbour one 0:00–0:02", "harbour two 0:00–0:01",
    ]
