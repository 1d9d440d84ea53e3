"""Pictures a service points to (a face thumbnail, a search hit's thumbnail), as bytes for the cache.

A service gives a picture as an http(s) URL (fetched here), or as the picture itself in base64
(domain.pictures). A URL on a configured provider's own origin is fetched through that provider's client, so it carries
the provider's key the way the provider sends it; any other URL is fetched with no credentials at all.
A search provider that fetches its own thumbnails (`fetch_thumbnail`: Eluvio adds its token, Twelve Labs
tells an expired link) is asked through `fetch_through`.
What comes back must be a picture (JPEG, PNG, GIF, WebP or BMP) of at most MAX_IMAGE_BYTES.

A downloader is used on one event loop (the picture loop), while the providers' own HTTP clients belong
to the loop they search on: an httpx client's connections belong to the loop that opened them. So it
never sends through a provider's client itself but through a twin of it made here (same service, key,
timeouts and retries; connections of its own), and asks a provider for a thumbnail through a shallow
copy of it whose `client` holds such twins. The twins share one connection pool (making a pool loads the
TLS certificates: tens of milliseconds; `warm_up()` makes it ahead of the first picture). `aclose()`
closes them all, on the loop that used them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable

import httpx

from ..domain.errors import ProviderNotConfigured, ServiceFault
from ..domain.pictures import looks_like_image
from ._http import HttpClient, NoAuth, RetryPolicy, Timeouts

MAX_IMAGE_BYTES = 8 << 20
FETCH_RETRY = RetryPolicy(max_attempts=3, base_delay_s=0.5, max_delay_s=4.0)
FETCH_TIMEOUTS = Timeouts(connect_s=10.0, read_s=20.0, write_s=20.0, pool_s=20.0)
ANONYMOUS = "images"

SearchProviders = Callable[[str], object | None]
"""A provider id -> the search provider configured under it now (they change at run time), or None."""


class ImageDownloader:
    """Fetches picture URLs; `clients` gives the configured providers' HTTP clients, `providers` the search
    providers by id (both change at run time)."""

    def __init__(
        self, clients: Callable[[], Iterable[HttpClient]], *, providers: SearchProviders | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._clients = clients
        self._providers = providers or (lambda _provider_id: None)
        self._transport = transport
        self._pool: httpx.AsyncHTTPTransport | None = None   # made on first use: most sessions fetch no picture
        self._anonymous: HttpClient | None = None
        self._twins: dict[HttpClient, HttpClient] = {}   # a provider's client -> the one used here
        self._provider_twins: dict[str, tuple[object, object, list[HttpClient]]] = {}   # id -> (provider, copy)

    async def fetch(self, url: str) -> bytes:
        """The picture at url; a ProviderError when it cannot be had, or is not a picture."""
        client = await self._client_for(url)
        reply = await client.request("GET", url, retry=FETCH_RETRY, authenticated=client.provider != ANONYMOUS)
        return _picture(client.provider, reply.content, reply.status)

    async def fetch_through(self, provider_id: str, reference: str) -> bytes:
        """A search hit's thumbnail fetched by its provider's own rules (on this loop's connections)."""
        provider = await self._provider_twin(provider_id)
        data = await provider.fetch_thumbnail(reference)
        return _picture(provider_id, data, None)

    async def warm_up(self) -> None:
        """Makes the connection pool now, so that the first picture does not wait for it."""
        self._shared_pool()

    async def aclose(self) -> None:
        clients = [*self._twins.values(), *(twin for _, _, twins in self._provider_twins.values() for twin in twins)]
        self._twins.clear()
        self._provider_twins.clear()
        if self._anonymous is not None:
            clients.append(self._anonymous)
            self._anonymous = None
        for client in clients:
            await client.aclose()
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None

    def _shared_pool(self) -> httpx.AsyncBaseTransport:
        if self._transport is not None:
            return self._transport
        if self._pool is None:
            self._pool = httpx.AsyncHTTPTransport()
        return _Unclosed(self._pool)

    async def _client_for(self, url: str) -> HttpClient:
        wanted = httpx.URL(url)
        current = list(self._clients())
        for stale in [original for original in self._twins if original not in current]:
            await self._twins.pop(stale).aclose()   # its provider was set up again, or removed
        for client in current:
            base = httpx.URL(client.base_url)
            if (base.scheme, base.host, base.port) == (wanted.scheme, wanted.host, wanted.port):
                twin = self._twins.get(client)
                if twin is None:
                    twin = self._twins[client] = client.twin(self._shared_pool())
                return twin
        if self._anonymous is None:
            self._anonymous = HttpClient(ANONYMOUS, "http://localhost/", NoAuth(), timeouts=FETCH_TIMEOUTS,
                                         retry=FETCH_RETRY, transport=self._shared_pool())
        return self._anonymous

    async def _provider_twin(self, provider_id: str):
        provider = self._providers(provider_id)
        if provider is None or getattr(provider, "fetch_thumbnail", None) is None:
            raise ProviderNotConfigured(provider_id, "this service is not set up to fetch its thumbnails")
        known = self._provider_twins.get(provider_id)
        if known is not None and known[0] is provider:
            return known[1]
        if known is not None:   # the provider was set up again: its old connections go
            for stale in known[2]:
                await stale.aclose()
        twin, twins = _on_own_connections(provider, self._shared_pool())
        self._provider_twins[provider_id] = (provider, twin, twins)
        return twin


def provider_clients(providers: Iterable[object]) -> list[HttpClient]:
    """The HTTP clients of the cloud providers among providers (the local engine has none)."""
    clients = []
    for provider in list(providers):   # one step: the dict behind it may change on another thread
        http = getattr(getattr(provider, "client", None), "http", None)
        if isinstance(http, HttpClient):
            clients.append(http)
    return clients


def _on_own_connections(provider: object, pool: httpx.AsyncBaseTransport) -> tuple[object, list[HttpClient]]:
    """A shallow copy of provider whose `client` (copied too) sends through twins of its HTTP clients."""
    client = copy.copy(getattr(provider, "client", None))
    twins: list[HttpClient] = []
    if client is not None:
        for name, value in list(vars(client).items()):
            if isinstance(value, HttpClient):
                twin = value.twin(pool)
                twins.append(twin)
                setattr(client, name, twin)
    twin_provider = copy.copy(provider)
    if client is not None:
        twin_provider.client = client
    return twin_provider, twins


def _picture(provider: str, data: bytes, status: int | None) -> bytes:
    if len(data) > MAX_IMAGE_BYTES:
        raise ServiceFault(provider, f"the picture is {len(data) >> 20} MB, more than a thumbnail")
    if not looks_like_image(data):
        raise ServiceFault(provider, "the answer is not a picture", status=status)
    return data


class _Unclosed(httpx.AsyncBaseTransport):
    """The shared pool as one client's transport: closing that client leaves the pool to the downloader."""

    def __init__(self, pool: httpx.AsyncBaseTransport) -> None:
        self._pool = pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool.handle_async_request(request)

    async def aclose(self) -> None:
        pass
