from __future__ import annotations

import asyncio
import hashlib
import itertools
import threading

import pytest

from reelscope.domain.errors import AnalysisCancelled, MediaError
from reelscope.providers.hashing import HASH_CHUNK_BYTES, file_sha256, hash_in_background, quick_fingerprint


def test_the_hash_is_sha256_with_progress_up_to_the_size(tmp_path):
    data = bytes(range(256)) * (HASH_CHUNK_BYTES // 256 * 3 + 7)
    path = tmp_path / "clip.mp4"
    path.write_bytes(data)
    progress: list[tuple[int, int]] = []
    assert file_sha256(path, lambda done, total: progress.append((done, total))) == hashlib.sha256(data).hexdigest()
    assert [total for _, total in progress] == [len(data)] * len(progress)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert progress[-1][0] == len(data) and len(progress) == 4


def test_hashing_stops_between_chunks_when_asked(tmp_path):
    path = tmp_path / "big.mp4"
    path.write_bytes(b"\0" * HASH_CHUNK_BYTES * 8)
    chunks: list[int] = []
    with pytest.raises(AnalysisCancelled):
        file_sha256(path, lambda done, _total: chunks.append(done), should_stop=lambda: len(chunks) >= 2)
    assert len(chunks) == 2, "it stopped at once, not at the end of the file"


def test_files_dropped_together_are_hashed_one_after_another(tmp_path, run_async):
    paths = []
    for n in range(4):
        path = tmp_path / f"clip{n}.mp4"
        path.write_bytes(bytes([n]) * HASH_CHUNK_BYTES * 3)
        paths.append(path)
    reads: list[str] = []

    async def hash_all() -> list[str]:
        def progress_of(name: str):
            return lambda _done, _total: reads.append(name)

        return await asyncio.gather(*(hash_in_background(path, progress_of(path.name)) for path in paths))

    digests = run_async(hash_all())
    assert digests == [hashlib.sha256(path.read_bytes()).hexdigest() for path in paths]
    assert [name for name, _ in itertools.groupby(reads)] == [path.name for path in paths], (
        "each file was read to its end before the next one began"
    )


def test_a_hash_cancelled_before_its_turn_never_reads_the_file(tmp_path, run_async):
    first, second = tmp_path / "first.mp4", tmp_path / "second.mp4"
    first.write_bytes(b"\1" * HASH_CHUNK_BYTES * 2)
    second.write_bytes(b"\2" * HASH_CHUNK_BYTES * 2)
    release = threading.Event()
    second_read: list[int] = []

    async def scenario() -> str:
        hashing_first = asyncio.ensure_future(hash_in_background(first, lambda _done, _total: release.wait(10)))
        hashing_second = asyncio.ensure_future(
            hash_in_background(second, lambda done, _total: second_read.append(done))
        )
        await asyncio.sleep(0)
        hashing_second.cancel()
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await hashing_second
        return await hashing_first

    assert run_async(scenario()) == hashlib.sha256(first.read_bytes()).hexdigest()
    assert second_read == []


def test_a_missing_file_is_a_media_error(tmp_path):
    with pytest.raises(MediaError, match="file not found"):
        file_sha256(tmp_path / "gone.mp4")


def test_the_fingerprint_tells_the_same_file_from_a_different_one(tmp_path):
    original = tmp_path / "a.mp4"
    original.write_bytes(bytes(range(256)) * 4000)
    copy = tmp_path / "b.mp4"
    copy.write_bytes(original.read_bytes())
    edited_end = tmp_path / "c.mp4"
    edited_end.write_bytes(original.read_bytes()[:-1] + b"!")
    longer = tmp_path / "d.mp4"
    longer.write_bytes(original.read_bytes() + b"!")
    assert quick_fingerprint(original) == quick_fingerprint(copy)
    assert len({quick_fingerprint(p) for p in (original, edited_end, longer)}) == 3
