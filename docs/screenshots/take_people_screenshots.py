"""Takes the README's screenshots of the local engine's depth, in a real window (run it under Xvfb).

    Xvfb :99 -screen 0 1600x1000x24 & DISPLAY=:99 .venv/bin/python docs/screenshots/take_people_screenshots.py

Makes two clips from real photos and a real song (tests/fakes/real_media.py), analyses them into a
fresh data folder, names the two persons, and saves timeline-depth.png, people-gallery.png and
search-person.png beside this script.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tests"))

from window_support import close_all, run_on_qt, settle  # noqa: E402  (beside this script)


def make_media(folder: Path) -> tuple[list[Path], Path]:
    from fakes import real_media
    from fakes.pictures import Caption, Shot, card, make_picture_clip, plain
    from fakes.songs import excerpt, read_audio, with_noise

    real_song, _ = real_media.songs()
    music = folder / "music"
    music.mkdir(parents=True)
    (music / "1918.mp3").write_bytes(real_song.file.read_bytes())
    astronaut = real_media.rgb(real_media.astronaut())
    hopper = real_media.rgb(real_media.grace_hopper())
    shop = real_media.rgb(real_media.sign_photo(real_media.SIGN_PHOTOS[5]))
    sign = real_media.rgb(real_media.sign_photo(real_media.SIGN_PHOTOS[0]))
    size = (1280, 720)
    song = read_audio(real_song.file)
    interview = make_picture_clip(
        folder / "Harbour interview.mp4",
        [Shot(3.0, card("HARBOUR STORIES", size)), Shot(5.0, astronaut, zoom=0.06), Shot(4.0, shop, zoom=0.05),
         Shot(5.0, hopper, zoom=0.06), Shot(4.0, sign, zoom=0.04), Shot(4.0, astronaut, zoom=-0.0),
         Shot(3.0, plain(size=size, seed=3))],
        size=size, captions=[Caption("Eileen Collins, astronaut", 3.5, 7.5), Caption("Grace Hopper", 12.5, 16.0)],
        audio=with_noise(excerpt(song, 30.0, 28.0), 15.0), preset="veryfast",
    )
    portrait = make_picture_clip(
        folder / "Portrait session.mp4",
        [Shot(4.0, hopper, zoom=0.08), Shot(3.0, plain((70, 60, 90), size=size, seed=5))], size=size,
        preset="veryfast",
    )
    return [interview, portrait], music


async def take(app, folder: Path) -> None:
    from PySide6.QtCore import Qt

    from reelscope.app import build_core
    from reelscope.qt.theme import apply_dark_theme
    from reelscope.qt.window_factory import build_window

    apply_dark_theme(app)
    clips, _music = make_media(folder)
    core = build_core()
    window, workspace, tasks = build_window(core, folder)
    window.resize(1600, 1000)
    window.show()
    await workspace.loaded()
    await core.analysis.start()
    await workspace.add_paths(clips)
    await core.analysis.wait_idle()
    persons = await core.people.persons()
    names = {}
    for person in persons:
        faces = await core.people.faces_of(person.person_id)
        in_portrait = any(face.title == "Portrait session" for face in faces)
        names[person.person_id] = "Grace Hopper" if in_portrait else "Eileen Collins"
    for person_id, name in names.items():
        await core.people.rename(person_id, name)
    window.queue_dock.hide()
    window.resizeDocks([window.timeline_dock], [330], Qt.Orientation.Vertical)
    interview = next(c for c in await core.library.clips() if c.title == "Harbour interview")
    await workspace.open_clip(interview.id, at_s=14.0)
    await settle(lambda: workspace.player.has_frame())
    await asyncio.sleep(1.0)
    window.grab().save(str(HERE / "timeline-depth.png"))

    window.people_dock.show()
    window.people_dock.raise_()
    hopper_id = next(pid for pid, name in names.items() if name == "Grace Hopper")
    workspace.people.select_person(hopper_id)
    await asyncio.sleep(1.5)
    window.grab().save(str(HERE / "people-gallery.png"))

    window.search_dock.raise_()
    workspace.search.set_query("grace hopper")
    await settle(lambda: workspace.search.hit_count() > 0)
    await asyncio.sleep(1.5)
    window.grab().save(str(HERE / "search-person.png"))

    await close_all(window, workspace, tasks, core)


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="reelscope-shots-"))
    os.environ["REELSCOPE_DATA_DIR"] = str(folder / "data")
    os.environ["REELSCOPE_CONFIG"] = str(folder / "config.toml")
    os.environ["REELSCOPE_MUSIC_DIR"] = str(folder / "music")
    return run_on_qt(lambda app: take(app, folder))


if __name__ == "__main__":
    raise SystemExit(main())
