"""File paths in the catalogue, stored losslessly: any byte string a file system allows.

Python holds a name that is not valid UTF-8 with surrogate escapes, which SQLite's UTF-8 text
cannot store; such a path is stored as the raw bytes (a BLOB) instead.
"""

from __future__ import annotations

import os


def path_to_db(path: str) -> str | bytes:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path)
    return path


def path_from_db(value: str | bytes) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else value
