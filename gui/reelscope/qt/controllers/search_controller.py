"""Search: queries from the toolbar or the pane, pages by cursor, and hits that open their clip."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from ...domain.people import Person
from ...domain.providers import KNOWN_PROVIDERS, Capability
from ...domain.search import SearchHit, SearchQuery
from ...services.search import SearchService
from ..main_window import MainWindow
from ..panes.search_pane import SearchPane
from .tasks import TaskRunner

SEARCH_PAGE_SIZE = 60
SEARCH_TASK = "search"


class SearchController(QObject):
    def __init__(
        self,
        window: MainWindow,
        pane: SearchPane,
        service: SearchService,
        tasks: TaskRunner,
        open_clip: Callable[[str, float | None], object],
        current_clip: Callable[[], str | None] = lambda: None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._pane = pane
        self._service = service
        self._tasks = tasks
        self._open_clip = open_clip
        self._current_clip = current_clip
        self._query: SearchQuery | None = None
        self._next_cursor: str | None = None

        window.quick_search_requested.connect(self._quick_search)
        pane.search_requested.connect(self.run_search)
        pane.more_requested.connect(self._next_page)
        pane.hit_activated.connect(self.open_hit)
        analysers = [info for info in KNOWN_PROVIDERS if Capability.ANALYZE in info.capabilities]
        pane.set_providers([(info.id, info.label) for info in analysers])

    def set_persons(self, persons: list[Person]) -> None:
        self._pane.set_persons([(person.person_id, person.display_name) for person in persons])

    def run_search(self, text: str) -> None:
        options = self._pane.filters()
        if options.pop("open_clip", False):
            options["video_id"] = self._current_clip() or ""
        self._query = SearchQuery(text=text, page_limit=SEARCH_PAGE_SIZE, options=options)
        self._next_cursor = None
        self._tasks.start(SEARCH_TASK, self._search_page(self._query, None, append=False))  # cancels a stale search

    def open_hit(self, hit: SearchHit, at_s: float | None = None) -> None:
        """Opens the hit's clip at at_s (the frame a scrubbed tile showed), else at the hit's start."""
        self._open_clip(hit.video_id, hit.start_s if at_s is None else at_s)

    def _quick_search(self, query: str) -> None:
        self._window.search_dock.show()
        self._window.search_dock.raise_()
        self._pane.set_query(query)

    def _next_page(self) -> None:
        if self._query is not None and self._next_cursor and not self._tasks.is_running(SEARCH_TASK):
            self._tasks.start(SEARCH_TASK, self._search_page(self._query, self._next_cursor, append=True))

    async def _search_page(self, query: SearchQuery, cursor: str | None, *, append: bool) -> None:
        self._pane.set_busy(True)
        try:
            page = await self._service.search(query, cursor)
        except Exception as error:
            self._pane.show_error(f"Search failed: {error}")
            raise  # the task runner reports it with its details
        finally:
            self._pane.set_busy(False)
        self._next_cursor = page.next_cursor
        self._pane.set_results(page.to_result(), append=append)
        self._pane.set_has_more(page.next_cursor is not None)
