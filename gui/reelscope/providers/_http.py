"""The one HTTP transport of every cloud provider.

One long-lived `httpx.AsyncClient` per provider (`HttpClient`), with:
- the provider's way of sending its key (`HeaderKey`, `BearerToken`, `QueryToken`), registered for
  redaction so it never reaches a log, an error or printed output (`_redact`);
- timeouts, and pacing (a minimum interval between calls, per client);
- retries on connection failures, timeouts, 408, 429 and 5xx, honouring `Retry-After` (seconds or
  an HTTP date) up to a cap, else exponential backoff with full jitter. A POST is retried after a
  failure that may have reached the server (a read timeout, a dropped connection) only when the
  caller says it is idempotent, so a retry never creates a second job;
- one mapping of every failure onto domain.errors (`error_for_status`): a message a user can act
  on, the HTTP status, a hint, and the server's own words; an HTML page or malformed JSON where JSON
  was expected is a ServiceFault, and so is an answer that does not fit the provider's wire schema;
- streamed request bodies with progress (`_bodies`).
Clock and sleep are injected (`Clock`) so tests of retries and pacing run instantly.
"""

from __future__ import annotations

import asyncio
import email.utils
import importlib
import json
import logging
import random
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from ..domain.connection import ConnectionCheck
from ..domain.errors import (
    AuthenticationFailed,
    BadRequest,
    NotFound,
    ProviderError,
    RateLimited,
    ServiceFault,
    ServiceUnreachable,
)
from ..domain.providers import provider_label
from ._bodies import PLACEHOLDER, Base64JsonBody, FileBody, MultipartBody, Progress, StreamedBody
from ._redact import install_log_redaction, redact, register_secret

__all__ = [
    "PLACEHOLDER", "Auth", "Base64JsonBody", "BearerToken", "Clock", "FileBody", "HeaderKey", "HttpClient",
    "MultipartBody", "NoAuth", "Progress", "QueryToken", "Reply", "RetryPolicy", "StreamedBody", "SystemClock",
    "Timeouts", "error_for_status", "parse_retry_after", "redact", "register_secret",
]

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)

SERVER_MESSAGE_LIMIT = 500
# httpx imports these at a client's first connection, on the event loop, which is the window's: 15-45 ms
# there at the first call to a service. Imported with this module, they cost that at start-up instead.
CONNECTION_STACK = ("sniffio", "httpcore._backends.anyio", "anyio._backends._asyncio")
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


def _import_connection_stack() -> None:
    for module in CONNECTION_STACK:
        try:
            importlib.import_module(module)
        except ImportError:   # another version of httpx's stack: its first call imports what it needs
            log.debug("%s is not there to import ahead of the first call", module)


_import_connection_stack()


# -- how a provider sends its key -------------------------------------------------------------------

class Auth:
    secret: str | None = None

    def apply(self, headers: dict[str, str], params: dict[str, str]) -> None:
        pass


class NoAuth(Auth):
    pass


@dataclass(frozen=True)
class HeaderKey(Auth):
    """The key in a header: Seeknetic and Noxovision `X-API-Key`, Twelve Labs `x-api-key`."""

    secret: str
    header: str = "X-API-Key"

    def apply(self, headers: dict[str, str], params: dict[str, str]) -> None:
        headers[self.header] = self.secret


@dataclass(frozen=True)
class BearerToken(Auth):
    """`Authorization: Bearer <key>`: Slipstream, and Seeknetic's second way."""

    secret: str

    def apply(self, headers: dict[str, str], params: dict[str, str]) -> None:
        headers["Authorization"] = f"Bearer {self.secret}"


@dataclass(frozen=True)
class QueryToken(Auth):
    """The token as a URL query parameter: Eluvio's `authorization` (it takes no header)."""

    secret: str
    param: str = "authorization"

    def apply(self, headers: dict[str, str], params: dict[str, str]) -> None:
        params[self.param] = self.secret


# -- time, timeouts, retries -------------------------------------------------------------------------

