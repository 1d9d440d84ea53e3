"""However the app dies, its analysis processes die with it, and the next start finishes the work."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fakes.media import make_clip, make_looped_clip

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")

EXIT_WAIT_S = 1.5  # the workers watch their parent; allow the second they may take, plus scheduling slack


def descendants(pid: int) -> set[int]:
    """Every living process below pid, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found: set[int] = set()
    waiting = [pid]
    while waiting:
        for child in children.get(waiting.pop(), []):
            if child not in found:
                found.add(child)
                waiting.append(child)
    return found


def has_open(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") == str(path) for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(condition, timeout_s: float, poll_s: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll_s)
    return condition()


@pytest.fixture
def env(tmp_path):
    # The cut scan alone: what is tested is the processes' lifetime, not the slower stages' findings.
    (tmp_path / "config.toml").write_text("[local]\nocr = false\nfaces = false\nmusic = false\n")
    env = dict(os.environ)
    env.update(
        REELSCOPE_DATA_DIR=str(tmp_path / "data"),
        REELSCOPE_CONFIG=str(tmp_path / "config.toml"),
        QT_QPA_PLATFORM="offscreen",
    )
    return env


def reelscope(env, *args: str) -> list[str]:
    return [sys.executable, "-m", "reelscope", *args]


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["kill-9", "sigterm", "ctrl-c"])
def test_no_process_outlives_the_app_and_the_next_start_finishes_the_job(env, tmp_path, how):
    pair = make_clip(tmp_path / "pair.mp4", cut_frames=(50,), total_frames=100)
    long_take = make_looped_clip(pair, tmp_path / "long take.mp4", repeats=120)  # a few seconds of analysis
    with open(tmp_path / "stderr.txt", "wb") as stderr:
        app = subprocess.Popen(
            reelscope(env, "gui", str(long_take), "--screenshot", str(tmp_path / "first.png")),
            env=env, stdout=subprocess.DEVNULL, stderr=stderr,
        )
    try:
        # Mid-analysis: a pool worker is decoding the clip.
        decoding = lambda: any(has_open(pid, long_take) for pid in descendants(app.pid))  # noqa: E731
        assert wait_for(decoding, timeout_s=60), "the analysis never started"
        workers = descendants(app.pid)
        app.send_signal(how)
        app.wait(timeout=10)
    finally:
        if app.poll() is None:
            app.kill()
    assert wait_for(lambda: not any(alive(pid) for pid in workers), timeout_s=EXIT_WAIT_S), (
        f"left behind: {[pid for pid in workers if alive(pid)]}"
    )
    if how != signal.SIGKILL:   # asked to quit, the app quits as Quit does
        said = (tmp_path / "stderr.txt").read_text(errors="replace")
        assert app.returncode == 128 + how, said[-2000:]   # the screenshot it was started for was not taken
        assert "leaked" not in said and "Traceback" not in said, said[-2000:]
        assert (tmp_path / "window.ini").is_file(), "the window's layout was not saved"

    second = subprocess.run(
        reelscope(env, "gui", "--screenshot", str(tmp_path / "second.png")),
        env=env, capture_output=True, text=True, timeout=180,
    )
    assert second.returncode == 0, second.stderr[-2000:]
    library = subprocess.run(reelscope(env, "library", "--json"), env=env, capture_output=True, text=True, timeout=60)
    [row] = [json.loads(line) for line in library.stdout.splitlines()]
    assert row["video"]["title"] == "long take"
    assert [(s["provider"], s["status"]) for s in row["statuses"]] == [("local", "finished")]
    assert len(row["analyses"][0]["scenes"]) == 240
