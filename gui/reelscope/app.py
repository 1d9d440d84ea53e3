"""Composition root: builds settings, storage, providers, services and the main window; owns shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .domain.errors import ReelscopeError
from .domain.providers import LOCAL
from .domain.settings import Settings
from .library.config import config_path, load_settings
from .library.image_cache import ImageCache
from .library.secrets import open_secret_store
from .library.storage import Storage
from .providers.base import AnalysisProvider, SearchProvider
from .providers.local import LocalProvider
from .providers.local.engine import MUSIC_INDEX_FILE, EngineOptions
from .providers.registry import (
    ANALYSIS_PROVIDERS,
    SEARCH_PROVIDERS,
    build_analysis_provider,
    build_search_provider,
    cloud_analysis_providers,
    cloud_search_providers,
    default_base_url,
    seeknetic_regions,
)
from .services.analysis import AnalysisService
from .services.collections import CollectionsService
from .services.export import ExportService
from .services.images import ImageService
from .services.library import LibraryService
from .services.people import PeopleService
from .services.provider_setup import ProviderFactory, ProviderSetup, RegionChoice
from .services.search import LocalSearch, SearchService
from .services.search_links import SearchLinker

log = logging.getLogger(__name__)

SCREENSHOT_FRAME_TIMEOUT_S = 15.0
STARTED_AT_VARIABLE = "REELSCOPE_STARTED_AT"   # epoch seconds the launcher set, for the start-up figure
INSTANCE_LOCK_NAME = "reelscope.lock"
# A thread that wants the GIL waits up to this long for a busy one to let go. CPython's 5 ms, paid on
# each of the GUI thread's many wake-ups while the database thread lists 20,000 clips, made 40-95 ms
# stalls; at 1 ms the same listing stalled the window 28-115 ms (about 500 waits a second, 1-2 ms each),
# at 0.25 ms 24-32 ms.
GIL_SWITCH_INTERVAL_S = 0.00025


class AlreadyRunning(ReelscopeError):
    """A window already runs on this data folder."""


@dataclass
class Core:
    """Everything but the GUI: shared by the CLI and the window."""

    settings: Settings
    storage: Storage
    providers: dict[str, AnalysisProvider]
    analysis: AnalysisService
    library: LibraryService
    search: SearchService
    export: ExportService
    people: PeopleService
    unavailable: dict[str, str] = field(default_factory=dict)
    """Providers that have a key but could not be set up, and why (a region not open yet, say)."""
    setup: ProviderSetup | None = None
    """Provider settings edited while the app runs: saved, and the provider rebuilt in `providers`."""
    images: ImageService | None = None
    collections: CollectionsService | None = None

    async def aclose(self) -> None:
        await self.analysis.aclose()
        if self.images is not None:
            await self.images.aclose()
        for provider in self.providers.values():
            await provider.aclose()
        await self.search.aclose()
        if self.setup is not None:
            await self.setup.aclose()
        self.storage.close()


def build_core(settings: Settings | None = None) -> Core:
    secrets = open_secret_store(config_path().parent)
    settings = settings or load_settings(secrets=secrets)
    storage = Storage.open(Path(settings.data_dir))
    people = PeopleService(storage)
    providers: dict[str, AnalysisProvider] = {
        LOCAL: LocalProvider(
            storage.thumbnails.root, max_workers=settings.local_workers, options=engine_options(settings), people=people
        ),
    }
    cloud, unavailable = cloud_analysis_providers(settings)
    providers.update(cloud)
    linker = SearchLinker(storage)
    search_providers: dict[str, SearchProvider] = {LOCAL: LocalSearch(storage)}
    cloud_search, search_unavailable = cloud_search_providers(
        settings, cloud, lambda: linker.collections_uploaded_to("seeknetic")
    )
    search_providers.update(cloud_search)
    unavailable.update(search_unavailable)
    analysis = AnalysisService(storage, providers)
    setup = ProviderSetup(
        config_path(), secrets, settings, providers, unavailable, provider_factory(), search_providers=search_providers
    )
    setup.changed.connect(lambda _provider_id: analysis.reschedule())
    return Core(
        settings=settings,
        storage=storage,
        providers=providers,
        analysis=analysis,
        library=LibraryService(storage),
        search=SearchService(search_providers, linker),
        export=ExportService(storage),
        people=people,
        unavailable=unavailable,
        setup=setup,
        images=ImageService(
            storage, ImageCache(storage.thumbnails.root), lambda: image_downloader(providers, search_providers)
        ),
        collections=CollectionsService(storage, providers, setup),
    )


def image_downloader(providers: dict[str, AnalysisProvider], search_providers: dict[str, SearchProvider]):
    """What fetches pictures over HTTP for the providers as they are set up at each moment."""
    from .providers.images import ImageDownloader, provider_clients

    return ImageDownloader(lambda: provider_clients(providers.values()), providers=search_providers.get)


def engine_options(settings: Settings) -> EngineOptions:
    """The local engine's stages as the settings have them; the music fingerprints live in the data folder."""
    local = settings.local
    return EngineOptions(
        ocr=local.ocr,
        faces=local.faces,
        music=local.music,
        sections=local.sections,
        music_dir=local.music_dir,
        music_index=str(Path(settings.data_dir) / MUSIC_INDEX_FILE),
    )