class Clock:
    """Monotonic time, wall time and sleep: replaced in tests so that waits take no time."""

    def monotonic(self) -> float:
        raise NotImplementedError

    def wall(self) -> float:
        raise NotImplementedError

    async def sleep(self, seconds: float) -> None:
        raise NotImplementedError


class SystemClock(Clock):
    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


@dataclass(frozen=True)
class Timeouts:
    connect_s: float = 10.0
    read_s: float = 60.0
    write_s: float = 120.0
    pool_s: float = 60.0

    def to_httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect_s, read=self.read_s, write=self.write_s, pool=self.pool_s)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay_s: float = 0.5
    max_delay_s: float = 20.0
    max_retry_after_s: float = 120.0
    """A Retry-After longer than this is not waited for: the call fails with RateLimited(retry_after_s)."""
    retry_statuses: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504})
    retry_any_5xx: bool = True

    def retries_status(self, status: int) -> bool:
        return status in self.retry_statuses or (self.retry_any_5xx and status >= 500 and status != 501)

    def without(self, *statuses: int) -> RetryPolicy:
        """This policy, except that these statuses fail at once (Seeknetic's 504: go async instead)."""
        return RetryPolicy(
            self.max_attempts, self.base_delay_s, self.max_delay_s, self.max_retry_after_s,
            self.retry_statuses - set(statuses), False,
        )

    def backoff_s(self, retry_number: int, rng: random.Random) -> float:
        return rng.uniform(0.0, min(self.max_delay_s, self.base_delay_s * (2 ** retry_number)))


NO_RETRY = RetryPolicy(max_attempts=1)


def parse_retry_after(value: str | None, now_wall: float) -> float | None:
    """Seconds to wait from a Retry-After value: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now_wall)


# -- answers ------------------------------------------------------------------------------------------

@dataclass
class Reply:
    """An answer the service gave with a success status."""

    provider: str
    status: int
    headers: httpx.Headers
    url: httpx.URL
    content: bytes

    def json(self) -> Any:
        return _decode_json(self.provider, self.status, self.headers, self.content, self.url)

    def model(self, model: type[M]) -> M:
        return parse_model(self.provider, model, self.json(), self.url)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def parse_model(provider: str, model: type[M], data: Any, url: httpx.URL | str | None = None) -> M:
    """Validates an answer against the provider's wire schema; a mismatch is a ServiceFault."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the answer"
        raise ServiceFault(
            provider,
            f"{provider_label(provider)} answered something its API does not document ({where}: {first['msg']})",
            hint="the service may have changed its API; try again later or report it",
        ) from None


def _decode_json(provider: str, status: int, headers: httpx.Headers, content: bytes, url: Any) -> Any:
    label = provider_label(provider)
    content_type = headers.get("content-type", "")
    if _looks_like_html(content_type, content):
        raise ServiceFault(
            provider,
            f"{label} answered with a web page instead of data",
            status=status,
            hint="the service or a proxy in between may be down or misconfigured (check the base URL)",
            server_message=_html_title(content),
        )
    try:
        return json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ServiceFault(
            provider,
            f"{label} answered with malformed JSON",
            status=status,
            hint="try again later; if it persists, the service is at fault",
            server_message=_snippet(content),
        ) from None


# -- failures -----------------------------------------------------------------------------------------

