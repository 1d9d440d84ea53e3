"""Twelve Labs' search as seed 003 gives it, with the facts of DESIGN.md §2.

POST /search {query, index_id, search_options, page_limit (default 10, 1..50), group_by} answers the
first page; GET /search/{page-token} the others. Tokens are `<search uuid>-<page number>`; a page
expires `token_ttl_s` after its search (default an hour): its token then answers 400 (so does an
unknown one). Grouped by video, page_limit counts videos and page_info has total_inner_matches.
x-api-key is checked (401 {"code", "message"}); an unknown index is a 404. About one call a second
per key: `rate_limit` calls within any `rate_window_s` (a sliding window), above it 429
{"code": "too_many_requests"} with Retry-After (whole seconds); every answer carries
X-Ratelimit-Limit/-Remaining/-Reset (epoch seconds).
thumbnail_url is a presigned-style link to this server's /thumbnails/... (no key needed), valid
`thumbnail_ttl_s` from the answer that gave it (an hour); `expire_pages()` and `expire_thumbnails()`
make every page token and link handed out so far expire now. Scores are a stable function of the
query, the search options and the moment, so each query finds a few hundred moments of the index.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .._images import frame_jpeg
from .._server import FakeService, HttpError, Reply, Request

INDEX_ID = "6650f1c9e219c90227c371a2"
OPTIONS = ("visual", "conversation", "text_in_video", "logo")
SIGNING_KEY = b"fake-s3-signing-key"


def video_id_for(number: int) -> str:
    return hashlib.sha256(f"video-{number}".encode()).hexdigest()[:24]


def _unit(*parts: object) -> float:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64


@dataclass
class Moment:
    video_id: str
    start: float
    end: float
    score: float
    option: str

    @property
    def confidence(self) -> str:
        if self.score >= 83:
            return "high"
        if self.score >= 70:
            return "medium"
        if self.score >= 60:
            return "low"
        return "extremely_low"


@dataclass
class Session:
    id: str
    moments: list[Moment]
    grouped: bool
    page_limit: int
    expires_at: float
    videos: list[tuple[str, list[Moment]]] = field(default_factory=list)

    def units(self) -> list:
        return self.videos if self.grouped else self.moments


class FakeTwelveLabs(FakeService):
    name = "twelvelabs"

    def __init__(self, *, videos: int = 48, moments_per_video: int = 14, match_share: float = 0.8,
                 index_id: str = INDEX_ID, **options: Any) -> None:
        self.index_id = index_id
        self.videos = [video_id_for(n) for n in range(videos)]
        self.moments_per_video = moments_per_video
        self.match_share = match_share
        self.sessions: dict[str, Session] = {}
        self.token_ttl_s = 3600.0
        self.thumbnail_ttl_s = 3600.0
        self.rate_limit = 1
        self.rate_window_s = 1.0
        self.thumbnail_generation = 0
        self.calls: dict[str, list[float]] = {}
        self.rate_limited = 0
        self.searches: list[dict[str, Any]] = []
        self.pages_served: list[str] = []
        self.thumbnails_served = 0
        self.thumbnails_refused = 0
        super().__init__(**options)

    def setup_routes(self) -> None:
        self.route("POST", "/search", self.search)
        self.route("GET", "/search/(?P<token>[^/]+)", self.page)
        self.route("GET", "/thumbnails/(?P<video_id>[0-9a-f]+)/(?P<second>\\d+)\\.jpeg", self.thumbnail)

    # -- what tests read and change --------------------------------------------------------------

    def record(self) -> dict[str, Any]:
        return {"searches": list(self.searches), "pages_served": list(self.pages_served),
                "rate_limited": self.rate_limited, "thumbnails_served": self.thumbnails_served,
                "thumbnails_refused": self.thumbnails_refused, "faulted": self.faulted}

    def expire_pages(self) -> None:
        with self.lock:
            for session in self.sessions.values():
                session.expires_at = 0.0

    def expire_thumbnails(self) -> None:
        with self.lock:
            self.thumbnail_generation += 1

    def matches(self, query: str, options: tuple[str, ...] = ("visual",)) -> list[Moment]:
        """Every moment the query finds, best first (what the pages hold, in order)."""
        found = []
        for video_id in self.videos:
            for n in range(self.moments_per_video):
                start = round(n * 37.5 + _unit(video_id, n, "start") * 20, 4)
                end = round(start + 3 + _unit(video_id, n, "length") * 14, 4)
                best = max(options, key=lambda option: _unit(query.lower(), option, video_id, n))
                value = _unit(query.lower(), best, video_id, n)
                if value < 1 - self.match_share:
                    continue
                score = round(50 + 40 * (value - (1 - self.match_share)) / self.match_share, 2)
                found.append(Moment(video_id, start, end, score, best))
        found.sort(key=lambda m: (-m.score, m.video_id, m.start))
        return found

    # -- the API ---------------------------------------------------------------------------------

    def authorize(self, request: Request) -> None:
        if request.path.startswith("/thumbnails/"):
            return
        key = request.headers.get("x-api-key")
        if not key:
            raise HttpError(401, {"code": "api_key_invalid", "message": "No API key was provided (x-api-key)."})
        if key in self.faults.expired_keys:
            raise self.expired()
        if key != self.api_key:
            raise HttpError(401, {"code": "api_key_invalid", "message": "The API key you provided is not valid."})
        request.rate_headers = self._take_call(key)  # type: ignore[attr-defined]

    def expired(self) -> HttpError:
        return HttpError(401, {"code": "api_key_expired", "message": "The API key has expired."})

    def search(self, request: Request) -> Reply:
        body = request.json()
        if not isinstance(body, dict):
            raise HttpError(400, {"code": "parameter_invalid", "message": "The request body must be a JSON object."})
        for name in ("query", "index_id", "search_options"):
            if not body.get(name):
                raise HttpError(400, {"code": "parameter_not_provided",
                                      "message": f"The {name} parameter is required."})
        options = body["search_options"]
        if not isinstance(options, list) or any(option not in OPTIONS for option in options):
            raise HttpError(400, {"code": "parameter_invalid",
                                  "message": f"search_options must be a list of: {', '.join(OPTIONS)}."})
        page_limit = body.get("page_limit", 10)
        if not isinstance(page_limit, int) or not 1 <= page_limit <= 50:
            raise HttpError(400, {"code": "parameter_invalid", "message": "page_limit must be between 1 and 50."})
        group_by = body.get("group_by", "clip")
        if group_by not in ("video", "clip"):
            raise HttpError(400, {"code": "parameter_invalid", "message": "group_by must be video or clip."})
        if body["index_id"] != self.index_id:
            raise HttpError(404, {"code": "index_not_exists",
                                  "message": f"The index {body['index_id']} does not exist."})
        moments = self.matches(str(body["query"]), tuple(options))
        session = Session(str(uuid.uuid4()), moments, group_by == "video", page_limit,
                          time.time() + self.token_ttl_s)
        if session.grouped:
            per_video: dict[str, list[Moment]] = {}
            for moment in moments:
                per_video.setdefault(moment.video_id, []).append(moment)
            session.videos = list(per_video.items())
        with self.lock:
            self.sessions[session.id] = session
            self.searches.append({"query": body["query"], "search_options": options, "page_limit": page_limit,
                                  "group_by": body.get("group_by")})
        return self._page(request, session, 0)

    def page(self, request: Request, token: str) -> Reply:
        session_id, _, number = token.rpartition("-")
        with self.lock:
            session = self.sessions.get(session_id)
        if session is None or not number.isdigit() or int(number) * session.page_limit >= max(1, len(session.units())):
            raise HttpError(400, {"code": "token_invalid", "message": f"The page token {token} is invalid."})
        if time.time() >= session.expires_at:
            raise HttpError(400, {"code": "token_expired", "message": f"The page token {token} has expired."})
        with self.lock:
            self.pages_served.append(token)
        return self._page(request, session, int(number))

    def thumbnail(self, request: Request, video_id: str, second: str) -> Reply:
        query = request.query
        expected = self._signature(request.path, query.get("X-Amz-Date", ""), query.get("X-Amz-Expires", ""),
                                   query.get("x-gen", ""))
        issued = _parse_amz_date(query.get("X-Amz-Date", ""))
        expired = (
            issued is None or time.time() > issued + float(query.get("X-Amz-Expires", "0") or 0)
            or query.get("x-gen") != str(self.thumbnail_generation)
        )
        if not hmac.compare_digest(expected, query.get("X-Amz-Signature", "")) or expired:
            with self.lock:
                self.thumbnails_refused += 1
            message = "Request has expired" if expired else "The request signature we calculated does not match"
            body = f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code><Message>{message}" \
                   f"</Message></Error>".encode()
            return Reply(403, raw=body, headers={"Content-Type": "application/xml"})
        with self.lock:
            self.thumbnails_served += 1
        return Reply(200, raw=frame_jpeg(video_id, int(second)), headers={"Content-Type": "image/jpeg"})

    # -- internals -------------------------------------------------------------------------------

    def _take_call(self, key: str) -> dict[str, str]:
        """A sliding window: at most `rate_limit` calls of a key within any `rate_window_s`."""
        now = time.time()
        with self.lock:
            calls = [t for t in self.calls.get(key, []) if t > now - self.rate_window_s]
            if len(calls) >= self.rate_limit:
                self.rate_limited += 1
                reset = calls[0] + self.rate_window_s
                headers = {"Retry-After": str(max(1, math.ceil(reset - now))),
                           "X-Ratelimit-Limit": str(self.rate_limit), "X-Ratelimit-Remaining": "0",
                           "X-Ratelimit-Reset": _epoch(reset)}
                raise HttpError(429, {"code": "too_many_requests",
                                      "message": f"You have exceeded the rate limit ({self.rate_limit} request per "
                                                 f"{self.rate_window_s:g} s). Please try again later."}, headers)
            calls.append(now)
            self.calls[key] = calls
        return {"X-Ratelimit-Limit": str(self.rate_limit), "X-Ratelimit-Remaining": str(self.rate_limit - len(calls)),
                "X-Ratelimit-Reset": _epoch(calls[0] + self.rate_window_s)}

    def _page(self, request: Request, session: Session, number: int) -> Reply:
        limit = session.page_limit
        units = session.units()
        chosen = units[number * limit:(number + 1) * limit]
        if session.grouped:
            data = [{"clips": [self._clip(m, True) for m in moments], "id": video_id} for video_id, moments in chosen]
        else:
            data = [self._clip(m, False) for m in chosen]
        info: dict[str, Any] = {
            "limit_per_page": limit,
            "total_results": len(units),
            "page_expired_at": datetime.fromtimestamp(session.expires_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if session.grouped:
            info["total_inner_matches"] = len(session.moments)
        if (number + 1) * limit < len(units):
            info["next_page_token"] = f"{session.id}-{number + 1}"
        if number > 0:
            info["prev_page_token"] = f"{session.id}-{number - 1}"
        body = {
            "search_pool": {"total_count": len(self.videos), "total_duration": len(self.videos) * 540,
                            "index_id": self.index_id},
            "data": data,
            "page_info": info,
        }
        return Reply(200, body, headers=dict(getattr(request, "rate_headers", {})))

    def _clip(self, moment: Moment, grouped: bool) -> dict[str, Any]:
        clip: dict[str, Any] = {"score": moment.score, "start": moment.start, "end": moment.end,
                                "video_id": moment.video_id, "confidence": moment.confidence,
                                "thumbnail_url": self._thumbnail_url(moment)}
        if grouped:  # as in the seed's grouped example
            clip["metadata"] = [{"type": moment.option}]
        return clip

    def _thumbnail_url(self, moment: Moment) -> str:
        path = f"/thumbnails/{moment.video_id}/{int(moment.start) + 1}.jpeg"
        date = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        expires = f"{self.thumbnail_ttl_s:g}"
        generation = str(self.thumbnail_generation)
        signature = self._signature(path, date, expires, generation)
        return (f"{self.base_url}{path}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=FAKEAKIA%2F"
                f"{date[:8]}%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Date={date}&X-Amz-Expires={expires}"
                f"&X-Amz-SignedHeaders=host&x-id=GetObject&x-gen={generation}&X-Amz-Signature={signature}")

    def _signature(self, path: str, date: str, expires: str, generation: str) -> str:
        return hmac.new(SIGNING_KEY, f"{path}|{date}|{expires}|{generation}".encode(), hashlib.sha256).hexdigest()


def _epoch(seconds: float) -> str:
    return f"{seconds:.3f}"


def _parse_amz_date(value: str) -> float | None:
    try:
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None


def command_line_options(fake: FakeTwelveLabs):
    def options(parser, args) -> None:
        if parser is not None:
            parser.add_argument("--index", default=INDEX_ID, help="the index id it holds")
            parser.add_argument("--videos", type=int, default=48, help="videos in the index (14 moments each)")
            parser.add_argument("--rate-window-s", type=float, default=1.0, help="one search call per key per window")
            parser.add_argument("--token-ttl-s", type=float, default=3600.0, help="page tokens expire after this")
            parser.add_argument("--thumbnail-ttl-s", type=float, default=3600.0, help="thumbnail links expire after")
            return
        fake.index_id = args.index
        fake.videos = [video_id_for(n) for n in range(args.videos)]
        fake.rate_window_s = args.rate_window_s
        fake.token_ttl_s = args.token_ttl_s
        fake.thumbnail_ttl_s = args.thumbnail_ttl_s

    return options
