"""Request bodies streamed from a file: never the whole file in memory, never a temporary file.

Each body knows its length up front (sent as Content-Length, which presigned storage URLs require)
and makes a new chunk iterator per attempt, so a retried request sends the file again from the
start. File reads (and base64 encoding) run in a worker thread, a chunk at a time, so the event
loop never waits on the disk.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

CHUNK_BYTES = 128 << 10
BASE64_CHUNK_BYTES = 3 * (1 << 16)  # a multiple of 3: chunks encode without padding in between

Progress = Callable[[int, int], None]
"""(file bytes sent, file bytes in all)."""


class StreamedBody:
    content_type: str
    length: int

    def chunks(self, on_progress: Progress | None = None) -> AsyncIterator[bytes]:
        raise NotImplementedError


@dataclass
class FileBody(StreamedBody):
    """The file as it is (an octet-stream POST, a PUT to a presigned URL)."""

    path: Path
    content_type: str = "application/octet-stream"
    length: int = field(init=False)

    def __post_init__(self) -> None:
        self.length = os.stat(self.path).st_size

    async def chunks(self, on_progress: Progress | None = None) -> AsyncIterator[bytes]:
        async for chunk in _file_chunks(self.path, self.length, CHUNK_BYTES, on_progress):
            yield chunk


@dataclass
class MultipartBody(StreamedBody):
    """multipart/form-data with plain fields and one file part, streamed."""

    path: Path
    file_field: str = "file"
    filename: str | None = None
    file_content_type: str = "application/octet-stream"
    fields: Mapping[str, str] = field(default_factory=dict)
    boundary: str = field(default_factory=lambda: secrets.token_hex(16))
    content_type: str = field(init=False)
    length: int = field(init=False)

    def __post_init__(self) -> None:
        self.content_type = f"multipart/form-data; boundary={self.boundary}"
        self._file_size = os.stat(self.path).st_size
        self._head = self._preamble()
        self._tail = f"\r\n--{self.boundary}--\r\n".encode()
        self.length = len(self._head) + self._file_size + len(self._tail)

    def _preamble(self) -> bytes:
        parts = []
        for name, value in self.fields.items():
            parts.append(
                f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_quoted(name)}"\r\n\r\n{value}\r\n'
            )
        filename = self.filename if self.filename is not None else Path(self.path).name
        parts.append(
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_quoted(self.file_field)}"; '
            f'filename="{_quoted(filename)}"\r\nContent-Type: {self.file_content_type}\r\n\r\n'
        )
        return "".join(parts).encode("utf-8", "surrogateescape")

    async def chunks(self, on_progress: Progress | None = None) -> AsyncIterator[bytes]:
        yield self._head
        async for chunk in _file_chunks(self.path, self._file_size, CHUNK_BYTES, on_progress):
            yield chunk
        yield self._tail


PLACEHOLDER = "\u0000reelscope-file\u0000"


@dataclass
class Base64JsonBody(StreamedBody):
    """A JSON document one string of which is the file in base64, encoded as it streams.

    `document` holds PLACEHOLDER where the file goes: {"video_base64": PLACEHOLDER}, or nested, as in
    {"images": [{"external_id": "a", "data_base64": PLACEHOLDER}]}.
    """

    path: Path
    document: object
    content_type: str = "application/json"
    length: int = field(init=False)

    def __post_init__(self) -> None:
        self._file_size = os.stat(self.path).st_size
        text = json.dumps(self.document)
        marker = json.dumps(PLACEHOLDER)[1:-1]
        if text.count(marker) != 1:
            raise ValueError("the document must hold PLACEHOLDER exactly once")
        head, tail = text.split(marker)
        self._head, self._tail = head.encode(), tail.encode()
        self.length = len(self._head) + 4 * ((self._file_size + 2) // 3) + len(self._tail)

    async def chunks(self, on_progress: Progress | None = None) -> AsyncIterator[bytes]:
        yield self._head
        async for chunk in _file_chunks(
            self.path, self._file_size, BASE64_CHUNK_BYTES, on_progress, transform=base64.b64encode
        ):
            yield chunk
        yield self._tail


async def _file_chunks(
    path: Path,
    size: int,
    chunk_bytes: int,
    on_progress: Progress | None,
    transform: Callable[[bytes], bytes] | None = None,
) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    file = await loop.run_in_executor(None, open, path, "rb")
    try:
        done = 0
        if on_progress is not None:
            on_progress(0, size)
        while done < size:
            chunk = await loop.run_in_executor(None, _read, file, min(chunk_bytes, size - done), transform)
            if not chunk[0]:
                raise OSError(f"{path} shrank while it was being sent ({done} of {size} bytes)")
            done += chunk[0]
            yield chunk[1]
            if on_progress is not None:
                on_progress(done, size)
    finally:
        await loop.run_in_executor(None, file.close)


def _read(file, count: int, transform: Callable[[bytes], bytes] | None) -> tuple[int, bytes]:
    data = file.read(count)
    return len(data), (transform(data) if transform is not None and data else data)


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
