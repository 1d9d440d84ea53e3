"""Twelve Labs behind the search interface: pages by token, an expired token recovered by itself.

A cursor holds the page's token and its number. When the service refuses a token (400: it expired,
about an hour after the search, or the index changed), the search is run again and walked forward
to the same page number, so paging on goes unnoticed but for the wait (about a second a page: the
calls stay paced). Thumbnail links expire too: `refresh_thumbnails` repeats the page's search for
fresh ones, `fetch_thumbnail` gets the image (LinkExpired when its link has run out).
"""

from __future__ import annotations

import logging

from ...domain.errors import BadRequest, ProviderNotConfigured
from ...domain.providers import provider_info
from ...domain.search import SearchPage, SearchQuery
from ...domain.search_options import GROUP_BY, OptionChoice, SearchOptionSpec, page_limit_spec
from ...domain.settings import ProviderSettings
from .._cloud import require_key
from .._http import Clock, HeaderKey, HttpClient, NoAuth, SystemClock, Timeouts
from . import mapping, wire
from .client import HINTS, TwelveLabsClient

log = logging.getLogger(__name__)

ID = "twelvelabs"
DEFAULT_BASE_URL = "https://api.twelvelabs.io/v1.2"
PACING_S = 1.02
"""About one search call a second per key (DESIGN.md §2), counted from the previous answer."""

SEARCH_OPTIONS_SPEC = SearchOptionSpec(
    key="search_options", label="Search in", kind="multi", default=("visual",), minimum=1,
    choices=(
        OptionChoice(value="visual", label="Visuals"),
        OptionChoice(value="conversation", label="Speech"),
        OptionChoice(value="text_in_video", label="Text in video"),
        OptionChoice(value="logo", label="Logos"),
    ),
    help="the sources of information the search looks at",
)
OPTIONS: tuple[SearchOptionSpec, ...] = (
    SearchOptionSpec(key="index_id", label="Index", kind="text", help="the index to search (its id)"),
    SEARCH_OPTIONS_SPEC,
    page_limit_spec(wire.DEFAULT_PAGE_LIMIT, wire.MAX_PAGE_LIMIT),
    GROUP_BY,
)


class TwelveLabsProvider:
    id = ID
    label = provider_info(ID).label
    capabilities = provider_info(ID).capabilities

    def __init__(self, client: TwelveLabsClient, *, index_id: str | None = None) -> None:
        self.client = client
        self.index_id = index_id

    @classmethod
    def from_settings(
        cls, settings: ProviderSettings, *, clock: Clock | None = None, timeouts: Timeouts | None = None,
        pacing_s: float = PACING_S,
    ) -> TwelveLabsProvider:
        key = require_key(ID, settings.api_key)
        clock = clock or SystemClock()
        base_url = settings.base_url or DEFAULT_BASE_URL
        http = HttpClient(ID, base_url, HeaderKey(key, "x-api-key"), clock=clock, timeouts=timeouts, hints=HINTS)
        media = HttpClient(ID, base_url, NoAuth(), clock=clock, timeouts=timeouts)
        return cls(TwelveLabsClient(http, media, pacing_s=pacing_s), index_id=settings.index_id)

    # -- the search interface --------------------------------------------------------------------

    async def search(self, query: SearchQuery, cursor: str | None = None) -> SearchPage:
        if cursor is None:
            return mapping.page(query, await self.client.search(self._request(query)), 0)
        number, token = mapping.parse_cursor(cursor)
        try:
            answer = await self.client.page(token, query.grouped)
        except BadRequest as error:
            log.info("Twelve Labs refused a page token (%s): searching again for page %d", error.server_message,
                     number + 1)
            return await self._walk_to(query, number)
        return mapping.page(query, answer, number)

    async def search_options(self) -> tuple[SearchOptionSpec, ...]:
        return tuple(
            spec.model_copy(update={"default": self.index_id}) if spec.key == "index_id" else spec for spec in OPTIONS
        )

    async def refresh_thumbnails(self, query: SearchQuery, cursor: str | None = None) -> SearchPage:
        """The same page again, with fresh thumbnail links (they expire about an hour after a search)."""
        return await self.search(query, cursor)

    async def fetch_thumbnail(self, reference: str) -> bytes:
        return await self.client.thumbnail(reference)

    async def aclose(self) -> None:
        await self.client.http.aclose()
        await self.client.media.aclose()

    # -- internals -----------------------------------------------------------------------------

    def _request(self, query: SearchQuery) -> wire.SearchRequest:
        index = query.index_id or self.index_id
        if not index:
            raise ProviderNotConfigured(
                ID, "no Twelve Labs index is chosen",
                hint="pass --index ID, or set index_id in Settings (REELSCOPE_TWELVELABS_INDEX_ID)",
            )
        options = query.options.get("search_options") or SEARCH_OPTIONS_SPEC.default
        return wire.SearchRequest(
            query=query.text,
            index_id=index,
            search_options=list((options,) if isinstance(options, str) else options),  # type: ignore[arg-type]
            page_limit=max(1, min(wire.MAX_PAGE_LIMIT, query.page_limit)),
            group_by=wire.GROUP_BY_VIDEO if query.grouped else None,
        )

    async def _walk_to(self, query: SearchQuery, number: int) -> SearchPage:
        answer = await self.client.search(self._request(query))
        for reached in range(number):
            token = answer.page_info.next_page_token
            if not token:
                return mapping.past_the_end(query, answer, reached)
            answer = await self.client.page(token, query.grouped)
        return mapping.page(query, answer, number)
