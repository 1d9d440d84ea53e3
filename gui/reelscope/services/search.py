"""Finding moments: full-text search over the local catalogue."""

from __future__ import annotations

from ..domain.errors import ReelscopeError
from ..domain.search import SearchResult
from ..domain.search import group_by_video as group_hits_by_video
from ..library.catalogue import Catalogue

LOCAL = "local"


class SearchService:
    def __init__(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue

    async def search(
        self,
        query: str,
        *,
        provider: str = LOCAL,
        limit: int = 50,
        offset: int = 0,
        group_by_video: bool = False,
    ) -> SearchResult:
        """One page of moments matching query; total counts every matching moment."""
        if provider != LOCAL:
            raise ReelscopeError(f"{provider}: search is not available through the local catalogue")
        # An FTS5 query over the catalogue takes milliseconds: it runs on the loop's thread,
        # which also keeps the one SQLite connection on one thread.
        hits, total = self._catalogue.search(query, limit=limit, offset=offset)
        return SearchResult(
            provider=provider,
            query=query,
            total=total,
            hits=tuple(hits),
            groups=group_hits_by_video(hits) if group_by_video else None,
        )

