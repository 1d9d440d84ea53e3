"""What a drop of files and folders means: the video files to queue, and what was refused.

Reads the disk (a folder walk, a few blocks of each file): call it off the event loop's thread.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..domain.media import Refusal, refusal_reason
from ..providers.hashing import quick_fingerprint


@dataclass(frozen=True)
class DroppedFile:
    path: Path
    size: int
    fingerprint: str | None
    """Size and sampled blocks: the same file reached by two paths has the same one."""


def expand_drop(
    paths: Iterable[Path], *, accept_images: bool = False
) -> tuple[list[DroppedFile], list[Refusal]]:
    """The files to queue (folders walked recursively, sorted, hidden entries skipped, each file once,
    absolute paths) and a refusal with a reason for everything else; still images only if accept_images."""
    accepted: list[DroppedFile] = []
    refused: list[Refusal] = []
    seen: set[str] = set()
    for dropped in paths:
        path = Path(os.path.abspath(Path(dropped).expanduser()))
        for file, info, reason in _candidates(path, accept_images):
            if reason is not None:
                refused.append(Refusal(path=str(file), reason=reason))
                continue
            try:
                fingerprint = quick_fingerprint(file)
            except OSError as error:
                refused.append(Refusal(path=str(file), reason=f"cannot be read ({error.strerror or error})"))
                continue
            if str(file) in seen or fingerprint in seen:
                continue
            seen.update((str(file), fingerprint))
            accepted.append(DroppedFile(file, info.st_size, fingerprint))
    return accepted, refused


def file_refusal(path: Path, *, accept_images: bool = False) -> str | None:
    """Why one file (not a folder) cannot be analysed, or None when it can."""
    try:
        return _file_refusal(path, path.stat(), accept_images)
    except FileNotFoundError:
        return "no such file or folder"
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"


Candidate = tuple[Path, os.stat_result | None, str | None]


def _candidates(path: Path, accept_images: bool) -> Iterator[Candidate]:
    """(file, its stat, None) for each acceptable file under path, (path, None, reason) for each refused one."""
    try:
        info = path.stat()
    except FileNotFoundError:
        yield path, None, "no such file or folder"
        return
    except OSError as error:
        yield path, None, f"cannot be read ({error.strerror or error})"
        return
    if stat.S_ISDIR(info.st_mode):
        yield from _walk(path, set(), accept_images)
    else:
        yield path, info, _file_refusal(path, info, accept_images)


def _walk(folder: Path, visited: set[tuple[int, int]], accept_images: bool) -> Iterator[Candidate]:
    try:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in visited:  # a symlink back to a folder being walked
            return
        visited.add((info.st_dev, info.st_ino))
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        yield folder, None, f"folder cannot be read ({error.strerror or error})"
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            info = path.stat()
        except OSError as error:
            yield path, None, f"cannot be read ({error.strerror or error})"
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(path, visited, accept_images)
        else:
            yield path, info, _file_refusal(path, info, accept_images)


def _file_refusal(path: Path, info: os.stat_result, accept_images: bool = False) -> str | None:
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    reason = refusal_reason(path.name, info.st_size, accept_images=accept_images)
    if reason is None and not os.access(path, os.R_OK):
        reason = "cannot be read (permission denied)"
    return reason
