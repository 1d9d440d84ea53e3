"""A clip analysed by the local engine, Noxovision and Slipstream (their fakes over loopback): lanes side by
side labelled by provider, a provider's lanes hidden and kept hidden, and the service's pictures in tooltips."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from fakes.media import make_clip

SECONDS = 11   # the fake Noxovision's result reaches 10.7 s


def analysed_clip(app, qtbot, clip, targets=("Local", "Noxovision", "Slipstream")) -> str:
    for action in app.window.targets_menu.actions():
        action.setChecked(action.text() in targets)
    task = app.workspace.add_paths([clip])
    qtbot.waitUntil(task.done, timeout=10_000)
    qtbot.waitUntil(lambda: len(app.jobs()) == len(targets) and all(j.state.is_finished for j in app.jobs()),
                    timeout=60_000)
    video_id = app.jobs()[0].video_id
    app.window.queue_dock.hide()   # room for every lane
    app.window.resize(1480, 1300)
    opening = app.workspace.open_clip(video_id)
    qtbot.waitUntil(opening.done, timeout=10_000)
    qtbot.waitUntil(lambda: len({t.provider for t in app.workspace.timeline.shown_tracks()}) == len(targets),
                    timeout=10_000)
    return video_id


def titles(timeline) -> list[str]:
    return [track.title for track in timeline.shown_tracks()]


def span_point(timeline, track_key: str, at_s: float) -> QPoint:
    lane = timeline.lane_rect(track_key)
    assert not lane.isEmpty(), f"no lane {track_key}"
    assert lane.bottom() < timeline.height() - 20, f"{track_key} is scrolled out of sight"
    return QPoint(int(timeline.x_for_time(at_s)), lane.center().y())


def test_local_and_cloud_lanes_sit_side_by_side_and_a_hidden_provider_stays_hidden(open_app, qtbot, cloud, tmp_path):
    cloud.store_keys("noxovision", "slipstream")
    clip = make_clip(tmp_path / "media" / "harbour.mp4", cut_frames=(130,), total_frames=SECONDS * 25, fps=25)
    app = open_app()
    video_id = analysed_clip(app, qtbot, clip)
    timeline = app.workspace.timeline
    shown = titles(timeline)
    for title in ("Scenes · Local", "Activity · Local", "Scenes · Noxovision", "Sections · Noxovision",
                  "Text on screen · Noxovision", "Person 1 · Noxovision", "Person 2 · Noxovision",
                  "Music · Slipstream"):
        assert title in shown, f"{title} is not among {shown}"
    assert shown.index("Scenes · Local") < shown.index("Scenes · Noxovision") < shown.index("Music · Slipstream")
    sections = next(t for t in timeline.shown_tracks() if t.key == "noxovision/sections")
    assert [span.label for span in sections.spans] == ["intro", "⚠ demo"], "a critical section stands out"
    music = next(t for t in timeline.shown_tracks() if t.key == "slipstream/music")
    assert "ISRC USRC17607839" in music.spans[0].tooltip and "score 88%" in music.spans[0].tooltip

    bar = app.workspace.timeline.parentWidget().provider_bar
    assert bar.isVisible() and all(bar.box(p).isChecked() for p in ("local", "noxovision", "slipstream"))
    visible_before = timeline.visible_range()
    qtbot.mouseClick(bar.box("noxovision"), Qt.MouseButton.LeftButton)
    assert timeline.lane_rect("noxovision/scenes").isEmpty()
    assert not timeline.lane_rect("local/scenes").isEmpty() and not timeline.lane_rect("slipstream/music").isEmpty()
    assert not any(title.endswith("· Noxovision") for title in titles(timeline))
    assert timeline.visible_range() == visible_before, "hiding lanes keeps the zoom"
    open_app.close(app)

    again = open_app()
    opening = again.workspace.open_clip(video_id)
    qtbot.waitUntil(opening.done, timeout=10_000)
    timeline = again.workspace.timeline
    qtbot.waitUntil(lambda: bool(timeline.shown_tracks()), timeout=10_000)
    assert timeline.lane_rect("noxovision/scenes").isEmpty(), "the choice is remembered"
    bar = timeline.parentWidget().provider_bar
    assert not bar.box("noxovision").isChecked()
    qtbot.mouseClick(bar.box("noxovision"), Qt.MouseButton.LeftButton)
    assert not timeline.lane_rect("noxovision/scenes").isEmpty()


def test_the_services_face_thumbnails_and_section_frames_show_in_tooltips(open_app, qtbot, cloud, tmp_path, data_dir):
    cloud.store_keys("noxovision")
    clip = make_clip(tmp_path / "media" / "quay.mp4", cut_frames=(130,), total_frames=SECONDS * 25, fps=25)
    app = open_app()
    analysed_clip(app, qtbot, clip, targets=("Noxovision",))
    timeline = app.workspace.timeline
    face = span_point(timeline, "noxovision/people/noxovision:person-1", 6.0)

    timeline.rich_tooltip_at(face)   # hovering asks for the picture; it is fetched off the GUI thread
    qtbot.waitUntil(lambda: "<img" in timeline.rich_tooltip_at(face), timeout=10_000)
    shown = timeline.rich_tooltip_at(face)
    assert "Person 1" in shown and "prominence 65%" in shown and "allowlisted" in shown
    fetched = [r for r in cloud.noxovision.requests if r["path"] == "/thumbnails/face-1.jpg"]
    assert len(fetched) == 1 and fetched[0]["headers"]["x-api-key"] == cloud.key, "fetched once, as Noxovision wants"
    assert list((data_dir / "thumbnails" / "fetched").rglob("*.img")), "kept in the thumbnail cache"

    QApplication.sendEvent(timeline, QHelpEvent(QEvent.Type.ToolTip, face, timeline.mapToGlobal(face)))
    assert QToolTip.isVisible() and "<img" in QToolTip.text()
    QToolTip.hideText()

    inline_face = span_point(timeline, "noxovision/people/noxovision:person-2", 4.0)
    timeline.rich_tooltip_at(inline_face)   # this one came as base64 in the result
    qtbot.waitUntil(lambda: "<img" in timeline.rich_tooltip_at(inline_face), timeout=10_000)

    section = span_point(timeline, "noxovision/sections", 4.0)
    timeline.rich_tooltip_at(section)   # the frame at the section's thumbnail time, from the clip itself
    qtbot.waitUntil(lambda: "<img" in timeline.rich_tooltip_at(section), timeout=10_000)
    assert "critical" in timeline.rich_tooltip_at(section)


def test_no_music_found_is_said_on_the_timeline(open_app, qtbot, cloud, tmp_path):
    cloud.store_keys("slipstream")
    cloud.slipstream.default_track = None
    clip = make_clip(tmp_path / "media" / "quiet.mp4", cut_frames=(40,), total_frames=80, fps=25)
    app = open_app()
    analysed_clip(app, qtbot, clip, targets=("Local", "Slipstream"))
    timeline = app.workspace.timeline
    lane = timeline.lane_rect("slipstream/music")
    assert not lane.isEmpty()
    header = QPoint(10, lane.center().y())
    assert timeline.tooltip_at(header) == "Music · Slipstream: No music found"
