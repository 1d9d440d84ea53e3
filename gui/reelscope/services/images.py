"""Pictures for the window by reference: a local file for each, fetched once into the size-capped cache.

A reference is what a service gave (an http(s) URL, or the picture in base64) or a frame of a library
clip (`domain.thumbnails.clip_frame_ref`, for a section's thumbnail time). `local_file(ref)` answers
from the cache, else fetches, decodes or grabs the picture, stores it and answers its path; None when
there is none to be had (the reason goes to the log, secrets masked). Requests for the same reference
while one is under way share it.

All of that runs on the picture loop (`PictureLoop`): an asyncio loop of its own on one thread, with
its own HTTP connections, so that a screenful of downloads never competes with the window's event loop.
The caller's loop only hands the reference over and gets the file's path back.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, Protocol, TypeVar

from ..domain.errors import ReelscopeError
from ..domain.pictures import inline_image, is_url
from ..domain.thumbnails import parse_clip_frame_ref
from ..library.image_cache import ImageCache
from ..library.storage import Storage
from ..providers._redact import redact

log = logging.getLogger(__name__)

MAX_PARALLEL_FETCHES = 4
PICTURE_IO_THREADS = 2
STOP_TIMEOUT_S = 10.0

T = TypeVar("T")


class Downloads(Protocol):
    """What fetches pictures (providers.images.ImageDownloader); used on the picture loop only, so what it
    holds there (HTTP clients above all) must belong to that loop."""

    async def fetch(self, url: str) -> bytes: ...

    async def fetch_through(self, provider_id: str, reference: str) -> bytes:
        """The picture fetched by that provider's own rules (its token, its expiring links)."""

    async def warm_up(self) -> None: ...

    async def aclose(self) -> None: ...


