"""Finding moments: each provider's search behind one call, paged by cursor.

The local catalogue is a search provider like the cloud ones: its cursor is an offset. Hits are
joined to the library on the way out (search_links); option specs, fresh thumbnail links and
thumbnail bytes are asked of the provider that has them.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..domain.errors import ReelscopeError
from ..domain.providers import LOCAL, provider_label
from ..domain.search import ORDER_DATE, ORDER_SCORE, SearchPage, SearchQuery
from ..domain.search_options import LOCAL_SEARCH_OPTIONS, SearchOptionSpec
from ..library.catalogue import SearchFilters
from ..library.storage import Storage
from ..providers.base import SearchProvider
from .search_links import SearchLinker


class LocalSearch:
    """Full-text search over everything the catalogue knows, on the database thread."""

    id = LOCAL
    label = provider_label(LOCAL)

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def search(self, query: SearchQuery, cursor: str | None = None) -> SearchPage:
        offset = _offset(cursor)
        limit = max(1, query.page_limit)
        filters = search_filters(query)
        hits, total = await self._storage.database.run(
            self._storage.catalogue.search, query.text, limit, offset, filters
        )
        end = offset + len(hits)
        return SearchPage(
            query=query,
            hits=tuple(hits),
            total=total,
            next_cursor=str(end) if hits and end < total else None,
            previous_cursor=str(max(0, offset - limit)) if offset > 0 else None,
        )


class SearchService:
    def __init__(self, providers: Mapping[str, SearchProvider], linker: SearchLinker | None = None) -> None:
        self._providers = providers
        self._linker = linker

    @property
    def provider_ids(self) -> list[str]:
        return list(self._providers)

    def has_provider(self, provider_id: str) -> bool:
        return provider_id in self._providers

    async def search(self, query: SearchQuery, cursor: str | None = None) -> SearchPage:
        """One page of moments matching query, from the provider it names."""
        page = await self._provider(query.provider).search(query, cursor)
        return await self._linker.link(page) if self._linker is not None else page

    async def search_options(self, provider_id: str) -> tuple[SearchOptionSpec, ...]:
        """The options the provider offers, with their choices (for the panel and the command line)."""
        provider = self._provider(provider_id)
        offered = getattr(provider, "search_options", None)
        return await offered() if offered is not None else LOCAL_SEARCH_OPTIONS

    async def refresh_thumbnails(self, query: SearchQuery, cursor: str | None = None) -> SearchPage:
        """The page again with fresh thumbnail links (Twelve Labs' expire after about an hour)."""
        provider = self._provider(query.provider)
        page = await getattr(provider, "refresh_thumbnails", provider.search)(query, cursor)
        return await self._linker.link(page) if self._linker is not None else page

    def fetches_thumbnails(self, provider_id: str) -> bool:
        """Whether the provider's hit thumbnails are fetched through it (with its token, or its expiry check)."""
        provider = self._providers.get(provider_id)
        return provider is not None and getattr(provider, "fetch_thumbnail", None) is not None

    async def aclose(self) -> None:
        for provider in self._providers.values():
            close = getattr(provider, "aclose", None)
            if close is not None:
                await close()

    def _provider(self, provider_id: str) -> SearchProvider:
        provider = self._providers.get(provider_id)
        if provider is None:
            available = ", ".join(self._providers) or "none"
            raise ReelscopeError(f"{provider_id}: search is not available for this provider (available: {available})")
        return provider

    async def search_all(self, query: SearchQuery, max_pages: int = 1000) -> SearchPage:
        """Every page, walked by cursor, as one page holding all hits (each once)."""
        page = await self.search(query)
        hits = list(page.hits)
        seen = {_hit_key(hit) for hit in hits}
        pages = 1
        while page.next_cursor and pages < max_pages:
            page = await self.search(query, page.next_cursor)
            pages += 1
            for hit in page.hits:
                key = _hit_key(hit)
                if key not in seen:
                    seen.add(key)
                    hits.append(hit)
        return page.model_copy(update={"hits": tuple(hits), "next_cursor": None, "previous_cursor": None})


def search_filters(query: SearchQuery) -> SearchFilters:
    """The catalogue's filters from a query's options (domain.search.SearchQuery says which)."""
    options = query.options

    def text(key: str) -> str | None:
        value = options.get(key)
        return str(value) if value not in (None, "") else None

    try:
        min_score = float(options.get("min_score", 0.0) or 0.0)
    except (TypeError, ValueError):
        given = options.get("min_score")
        raise ReelscopeError(f"local: min_score must be a number from 0 to 1, not {given!r}") from None
    order = text("order") or ORDER_SCORE
    if order not in (ORDER_SCORE, ORDER_DATE):
        raise ReelscopeError(f"local: order must be {ORDER_SCORE!r} or {ORDER_DATE!r}, not {order!r}")
    return SearchFilters(
        person_id=text("person"),
        provider=text("from_provider"),
        video_id=text("video_id"),
        min_score=max(0.0, min(1.0, min_score)),
        order=order,
    )


def _hit_key(hit) -> tuple:
    return (hit.video_id, round(hit.start_s, 3), round(hit.end_s, 3), hit.snippet)


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return max(0, int(cursor))
    except ValueError:
        raise ReelscopeError(f"local: not a page of this search ({cursor!r}); search again") from None
