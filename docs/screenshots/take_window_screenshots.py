"""Takes the README's window screenshots on real footage, in a real window (run it under Xvfb).

    Xvfb :99 -screen 0 1600x1000x24 & DISPLAY=:99 .venv/bin/python docs/screenshots/take_window_screenshots.py

Analyses the real clips of tests/data/real, a corrupt copy of one and a text file into a fresh data
folder, and saves beside this script main-window.png (a clip open on a moment with text on screen) and
search-and-queue.png (a search grouped by clip, the library filtered, the refused and failed files in
the queue).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

from window_support import close_all, run_on_qt, settle  # noqa: E402  (beside this script)

REAL = HERE.parents[1] / "tests" / "data" / "real"


def make_media(folder: Path) -> list[Path]:
    folder.mkdir(parents=True)
    clips = []
    for name in ("bbb-trailer.mp4", "night-montage.mp4", "city-night.mpg"):
        (folder / name).write_bytes((REAL / name).read_bytes())
        clips.append(folder / name)
    corrupt = folder / "drone pass.mp4"
    corrupt.write_bytes((REAL / "night-montage.mp4").read_bytes()[:20_000])
    notes = folder / "shot notes.txt"
    notes.write_text("day 2: night exteriors\n")
    return [*clips, corrupt, notes]


async def take(app, folder: Path) -> None:
    from PySide6.QtCore import Qt

    from reelscope.app import build_core
    from reelscope.qt.theme import apply_dark_theme
    from reelscope.qt.window_factory import build_window

    apply_dark_theme(app)
    core = build_core()
    window, workspace, tasks = build_window(core, folder)
    window.resize(1600, 1000)
    window.show()
    await workspace.loaded()
    await core.analysis.start()
    await workspace.add_paths(make_media(folder / "media"))
    await core.analysis.wait_idle()
    await asyncio.sleep(0.5)

    trailer = next(clip for clip in await core.library.clips() if clip.title == "bbb-trailer")
    await workspace.open_clip(trailer.id, 22.0)
    await asyncio.sleep(1.5)
    window.grab().save(str(HERE / "main-window.png"))

    window.resizeDocks([window.search_dock], [520], Qt.Orientation.Horizontal)
    workspace.library.filter_edit.setText("night")
    pane = workspace.search
    pane.group_checkbox.setChecked(True)
    pane.set_query("night")
    await settle(lambda: pane.hit_count() > 0 and not pane.is_busy())
    await asyncio.sleep(1.5)
    window.grab().save(str(HERE / "search-and-queue.png"))

    await close_all(window, workspace, tasks, core)


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="reelscope-window-shots-"))
    os.environ["REELSCOPE_DATA_DIR"] = str(folder / "data")
    os.environ["REELSCOPE_CONFIG"] = str(folder / "config.toml")
    return run_on_qt(lambda app: take(app, folder))


if __name__ == "__main__":
    raise SystemExit(main())
