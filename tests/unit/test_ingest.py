from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from reelscope.services.ingest import expand_drop


def write(path, size=10):
    """A file of its own content (files with equal content are the same clip to Reelscope)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    unique = hashlib.sha256(str(path).encode()).hexdigest().encode()
    path.write_bytes((unique * (size // len(unique) + 1))[:size])
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
    assert [f.path for f in files] == [a, c, b]
    reasons = {r.path: r.reason for r in refused}
    assert set(reasons) == {str(notes), str(empty)}
    assert reasons[str(notes)] == "not a video: a '.txt' file"
    assert reasons[str(empty)] == "empty file (0 bytes)"


def test_dropped_files_are_returned_absolute_and_once(tmp_path, monkeypatch):
    clip = write(tmp_path / "clip.mp4")
    monkeypatch.chdir(tmp_path)
    files, refused = expand_drop([Path("clip.mp4"), clip, tmp_path])
    assert [f.path for f in files] == [clip]
    assert refused == []
    assert files[0].path.is_absolute()
    assert files[0].size == 10 and files[0].fingerprint


def test_the_same_file_reached_twice_is_queued_once(tmp_path):
    clip = write(tmp_path / "a" / "clip.mp4", size=300_000)
    (tmp_path / "b").mkdir()
    os.symlink(clip, tmp_path / "b" / "same clip.mp4")
    other = write(tmp_path / "b" / "other.mp4", size=300_000)
    files, _ = expand_drop([tmp_path / "a", tmp_path / "b"])
    assert [f.path for f in files] == [clip, other]


def test_missing_paths_are_refused_with_a_reason(tmp_path):
    files, refused = expand_drop([tmp_path / "gone.mp4"])
    assert files == []
    assert [(r.path, r.reason) for r in refused] == [(str(tmp_path / "gone.mp4"), "no such file or folder")]


def test_symlink_loops_are_safe(tmp_path):
    root = tmp_path / "root"
    clip = write(root / "inner" / "clip.mp4")
    os.symlink(root, root / "inner" / "loop")
    files, refused = expand_drop([root])
    assert [f.path for f in files] == [clip]
    assert refused == []


def test_names_that_are_not_utf8_are_kept_exactly(tmp_path):
    raw = os.fsencode(tmp_path) + b"/bad\xff\xfe.mp4"
    with open(raw, "wb") as file:
        file.write(b"x" * 10)
    files, refused = expand_drop([tmp_path])
    assert refused == []
    assert [os.fsencode(f.path) for f in files] == [raw]


def _expand_without_privileges(paths: list[Path]) -> tuple[list[str], dict[str, str]]:
    """expand_drop as a user the permissions apply to: root reads everything, so a forked child
    drops to nobody first (and does nothing but this, then exits)."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            files, refused = expand_drop(paths)
            found = {"files": [str(f.path) for f in files], "refused": {r.path: r.reason for r in refused}}
            os.write(write_end, json.dumps(found).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        found = json.loads(pipe.read() or b"{}")
    os.waitpid(child, 0)
    return found["files"], found["refused"]


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX permissions")
def test_unreadable_files_and_folders_are_refused():
    shared = Path(tempfile.mkdtemp(prefix="reelscope-perm-"))  # a folder every user can enter
    try:
        shared.chmod(0o755)
        locked = write(shared / "locked.mp4")
        locked.chmod(0)
        closed = shared / "closed"
        write(closed / "x.mp4")
        closed.chmod(0)
        files, refused = _expand_without_privileges([locked, closed])
    finally:
        (shared / "closed").chmod(0o755)
        shutil.rmtree(shared)
    assert files == []
    assert "permission denied" in refused[str(locked)].lower()
    assert "permission denied" in refused[str(closed)].lower()
