"""The cloud analysis providers a configuration asks for: each one with a key, built from its settings."""

from __future__ import annotations

import logging

from ..domain.errors import ProviderError
from ..domain.settings import Settings
from .base import AnalysisProvider
from .noxovision import NoxovisionProvider
from .seeknetic import SeekneticProvider
from .slipstream import SlipstreamProvider

log = logging.getLogger(__name__)

ANALYSIS_PROVIDERS = {
    "noxovision": NoxovisionProvider,
    "seeknetic": SeekneticProvider,
    "slipstream": SlipstreamProvider,
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