def provider_factory() -> ProviderFactory:
    return ProviderFactory(
        analysis_ids=frozenset(ANALYSIS_PROVIDERS),
        build=build_analysis_provider,
        default_base_url=default_base_url,
        regions=tuple(RegionChoice(r.id, r.label, r.base_url, r.available) for r in seeknetic_regions()),
        search_ids=frozenset(SEARCH_PROVIDERS),
        build_search=build_search_provider,
    )


def keep_the_gui_thread_responsive(app=None):
    """The GUI thread's share of the interpreter: cyclic garbage collected there only, the GIL handed over
    every GIL_SWITCH_INTERVAL_S, and freed memory kept for the next paint's arrays. Returns the collector
    (its `stop()` gives collection back)."""
    from .qt.freed_memory import keep_freed_memory_for_reuse
    from .qt.gui_thread_gc import GuiThreadGarbageCollector

    keep_freed_memory_for_reuse()
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    return GuiThreadGarbageCollector(app)


def run_gui(files: Sequence[Path], screenshot: Path | None = None, *, quit_after_paint: bool = False) -> int:
    """Runs the window until it is closed; with a screenshot path, captures it once FILES are analysed."""
    import qasync
    from PySide6.QtWidgets import QApplication

    from .qt.theme import apply_dark_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Reelscope")
    app.setOrganizationName("Reelscope")
    app.setQuitOnLastWindowClosed(False)
    apply_dark_theme(app)
    collector = keep_the_gui_thread_responsive(app)  # before any other thread starts
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    # qasync's default executor runs QThreads that abort the process if still alive at exit.
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="reelscope")
    loop.set_default_executor(executor)
    try:
        settings = load_settings()
        try:
            instance_lock = _lock_data_folder(Path(settings.data_dir))
        except AlreadyRunning:
            if screenshot is None and _hand_over(Path(settings.data_dir), files):
                return 0
            raise
        core = build_core(settings)
    except (ReelscopeError, ValueError, OSError) as error:
        print(f"reelscope: {error}", file=sys.stderr)
        if screenshot is None:  # launched from a desktop, stderr is unseen: say it in a window
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(None, "Reelscope cannot start", str(error))  # no loop runs yet: exec is safe
        return 2
    try:
        with loop:
            return loop.run_until_complete(_gui_main(app, core, files, screenshot, quit_after_paint, collector))
    finally:
        instance_lock.unlock()
        executor.shutdown(wait=False, cancel_futures=True)


def _index_music_in_background(core: Core) -> None:
    """Fingerprints new songs of the music folder while the window is up (analyses wait for nothing)."""
    local = core.providers.get(LOCAL)
    if isinstance(local, LocalProvider):
        asyncio.ensure_future(local.index_music()).add_done_callback(_log_indexing_failure)


def _log_indexing_failure(done: asyncio.Future) -> None:
    if not done.cancelled() and done.exception() is not None:
        log.warning("the music folder could not be indexed: %s", done.exception())


def _lock_data_folder(data_dir: Path):
    """One window per data folder: two would both run the same queued jobs."""
    from PySide6.QtCore import QLockFile

    data_dir.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(data_dir / INSTANCE_LOCK_NAME))
    lock.setStaleLockTime(0)  # a lock is stale only when its process is gone, however long the app runs
    if not lock.tryLock(200):
        raise AlreadyRunning(
            f"Reelscope is already running with the data folder {data_dir} and does not answer; "
            "switch to that window"
        )
    return lock


def _hand_over(data_dir: Path, files: Sequence[Path]) -> bool:
    """Gives FILES to the window already running on data_dir, which adds them and comes to the front."""
    from .qt.instance_server import hand_over, server_name

    if not hand_over(server_name(data_dir), files):
        return False
    what = f"{len(files)} file{'s' if len(files) != 1 else ''}" if files else "nothing to add"
    print(f"reelscope: handed {what} to the window already running on {data_dir}", flush=True)
    return True


