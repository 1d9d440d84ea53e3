"""Uploading a file to a provider's collection (`reelscope upload`): once per content and collection.

What the collection holds is kept per content hash (library.assets), like an analysis: a file whose
content is already processed in that collection is not sent again; an upload cut off part-way is
looked up in the collection before it is sent again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..domain.assets import AssetState, ProviderAsset
from ..domain.jobs import JobPhase, JobProgress
from ..library.storage import Storage
from ..providers.base import NoEvents
from ..providers.hashing import hash_in_background


class CollectionUploader(Protocol):
    id: str

    async def upload(self, path: Path, collection_id: str, *, wait: bool = True, events=None,
                     interrupted: bool = False): ...


@dataclass(frozen=True)
class UploadOutcome:
    path: Path
    video_id: str | None
    status: str
    error: str | None = None


async def upload_file(
    storage: Storage, provider: CollectionUploader, path: Path, collection_id: str, *, wait: bool = True
) -> UploadOutcome:
    db = storage.database
    sha256 = await hash_in_background(path)
    asset = await db.run(storage.assets.get, sha256, provider.id, collection_id)
    if asset is not None and asset.state is AssetState.DONE and asset.remote_id:
        return UploadOutcome(path, asset.remote_id, "processed")
    events = _AssetEvents(storage, provider.id, sha256, collection_id)
    uploaded = await provider.upload(
        path, collection_id, wait=wait, events=events,
        interrupted=asset is not None and asset.state is AssetState.SENDING,
    )
    final = {"processed": AssetState.DONE, "failed": AssetState.FAILED}.get(uploaded.status, AssetState.PROCESSING)
    await db.run(storage.assets.put, events.asset(uploaded.video_id, final))
    return UploadOutcome(path, uploaded.video_id, uploaded.status, uploaded.error)


class _AssetEvents(NoEvents):
    """Records the upload's progress in provider_assets: sending, then the service's video id."""

    def __init__(self, storage: Storage, provider: str, sha256: str, scope: str) -> None:
        self._storage, self._provider, self._sha256, self._scope = storage, provider, sha256, scope
        self._sending_recorded = False

    def asset(self, remote_id: str | None, state: AssetState) -> ProviderAsset:
        return ProviderAsset(sha256=self._sha256, provider=self._provider, scope=self._scope, remote_id=remote_id,
                             state=state)

    def progress(self, update: JobProgress) -> None:
        if update.phase is JobPhase.UPLOADING and not self._sending_recorded:
            self._sending_recorded = True
            self._storage.database.submit(self._storage.assets.put, self.asset(None, AssetState.SENDING))

    async def remote_job(self, remote_id: str, details: Mapping[str, str] | None = None) -> None:
        await self._storage.database.run(self._storage.assets.put, self.asset(remote_id, AssetState.PROCESSING))
