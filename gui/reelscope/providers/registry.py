"""The cloud providers a configuration asks for: each one with a key, built from its settings.

A provider's module (and httpx with it, about a tenth of the app's start-up) is imported when the provider
is built, so a window with no cloud service configured starts without them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..domain.errors import ProviderError
from ..domain.settings import ProviderSettings, Settings
from .base import AnalysisProvider, SearchProvider
from .seeknetic.regions import REGIONS, Region, base_url_for

if TYPE_CHECKING:
    from .seeknetic.search import UploadedCollections

log = logging.getLogger(__name__)


def _noxovision():
    from .noxovision import NoxovisionProvider

    return NoxovisionProvider


def _seeknetic():
    from .seeknetic import SeekneticProvider

    return SeekneticProvider


def _slipstream():
    from .slipstream import SlipstreamProvider

    return SlipstreamProvider


def _twelvelabs():
    from .twelvelabs import TwelveLabsProvider

    return TwelveLabsProvider


def _eluvio():
    from .eluvio import EluvioProvider

    return EluvioProvider


ANALYSIS_PROVIDERS = {"noxovision": _noxovision, "seeknetic": _seeknetic, "slipstream": _slipstream}
"""Provider id -> what imports and returns its class."""

SEARCH_PROVIDERS = {"twelvelabs": _twelvelabs, "eluvio": _eluvio}


def build_search_provider(provider_id: str, settings: ProviderSettings) -> SearchProvider:
    """One search service (Twelve Labs, Eluvio) from its settings; ProviderError or ValueError says why not."""
    load_class = SEARCH_PROVIDERS.get(provider_id)
    if load_class is None:
        raise ValueError(f"{provider_id} is not a search service of its own")
    return load_class().from_settings(settings)


def build_analysis_provider(provider_id: str, settings: ProviderSettings) -> AnalysisProvider:
    """One cloud analysis provider from its settings; ProviderError or ValueError says why it cannot be built."""
    load_class = ANALYSIS_PROVIDERS.get(provider_id)
    if load_class is None:
        raise ValueError(f"{provider_id} does not analyse clips")
    return load_class().from_settings(settings)


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
    if seeknetic is not None and isinstance(seeknetic, _seeknetic()):
        from .seeknetic.search import SeekneticSearch

        built["seeknetic"] = SeekneticSearch(
            seeknetic.client, collection_id=seeknetic.collection_id, uploaded_collections=uploaded_collections
        )
    return built, problems


def _build_configured(loaders: dict, settings: Settings) -> tuple[dict, dict[str, str]]:
    """Each provider of loaders that has a key, built; and why each that has one could not be."""
    built: dict = {}
    problems: dict[str, str] = {}
    for provider_id, load_class in loaders.items():
        provider_settings = settings.providers.get(provider_id)
        if provider_settings is None or not provider_settings.configured:
            continue
        try:
            built[provider_id] = load_class().from_settings(provider_settings)
        except (ProviderError, ValueError) as error:
            log.warning("%s is not available: %s", provider_id, error)
            problems[provider_id] = str(error)
    return built, problems


def default_base_url(provider_id: str) -> str | None:
    """Where a provider's service is when no base URL is set (Seeknetic: its default region's)."""
    if provider_id == "seeknetic":
        return base_url_for(None, None)
    if provider_id == "noxovision":
        from .noxovision.provider import DEFAULT_BASE_URL

        return DEFAULT_BASE_URL
    if provider_id == "slipstream":
        from .slipstream.provider import DEFAULT_BASE_URL

        return DEFAULT_BASE_URL
    return None


def seeknetic_regions() -> tuple[Region, ...]:
    return REGIONS