class PictureLoop:
    """An asyncio loop on a thread of its own, started on first use; `stop()` ends it and its thread."""

    def __init__(self, name: str = "pictures") -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._closing = False

    @property
    def thread(self) -> threading.Thread | None:
        return self._thread

    async def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Runs coroutine on the picture loop; the caller's loop awaits its result (cancelling it cancels both)."""
        if self._closing:
            coroutine.close()
            raise ReelscopeError("pictures are no longer fetched: the app is closing")
        loop = self._started()
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, loop))

    async def stop(self, last: Callable[[], Coroutine[Any, Any, None]] | None = None) -> None:
        """Runs `last` (closing what lives on the loop), cancels what is left, and ends the thread."""
        if self._closing:
            return
        self._closing = True
        if self._loop is None:
            return
        if last is not None:
            try:
                await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(last(), self._loop))
            except Exception:   # closing goes on, whatever the last step met
                log.warning("closing the picture loop's connections failed", exc_info=True)
        self._loop.call_soon_threadsafe(self._loop.stop)
        try:
            await asyncio.wait_for(asyncio.wrap_future(self._stopped), STOP_TIMEOUT_S)
        except TimeoutError:
            log.warning("the picture loop did not stop within %.0f s", STOP_TIMEOUT_S)
            return
        self._thread.join(STOP_TIMEOUT_S)

    def soon(self, coroutine: Coroutine[Any, Any, None]) -> None:
        """Starts coroutine on the picture loop without waiting for it (a failure goes to the log)."""
        if self._closing:
            coroutine.close()
            return
        asyncio.run_coroutine_threadsafe(coroutine, self._started()).add_done_callback(_log_failure)

    def _started(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            loop.set_default_executor(
                concurrent.futures.ThreadPoolExecutor(PICTURE_IO_THREADS, thread_name_prefix=f"{self._name}-io")
            )
            self._thread = threading.Thread(target=self._serve, args=(loop,), name=self._name, daemon=True)
            self._loop = loop
            self._thread.start()
        return self._loop

    def _serve(self, loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
            left = [task for task in asyncio.all_tasks(loop) if not task.done()]
            for task in left:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()
            self._stopped.set_result(None)


class ImageService:
    """Pictures as local files, fetched on the picture loop by what `make_downloads` makes there on first use
    (an HTTP stack: importing it is work the window's start need not wait for)."""

    def __init__(self, storage: Storage, cache: ImageCache, make_downloads: Callable[[], Downloads]) -> None:
        self._storage = storage
        self._cache = cache
        self._make_downloads = make_downloads
        self._downloads: Downloads | None = None   # on the picture loop only
        self._pictures = PictureLoop()
        self._under_way: dict[str, asyncio.Future[str]] = {}   # on the picture loop only
        self._slots: asyncio.Semaphore | None = None            # made there too

    @property
    def picture_thread(self) -> threading.Thread | None:
        """The thread that fetches pictures (None before the first one was asked for)."""
        return self._pictures.thread

    async def local_file(self, ref: str, via: str | None = None) -> str | None:
        """The picture's file, or None (the reason goes to the log); `via` names the provider that fetches it
        (for references only it understands: Eluvio's token-bearing frames, Twelve Labs' expiring links)."""
        try:
            return await self.fetched_file(ref, via)
        except (ReelscopeError, OSError) as error:
            log.info("no picture for %s: %s", _describe(ref), redact(str(error)))
            return None

    async def fetched_file(self, ref: str, via: str | None = None) -> str:
        """As local_file, but a picture that cannot be had raises why (a ProviderError, LinkExpired...)."""
        if not ref:
            raise ReelscopeError("no picture reference")
        return await self._pictures.run(self._shared_file(ref, via))

    def warm_up(self) -> None:
        """Gets the picture loop and its connections ready (a search is under way: its pictures will follow)."""
        self._pictures.soon(self._warm_up())

    async def aclose(self) -> None:
        await self._pictures.stop(self._close_on_picture_loop)

    # -- on the picture loop -------------------------------------------------------------------------

    def _downloader(self) -> Downloads:
        if self._downloads is None:
            self._downloads = self._make_downloads()
        return self._downloads

    async def _warm_up(self) -> None:
        await self._downloader().warm_up()

    async def _shared_file(self, ref: str, via: str | None) -> str:
        shared = self._under_way.get(ref)
        if shared is None:
            shared = asyncio.ensure_future(self._local_file(ref, via))
            self._under_way[ref] = shared
            shared.add_done_callback(_forget_failure)
            shared.add_done_callback(lambda _done: self._under_way.pop(ref, None))
        return await asyncio.shield(shared)

    async def _local_file(self, ref: str, via: str | None) -> str:
        loop = asyncio.get_running_loop()
        cached = await loop.run_in_executor(None, self._cache.get, ref)
        if cached is not None:
            return str(cached)
        if self._slots is None:
            self._slots = asyncio.Semaphore(MAX_PARALLEL_FETCHES)
        async with self._slots:
            data = await self._downloader().fetch_through(via, ref) if via is not None else await self._picture(ref)
            if data is None:
                raise ReelscopeError(f"{_describe(ref)} is not a picture reference")
            return str(await loop.run_in_executor(None, self._cache.put, ref, data))

    async def _picture(self, ref: str) -> bytes | None:
        loop = asyncio.get_running_loop()
        if is_url(ref):
            return await self._downloader().fetch(ref)
        frame = parse_clip_frame_ref(ref)
        if frame is not None:
            clip = await self._storage.database.run(self._storage.catalogue.clip, frame[0])
            if clip is None:
                return None
            from ..providers.local.frames import frame_jpeg  # PyAV: loaded by the first frame asked for

            return await loop.run_in_executor(None, frame_jpeg, Path(clip.video.path), frame[1])
        return await loop.run_in_executor(None, inline_image, ref)

    async def _close_on_picture_loop(self) -> None:
        under_way = list(self._under_way.values())
        for future in under_way:
            future.cancel()
        await asyncio.gather(*under_way, return_exceptions=True)   # off the connections before they close
        if self._downloads is not None:
            await self._downloads.aclose()


def _log_failure(future: concurrent.futures.Future) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.info("getting the picture loop ready failed: %s", redact(str(future.exception())))


def _forget_failure(future: asyncio.Future) -> None:
    """A failure nobody awaited any more (every asker was cancelled) is not worth a warning."""
    if not future.cancelled():
        future.exception()


def _describe(ref: str) -> str:
    if is_url(ref) or parse_clip_frame_ref(ref):
        return redact(ref.split("?", 1)[0])
    return f"an inline picture of {len(ref)} characters"
