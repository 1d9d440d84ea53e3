"""Cloud provider settings as the settings dialog edits them, applied while the app runs.

Keys go to the secret store (the OS keyring, else a file only the user can read), everything else to
the config file (`library.config.save_provider_choices`, which refuses keys). After a save the
settings are read again and the provider is rebuilt in place, in the providers mapping the analysis
queue reads: new jobs use it at once; jobs already running finish with the instance they started
with, which is closed when the app closes. A connection test builds a throwaway provider from the
values being edited and makes one authenticated call; the key never leaves this layer.
All disk and keyring work runs off the event loop's thread.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain.connection import ConnectionCheck
from ..domain.errors import ProviderError
from ..domain.providers import provider_label
from ..domain.settings import ProviderSettings, Settings
from ..library.config import CLOUD_PROVIDERS, PROVIDER_FILE_KEYS, load_settings, save_provider_choices
from ..library.secrets import SecretStore, api_key_name
from ..providers.base import AnalysisProvider, SearchProvider
from .observers import Listeners

WEBHOOK_SECRET = "webhook_secret"
ENVIRONMENT_FIELDS = {"base_url": "BASE_URL", "index_id": "INDEX_ID", "collection_id": "COLLECTION_ID",
                      "region": "REGION", "api_key": "API_KEY"}


@dataclass(frozen=True)
class RegionChoice:
    id: str
    label: str
    base_url: str
    available: bool


@dataclass(frozen=True)
class ProviderFactory:
    """What the composition root tells this service about the cloud providers (it may not import them)."""

    analysis_ids: frozenset[str]
    """The providers that analyse clips, built by `build`."""
    build: Callable[[str, ProviderSettings], AnalysisProvider]
    """Builds one from its settings; raises ProviderError or ValueError when it cannot."""
    default_base_url: Callable[[str], str | None]
    regions: tuple[RegionChoice, ...] = ()
    """Seeknetic's regions."""
    search_ids: frozenset[str] = frozenset()
    """The services that only search (Twelve Labs, Eluvio), built by `build_search`."""
    build_search: Callable[[str, ProviderSettings], SearchProvider] | None = None


@dataclass(frozen=True)
class ProviderPage:
    """What a provider's settings page shows: its settings without secrets, and where the key stands."""

    provider_id: str
    label: str
    settings: ProviderSettings
    """As in effect, with api_key and webhook_secret left out."""
    in_use: bool
    """The running app uses it (it has a key, from here or the environment, and could be set up)."""
    key_stored: bool
    webhook_secret_stored: bool
    secrets_location: str
    environment: Mapping[str, str]
    """Field -> the environment variable that sets it (and wins over what the page saves)."""
    default_base_url: str | None
    regions: tuple[RegionChoice, ...] = ()
    can_test: bool = True
    problem: str | None = None
    """Why the provider could not be set up with these settings (a region not open yet, say)."""


@dataclass(frozen=True)
class ProviderEdit:
    """One page's changes: settings for the config file and, apart, secrets for the secret store."""

    provider_id: str
    choices: Mapping[str, Any] = field(default_factory=dict)
    """Config file settings (library.config.PROVIDER_FILE_KEYS); None or "" removes one."""
    api_key: str | None = None
    """A new key; None keeps the stored one."""
    remove_key: bool = False
    webhook_secret: str | None = None
    remove_webhook_secret: bool = False


@dataclass(frozen=True)
class SaveOutcome:
    provider_id: str
    configured: bool
    """The provider has a key now."""
    applied: bool
    """The running app uses the new settings already (rebuilt in place)."""
    problem: str | None = None

    def message(self) -> str:
        label = provider_label(self.provider_id)
        if self.problem:
            return f"{label} settings saved, but it cannot be used: {self.problem}"
        if not self.configured:
            return f"{label} settings saved; it has no key, so it is not used"
        if self.applied:
            return f"{label} settings saved and in use now"
        return f"{label} settings saved; they apply at the next start"


