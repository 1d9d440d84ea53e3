"""User settings: what the config file holds, after environment overrides."""

from __future__ import annotations

from pydantic import Field

from .base import Frozen


class ProviderSettings(Frozen):
    base_url: str | None = None
    api_key: str | None = Field(default=None, repr=False)
    index_id: str | None = None
    collection_id: str | None = None


class LocalEngineSettings(Frozen):
    """Which stages the local engine runs (each can be turned off), and the music folder it matches against."""

    ocr: bool = True
    faces: bool = True
    music: bool = True
    sections: bool = True
    music_dir: str | None = None


class Settings(Frozen):
    data_dir: str
    local_workers: int = 2
    local: LocalEngineSettings = LocalEngineSettings()
    providers: dict[str, ProviderSettings] = {}
