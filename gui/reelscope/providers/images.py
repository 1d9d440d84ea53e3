"""Pictures a service points to (a face thumbnail, a search hit's thumbnail), as bytes for the cache.

A service gives a picture as an http(s) URL (fetched here), or as the picture itself in base64
(domain.pictures). A URL on a configured provider's own origin is fetched through that provider's client, so it carries
the provider's key the way the provider sends it; any other URL is fetched with no credentials at all.
What comes back must be a picture (JPEG, PNG, GIF, WebP or BMP) of at most MAX_IMAGE_BYTES.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import httpx

from ..domain.errors import ServiceFault
from ..domain.pictures import looks_like_image
from ._http import HttpClient, NoAuth, RetryPolicy, Timeouts

MAX_IMAGE_BYTES = 8 << 20
FETCH_RETRY = RetryPolicy(max_attempts=3, base_delay_s=0.5, max_delay_s=4.0)
FETCH_TIMEOUTS = Timeouts(connect_s=10.0, read_s=20.0, write_s=20.0, pool_s=20.0)
ANONYMOUS = "images"


class ImageDownloader:
    """Fetches picture URLs; `clients` gives the configured providers' HTTP clients (they change at run time)."""

    def __init__(
        self, clients: Callable[[], Iterable[HttpClient]], *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._clients = clients
        self._transport = transport
        self._anonymous: HttpClient | None = None   # made on first use: most sessions fetch no picture

    async def fetch(self, url: str) -> bytes:
        """The picture at url; a ProviderError when it cannot be had, or is not a picture."""
        client = self._client_for(url)
        reply = await client.request("GET", url, retry=FETCH_RETRY, authenticated=client.provider != ANONYMOUS)
        data = reply.content
        if len(data) > MAX_IMAGE_BYTES:
            raise ServiceFault(client.provider, f"the picture is {len(data) >> 20} MB, more than a thumbnail")
        if not looks_like_image(data):
            raise ServiceFault(client.provider, "the answer is not a picture", status=reply.status)
        return data

    def _client_for(self, url: str) -> HttpClient:
        wanted = httpx.URL(url)
        for client in self._clients():
            base = httpx.URL(client.base_url)
            if (base.scheme, base.host, base.port) == (wanted.scheme, wanted.host, wanted.port):
                return client
        if self._anonymous is None:
            self._anonymous = HttpClient(ANONYMOUS, "http://localhost/", NoAuth(), timeouts=FETCH_TIMEOUTS,
                                         retry=FETCH_RETRY, transport=self._transport)
        return self._anonymous

    async def aclose(self) -> None:
        if self._anonymous is not None:
            await self._anonymous.aclose()


def provider_clients(providers: Iterable[object]) -> list[HttpClient]:
    """The HTTP clients of the cloud providers among providers (the local engine has none)."""
    clients = []
    for provider in providers:
        http = getattr(getattr(provider, "client", None), "http", None)
        if isinstance(http, HttpClient):
            clients.append(http)
    return clients
