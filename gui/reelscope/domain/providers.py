"""Every provider the product knows: its id, its label and what it can do, listed once."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Capability(StrEnum):
    ANALYZE = "analyze"
    UPLOAD = "upload"
    SEARCH = "search"
    COLLECTIONS = "collections"


@dataclass(frozen=True)
class ProviderInfo:
    id: str
    label: str
    capabilities: frozenset[Capability]
    needs_account: bool = True
    accepts_images: bool = False
    """Still images may be sent to it, not only video."""
    finds: str | None = None
    """The one kind of thing its analyses look for ("music"), if only one: the timeline says when none was found."""


LOCAL = "local"

KNOWN_PROVIDERS: tuple[ProviderInfo, ...] = (
    ProviderInfo(LOCAL, "Local", frozenset({Capability.ANALYZE, Capability.SEARCH}), needs_account=False),
    ProviderInfo(
        "seeknetic",
        "Seeknetic",
        frozenset({Capability.ANALYZE, Capability.UPLOAD, Capability.SEARCH, Capability.COLLECTIONS}),
    ),
    ProviderInfo("noxovision", "Noxovision", frozenset({Capability.ANALYZE}), accepts_images=True),
    ProviderInfo("slipstream", "Slipstream", frozenset({Capability.ANALYZE}), finds="music"),
    ProviderInfo("twelvelabs", "Twelve Labs", frozenset({Capability.SEARCH})),
    ProviderInfo("eluvio", "Eluvio", frozenset({Capability.SEARCH})),
)

_BY_ID = {info.id: info for info in KNOWN_PROVIDERS}
CLOUD_PROVIDER_IDS: tuple[str, ...] = tuple(info.id for info in KNOWN_PROVIDERS if info.needs_account)


def provider_info(provider_id: str) -> ProviderInfo | None:
    return _BY_ID.get(provider_id)


def provider_label(provider_id: str) -> str:
    """The name a user reads; an unknown id (say, from a newer catalogue) is shown as it is."""
    info = _BY_ID.get(provider_id)
    return info.label if info else provider_id


def accepts_images(provider_id: str) -> bool:
    info = _BY_ID.get(provider_id)
    return info is not None and info.accepts_images
