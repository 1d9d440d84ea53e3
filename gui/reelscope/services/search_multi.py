"""One search across one or several providers, as the search panel browses it (no Qt).

Each provider keeps its own cursor; a page asks every provider that has more for its next page at
once, and the hits are ranked together (domain.search.rank_hits: scores relative to each provider's
best) and filtered by one threshold and one order (select_hits). A provider that fails is named in
the page's `errors` (its words redacted) while the others' hits still come; it is asked no more.
Expired thumbnail links (Twelve Labs) are renewed by repeating the search of the page that gave them,
once per page however many tiles ask.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..domain.errors import ReelscopeError
from ..domain.providers import provider_label
from ..domain.search import HitOrder, RankedHit, SearchHit, SearchPage, SearchQuery, rank_hits, select_hits
from ..providers._redact import redact
from .search import SearchService

RENEW_AGAIN_AFTER_S = 600.0
"""A page's links renewed this recently are not renewed again (a service handing out dead links)."""


@dataclass(frozen=True)
class ProviderTally:
    """What one provider said of the search so far."""

    provider: str
    label: str
    total: int | None = None
    inner_matches: int | None = None
    warnings: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class MultiPage:
    hits: tuple[RankedHit, ...]
    """The hits this page adds, ranked and filtered (the earlier pages' hits are not repeated)."""
    tallies: tuple[ProviderTally, ...]
    has_more: bool
    grouped: bool


@dataclass
class _Provider:
    query: SearchQuery
    pages: list[tuple[str | None, SearchPage]] = field(default_factory=list)   # (cursor asked, page)
    next_cursor: str | None = None
    started: bool = False
    error: str | None = None

    @property
    def has_more(self) -> bool:
        return self.error is None and (not self.started or self.next_cursor is not None)


