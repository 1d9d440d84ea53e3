"""Seeknetic collections in the library pane, against the fake over loopback: listed, created, chosen for
uploads, and used to show only the clips a collection holds."""

from __future__ import annotations

import hashlib
import tomllib

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog

from fakes.media import make_clip


def section_of(app):
    return app.window.collections_controller._section


def item_texts(section) -> list[str]:
    return [section.list.item(row).text() for row in range(section.list.count())]


def row_of(section, name: str) -> int:
    return next(row for row, text in enumerate(item_texts(section)) if name in text)


def double_click(qtbot, widget, pos) -> None:
    """Press, release, then the double click itself, as a mouse sends them."""
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=pos)


def test_the_section_shows_only_while_seeknetic_is_set_up(open_app, qtbot, cloud):
    app = open_app()
    assert not section_of(app).isVisible()


def test_collections_are_listed_created_chosen_for_uploads_and_filter_the_library(open_app, qtbot, cloud, tmp_path):
    cloud.seeknetic.collections["archive-1"] = {"name": "Archive", "description": "last year's shoots"}
    cloud.store_keys("seeknetic")
    sent = make_clip(tmp_path / "media" / "harbour.mp4", cut_frames=(20,), total_frames=50)
    kept = make_clip(tmp_path / "media" / "market.mp4", cut_frames=(25,), total_frames=50)
    app = open_app()
    section = section_of(app)
    assert section.isVisible()
    qtbot.waitUntil(lambda: any("Archive" in text for text in item_texts(section)), timeout=5_000)
    assert item_texts(section) == ["All clips", "Archive  ·  0 videos"]

    qtbot.mouseClick(section.new_button, Qt.MouseButton.LeftButton)
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible())
    dialog.setTextValue("Harbour shoot")
    dialog.accept()
    qtbot.waitUntil(lambda: any("Harbour shoot" in text for text in item_texts(section)), timeout=5_000)
    created = next(cid for cid, c in cloud.seeknetic.collections.items() if c["name"] == "Harbour shoot")

    row = row_of(section, "Harbour shoot")
    rect = section.list.visualItemRect(section.list.item(row))
    double_click(qtbot, section.list.viewport(), rect.center())
    qtbot.waitUntil(lambda: item_texts(section)[row_of(section, "Harbour shoot")].startswith("⬆"), timeout=5_000)
    config = tomllib.loads(cloud.config.read_text(encoding="utf-8"))
    assert config["providers"]["seeknetic"]["collection_id"] == created
    assert "upload to “Harbour shoot”" in app.window.statusBar().currentMessage()

    for action in app.window.targets_menu.actions():
        action.setChecked(action.text() in ("Local", "Seeknetic"))
    task = app.workspace.add_paths([sent])
    qtbot.waitUntil(task.done, timeout=5_000)
    for action in app.window.targets_menu.actions():
        action.setChecked(action.text() == "Local")
    task = app.workspace.add_paths([kept])
    qtbot.waitUntil(task.done, timeout=5_000)
    qtbot.waitUntil(lambda: len(app.jobs()) == 3 and all(j.state.is_finished for j in app.jobs()), timeout=60_000)
    sha256 = hashlib.sha256(sent.read_bytes()).hexdigest()
    video_id = cloud.seeknetic.record()["videos_by_sha256"][sha256][0]
    assert cloud.seeknetic.videos[video_id]["collection_id"] == created, "uploaded to the chosen collection"
    qtbot.waitUntil(lambda: "Harbour shoot  ·  1 video" in item_texts(section)[row_of(section, "Harbour shoot")],
                    timeout=5_000)

    library = app.workspace.library   # the list shows the collection chosen above: its clip arrived there
    qtbot.waitUntil(lambda: library.clip_count() == 1, timeout=5_000)
    assert library.clip_at_row(0).title == "harbour"
    section.list.setCurrentRow(0)
    assert library.clip_count() == 2, "All clips"
    section.list.setCurrentRow(row_of(section, "Archive"))
    qtbot.waitUntil(lambda: library.clip_count() == 0, timeout=5_000)
    section.list.setCurrentRow(row_of(section, "Harbour shoot"))
    qtbot.waitUntil(lambda: library.clip_count() == 1, timeout=5_000)
