"""Search: queries from the toolbar or the pane, pages by cursor, and hits that open their clip.

This library alone is searched as before (the catalogue filters, orders and pages). Any cloud service
among the chosen places goes through a MultiSearch: every chosen provider paged on its own, the hits
merged by relative score under one threshold and one order. A hit of a clip in the library opens it
at that moment; a cloud hit of a clip that is not opens a preview.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject

from ...domain.errors import LinkExpired, ProviderError, ReelscopeError
from ...domain.people import Person
from ...domain.providers import KNOWN_PROVIDERS, LOCAL, Capability, provider_label
from ...domain.search import SearchHit, SearchQuery
from ...domain.search_options import SearchOptionSpec, defaults_of, spec_for, with_options
from ...providers._redact import redact
from ...services.images import ImageService
from ...services.search import SearchService
from ...services.search_multi import MultiPage, MultiSearch, ProviderTally
from ..main_window import MainWindow
from ..panes.search_pane import SearchPane
from .tasks import TaskRunner

log = logging.getLogger(__name__)

SEARCH_PAGE_SIZE = 60
SEARCH_TASK = "search"
OPTIONS_TASK = "search-options"
EXPIRED_LINK_STATUSES = (403, 404, 410)


class SearchController(QObject):
    def __init__(
        self,
        window: MainWindow,
        pane: SearchPane,
        service: SearchService,
        tasks: TaskRunner,
        open_clip: Callable[[str, float | None], object],
        current_clip: Callable[[], str | None] = lambda: None,
        images: ImageService | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._pane = pane
        self._service = service
        self._tasks = tasks
        self._open_clip = open_clip
        self._current_clip = current_clip
        self._images = images
        self._query: SearchQuery | None = None
        self._next_cursor: str | None = None
        self._multi: MultiSearch | None = None
        self._specs: dict[str, tuple[SearchOptionSpec, ...]] = {}

        window.quick_search_requested.connect(self._quick_search)
        pane.search_requested.connect(self.run_search)
        pane.more_requested.connect(self._next_page)
        pane.hit_activated.connect(self.open_hit)
        pane.providers_changed.connect(self._load_options)
        pane.grouping_changed.connect(self._grouping_changed)
        analysers = [info for info in KNOWN_PROVIDERS if Capability.ANALYZE in info.capabilities]
        pane.set_providers([(info.id, info.label) for info in analysers])
        self._list_places()
        if images is not None:
            pane.set_thumbnail_fetch(self._thumbnail_file)

    def set_persons(self, persons: list[Person]) -> None:
        self._pane.set_persons([(person.person_id, person.display_name) for person in persons])

    def run_search(self, text: str) -> None:
        chosen = self._pane.chosen_providers()
        self._multi = None
        if chosen == [LOCAL]:
            self._query = SearchQuery(text=text, page_limit=SEARCH_PAGE_SIZE, options=self._local_options())
            self._next_cursor = None
            self._tasks.start(SEARCH_TASK, self._search_page(self._query, None, append=False))  # cancels a stale one
        else:
            if self._images is not None:
                self._images.warm_up()   # while the services search, not when the first tile asks
            self._tasks.start(SEARCH_TASK, self._first_merged_page(text, chosen))

    def open_hit(self, hit: SearchHit, at_s: float | None = None) -> None:
        """Opens the hit's clip at at_s (the frame a scrubbed tile showed), else at the hit's start; a cloud
        hit of a clip that is not in the library opens a preview instead."""
        at = hit.start_s if at_s is None else at_s
        if hit.provider in (None, LOCAL):
            self._open_clip(hit.local_video_id or hit.video_id, at)
        elif hit.local_video_id:
            self._open_clip(hit.local_video_id, hit.start_s)
        else:
            self._pane.show_preview(hit)

    def provider_changed(self, provider_id: str) -> None:
        """A service was set up, rebuilt or removed in the settings: the places and its options follow."""
        self._specs.pop(provider_id, None)
        self._list_places()

    def _list_places(self) -> None:
        cloud = [provider_id for provider_id in self._service.provider_ids if provider_id != LOCAL]
        self._pane.set_search_providers([(provider_id, provider_label(provider_id)) for provider_id in cloud])

    def close(self) -> None:
        self._tasks.cancel(SEARCH_TASK)
        self._tasks.cancel(OPTIONS_TASK)
        self._multi = None

    @property
    def merged_search(self) -> MultiSearch | None:
        return self._multi

    # -- this library alone ---------------------------------------------------------------------

    def _local_options(self) -> dict:
        options = self._pane.filters()
        if options.pop("open_clip", False):
            options["video_id"] = self._current_clip() or ""
        return options

    async def _search_page(self, query: SearchQuery, cursor: str | None, *, append: bool) -> None:
        self._pane.set_busy(True)
        try:
            page = await self._service.search(query, cursor)
        except asyncio.CancelledError:
            raise   # a newer search took over the pane, or the window is closing
        except Exception as error:
            self._pane.set_busy(False)
            self._pane.show_error(f"Search failed: {error}")
            raise  # the task runner reports it with its details
        self._pane.set_busy(False)
        self._next_cursor = page.next_cursor
        self._pane.show_problems([])
        self._pane.set_results(page.to_result(), append=append)
        self._pane.set_has_more(page.next_cursor is not None)

    # -- cloud services, one or several ---------------------------------------------------------

    async def _first_merged_page(self, text: str, chosen: list[str]) -> None:
        self._pane.set_busy(True)
        try:
            queries, refused = [], []
            for provider_id in chosen:
                try:
                    queries.append(await self._query_for(provider_id, text))
                except (ReelscopeError, ValueError) as error:
                    refused.append(f"{provider_label(provider_id)}: {redact(str(error))}")
            if not queries:
                self._pane.show_error("Search failed: " + "; ".join(refused))
                return
            multi = MultiSearch(self._service, queries, threshold=self._pane.threshold(),
                                order=self._pane.order_choice())  # type: ignore[arg-type]
            self._multi = multi
            page = await multi.next_page()
        except asyncio.CancelledError:
            raise   # a newer search took over the pane, or the window is closing
        except BaseException:
            self._pane.set_busy(False)
            raise
        self._pane.set_busy(False)
        self._show_page(text, page, append=False, refused=refused)

    async def _next_merged_page(self, multi: MultiSearch, text: str) -> None:
        self._pane.set_busy(True)
        try:
            page = await multi.next_page()
        except asyncio.CancelledError:
            raise   # a newer search took over the pane, or the window is closing
        except BaseException:
            self._pane.set_busy(False)
            raise
        self._pane.set_busy(False)
        if multi is self._multi:
            self._show_page(text, page, append=True)

    def _show_page(self, text: str, page: MultiPage, *, append: bool, refused: list[str] = ()) -> None:
        notes, problems = describe_tallies(page.tallies, grouped=page.grouped)
        self._pane.set_ranked_results(
            text, [item.hit for item in page.hits], [item.relevance for item in page.hits], append=append,
            notes=notes, problems=[*refused, *problems], grouped=page.grouped,
        )
        self._pane.set_has_more(page.has_more)

    async def _query_for(self, provider_id: str, text: str) -> SearchQuery:
        if provider_id == LOCAL:
            return SearchQuery(text=text, page_limit=SEARCH_PAGE_SIZE, options=self._local_options())
        specs = await self._options_of(provider_id)
        values = self._pane.option_values(provider_id) or defaults_of(specs)
        values = {key: value for key, value in values.items() if key != "group_by"}
        grouping = spec_for(specs, "group_by")
        group_by = "video" if self._pane.grouped and grouping is not None else None
        query = SearchQuery(text=text, provider=provider_id, group_by=group_by)
        page_limit = spec_for(specs, "page_limit")
        if page_limit is not None and page_limit.default is not None:
            query = query.model_copy(update={"page_limit": page_limit.default})
        return with_options(query, specs, values)

    async def _options_of(self, provider_id: str) -> tuple[SearchOptionSpec, ...]:
        specs = self._specs.get(provider_id)
        if specs is None:
            specs = await self._service.search_options(provider_id)
            self._specs[provider_id] = specs
            self._pane.set_provider_options(provider_id, provider_label(provider_id), list(specs))
        return specs

    def _load_options(self, chosen: list[str]) -> None:
        missing = [provider_id for provider_id in chosen if provider_id != LOCAL and provider_id not in self._specs]
        if missing:
            self._tasks.start(OPTIONS_TASK, self._load_options_of(missing))

    async def _load_options_of(self, provider_ids: list[str]) -> None:
        for provider_id in provider_ids:
            try:
                await self._options_of(provider_id)
            except ReelscopeError as error:
                self._pane.show_problems([f"{provider_label(provider_id)}: {redact(str(error))}"])

    def _grouping_changed(self, _grouped: bool) -> None:
        if self._multi is not None and self._pane.current_query():
            self.run_search(self._pane.current_query())   # the services group by clip themselves

    def _quick_search(self, query: str) -> None:
        self._window.search_dock.show()
        self._window.search_dock.raise_()
        self._pane.set_query(query)

    def _next_page(self) -> None:
        if self._tasks.is_running(SEARCH_TASK):
            return
        if self._multi is not None:
            if self._multi.has_more:
                self._tasks.start(SEARCH_TASK, self._next_merged_page(self._multi, self._pane.current_query()))
        elif self._query is not None and self._next_cursor:
            self._tasks.start(SEARCH_TASK, self._search_page(self._query, self._next_cursor, append=True))

    # -- thumbnails -----------------------------------------------------------------------------

    async def _thumbnail_file(self, ref: str) -> str | None:
        """A hit's thumbnail as a cached file: through its provider when it fetches its own (Eluvio's
        token-bearing references, Twelve Labs' expiring links), else through the image service."""
        multi = self._multi
        provider = multi.provider_of(ref) if multi is not None else None
        via = provider if provider and self._service.fetches_thumbnails(provider) else None
        try:
            return await self._images.fetched_file(ref, via)
        except ProviderError as error:
            if multi is not None and provider and (
                    isinstance(error, LinkExpired) or error.status in EXPIRED_LINK_STATUSES):
                self._tasks.run(self._renew_thumbnails(multi, ref))
            else:
                log.info("no thumbnail: %s", redact(str(error)))
        except (ReelscopeError, OSError) as error:
            log.info("no thumbnail: %s", redact(str(error)))
        return None

    async def _renew_thumbnails(self, multi: MultiSearch, expired: str) -> None:
        try:
            links = await multi.refresh_thumbnails(expired)
        except ReelscopeError as error:
            log.info("thumbnail links could not be renewed: %s", redact(str(error)))
            return
        if links and multi is self._multi:
            self._pane.renew_thumbnails(links)


def describe_tallies(tallies: tuple[ProviderTally, ...], *, grouped: bool) -> tuple[list[str], list[str]]:
    """(notes for the status line: totals per service and their warnings; problems: the services that failed)."""
    notes: list[str] = []
    problems: list[str] = []
    for tally in tallies:
        if tally.error:
            problems.append(f"{tally.label} failed: {tally.error}")
            continue
        if tally.total is not None and tally.provider != LOCAL:
            unit = "clips" if grouped and tally.inner_matches is not None else "moments"
            text = f"{tally.label}: {tally.total:,} {unit}"
            if tally.inner_matches is not None:
                text += f" ({tally.inner_matches:,} moments in them)"
            notes.append(text)
        notes += [f"{tally.label}: {warning}" for warning in tally.warnings]
    return notes, problems
