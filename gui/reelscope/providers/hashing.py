"""A file's content hash, read in chunks with progress and cancel, and a cheap fingerprint.

The sha256 names a clip wherever its file lives and tells which provider has seen the content.
Hashing a 2 GB file takes seconds, so it reports progress and stops between chunks when asked.
The fingerprint (size and a few sampled blocks) reads 192 KiB at most: enough to see that two
dropped paths are the same file before anything is hashed.

The app hashes on one thread of its own (`hash_in_background`), one file after another. Hashing reads and
computes as fast as a core allows: four files at once are no sooner done on one disk, and on a two-core
machine four hashing threads took both cores from the window's thread as the user dropped four clips.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..domain.errors import AnalysisCancelled, MediaError

HASH_CHUNK_BYTES = 1 << 20
FINGERPRINT_BLOCK_BYTES = 64 << 10

HashProgress = Callable[[int, int], None]
"""(bytes hashed, bytes in all); may raise AnalysisCancelled to stop."""

_hashing_thread: ThreadPoolExecutor | None = None
_hashing_thread_made = threading.Lock()


async def hash_in_background(
    path: Path, on_progress: HashProgress | None = None, should_stop: Callable[[], bool] | None = None
) -> str:
    """file_sha256 on the process's hashing thread, after the files asked for before it; leaves the
    queue at once when cancelled before its turn."""
    global _hashing_thread
    with _hashing_thread_made:
        if _hashing_thread is None:
            _hashing_thread = ThreadPoolExecutor(1, thread_name_prefix="reelscope-hash")
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_hashing_thread, file_sha256, path, on_progress, should_stop)


def file_sha256(
    path: Path, on_progress: HashProgress | None = None, should_stop: Callable[[], bool] | None = None
) -> str:
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as file:
            total = os.fstat(file.fileno()).st_size
            done = 0
            buffer = bytearray(HASH_CHUNK_BYTES)
            view = memoryview(buffer)
            while count := file.readinto(buffer):
                digest.update(view[:count])  # hashlib releases the GIL for large buffers
                done += count
                if should_stop is not None and should_stop():
                    raise AnalysisCancelled(str(path))
                if on_progress is not None:
                    on_progress(done, total)
    except FileNotFoundError as error:
        raise MediaError(str(path), "file not found") from error
    except OSError as error:
        raise MediaError(str(path), f"cannot be read ({error.strerror or error})") from error
    return digest.hexdigest()


def quick_fingerprint(path: Path) -> str:
    """Size plus blocks from the start, the middle and the end: equal for the same file, cheap to read."""
    with Path(path).open("rb") as file:
        size = os.fstat(file.fileno()).st_size
        digest = hashlib.blake2b(str(size).encode(), digest_size=16)
        middle = max(0, size // 2 - FINGERPRINT_BLOCK_BYTES // 2)
        for offset in sorted({0, middle, max(0, size - FINGERPRINT_BLOCK_BYTES)}):
            file.seek(offset)
            digest.update(file.read(FINGERPRINT_BLOCK_BYTES))
    return f"{size}:{digest.hexdigest()}"
