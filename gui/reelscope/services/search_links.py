"""Search hits joined to the library: a hit of a clip the library holds gets its file, its title
(when the service named none) and the date the clip was added; every hit is labelled by provider.

Cloud hits are matched through the provider's asset records (what we uploaded, by content hash);
a service we never uploaded to (Twelve Labs, Eluvio) has none, and its hits stay unlinked.
"""

from __future__ import annotations

from ..domain.providers import LOCAL
from ..domain.search import SearchHit, SearchPage
from ..library.links import LocalLink
from ..library.storage import Storage


class SearchLinker:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def link(self, page: SearchPage) -> SearchPage:
        provider = page.query.provider
        if not page.hits:
            return page
        ids = {hit.video_id for hit in page.hits}
        links = self._storage.links
        if provider == LOCAL:
            found = await self._storage.database.run(links.for_video_ids, ids)
        else:
            found = await self._storage.database.run(links.for_remote_ids, provider, ids)
        return page.model_copy(update={"hits": tuple(_linked(hit, provider, found.get(hit.video_id))
                                                     for hit in page.hits)})

    async def collections_uploaded_to(self, provider: str) -> list[str]:
        return await self._storage.database.run(self._storage.links.collections_uploaded_to, provider)


def _linked(hit: SearchHit, provider: str, link: LocalLink | None) -> SearchHit:
    update: dict[str, object] = {}
    if hit.provider != provider:
        update["provider"] = provider
    if link is not None:
        update["added_at"] = link.added_at
        update["local_video_id"] = link.video_id
        if not hit.local_path:
            update["local_path"] = link.path
        if hit.title == hit.video_id or not hit.title:
            update["title"] = link.title
    return hit.model_copy(update=update) if update else hit
