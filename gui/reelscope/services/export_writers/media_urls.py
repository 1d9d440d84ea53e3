"""Media paths as the URLs editing suites resolve: absolute file:// URLs, any byte of the name escaped."""

from __future__ import annotations

import os
from urllib.parse import quote


def media_url(path: str) -> str:
    """file:///abs/path with every byte outside the unreserved set percent-encoded (names need not be UTF-8)."""
    absolute = os.path.abspath(path)
    return "file://" + quote(os.fsencode(absolute), safe="/")
