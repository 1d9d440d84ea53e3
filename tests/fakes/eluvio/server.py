"""Eluvio's vector search as seed 004 gives it, paging bug included.

GET /q/{iq}/rep/search?terms&start&limit&max_total&select&clips&authorization: the token only as
the `authorization` query parameter (a header is not read: 401). The search finds, among the
index's shots, the best `max_total` for the terms; with clips=true, runs of consecutive matching
shots of a video become one clip. Results come back in the index's order, not by score; each has
`sources` whose best score is the result's. `pagination` = {max_total, start, limit, total (shots),
total_clips (with clips=true)}. The paging bug (the seed's sample works around it): a call with
start > 0 begins limit/2 results early, so pages repeat results, and `pagination.limit` says four
times the limit asked (as the seed's sample answer does). With `page_cap` set, a call returns at most
that many results. A clip joins up to `shots_per_clip` consecutive shots.
A max_total above `max_total_cap` (1000) is cut to it with a warning. Errors: 401 (no, wrong or expired token),
404 (unknown index), 400 (no terms), as {"errors": [{"kind", "reason"}]}; with `echo_request` a
refused token's error repeats the request's URL, token included. Frames:
GET /q/{hash}/rep/frame/default/video?t=..&authorization (JPEG). Besides the shared faults, a
"text" fault answers 200 with text/plain (the seed: anything but application/json is a failure).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from .._images import frame_jpeg
from .._server import FakeService, HttpError, Reply, Request

INDEX_ID = "iq__3kq7PWfE2yBzNaLbtMxTquCqEi9a"
MAX_TOTAL = 1000
TITLES = ("Life on campus", "Library at night", "Graduation day", "Harbour at dawn", "Fishing boats",
          "Street market", "Mountain trail", "City traffic", "Concert crowd", "Kitchen prep")


def _unit(*parts: object) -> float:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64


def _human(seconds: float) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{int(hours)}h{int(minutes)}m{secs:.2f}s" if hours else f"{int(minutes)}m{secs:.2f}s"


def _b58(seed: str, length: int) -> str:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    digest = hashlib.sha256(seed.encode()).digest() * 2
    return "".join(alphabet[b % len(alphabet)] for b in digest[:length])


@dataclass
class Shot:
    content: int
    number: int
    start_ms: int
    end_ms: int
    tags: list[int] = field(default_factory=list)


class FakeEluvio(FakeService):
    name = "eluvio"

    def __init__(self, *, videos: int = 30, shots_per_video: int = 14, match_share: float = 0.75,
                 index_id: str = INDEX_ID, **options: Any) -> None:
        self.index_id = index_id
        self.match_share = match_share
        self.page_cap: int | None = None
        self.shots_per_clip = 3
        self.max_total_cap = MAX_TOTAL
        self.echo_request = False
        self.paging_bug = True
        self.calls: list[dict[str, str]] = []
        self.images_served = 0
        self.shots: list[Shot] = []
        self.contents = [self._content(n) for n in range(videos)]
        for n in range(videos):
            at = int(_unit("first", n) * 20_000)
            for s in range(shots_per_video):
                length = 4_000 + int(_unit("length", n, s) * 26_000)
                tags = [44 + s * 3 + k for k in range(2 + int(_unit("tags", n, s) * 7))]
                self.shots.append(Shot(n, s, at, at + length, tags))
                at += length + int(_unit("gap", n, s) * 9_000)
        super().__init__(**options)

    def setup_routes(self) -> None:
        self.route("GET", "/q/(?P<index>[^/]+)/rep/search", self.search)
        self.route("GET", "/q/(?P<version>[^/]+)/rep/frame/default/video", self.frame)

    def authorize(self, request: Request) -> None:
        token = request.query.get("authorization")
        if not token:
            raise HttpError(401, {"errors": [{"kind": "unauthorized", "reason": "no authorization token in the URL"}]})
        if token in self.faults.expired_keys:
            raise self.expired()
        if token != self.api_key:
            reason = "invalid authorization token"
            if self.echo_request:  # as some gateways do: the request, token and all, in the error
                reason += f" for {request.handler.path}"
            raise HttpError(401, {"errors": [{"kind": "unauthorized", "reason": reason}]})

    def expired(self) -> HttpError:
        return HttpError(401, {"errors": [{"kind": "unauthorized", "reason": "token expired"}]})

    def record(self) -> dict[str, Any]:
        return {"calls": list(self.calls), "images_served": self.images_served, "faulted": self.faulted}

    def _faulted_reply(self, kind: str) -> Reply:
        if kind == "text":
            return Reply(200, raw=b"search temporarily unavailable", headers={"Content-Type": "text/plain"})
        return super()._faulted_reply(kind)

    # -- the content the index holds ---------------------------------------------------------------

    def _content(self, n: int) -> dict[str, Any]:
        title = f"{TITLES[n % len(TITLES)]} {n // len(TITLES) + 1:02d}"
        return {"id": "iq__" + _b58(f"iq{n}", 27), "hash": "hq__" + _b58(f"hq{n}", 70),
                "qlib_id": "ilib" + _b58("lib", 27), "type": "hq__" + _b58("type", 70), "title": title}

    def matches(self, terms: str, clips: bool, max_total: int) -> list[dict[str, Any]]:
        """What a search finds: the best max_total, in the order the service answers (the index's)."""
        matching = []
        for shot in self.shots:
            sources = [(tag, round(_unit(terms.lower(), shot.content, tag), 6)) for tag in shot.tags]
            if max(score for _, score in sources) >= 1 - self.match_share:
                matching.append((shot, sources))
        runs: list[list] = []
        for shot, sources in matching:
            previous = runs[-1][-1][0] if runs else None
            joins = previous is not None and (previous.content, previous.number + 1) == (shot.content, shot.number)
            if clips and joins and len(runs[-1]) < self.shots_per_clip:
                runs[-1].append((shot, sources))
            else:
                runs.append([(shot, sources)])
        results = [self._result(run) for run in runs]
        best = sorted(range(len(results)), key=lambda i: -max(s["score"] for s in results[i]["sources"]))
        return [results[i] for i in sorted(best[:max_total])]

    def _result(self, run: list) -> dict[str, Any]:
        first, last = run[0][0], run[-1][0]
        content = self.contents[first.content]
        start_s, end_s = first.start_ms / 1000, last.end_ms / 1000
        sources = [
            {"prefix": f"/video_tags/metadata_tags/0000/metadata_tags/shot_tags/tags[{tag}]",
             "fields": {"f_tag": f"tag {tag}"}, "score": score}
            for _, shot_sources in run for tag, score in shot_sources
        ]
        return {
            "hash": content["hash"], "id": content["id"], "qlib_id": content["qlib_id"], "type": content["type"],
            "url": f"/q/{content['hash']}/rep/playout/default/options.json?clip_start={start_s:g}"
                   f"&clip_end={end_s:g}&ignore_trimming=true",
            "image_url": f"/q/{content['hash']}/rep/frame/default/video?t={start_s:g}&ignore_trimming=true",
            "start": _human(start_s), "end": _human(end_s), "start_time": first.start_ms, "end_time": last.end_ms,
            "source_count": len(sources), "sources": sources,
            "meta": {"public": {"asset_metadata": {"title": content["title"]}, "name": f"{content['title']} MEZ"}},
            "shots": len(run),
        }

    # -- the API ---------------------------------------------------------------------------------

    def search(self, request: Request, index: str) -> Reply:
        query = request.query
        with self.lock:
            self.calls.append({k: v for k, v in query.items() if k != "authorization"})
        if index != self.index_id:
            raise HttpError(404, {"errors": [{"kind": "not found", "reason": f"content object {index} not found"}]})
        terms = query.get("terms", "").strip()
        if not terms:
            raise HttpError(400, {"errors": [{"kind": "invalid", "reason": "terms: a search needs terms"}]})
        try:
            start, limit = int(query.get("start", "0")), int(query.get("limit", "10"))
            max_total = int(query.get("max_total", "40"))
        except ValueError:
            reason = "start, limit and max_total must be integers"
            raise HttpError(400, {"errors": [{"kind": "invalid", "reason": reason}]}) from None
        warnings = []
        if max_total > self.max_total_cap:
            warnings.append(f"max_total {max_total} is above {self.max_total_cap}; {self.max_total_cap} used")
            max_total = self.max_total_cap
        clips = query.get("clips", "false") == "true"
        found = self.matches(terms, clips, max_total)
        begin = max(0, start - limit // 2) if self.paging_bug and start > 0 else start
        page = found[begin:begin + min(limit, self.page_cap or limit)]
        pagination = {"max_total": max_total, "start": start, "limit": limit * 4 if self.paging_bug else limit,
                      "total": sum(r["shots"] for r in found)}
        if clips:
            pagination["total_clips"] = len(found)
        contents = [{k: v for k, v in r.items() if k != "shots"} for r in page]
        return Reply(200, {"pagination": pagination, "contents": contents, "stats": {}, "warnings": warnings,
                           "debug": {}})

    def frame(self, request: Request, version: str) -> Reply:
        if not any(c["hash"] == version for c in self.contents):
            raise HttpError(404, {"errors": [{"kind": "not found", "reason": f"version {version} not found"}]})
        with self.lock:
            self.images_served += 1
        second = int(float(request.query.get("t", "0")))
        return Reply(200, raw=frame_jpeg(version[-24:], second), headers={"Content-Type": "image/jpeg"})


def command_line_options(fake: FakeEluvio):
    def options(parser, args) -> None:
        if parser is not None:
            parser.add_argument("--index", default=INDEX_ID, help="the index id it holds (iq__...)")
            parser.add_argument("--page-cap", type=int, default=None, help="results one call returns at most")
            return
        fake.index_id = args.index
        fake.page_cap = args.page_cap

    return options
