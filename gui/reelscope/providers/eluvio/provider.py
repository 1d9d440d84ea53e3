"""Eluvio behind the search interface: the whole result fetched once, paged here.

The vendor's paging is buggy, so a search asks for everything up to max_total (an option), keeps
each result once, sorts by score (the best of each result's sources) and pages locally: its
cursors are offsets into that list, kept for a while per query, fetched again when gone. Frames are
fetched by `fetch_thumbnail` with the token added then; hits only hold `eluvio:<image_url>`.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlsplit

from ...domain.errors import BadRequest, ProviderNotConfigured
from ...domain.providers import provider_info
from ...domain.search import SearchHit, SearchPage, SearchQuery
from ...domain.search_options import GROUP_BY, OptionChoice, SearchOptionSpec, page_limit_spec
from ...domain.search_paging import page_locally
from ...domain.settings import ProviderSettings
from .._cloud import require_key
from .._http import Clock, HttpClient, QueryToken, SystemClock, Timeouts
from . import mapping
from .client import HINTS, EluvioClient

ID = "eluvio"
DEFAULT_BASE_URL = "https://ai.contentfabric.io/search"
CURSOR_PREFIX = "el1"
DEFAULT_MAX_TOTAL = 200
MAX_TOTAL = 1000
KEEP_RESULTS_S = 600.0
KEPT_SEARCHES = 8

OPTIONS: tuple[SearchOptionSpec, ...] = (
    SearchOptionSpec(key="index_id", label="Index", kind="text", help="the index content object (iq__…)"),
    SearchOptionSpec(
        key="clips", label="Results", kind="choice", default="clips",
        choices=(OptionChoice(value="clips", label="Clips"), OptionChoice(value="shots", label="Shots")),
        help="clips: moments made of several shots; shots: each shot on its own",
    ),
    SearchOptionSpec(
        key="max_total", label="At most", kind="integer", default=DEFAULT_MAX_TOTAL, minimum=1, maximum=MAX_TOTAL,
        help="how many results the search looks for in all",
    ),
    page_limit_spec(20, 200),
    GROUP_BY,
)


@dataclass(frozen=True)
class _Fetched:
    at: float
    hits: tuple[SearchHit, ...]
    warnings: tuple[str, ...]


class EluvioProvider:
    id = ID
    label = provider_info(ID).label
    capabilities = provider_info(ID).capabilities

    def __init__(self, client: EluvioClient, *, index_id: str | None = None, clock: Clock | None = None) -> None:
        self.client = client
        self.index_id = index_id
        self.clock = clock or client.http.clock
        self._kept: OrderedDict[tuple, _Fetched] = OrderedDict()

    @classmethod
    def from_settings(
        cls, settings: ProviderSettings, *, clock: Clock | None = None, timeouts: Timeouts | None = None
    ) -> EluvioProvider:
        token = require_key(ID, settings.api_key)
        http = HttpClient(ID, settings.base_url or DEFAULT_BASE_URL, QueryToken(token, "authorization"),
                          clock=clock or SystemClock(), timeouts=timeouts, hints=HINTS)
        return cls(EluvioClient(http), index_id=settings.index_id)

    async def search(self, query: SearchQuery, cursor: str | None = None) -> SearchPage:
        key = self._key(query)
        fetched = self._kept.get(key) if cursor is not None else None
        if fetched is None or self.clock.monotonic() - fetched.at > KEEP_RESULTS_S:
            fetched = await self._fetch(key)
        return page_locally(query, fetched.hits, cursor, prefix=CURSOR_PREFIX, warnings=fetched.warnings)

    async def search_options(self) -> tuple[SearchOptionSpec, ...]:
        return tuple(
            spec.model_copy(update={"default": self.index_id}) if spec.key == "index_id" else spec for spec in OPTIONS
        )

    async def fetch_thumbnail(self, reference: str) -> bytes:
        """The frame an `eluvio:` reference names, fetched with the token (never part of the reference)."""
        path = reference.removeprefix(mapping.THUMBNAIL_SCHEME)
        target = urlsplit(path)
        base = urlsplit(self.client.http.base_url)
        if not reference.startswith(mapping.THUMBNAIL_SCHEME) or (target.netloc and target.netloc != base.netloc):
            raise BadRequest(ID, "not an Eluvio frame reference", hint="the token is only sent to the Eluvio host")
        return await self.client.image(path)

    async def aclose(self) -> None:
        await self.client.http.aclose()

    # -- internals -----------------------------------------------------------------------------

    def _key(self, query: SearchQuery) -> tuple:
        index = query.index_id or self.index_id
        if not index:
            raise ProviderNotConfigured(
                ID, "no Eluvio index is chosen",
                hint="pass --index ID (iq__…), or set index_id in Settings (REELSCOPE_ELUVIO_INDEX_ID)",
            )
        clips = str(query.options.get("clips", "clips")) != "shots"
        max_total = int(query.options.get("max_total", DEFAULT_MAX_TOTAL))  # type: ignore[arg-type]
        return (index, query.text, clips, max(1, min(MAX_TOTAL, max_total)))

    async def _fetch(self, key: tuple) -> _Fetched:
        index, terms, clips, max_total = key
        results = await self.client.search_all(index, terms, max_total=max_total, clips=clips)
        fetched = _Fetched(self.clock.monotonic(), mapping.hits(results), mapping.warnings_of(results))
        self._kept[key] = fetched
        self._kept.move_to_end(key)
        while len(self._kept) > KEPT_SEARCHES:
            self._kept.popitem(last=False)
        return fetched
