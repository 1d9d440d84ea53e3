"""Memory the GUI process frees is kept for its next allocation, not handed back to the system.

A paint builds numpy arrays of a few hundred kilobytes to a few megabytes (the timeline's body colours,
a grid's decoded pictures) and frees them before the next frame. glibc's malloc serves blocks that
large with mmap and unmaps them at free, or trims the heap's top once enough of it is free, so the next
frame's array faults in every page again: a millisecond of a 7 ms timeline zoom, measured. Raising both
thresholds keeps the pages mapped. The process holds up to TRIM_THRESHOLD_BYTES of free heap it could
have returned. Other C libraries keep their own policy.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD = -1   # mallopt parameters, from glibc's malloc.h
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 32 << 20   # glibc's upper limit for it on 64-bit systems
TRIM_THRESHOLD_BYTES = 64 << 20


def keep_freed_memory_for_reuse() -> bool:
    """True if the C library took the setting (glibc on Linux)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    kept = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    return bool(kept and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))
