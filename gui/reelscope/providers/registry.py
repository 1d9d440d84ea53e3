"""The cloud providers a configuration asks for: each one with a key, built from its settings."""

from __future__ import annotations

import logging

from ..domain.errors import ProviderError
from ..domain.settings import ProviderSettings, Settings
from .base import AnalysisProvider, SearchProvider
from .eluvio import EluvioProvider
from .noxovision import NoxovisionProvider
from .noxovision.provider import DEFAULT_BASE_URL as NOXOVISION_URL
from .seeknetic import SeekneticProvider
from .seeknetic.regions import REGIONS, Region, base_url_for
from .seeknetic.search import SeekneticSearch, UploadedCollections
from .slipstream import SlipstreamProvider
from .slipstream.provider import DEFAULT_BASE_URL as SLIPSTREAM_URL
from .twelvelabs import TwelveLabsProvider

log = logging.getLogger(__name__)

ANALYSIS_PROVIDERS = {
    "noxovision": NoxovisionProvider,
    "seeknetic": SeekneticProvider,
    "slipstream": SlipstreamProvider,
}


SEARCH_PROVIDERS = {
    "twelvelabs": TwelveLabsProvider,
    "eluvio": EluvioProvider,
}


def build_search_provider(provider_id: str, settings: ProviderSettings) -> SearchProvider:
    """One search service (Twelve Labs, Eluvio) from its settings; ProviderError or ValueError says why not."""
    factory = SEARCH_PROVIDERS.get(provider_id)
    if factory is None:
        raise ValueError(f"{provider_id} is not a search service of its own")
    return factory.from_settings(settings)


def build_analysis_provider(provider_id: str, settings: ProviderSettings) -> AnalysisProvider:
    """One cloud analysis provider from its settings; ProviderError or ValueError says why it cannot be built."""
    factory = ANALYSIS_PROVIDERS.get(provider_id)
    if factory is None:
        raise ValueError(f"{provider_id} does not analyse clips")
    return factory.from_settings(settings)


def cloud_analysis_providers(settings: Settings) -> tuple[dict[str, AnalysisProvider], dict[str, str]]:
    """The configured providers, and why each one that has a key could not be built (a bad region, say)."""
    return _build_configured(ANALYSIS_PROVIDERS, settings)


def cloud_search_providers(
    settings: Settings,
    analysis_providers: dict[str, AnalysisProvider] | None = None,
    uploaded_collections: UploadedCollections | None = None,
) -> tuple[dict[str, SearchProvider], dict[str, str]]:
    """The configured search services, and why each one that has a key could not be built.

    Seeknetic's search shares the analysis provider's connection when there is one.
    """
    built, problems = _build_configured(SEARCH_PROVIDERS, settings)
    seeknetic = (analysis_providers or {}).get("seeknetic")
    if isinstance(seeknetic, SeekneticProvider):
        built["seeknetic"] = SeekneticSearch(
            seeknetic.client, collection_id=seeknetic.collection_id, uploaded_collections=uploaded_collections
        )
    return built, problems


def _build_configured(factories: dict, settings: Settings) -> tuple[dict, dict[str, str]]:
    """Each provider of factories that has a key, built; and why each that has one could not be."""
    built: dict = {}
    problems: dict[str, str] = {}
    for provider_id, factory in factories.items():
        provider_settings = settings.providers.get(provider_id)
        if provider_settings is None or not provider_settings.configured:
            continue
        try:
            built[provider_id] = factory.from_settings(provider_settings)
        except (ProviderError, ValueError) as error:
            log.warning("%s is not available: %s", provider_id, error)
            problems[provider_id] = str(error)
    return built, problems


def default_base_url(provider_id: str) -> str | None:
    """Where a provider's service is when no base URL is set (Seeknetic: its default region's)."""
    if provider_id == "seeknetic":
        return base_url_for(None, None)
    return {"noxovision": NOXOVISION_URL, "slipstream": SLIPSTREAM_URL}.get(provider_id)


def seeknetic_regions() -> tuple[Region, ...]:
    return REGIONS
