"""Seeknetic's collection search behind the search interface (seed 000: POST
/collections/{id}/search {text, top_k} -> results with similarity; synchronous, there is no async
form of it).

Without a collection asked for, it searches every collection the user uploaded to (the library's
record of uploads, given as `uploaded_collections`) and the configured one, and merges them by
similarity. The results (top_k per collection) are fetched once and paged here, like Eluvio's.
Titles come from the collection's video list when the service has one, else the video id.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable

from ...domain.errors import NotFound, ProviderError, ProviderNotConfigured
from ...domain.media import title_from_name
from ...domain.providers import provider_label
from ...domain.search import SearchHit, SearchPage, SearchQuery
from ...domain.search_options import GROUP_BY, OptionChoice, SearchOptionSpec, page_limit_spec
from ...domain.search_paging import page_locally
from . import wire
from .client import SeekneticClient

log = logging.getLogger(__name__)

ID = "seeknetic"
CURSOR_PREFIX = "sk1"
DEFAULT_TOP_K = 50
MAX_TOP_K = 500
KEEP_RESULTS_S = 600.0
KEPT_SEARCHES = 8

UploadedCollections = Callable[[], Awaitable[Iterable[str]]]


class SeekneticSearch:
    id = ID
    label = provider_label(ID)

    def __init__(
        self, client: SeekneticClient, *, collection_id: str | None = None,
        uploaded_collections: UploadedCollections | None = None,
    ) -> None:
        self.client = client
        self.collection_id = collection_id
        self._uploaded = uploaded_collections
        self._kept: OrderedDict[tuple, tuple[float, tuple[SearchHit, ...], tuple[str, ...]]] = OrderedDict()
        self._titles: dict[str, dict[str, str]] = {}
        self._unlisted: set[str] = set()

    async def search(self, query: SearchQuery, cursor: str | None = None) -> SearchPage:
        collections = (query.collection_id,) if query.collection_id else await self._searched_collections()
        top_k = max(1, min(MAX_TOP_K, int(query.options.get("top_k", DEFAULT_TOP_K))))  # type: ignore[arg-type]
        key = (collections, query.text, top_k)
        kept = self._kept.get(key) if cursor is not None else None
        if kept is None or self.client.http.clock.monotonic() - kept[0] > KEEP_RESULTS_S:
            hits, warnings = await self._fetch(collections, query.text, top_k, explicit=bool(query.collection_id))
            kept = (self.client.http.clock.monotonic(), hits, warnings)
            self._kept[key] = kept
            self._kept.move_to_end(key)
            while len(self._kept) > KEPT_SEARCHES:
                self._kept.popitem(last=False)
        return page_locally(query, kept[1], cursor, prefix=CURSOR_PREFIX, warnings=kept[2])

    async def search_options(self) -> tuple[SearchOptionSpec, ...]:
        uploaded = await self._searched_collections(required=False)
        names: dict[str, str] = {}
        try:
            names = {c.id: c.name for c in await self.client.collections()}
        except ProviderError as error:
            log.info("Seeknetic's collections could not be listed: %s", error)
        choices = [OptionChoice(value="", label="Every collection you uploaded to")] if uploaded else []
        ordered = list(uploaded) + [cid for cid in names if cid not in uploaded]
        choices += [OptionChoice(value=cid, label=names.get(cid, cid)) for cid in ordered]
        return (
            SearchOptionSpec(key="collection_id", label="Collection", kind="choice", default="",
                             choices=tuple(choices), help="the collection to search"),
            SearchOptionSpec(key="top_k", label="At most", kind="integer", default=DEFAULT_TOP_K, minimum=1,
                             maximum=MAX_TOP_K, help="how many moments each collection gives (top_k)"),
            page_limit_spec(20, 200),
            GROUP_BY,
        )

    async def _searched_collections(self, *, required: bool = True) -> tuple[str, ...]:
        found: list[str] = [self.collection_id] if self.collection_id else []
        if self._uploaded is not None:
            found += [cid for cid in await self._uploaded() if cid and cid not in found]
        if not found and required:
            raise ProviderNotConfigured(
                ID, "no Seeknetic collection to search",
                hint="upload clips to a collection first, pass --collection ID, or set collection_id",
            )
        return tuple(found)

    async def _fetch(
        self, collections: tuple[str, ...], text: str, top_k: int, *, explicit: bool
    ) -> tuple[tuple[SearchHit, ...], tuple[str, ...]]:
        hits: dict[tuple, SearchHit] = {}
        warnings: list[str] = []
        for collection in collections:
            try:
                results = await self.client.search(collection, text, top_k)
            except NotFound:
                if explicit:
                    raise
                warnings.append(f"collection {collection} is gone from Seeknetic; it was left out")
                continue
            titles = await self._titles_of(collection, {r.video_id for r in results.results})
            for result in results.results:
                found = _hit(result, titles)
                key = (found.video_id, found.start_s, found.end_s)
                if key not in hits or (found.score or 0) > (hits[key].score or 0):
                    hits[key] = found
        ordered = sorted(hits.values(), key=lambda h: -(h.score if h.score is not None else float("-inf")))
        return tuple(ordered), tuple(warnings)

    async def _titles_of(self, collection: str, wanted: set[str]) -> dict[str, str]:
        if collection in self._unlisted or wanted <= self._titles.get(collection, {}).keys():
            return self._titles.get(collection, {})
        try:
            videos = await self.client.collection_videos(collection)
        except ProviderError as error:
            log.info("Seeknetic's videos of %s could not be listed: %s", collection, error)
            videos = []
        if videos is None:  # the service offers no listing: ids it is
            self._unlisted.add(collection)
        self._titles[collection] = {v.video_id: title_from_name(v.filename) for v in videos or () if v.filename}
        return self._titles[collection]


def _hit(result: wire.SearchResult, titles: dict[str, str]) -> SearchHit:
    start = max(0.0, result.start_time or 0.0)
    end = result.end_time if result.end_time is not None else start
    return SearchHit(
        video_id=result.video_id, title=titles.get(result.video_id, result.video_id), start_s=start,
        end_s=max(start, end), score=result.similarity, provider=ID,
    )
