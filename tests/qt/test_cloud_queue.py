"""Drops sent to several targets at once, and the queue showing what each service is doing, against the
fakes over loopback: rows per target, upload bytes and speed, the service's progress, its refusals."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from fakes.media import make_clip
from reelscope.domain.jobs import JobState
from reelscope.qt.models.queue_model import Column


def drop(app, paths: list[Path]) -> None:
    widget = app.window.player.view.viewport()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = widget.rect().center()
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(widget, QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, buttons, modifiers))


def tick(app, *labels: str) -> None:
    """Ticks these targets in the toolbar's Analyse with menu, as a click on each entry would."""
    for action in app.window.targets_menu.actions():
        if action.text() in labels and not action.isChecked():
            action.trigger()


def rows(app) -> list[dict[str, str]]:
    model = app.workspace.queue.table.model()
    return [
        {column.name: model.index(row, column).data() or "" for column in Column}
        | {"STATE_TIP": model.index(row, Column.STATE).data(Qt.ItemDataRole.ToolTipRole) or ""}
        for row in range(model.rowCount())
    ]


def all_done(app, count: int) -> bool:
    """Every job finished, in the catalogue and in the queue's rows."""
    jobs = app.jobs()
    shown = rows(app)
    finished = ("Done", "Not sent again", "Failed", "Cancelled")
    return len(jobs) == count and all(job.state.is_finished for job in jobs) and len(shown) == count and all(
        row["PROGRESS"].startswith(finished) for row in shown
    )


def jobs_created(fake, path: Path) -> list[str]:
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    return fake.record()["jobs_by_sha256"].get(sha256, [])


def test_a_drop_with_two_targets_makes_a_row_for_each_and_the_choice_is_remembered(open_app, qtbot, cloud, tmp_path):
    cloud.store_keys("noxovision")
    clip = make_clip(tmp_path / "media" / "pier.mp4", cut_frames=(20,), total_frames=50)
    app = open_app()
    tick(app, "Noxovision")
    assert app.window.targets_button.text() == "Analyse with: Local, Noxovision"

    drop(app, [clip])
    qtbot.waitUntil(lambda: app.workspace.queue.row_count() == 2, timeout=10_000)
    assert sorted(row["TARGET"] for row in rows(app)) == ["Local", "Noxovision"]
    qtbot.waitUntil(lambda: all_done(app, 2), timeout=60_000)
    assert all(job.state is JobState.DONE for job in app.jobs())
    assert len(jobs_created(cloud.noxovision, clip)) == 1
    open_app.close(app)

    again = open_app()
    assert again.window.target_providers() == ["local", "noxovision"], "the last choice survives a restart"

    drop(again, [clip])  # the same content again: the service is not asked twice
    qtbot.waitUntil(lambda: all_done(again, 4), timeout=60_000)
    repeated = [row for row in rows(again) if row["PROGRESS"] == "Not sent again"]
    assert sorted(row["TARGET"] for row in repeated) == ["Local", "Noxovision"]
    noxovision = next(row for row in repeated if row["TARGET"] == "Noxovision")
    assert "Already analysed by Noxovision: not sent again" in noxovision["STATE"]
    assert len(jobs_created(cloud.noxovision, clip)) == 1


def test_the_queue_shows_upload_bytes_and_speed_then_the_services_progress(open_app, qtbot, cloud, tmp_path):
    cloud.store_keys("noxovision")
    clip = make_clip(tmp_path / "media" / "grainy.mp4", cut_frames=(20,), total_frames=80, size=(1280, 720),
                     noise=20.0)
    size_mb = clip.stat().st_size / 1e6
    assert size_mb > 12, "more than the sockets' buffers take at once"
    # A slow line: the upload takes a few seconds.
    cloud.noxovision.faults.read_bytes_per_s = 6_000_000
    cloud.noxovision.processing_s = 1.5
    app = open_app()
    for action in app.window.targets_menu.actions():   # Noxovision only
        action.setChecked(action.text() == "Noxovision")
    seen: list[dict[str, str]] = []
    model = app.workspace.queue.table.model()
    model.dataChanged.connect(lambda *_: seen.extend(rows(app)))

    drop(app, [clip])
    qtbot.waitUntil(lambda: all_done(app, 1), timeout=60_000)
    progress = [row["PROGRESS"] for row in seen]
    uploading = [row for row in seen if row["PROGRESS"].startswith("Uploading ")]
    assert uploading, f"no upload was shown: {progress}"
    assert any(row["PROGRESS"].endswith(f"/{size_mb:.1f} MB") for row in uploading), "bytes sent of the size"
    assert any("uploading at" in row["STATE"] and row["STATE"].endswith("MB/s") for row in uploading), "its speed"
    processing = [row for row in seen if row["PROGRESS"].startswith("Processing")]
    assert processing and any(row["ETA"] for row in processing), "the service's latency gives an ETA"
    assert any("“running”" in row["STATE"] for row in processing), "the service's own word on the job"
    first = {name: next(i for i, text in enumerate(progress) if text.startswith(name))
             for name in ("Reading", "Uploading", "Processing")}
    assert first["Reading"] < first["Uploading"] < first["Processing"], "hashing, uploading, then processing"
    assert rows(app)[0]["PROGRESS"] == "Done"


def test_a_service_refusing_the_key_fails_the_row_with_its_own_words(open_app, qtbot, cloud, tmp_path):
    cloud.store_keys("slipstream")
    cloud.slipstream.expire(cloud.key)
    clip = make_clip(tmp_path / "media" / "dock.mp4", total_frames=30)
    app = open_app()
    for action in app.window.targets_menu.actions():
        action.setChecked(action.text() == "Slipstream")
    drop(app, [clip])
    qtbot.waitUntil(lambda: all_done(app, 1), timeout=30_000)
    row = rows(app)[0]
    assert row["STATE"].startswith("Failed: Slipstream refused the API key (HTTP 401)")
    assert "Given token not valid for any token type" in row["STATE_TIP"], "the server's words"
    assert cloud.key not in row["STATE_TIP"] and row["ACTIONS"] == "Retry"
