from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from reelscope.services.ingest import expand_drop


def write(path, size=10):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    return path


def test_nested_folders_are_walked_sorted_and_hidden_entries_skipped(tmp_path):
    root = tmp_path / "shoot"
    b = write(root / "day2" / "b.MOV")
    a = write(root / "day1" / "a.mp4")
    c = write(root / "day1" / "sub" / "c.mkv")
    notes = write(root / "day1" / "notes.txt")
    empty = write(root / "empty.mp4", size=0)
    write(root / ".hidden.mp4")
    write(root / ".cache" / "d.mp4")

    files, refused = expand_drop([root])
    assert files == [a, c, b]
    reasons = {r.path: r.reason for r in refused}
    assert set(reasons) == {str(notes), str(empty)}
    assert reasons[str(notes)] == "not a video: a '.txt' file"
    assert reasons[str(empty)] == "empty file (0 bytes)"


def test_dropped_files_are_returned_absolute_and_once(tmp_path, monkeypatch):
    clip = write(tmp_path / "clip.mp4")
    monkeypatch.chdir(tmp_path)
    files, refused = expand_drop([Path("clip.mp4"), clip, tmp_path])
    assert files == [clip]
    assert refused == []
    assert files[0].is_absolute()


def test_missing_paths_are_refused_with_a_reason(tmp_path):
    files, refused = expand_drop([tmp_path / "gone.mp4"])
    assert files == []
    assert [(r.path, r.reason) for r in refused] == [(str(tmp_path / "gone.mp4"), "no such file or folder")]


def test_symlink_loops_are_safe(tmp_path):
    root = tmp_path / "root"
    clip = write(root / "inner" / "clip.mp4")
    os.symlink(root, root / "inner" / "loop")
    files, refused = expand_drop([root])
    assert files == [clip]
    assert refused == []


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs POSIX permissions, non-root")
def test_unreadable_files_and_folders_are_refused(tmp_path):
    locked = write(tmp_path / "locked.mp4")
    locked.chmod(0)
    closed = tmp_path / "closed"
    write(closed / "x.mp4")
    closed.chmod(0)
    try:
        files, refused = expand_drop([locked, closed])
    finally:
        closed.chmod(0o755)
    assert files == []
    reasons = {r.path: r.reason for r in refused}
    assert "permission denied" in reasons[str(locked)].lower()
    assert "permission denied" in reasons[str(closed)].lower()