def error_for_status(
    provider: str,
    status: int,
    content: bytes,
    headers: Mapping[str, str] | httpx.Headers,
    *,
    hints: Mapping[int, str] | None = None,
    retry_after_s: float | None = None,
) -> ProviderError:
    """The domain error for an HTTP failure, with the server's own words when it gave some."""
    label = provider_label(provider)
    server = server_message(content, headers.get("content-type", ""))
    hint = (hints or {}).get(status)
    details = {"status": status, "server_message": server}
    if status in (401, 403):
        return AuthenticationFailed(
            provider, f"{label} refused the API key", hint=hint or f"check the {label} key in Settings", **details
        )
    if status == 404:
        return NotFound(provider, f"{label} does not know what was asked for", hint=hint, **details)
    if status == 429:
        wait = f"; it asks to wait {retry_after_s:.0f} s" if retry_after_s else ""
        return RateLimited(
            provider, f"{label} is limiting requests{wait}", retry_after_s=retry_after_s,
            hint=hint or "wait a moment and retry, or raise your plan's limit", **details,
        )
    if status == 408:
        return ServiceFault(provider, f"{label} timed out waiting for the request", hint=hint, **details)
    if status >= 500:
        return ServiceFault(
            provider, f"{label} failed on its side", hint=hint or "try again later", **details
        )
    return BadRequest(provider, f"{label} refused the request", hint=hint, **details)


def server_message(content: bytes, content_type: str = "") -> str | None:
    """The service's own words: a JSON error field, field errors verbatim, an HTML title, or the text."""
    if not content:
        return None
    if _looks_like_html(content_type, content):
        title = _html_title(content)
        return f"an HTML page: {title}" if title else "an HTML page"
    try:
        data = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _snippet(content)
    text = _json_message(data)
    return redact(text[:SERVER_MESSAGE_LIMIT]) if text else None


def _json_message(data: Any) -> str | None:
    if isinstance(data, str):
        return data
    if isinstance(data, list):
        return "; ".join(filter(None, (_json_message(item) for item in data))) or None
    if not isinstance(data, dict):
        return None
    for key in ("detail", "message", "error_message", "error", "errors", "reason", "msg", "title"):
        if key in data and data[key]:
            value = data[key]
            return value if isinstance(value, str) else _json_message(value)
    fields = []  # field errors, as Django REST framework gives them: {"file": ["..."]}
    for name, value in data.items():
        if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
            fields.append(f"{name}: {' '.join(value)}")
        elif isinstance(value, str) and name not in ("code", "status"):
            fields.append(f"{name}: {value}")
    return "; ".join(fields) or None


def _looks_like_html(content_type: str, content: bytes) -> bool:
    if "html" in content_type.lower():
        return True
    head = content[:200].lstrip().lower()
    return head.startswith(b"<!doctype html") or head.startswith(b"<html")


def _html_title(content: bytes) -> str | None:
    match = re.search(rb"<title[^>]*>(.*?)</title>", content[:20000], re.I | re.S)
    if not match:
        return None
    return redact(" ".join(match.group(1).decode("utf-8", "replace").split()))[:200] or None


def _snippet(content: bytes) -> str | None:
    text = " ".join(content[:SERVER_MESSAGE_LIMIT].decode("utf-8", "replace").split())
    return redact(text) or None


def _transport_error(provider: str, error: httpx.HTTPError, timeouts: Timeouts) -> ServiceUnreachable:
    label = provider_label(provider)
    if isinstance(error, httpx.ConnectTimeout):
        message = f"{label} did not accept a connection within {timeouts.connect_s:g} s"
    elif isinstance(error, httpx.ReadTimeout):
        message = f"{label} gave no answer within {timeouts.read_s:g} s"
    elif isinstance(error, httpx.WriteTimeout):
        message = f"{label} stopped taking data for {timeouts.write_s:g} s"
    elif isinstance(error, httpx.PoolTimeout):
        message = f"no connection to {label} became free within {timeouts.pool_s:g} s"
    elif isinstance(error, httpx.ConnectError):
        message = f"cannot connect to {label}"
    else:
        message = f"the connection to {label} failed"
    detail = redact(str(error)) or type(error).__name__
    return ServiceUnreachable(
        provider, message, hint="check the network and the base URL in Settings", server_message=detail
    )


def _failure_may_have_reached_server(error: httpx.HTTPError) -> bool:
    return not isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


# -- the client ---------------------------------------------------------------------------------------