class MultiSearch:
    def __init__(
        self, service: SearchService, queries: Sequence[SearchQuery], *, threshold: float = 0.0,
        order: HitOrder = "score",
    ) -> None:
        if not queries:
            raise ReelscopeError("choose at least one place to search")
        self._service = service
        self._providers = {query.provider: _Provider(query) for query in queries}
        self._threshold = threshold
        self._order = order
        self._shown: set[tuple] = set()
        self._refreshing: dict[tuple[str, int], asyncio.Future[dict[str, str]]] = {}
        self._thumbnail_owner: dict[str, str] = {}
        self._renewed_at: dict[tuple[str, int], float] = {}

    @property
    def providers(self) -> list[str]:
        return list(self._providers)

    @property
    def has_more(self) -> bool:
        return any(state.has_more for state in self._providers.values())

    async def next_page(self) -> MultiPage:
        """The first page of every provider, then each next page of those that have more, merged."""
        asking = [(provider, state) for provider, state in self._providers.items() if state.has_more]
        best_so_far = self._best_hits()
        counts = {provider: len(state.pages) for provider, state in self._providers.items()}
        await asyncio.gather(*(self._advance(provider, state) for provider, state in asking))
        # Ranked against each provider's best hit so far, the new pages cost what they hold, not the whole search.
        new_pages = [page for provider, state in self._providers.items() for _c, page in state.pages[counts[provider]:]]
        ranked = rank_hits([*best_so_far, *new_pages])
        fresh = [item for item in ranked if _key(item.hit) not in self._shown]
        self._shown.update(_key(item.hit) for item in fresh)
        chosen = select_hits(fresh, threshold=self._threshold, order=self._order)
        self._stop_below_threshold([provider for provider, _state in asking], chosen)
        return MultiPage(hits=chosen, tallies=self.tallies(), has_more=self.has_more,
                         grouped=any(state.query.grouped for state in self._providers.values()))

    def _stop_below_threshold(self, asked: list[str], chosen: tuple[RankedHit, ...]) -> None:
        """A provider whose new page had nothing at or above the threshold is asked no more: its pages
        come best first, so the next would hold nothing either (the catalogue by date excepted)."""
        if self._threshold <= 0:
            return
        kept = {item.provider for item in chosen}
        for provider in asked:
            state = self._providers[provider]
            if provider not in kept and state.query.options.get("order") != "date":
                state.next_cursor = None

    def _best_hits(self) -> list[SearchPage]:
        """A page per provider holding its best-scored hit shown so far (already shown: it only sets the scale)."""
        pages = []
        for state in self._providers.values():
            scored = [hit for _c, page in state.pages for hit in page.hits if hit.score is not None]
            if scored:
                best = max(scored, key=lambda hit: hit.score)
                pages.append(SearchPage(query=state.query, hits=(best,)))
        return pages

    def tallies(self) -> tuple[ProviderTally, ...]:
        return tuple(_tally(provider, state) for provider, state in self._providers.items())

    def provider_of(self, thumbnail_url: str) -> str | None:
        """Whose hit has this thumbnail link (its provider fetches it, or renews it once expired)."""
        return self._thumbnail_owner.get(thumbnail_url)

    async def refresh_thumbnails(self, thumbnail_url: str) -> dict[str, str]:
        """Fresh links for the page that gave thumbnail_url, as {old link: new link}; asked once per page."""
        for provider, state in self._providers.items():
            for number, (cursor, page) in enumerate(state.pages):
                if any(hit.thumbnail_url == thumbnail_url for hit in page.hits):
                    key = (provider, number)
                    under_way = self._refreshing.get(key)
                    if under_way is None:
                        if time.monotonic() - self._renewed_at.get(key, -RENEW_AGAIN_AFTER_S) < RENEW_AGAIN_AFTER_S:
                            return {}
                        self._renewed_at[key] = time.monotonic()
                        under_way = asyncio.ensure_future(self._refresh(state, number, cursor, page))
                        self._refreshing[key] = under_way
                        under_way.add_done_callback(lambda _done, key=key: self._refreshing.pop(key, None))
                    return await asyncio.shield(under_way)
        return {}   # renewed already: the page holds the new links

    async def _refresh(self, state: _Provider, number: int, cursor: str | None, page: SearchPage) -> dict[str, str]:
        fresh = await self._service.refresh_thumbnails(state.query, cursor)
        new_links = {_place(hit): hit.thumbnail_url for hit in fresh.hits if hit.thumbnail_url}
        renewed: dict[str, str] = {}
        hits = []
        for hit in page.hits:
            link = new_links.get(_place(hit))
            if hit.thumbnail_url and link and link != hit.thumbnail_url:
                renewed[hit.thumbnail_url] = link
                hit = hit.model_copy(update={"thumbnail_url": link})
            hits.append(hit)
        state.pages[number] = (cursor, page.model_copy(update={"hits": tuple(hits)}))
        provider = state.query.provider
        self._thumbnail_owner.update((link, provider) for link in renewed.values())
        return renewed

    async def _advance(self, provider: str, state: _Provider) -> None:
        cursor = state.next_cursor
        try:
            page = await self._service.search(state.query, cursor)
        except (ReelscopeError, OSError) as error:
            state.error = redact(_without_provider(error, provider))
            return
        state.started = True
        state.pages.append((cursor, page))
        self._thumbnail_owner.update((hit.thumbnail_url, provider) for hit in page.hits if hit.thumbnail_url)
        state.next_cursor = page.next_cursor


def _tally(provider: str, state: _Provider) -> ProviderTally:
    last = state.pages[-1][1] if state.pages else None
    warnings: list[str] = []
    for _cursor, page in state.pages:
        warnings += [redact(w) for w in page.warnings if redact(w) not in warnings]
    return ProviderTally(
        provider=provider, label=provider_label(provider), total=last.total if last else None,
        inner_matches=last.total_inner_matches if last else None, warnings=tuple(warnings), error=state.error,
    )


def _without_provider(error: BaseException, provider: str) -> str:
    without = getattr(error, "without_provider", None)
    if callable(without):
        return without()
    text = str(error) or type(error).__name__
    prefix = f"{provider}: "
    return text[len(prefix):] if text.startswith(prefix) else text


def _place(hit: SearchHit) -> tuple:
    return (hit.video_id, round(hit.start_s, 3), round(hit.end_s, 3))


def _key(hit: SearchHit) -> tuple:
    return (hit.provider, *_place(hit), hit.snippet)
