"""What a drop of files and folders means: the video files to queue, and what was refused."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..domain.media import Refusal, refusal_reason


def expand_drop(paths: Iterable[Path]) -> tuple[list[Path], list[Refusal]]:
    """Absolute paths of the files to queue (folders walked recursively, sorted, hidden entries
    skipped, each file once) and a refusal with a reason for everything else."""
    accepted: list[Path] = []
    refused: list[Refusal] = []
    seen: set[Path] = set()
    for dropped in paths:
        path = Path(os.path.abspath(Path(dropped).expanduser()))
        for file, reason in _candidates(path):
            if reason is not None:
                refused.append(Refusal(path=str(file), reason=reason))
            elif file not in seen:
                seen.add(file)
                accepted.append(file)
    return accepted, refused


def file_refusal(path: Path) -> str | None:
    """Why one file (not a folder) cannot be analysed, or None when it can."""
    try:
        return _file_refusal(path, path.stat())
    except FileNotFoundError:
        return "no such file or folder"
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"


def _candidates(path: Path) -> Iterator[tuple[Path, str | None]]:
    """(file, None) for each acceptable file under path, (path, reason) for each refused one."""
    try:
        info = path.stat()
    except FileNotFoundError:
        yield path, "no such file or folder"
        return
    except OSError as error:
        yield path, f"cannot be read ({error.strerror or error})"
        return
    if stat.S_ISDIR(info.st_mode):
        yield from _walk(path, visited=set())
    else:
        yield path, _file_refusal(path, info)


def _walk(folder: Path, visited: set[tuple[int, int]]) -> Iterator[tuple[Path, str | None]]:
    try:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in visited:  # a symlink back to a folder being walked
            return
        visited.add((info.st_dev, info.st_ino))
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        yield folder, f"folder cannot be read ({error.strerror or error})"
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            info = path.stat()
        except OSError as error:
            yield path, f"cannot be read ({error.strerror or error})"
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(path, visited)
        else:
            yield path, _file_refusal(path, info)


def _file_refusal(path: Path, info: os.stat_result) -> str | None:
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    reason = refusal_reason(path.name, info.st_size)
    if reason is None and not os.access(path, os.R_OK):
        reason = "cannot be read (permission denied)"
    return reason