@dataclass
class _Pacer:
    min_interval_s: float
    clock: Clock
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _last: float = float("-inf")

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """One call's turn: it starts min_interval_s after the previous call's answer came back. Counted from
        the answer, not the sending, calls stay that far apart where the service counts them too, however
        long each took to get there."""
        if self.min_interval_s <= 0:
            yield
            return
        async with self._lock:
            wait_s = self._last + self.min_interval_s - self.clock.monotonic()
            if wait_s > 0:
                await self.clock.sleep(wait_s)
            try:
                yield
            finally:
                self._last = self.clock.monotonic()


class HttpClient:
    """One provider's connection to its service; `await aclose()` when the provider closes."""

    def __init__(
        self,
        provider: str,
        base_url: str,
        auth: Auth | None = None,
        *,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        min_interval_s: float = 0.0,
        clock: Clock | None = None,
        hints: Mapping[int, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        rng: random.Random | None = None,
    ) -> None:
        install_log_redaction()
        self.provider = provider
        self.base_url = base_url.rstrip("/") + "/"
        self.auth = auth or NoAuth()
        register_secret(self.auth.secret)
        self.timeouts = timeouts or Timeouts()
        self.retry = retry or RetryPolicy()
        self.clock = clock or SystemClock()
        self.hints = dict(hints or {})
        self._rng = rng or random.Random()
        self._pacer = _Pacer(min_interval_s, self.clock)
        self._given_transport = transport
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=self.timeouts.to_httpx(),
            transport=transport,
            follow_redirects=False,
            headers={"User-Agent": "Reelscope"},
        )

    def twin(self, pool: httpx.AsyncBaseTransport | None = None) -> HttpClient:
        """A client like this one (service, key, timeouts, retries, hints, clock) on connections of its own:
        through pool, unless this one was given a transport that is not a connection pool (a test's mock
        transport), which the twin keeps."""
        given = self._given_transport
        keep = given is not None and not isinstance(given, httpx.AsyncHTTPTransport)
        return HttpClient(self.provider, self.base_url, self.auth, timeouts=self.timeouts, retry=self.retry,
                          clock=self.clock, hints=self.hints, transport=given if keep else pool)

    def url(self, path_or_url: str) -> httpx.URL:
        """A path resolved against the base URL (a relative Location too); an absolute URL as it is."""
        return httpx.URL(self.base_url).join(path_or_url.lstrip("/") if "://" not in path_or_url else path_or_url)

    async def request(
        self,
        method: str,
        path_or_url: str,
        *,
        json_body: Any = None,
        body: StreamedBody | None = None,
        on_progress: Progress | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = True,
        idempotent: bool | None = None,
        retry: RetryPolicy | None = None,
        ok: Iterable[int] | None = None,
        timeout_s: float | None = None,
    ) -> Reply:
        """Sends one call, retrying as the policy allows; returns a Reply or raises a ProviderError."""
        policy = retry or self.retry
        method = method.upper()
        may_repeat = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        accepted = set(ok) if ok is not None else None
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self._pacer.turn():
                    response = await self._send(
                        method, path_or_url, json_body, body, on_progress, params, headers, authenticated, timeout_s
                    )
            except httpx.HTTPError as error:
                failure: ProviderError = _transport_error(self.provider, error, self.timeouts)
                if attempt >= policy.max_attempts or (_failure_may_have_reached_server(error) and not may_repeat):
                    raise failure from None
                delay = policy.backoff_s(attempt - 1, self._rng)
            else:
                status = response.status_code
                if (accepted is not None and status in accepted) or (accepted is None and 200 <= status < 300):
                    return Reply(self.provider, status, response.headers, response.url, response.content)
                retry_after = parse_retry_after(response.headers.get("retry-after"), self.clock.wall())
                failure = error_for_status(
                    self.provider, status, response.content, response.headers,
                    hints=self.hints, retry_after_s=retry_after,
                )
                if not policy.retries_status(status) or attempt >= policy.max_attempts:
                    raise failure
                if retry_after is not None and retry_after > policy.max_retry_after_s:
                    raise failure
                delay = retry_after if retry_after is not None else policy.backoff_s(attempt - 1, self._rng)
            log.info(
                "%s %s: %s; retry %d of %d in %.2f s",
                method, redact(str(self.url(path_or_url).copy_with(query=None))), failure,
                attempt, policy.max_attempts - 1, delay,
            )
            await self.clock.sleep(delay)

    async def get_json(self, path_or_url: str, **options: Any) -> Any:
        return (await self.request("GET", path_or_url, **options)).json()

    async def post_json(self, path_or_url: str, payload: Any, **options: Any) -> Any:
        return (await self.request("POST", path_or_url, json_body=payload, **options)).json()

    def parse(self, model: type[M], data: Any) -> M:
        return parse_model(self.provider, model, data)

    async def reachable(self, path: str, *, timeout_s: float = 5.0, ok: Iterable[int] = range(200, 300)) -> bool:
        """A cheap authenticated call, tried once with a short timeout: True when the service accepted it."""
        try:
            await self.request("GET", path, retry=NO_RETRY, ok=ok, timeout_s=timeout_s)
        except ProviderError as error:
            log.info("%s is not reachable: %s", self.provider, error)
            return False
        return True

    async def probe(
        self, path: str, *, ok: Iterable[int] = range(200, 300), accepted: str | None = None, timeout_s: float = 10.0
    ) -> ConnectionCheck:
        """One authenticated GET, tried once: what came back (status, the server's words, time taken).

        `accepted` words a success (an expected 404, say); the key itself never appears in the result.
        """
        label = provider_label(self.provider)
        endpoint = f"GET {redact(str(self.url(path).copy_with(query=None)))}"
        try:
            async with self._pacer.turn():
                started = self.clock.monotonic()
                response = await self._send("GET", path, None, None, None, None, None, True, timeout_s)
        except httpx.HTTPError as error:
            failure = _transport_error(self.provider, error, Timeouts(timeout_s, timeout_s, timeout_s, timeout_s))
            return ConnectionCheck(
                provider=self.provider, ok=False, message=failure.message, endpoint=endpoint,
                elapsed_s=self.clock.monotonic() - started, server_message=failure.server_message, hint=failure.hint,
            )
        elapsed = self.clock.monotonic() - started
        status, content = response.status_code, response.content
        if status in set(ok):
            words = _snippet(content) if not _looks_like_html(response.headers.get("content-type", ""), content) \
                else server_message(content, "text/html")
            return ConnectionCheck(
                provider=self.provider, ok=True, message=accepted or f"{label} accepted the key", endpoint=endpoint,
                elapsed_s=elapsed, status=status, server_message=words,
            )
        failure = error_for_status(self.provider, status, content, response.headers, hints=self.hints)
        return ConnectionCheck(
            provider=self.provider, ok=False, message=failure.message, endpoint=endpoint, elapsed_s=elapsed,
            status=status, server_message=failure.server_message, hint=failure.hint,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _send(
        self,
        method: str,
        path_or_url: str,
        json_body: Any,
        body: StreamedBody | None,
        on_progress: Progress | None,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        authenticated: bool,
        timeout_s: float | None,
    ) -> httpx.Response:
        all_headers: dict[str, str] = {}
        all_params: dict[str, str] = dict(params or {})
        if authenticated:
            self.auth.apply(all_headers, all_params)
        content: Any = None
        if body is not None:
            all_headers["Content-Type"] = body.content_type
            all_headers["Content-Length"] = str(body.length)
            content = body.chunks(on_progress)
        elif json_body is not None:
            content = json.dumps(json_body).encode()
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        request = self._client.build_request(
            method,
            self.url(path_or_url),
            content=content,
            params=all_params or None,
            headers=all_headers,
            timeout=httpx.Timeout(timeout_s) if timeout_s is not None else httpx.USE_CLIENT_DEFAULT,
        )
        return await self._client.send(request)


Sleep = Callable[[float], Awaitable[None]]
