"""Takes the README's screenshots of cloud search, in a real window against the loopback fakes (run under Xvfb).

    Xvfb :99 -screen 0 1600x1000x24 & DISPLAY=:99 .venv/bin/python docs/screenshots/take_search_screenshots.py

Starts the Twelve Labs fake, analyses two generated clips with the local engine into a fresh data
folder, and saves beside this script search-twelvelabs-grouped.png (Twelve Labs' hits grouped by clip)
and search-merged.png (this library and Twelve Labs searched at once, hits labelled by provider).
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

KEY = "tlk-screenshots-0b7c"
TEXT = "bear chasing a man"


def make_media(folder: Path) -> list[Path]:
    from fakes.media import make_clip

    return [
        make_clip(folder / "Bear chasing a man, trail cam.mp4", cut_frames=(40,), total_frames=100, size=(640, 360),
                  motion="pan"),
        make_clip(folder / "Bear chasing a man at the river.mp4", cut_frames=(30, 70), total_frames=110,
                  size=(640, 360), motion="pan"),
    ]


async def take(app, folder: Path) -> None:
    from PySide6.QtCore import Qt

    from reelscope.app import build_core
    from reelscope.qt.theme import apply_dark_theme
    from reelscope.qt.window_factory import build_window

    apply_dark_theme(app)
    clips = make_media(folder / "media")
    core = build_core()
    window, workspace, tasks = build_window(core, folder)
    window.resize(1600, 1000)
    window.show()
    await workspace.loaded()
    await core.analysis.start()
    await workspace.add_paths(clips)
    await core.analysis.wait_idle()
    window.queue_dock.hide()
    window.resizeDocks([window.library_dock, window.search_dock], [260, 760], Qt.Orientation.Horizontal)
    pane = workspace.search

    pane.choose_providers(["twelvelabs"])
    await settle(lambda: pane.options_form.widget_for("twelvelabs", "page_limit") is not None)
    pane.group_checkbox.setChecked(True)
    pane.set_query(TEXT)
    await settle(lambda: pane.hit_count() > 0 and not pane.is_busy())
    await settle(lambda: all(pane.thumbnails.pixmap(h.thumbnail_url) for h in pane.hits()[:12]))
    await asyncio.sleep(1.0)
    window.grab().save(str(HERE / "search-twelvelabs-grouped.png"))

    pane.group_checkbox.setChecked(False)
    pane.choose_providers(["local", "twelvelabs"])
    await settle(lambda: {h.provider for h in pane.hits()} == {"local", "twelvelabs"} and not pane.is_busy())
    await settle(lambda: all(pane.thumbnails.pixmap(h.thumbnail_url) for h in pane.hits()[:12]))
    await asyncio.sleep(1.0)
    window.grab().save(str(HERE / "search-merged.png"))

    await close_all(window, workspace, tasks, core)


def main() -> int:
    import tomli_w

    from fakes.twelvelabs import FakeTwelveLabs

    folder = Path(tempfile.mkdtemp(prefix="reelscope-search-shots-"))
    with FakeTwelveLabs(api_key=KEY, videos=24) as fake:
        (folder / "config.toml").write_text(tomli_w.dumps({"providers": {"twelvelabs": {
            "base_url": fake.base_url, "index_id": fake.index_id}}}), encoding="utf-8")
        os.environ["REELSCOPE_DATA_DIR"] = str(folder / "data")
        os.environ["REELSCOPE_CONFIG"] = str(folder / "config.toml")
        os.environ["REELSCOPE_SECRETS"] = "file"
        os.environ["REELSCOPE_TWELVELABS_API_KEY"] = KEY
        return run_on_qt(lambda app: take(app, folder))


if __name__ == "__main__":
    raise SystemExit(main())
