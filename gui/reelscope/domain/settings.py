"""User settings: what the config file holds, after environment overrides."""

from __future__ import annotations

from pydantic import Field

from .base import Frozen


class ProviderSettings(Frozen):
    base_url: str | None = None
    api_key: str | None = Field(default=None, repr=False)
    index_id: str | None = None
    collection_id: str | None = None


class Settings(Frozen):
    data_dir: str
    local_workers: int = 2
    providers: dict[str, ProviderSettings] = {}
