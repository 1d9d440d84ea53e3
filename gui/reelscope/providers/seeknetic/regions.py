"""Seeknetic's regions as its documentation lists them: Tokyo is live, the others are coming soon."""

from __future__ import annotations

from dataclasses import dataclass

from ...domain.errors import ProviderNotConfigured


@dataclass(frozen=True)
class Region:
    id: str
    label: str
    base_url: str
    available: bool


REGIONS: tuple[Region, ...] = (
    Region("tokyo", "Tokyo, Japan", "https://api.jp.seeknetic.com", True),
    Region("oregon", "Oregon, USA", "https://api.us.seeknetic.com", False),
    Region("beijing", "Beijing, China", "https://api.cn.seeknetic.com", False),
)
DEFAULT_REGION = "tokyo"


def base_url_for(region_id: str | None, base_url: str | None) -> str:
    """The configured base URL, else the region's; a region not open yet is refused with the reason."""
    if base_url:
        return base_url
    wanted = (region_id or DEFAULT_REGION).strip().lower()
    region = next((r for r in REGIONS if r.id == wanted), None)
    if region is None:
        known = ", ".join(r.id for r in REGIONS)
        raise ProviderNotConfigured("seeknetic", f"Seeknetic has no region '{wanted}'", hint=f"choose one of {known}")
    if not region.available:
        raise ProviderNotConfigured(
            "seeknetic", f"Seeknetic's {region.label} region is listed as coming soon, not open yet",
            hint="choose Tokyo in Settings → Seeknetic",
        )
    return region.base_url
