"""The cloud providers a configuration asks for: each one with a key, built from its settings."""

from __future__ import annotations

import logging

from ..domain.errors import ProviderError
from ..domain.settings import Settings
from .base import AnalysisProvider, SearchProvider
from .eluvio import EluvioProvider
from .noxovision import NoxovisionProvider
from .seeknetic import SeekneticProvider
from .seeknetic.search import SeekneticSearch, UploadedCollections
from .slipstream import SlipstreamProvider
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


def cloud_analysis_providers(settings: Settings) -> tuple[dict[str, AnalysisProvider], dict[str, str]]:
    """The configured providers, and why each one that has a key could not be built (a bad region, say)."""
    built: dict[str, AnalysisProvider] = {}
    problems: dict[str, str] = {}
    for provider_id, factory in ANALYSIS_PROVIDERS.items():
        provider_settings = settings.providers.get(provider_id)
        if provider_settings is None or not provider_settings.configured:
            continue
        try:
            built[provider_id] = factory.from_settings(provider_settings)
        except (ProviderError, ValueError) as error:
            log.warning("%s is not available: %s", provider_id, error)
            problems[provider_id] = str(error)
    return built, problems


def cloud_search_providers(
    settings: Settings,
    analysis_providers: dict[str, AnalysisProvider] | None = None,
    uploaded_collections: UploadedCollections | None = None,
) -> tuple[dict[str, SearchProvider], dict[str, str]]:
    """The configured search services, and why each one that has a key could not be built.

    Seeknetic's search shares the analysis provider's connection when there is one.
    """
    built: dict[str, SearchProvider] = {}
    problems: dict[str, str] = {}
    for provider_id, factory in SEARCH_PROVIDERS.items():
        provider_settings = settings.providers.get(provider_id)
        if provider_settings is None or not provider_settings.configured:
            continue
        try:
            built[provider_id] = factory.from_settings(provider_settings)
        except (ProviderError, ValueError) as error:
            log.warning("%s is not available: %s", provider_id, error)
            problems[provider_id] = str(error)
    seeknetic = (analysis_providers or {}).get("seeknetic")
    if isinstance(seeknetic, SeekneticProvider):
        built["seeknetic"] = SeekneticSearch(
            seeknetic.client, collection_id=seeknetic.collection_id, uploaded_collections=uploaded_collections
        )
    return built, problems