async def _gui_main(
    app, core: Core, files: Sequence[Path], screenshot: Path | None, quit_after_paint: bool = False,
    collector=None,
) -> int:
    from .qt.window_factory import build_window

    window, workspace, tasks = build_window(core, config_path().parent)
    loop = asyncio.get_running_loop()
    window.error_reporter.install_hooks(loop)
    closed: asyncio.Future[None] = loop.create_future()
    app.lastWindowClosed.connect(lambda: closed.done() or closed.set_result(None))
    painted = _first_paint(window, loop)
    if collector is not None:   # once the window is up, what the app built is out of full passes' way
        painted.add_done_callback(lambda _: collector.settle_after_start())
    window.restore_layout()
    window.show()
    from .qt.instance_server import InstanceServer, server_name
    from .qt.quit_signals import QuitSignals

    instance_server = InstanceServer(server_name(Path(core.settings.data_dir)), window)
    instance_server.files_received.connect(lambda paths: _take_files(window, workspace, paths))
    quit_requested: asyncio.Future[int] = loop.create_future()   # by a signal: the number of the first

    def quit_on_signal(number: int) -> None:
        if not quit_requested.done():
            quit_requested.set_result(number)
        window.close()

    quit_signals = QuitSignals(quit_on_signal)
    await core.analysis.start()
    _index_music_in_background(core)
    if files:
        adding = workspace.add_paths(list(files))
        if adding is not None:
            await adding
    exit_code = 0
    try:
        if quit_after_paint:
            if await _unless_quit(painted, quit_requested):
                started = os.environ.get(STARTED_AT_VARIABLE)
                since = f"{time.time() - float(started):.2f} s after launch" if started else "painted"
                print(f"reelscope: window painted, {since}", flush=True)
            window.close()
        elif screenshot is not None:
            capture = asyncio.ensure_future(_capture_when_analysed(core, window, workspace, files, screenshot))
            if await _unless_quit(capture, quit_requested):
                exit_code = capture.result()
            window.close()
        else:
            await _unless_quit(closed, quit_requested)
        if quit_requested.done() and (quit_after_paint or screenshot is not None):
            exit_code = 128 + quit_requested.result()   # what was asked for was not done, as a shell says it
    finally:
        quit_signals.close()
        instance_server.close()
        workspace.close()
        await tasks.aclose()
        await core.aclose()
        window.error_reporter.uninstall_hooks(loop)
    return exit_code


async def _unless_quit(work: asyncio.Future, quit_requested: asyncio.Future) -> bool:
    """True once work is done; False when a quit signal comes first (work is then cancelled)."""
    await asyncio.wait({work, quit_requested}, return_when=asyncio.FIRST_COMPLETED)
    if work.done():
        return True
    work.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await work
    return False


def _first_paint(window, loop: asyncio.AbstractEventLoop) -> asyncio.Future[None]:
    """A future done when the window first paints."""
    from PySide6.QtCore import QEvent, QObject

    painted: asyncio.Future[None] = loop.create_future()

    class FirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint and not painted.done():
                painted.set_result(None)
                window.removeEventFilter(self)
            return False

    watcher = FirstPaint(window)
    window.installEventFilter(watcher)
    return painted


def _take_files(window, workspace, paths: list[Path]) -> None:
    """Files handed over by a second start: added, and the window comes to the front."""
    from PySide6.QtCore import Qt

    if paths:
        workspace.add_paths(paths)
    window.setWindowState((window.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
    window.show()
    window.raise_()
    window.activateWindow()


async def _capture_when_analysed(core: Core, window, workspace, files: Sequence[Path], target: Path) -> int:
    from .domain.jobs import JobState
    from .domain.media import one_line

    await core.analysis.wait_idle()
    wanted = {os.path.abspath(f) for f in files}
    jobs = [job for job in await core.analysis.jobs() if _within(job.path, wanted)]
    failed = [job for job in jobs if job.state is not JobState.DONE]
    for job in failed:
        print(f"reelscope: {job.provider}: {one_line(job.path)}: {job.error or job.state.value}", file=sys.stderr)
    done = [job for job in jobs if job.state is JobState.DONE and job.video_id]
    if done:
        clip = await core.library.clip(done[0].video_id)
        await workspace.open_clip(done[0].video_id, at_s=clip.video.duration_s * 0.4 if clip else 0.0)
        await _wait_for(lambda: workspace.player.has_frame(), SCREENSHOT_FRAME_TIMEOUT_S)
    await asyncio.sleep(0.3)  # let docks settle and the overlay paint
    target.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(target)):
        print(f"reelscope: could not write the screenshot to {target}", file=sys.stderr)
        return 1
    return 1 if failed else 0


def _within(path: str, roots: set[str]) -> bool:
    """Whether path is one of roots or lies in a folder among them."""
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


async def _wait_for(condition, timeout_s: float) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def configure_logging() -> None:
    from .providers._redact import install_log_redaction

    install_log_redaction()  # keys and tokens are masked in every record, at every level
    level = os.environ.get("REELSCOPE_LOG", "WARNING").upper()
    logging.basicConfig(level=getattr(logging, level, logging.WARNING), format="%(levelname)s %(name)s: %(message)s")
