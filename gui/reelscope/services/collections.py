"""Seeknetic's collections for the library pane: list, create, choose where new clips are uploaded,
and which library clips a collection holds (from what the catalogue knows was sent there)."""

from __future__ import annotations

from collections.abc import Mapping

from ..domain.collections import Collection
from ..domain.errors import ProviderNotConfigured
from ..domain.thumbnails import video_id_for
from ..library.storage import Storage
from ..providers.base import AnalysisProvider
from .provider_setup import ProviderEdit, ProviderSetup, SaveOutcome

PROVIDER = "seeknetic"


class CollectionsService:
    def __init__(self, storage: Storage, providers: Mapping[str, AnalysisProvider], setup: ProviderSetup) -> None:
        self._storage = storage
        self._providers = providers
        self._setup = setup

    @property
    def available(self) -> bool:
        """Whether a Seeknetic provider is set up (with a key) in the running app."""
        return self._providers.get(PROVIDER) is not None

    def upload_collection(self) -> str | None:
        """The collection Seeknetic analyses upload new clips to."""
        return self._setup.provider_settings(PROVIDER).collection_id

    async def collections(self) -> list[Collection]:
        return await self._provider().collections()

    async def create(self, name: str) -> Collection:
        name = name.strip()
        if not name:
            raise ValueError("a collection needs a name")
        return await self._provider().create_collection(name)

    async def upload_to(self, collection_id: str | None) -> SaveOutcome:
        """Makes collection_id the one new clips are uploaded to (None: no collection, tags only)."""
        return await self._setup.save(ProviderEdit(PROVIDER, {"collection_id": collection_id}))

    async def clip_ids_in(self, collection_id: str) -> set[str]:
        """Library clips whose content went to the collection, by upload or by a Seeknetic analysis."""
        assets = await self._storage.database.run(self._storage.assets.for_provider, PROVIDER)
        return {
            asset.video_id or video_id_for(asset.sha256)
            for asset in assets
            if collection_id in (asset.scope, asset.details.get("collection_id")) and asset.sha256
        }

    def _provider(self):
        provider = self._providers.get(PROVIDER)
        if provider is None or not hasattr(provider, "collections"):
            raise ProviderNotConfigured(
                PROVIDER, "Seeknetic is not set up", hint="enter its key in Settings → Seeknetic"
            )
        return provider
