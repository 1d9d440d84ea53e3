"""Pictures for the window by reference: a local file for each, fetched once into the size-capped cache.

A reference is what a service gave (an http(s) URL, or the picture in base64) or a frame of a library
clip (`domain.thumbnails.clip_frame_ref`, for a section's thumbnail time). `local_file(ref)` answers
from the cache, else fetches, decodes or grabs the picture off the event loop's thread, stores it and
answers its path; None when there is none to be had (the reason goes to the log, secrets masked).
Requests for the same reference while one is under way share it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from ..domain.errors import ReelscopeError
from ..domain.pictures import inline_image, is_url
from ..domain.thumbnails import parse_clip_frame_ref
from ..library.image_cache import ImageCache
from ..library.storage import Storage
from ..providers._redact import redact
from ..providers.local.frames import frame_jpeg

log = logging.getLogger(__name__)

MAX_PARALLEL_FETCHES = 4

Download = Callable[[str], Awaitable[bytes]]


class ImageService:
    def __init__(
        self, storage: Storage, cache: ImageCache, download: Download,
        close_download: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._storage = storage
        self._cache = cache
        self._download = download
        self._close_download = close_download
        self._under_way: dict[str, asyncio.Future[str | None]] = {}
        self._slots = asyncio.Semaphore(MAX_PARALLEL_FETCHES)

    async def local_file(self, ref: str, download: Download | None = None) -> str | None:
        """The picture's file, or None (the reason goes to the log); `download` fetches it instead of
        the usual way (a provider's own fetch, for references only it understands)."""
        try:
            return await self.fetched_file(ref, download)
        except (ReelscopeError, OSError) as error:
            log.info("no picture for %s: %s", _describe(ref), redact(str(error)))
            return None

    async def fetched_file(self, ref: str, download: Download | None = None) -> str:
        """As local_file, but a picture that cannot be had raises why (a ProviderError, LinkExpired...)."""
        if not ref:
            raise ReelscopeError("no picture reference")
        shared = self._under_way.get(ref)
        if shared is None:
            shared = asyncio.ensure_future(self._local_file(ref, download))
            self._under_way[ref] = shared
            shared.add_done_callback(_forget_failure)
            shared.add_done_callback(lambda _done: self._under_way.pop(ref, None))
        return await asyncio.shield(shared)

    async def _local_file(self, ref: str, download: Download | None) -> str:
        loop = asyncio.get_running_loop()
        cached = await loop.run_in_executor(None, self._cache.get, ref)
        if cached is not None:
            return str(cached)
        async with self._slots:
            data = await download(ref) if download is not None else await self._picture(ref)
            if data is None:
                raise ReelscopeError(f"{_describe(ref)} is not a picture reference")
            return str(await loop.run_in_executor(None, self._cache.put, ref, data))

    async def _picture(self, ref: str) -> bytes | None:
        loop = asyncio.get_running_loop()
        if is_url(ref):
            return await self._download(ref)
        frame = parse_clip_frame_ref(ref)
        if frame is not None:
            clip = await self._storage.database.run(self._storage.catalogue.clip, frame[0])
            if clip is None:
                return None
            return await loop.run_in_executor(None, frame_jpeg, Path(clip.video.path), frame[1])
        return await loop.run_in_executor(None, inline_image, ref)

    async def aclose(self) -> None:
        for future in list(self._under_way.values()):
            future.cancel()
        if self._close_download is not None:
            await self._close_download()


def _forget_failure(future: asyncio.Future) -> None:
    """A failure nobody awaited any more (every asker was cancelled) is not worth a warning."""
    if not future.cancelled():
        future.exception()


def _describe(ref: str) -> str:
    if is_url(ref) or parse_clip_frame_ref(ref):
        return redact(ref.split("?", 1)[0])
    return f"an inline picture of {len(ref)} characters"
