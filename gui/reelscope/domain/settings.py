"""User settings: what the config file holds, after environment overrides."""

from __future__ import annotations

from pydantic import Field

from .base import Frozen


class ProviderSettings(Frozen):
    base_url: str | None = None
    api_key: str | None = Field(default=None, repr=False)
    index_id: str | None = None
    collection_id: str | None = None
    region: str | None = None
    """Seeknetic: tokyo (live), oregon or beijing (listed as coming soon)."""
    auth_style: str | None = None
    """Seeknetic: 'x-api-key' (the default) or 'bearer'."""
    max_processing_time_s: int | None = None
    """Noxovision's Max-Processing-Time: the server cancels a job running longer; 0 means no limit."""
    webhook_url: str | None = None
    """Noxovision: the public URL that forwards to the local webhook receiver; none means polling only."""
    webhook_listen: str | None = None
    """Noxovision: host:port the local webhook receiver listens on (default 127.0.0.1:8765)."""
    webhook_secret: str | None = Field(default=None, repr=False)
    poll_interval_s: float | None = None
    paths: dict[str, str] = {}
    """Noxovision: endpoint paths, where an account's differ from the defaults."""

    @property
    def configured(self) -> bool:
        return bool(self.api_key)


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
