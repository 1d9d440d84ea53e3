"""The people gallery and people search in the real window, on clips of real faces (tests/fakes/real_media.py):
persons listed with faces and clip counts, renamed (and then found by name), merged; a moment opens its clip."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from fakes import real_media
from fakes.pictures import Shot, make_picture_clip, plain
from reelscope.domain.jobs import JobState


def wait_until_analysed(app, qtbot, count: int) -> None:
    qtbot.waitUntil(
        lambda: len(jobs := app.jobs()) == count and all(j.state is JobState.DONE for j in jobs), timeout=180_000
    )


def test_people_are_listed_renamed_found_by_name_and_merged(open_app, qtbot, tmp_path, run_async):
    (tmp_path / "config.toml").write_text("[local]\nocr = false\nmusic = false\n", encoding="utf-8")
    astronaut = real_media.rgb(real_media.astronaut())
    hopper = real_media.rgb(real_media.grace_hopper())
    first = make_picture_clip(tmp_path / "interview.mp4",
                              [Shot(3.0, astronaut, zoom=0.05), Shot(2.0, plain(seed=1)), Shot(3.0, hopper, zoom=0.05)],
                              size=(960, 540))
    second = make_picture_clip(tmp_path / "portrait.mp4", [Shot(2.0, plain(seed=2)), Shot(4.0, hopper, zoom=0.05)],
                               size=(960, 540))
    app = open_app()
    run_async(app.workspace.add_paths([first, second]))
    wait_until_analysed(app, qtbot, 2)
    pane = app.workspace.people
    qtbot.waitUntil(lambda: len(pane.persons()) == 2, timeout=10_000)
    hopper_person, collins = pane.persons()          # most screen time first: Hopper is in both clips
    assert (hopper_person.clip_count, collins.clip_count) == (2, 1)
    assert hopper_person.thumbnail_path and hopper_person.display_name.startswith("Person ")

    pane.select_person(hopper_person.person_id)
    qtbot.waitUntil(lambda: pane.moments_model.rowCount() == 2, timeout=10_000)
    pane.ask_rename(hopper_person.person_id)
    dialog = pane.findChild(QInputDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=2_000)
    dialog.setTextValue("Grace Hopper")
    dialog.accept()
    qtbot.waitUntil(lambda: pane.persons()[0].name == "Grace Hopper", timeout=10_000)
    qtbot.waitUntil(lambda: "Grace Hopper" in pane.title.text(), timeout=10_000)

    moment = pane.moments_model.items()[0]
    pane.moment_activated.emit(moment)
    qtbot.waitUntil(lambda: app.workspace.current_clip_id() == moment.video_id, timeout=10_000)
    timeline = app.workspace.timeline
    qtbot.waitUntil(lambda: "Grace Hopper" in timeline.lane_titles(), timeout=10_000)

    search = app.workspace.search
    search.set_query("grace")
    qtbot.waitUntil(lambda: search.hit_count() == 2, timeout=10_000)
    assert "2 moments in 2 clips" in search.status_text

    person_row = search.person_filter.findData(collins.person_id)
    search.person_filter.setCurrentIndex(person_row)
    search.set_query("hopper")
    qtbot.waitUntil(lambda: search.status_text.startswith("No results"), timeout=10_000)

    pane.merge_requested.emit(collins.person_id, hopper_person.person_id)
    qtbot.waitUntil(lambda: len(pane.persons()) == 1, timeout=10_000)
    assert pane.persons()[0].clip_count == 2 and pane.persons()[0].name == "Grace Hopper"