class ProviderSetup:
    def __init__(
        self,
        config_file: Path,
        secrets: SecretStore,
        settings: Settings,
        providers: MutableMapping[str, AnalysisProvider],
        unavailable: MutableMapping[str, str],
        factory: ProviderFactory,
        *,
        env: Mapping[str, str] = os.environ,
        search_providers: MutableMapping[str, SearchProvider] | None = None,
    ) -> None:
        self._config_file = Path(config_file)
        self._search_providers = search_providers if search_providers is not None else {}
        self._secrets = secrets
        self._settings = settings
        self._providers = providers
        self._unavailable = unavailable
        self._env = env
        self._factory = factory
        self._retired: list[AnalysisProvider | SearchProvider] = []
        self._saving = asyncio.Lock()
        self.changed: Listeners[str] = Listeners()
        """A provider id, after its provider was rebuilt, added or removed."""

    @property
    def settings(self) -> Settings:
        return self._settings

    def provider_settings(self, provider_id: str) -> ProviderSettings:
        return self._settings.providers.get(provider_id) or ProviderSettings()

    # -- pages -------------------------------------------------------------------------------------

    async def pages(self) -> list[ProviderPage]:
        return await asyncio.get_running_loop().run_in_executor(None, self._pages_now)

    def _pages_now(self) -> list[ProviderPage]:
        pages = []
        for provider_id in CLOUD_PROVIDERS:
            current = self.provider_settings(provider_id)
            pages.append(
                ProviderPage(
                    provider_id=provider_id,
                    label=provider_label(provider_id),
                    settings=current.model_copy(update={"api_key": None, "webhook_secret": None}),
                    in_use=provider_id in self._providers or provider_id in self._search_providers,
                    key_stored=self._secrets.get(api_key_name(provider_id)) is not None,
                    webhook_secret_stored=self._secrets.get(_webhook_secret_name(provider_id)) is not None,
                    secrets_location=self._secrets.location,
                    environment=self._environment(provider_id),
                    default_base_url=self._factory.default_base_url(provider_id),
                    regions=self._factory.regions if provider_id == "seeknetic" else (),
                    can_test=provider_id in self._factory.analysis_ids,
                    problem=self._unavailable.get(provider_id),
                )
            )
        return pages

    def _environment(self, provider_id: str) -> dict[str, str]:
        prefix = f"REELSCOPE_{provider_id.upper()}_"
        return {name: prefix + suffix for name, suffix in ENVIRONMENT_FIELDS.items() if self._env.get(prefix + suffix)}

    # -- testing -----------------------------------------------------------------------------------

    async def test_connection(self, edit: ProviderEdit) -> ConnectionCheck:
        """One authenticated call with the values being edited (the typed key, else the one in use)."""
        label = provider_label(edit.provider_id)
        if edit.provider_id not in self._factory.analysis_ids:
            return _not_tested(edit.provider_id, f"{label} cannot be tested in this version")
        loop = asyncio.get_running_loop()
        settings = await loop.run_in_executor(None, self._settings_for_test, edit)
        try:
            provider = self._factory.build(edit.provider_id, settings)
        except (ProviderError, ValueError) as error:
            text = error.without_provider() if isinstance(error, ProviderError) else str(error)
            return _not_tested(edit.provider_id, text)
        try:
            return await provider.check_connection()
        finally:
            await provider.aclose()

    def _settings_for_test(self, edit: ProviderEdit) -> ProviderSettings:
        current = self.provider_settings(edit.provider_id)
        values = {key: (value if value != "" else None) for key, value in edit.choices.items()}
        key = edit.api_key or (None if edit.remove_key else current.api_key)
        # The test is one call: no webhook receiver is started for it.
        return current.model_copy(update={**values, "api_key": key, "webhook_url": None, "webhook_secret": None})

    # -- saving ------------------------------------------------------------------------------------

    async def save(self, edit: ProviderEdit) -> SaveOutcome:
        """Writes the page's settings and secrets, reads the settings again and rebuilds the provider."""
        loop = asyncio.get_running_loop()
        async with self._saving:
            self._settings = await loop.run_in_executor(None, self._write, edit)
            return await self._rebuild(edit.provider_id)

    def _write(self, edit: ProviderEdit) -> Settings:
        choices = {key: value for key, value in edit.choices.items() if key in PROVIDER_FILE_KEYS}
        if choices:
            save_provider_choices(self._config_file, edit.provider_id, choices)
        if edit.api_key:
            self._secrets.set(api_key_name(edit.provider_id), edit.api_key.strip())
        elif edit.remove_key:
            self._secrets.delete(api_key_name(edit.provider_id))
        if edit.webhook_secret:
            self._secrets.set(_webhook_secret_name(edit.provider_id), edit.webhook_secret.strip())
        elif edit.remove_webhook_secret:
            self._secrets.delete(_webhook_secret_name(edit.provider_id))
        return load_settings(self._env, self._secrets)

    async def _rebuild(self, provider_id: str) -> SaveOutcome:
        settings = self.provider_settings(provider_id)
        if provider_id in self._factory.analysis_ids:
            built: MutableMapping = self._providers
            build = self._factory.build
        elif provider_id in self._factory.search_ids and self._factory.build_search is not None:
            built, build = self._search_providers, self._factory.build_search
        else:
            return SaveOutcome(provider_id, settings.configured, applied=False)
        problem = None
        old = built.pop(provider_id, None)
        self._unavailable.pop(provider_id, None)
        if settings.configured:
            try:
                built[provider_id] = build(provider_id, settings)
            except (ProviderError, ValueError) as error:
                problem = error.without_provider() if isinstance(error, ProviderError) else str(error)
                self._unavailable[provider_id] = problem
        if old is not None:
            self._retired.append(old)  # a running job or search may still use it
        self.changed.emit(provider_id)
        return SaveOutcome(provider_id, settings.configured, applied=problem is None, problem=problem)

    async def aclose(self) -> None:
        retired, self._retired = self._retired, []
        for provider in retired:
            await provider.aclose()


def _webhook_secret_name(provider_id: str) -> str:
    return f"{provider_id}.{WEBHOOK_SECRET}"


def _not_tested(provider_id: str, message: str) -> ConnectionCheck:
    return ConnectionCheck(provider=provider_id, ok=False, message=message, endpoint="", elapsed_s=0.0)
