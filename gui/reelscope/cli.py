"""Command line: the GUI by default, and subcommands printing text or JSON lines (docs/architecture.md)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .domain.analysis import Analysis
from .domain.errors import MediaError, ProviderError, ReelscopeError
from .domain.export import ALL_TRACK_KINDS, ExportFormat, ExportTrackKind
from .domain.media import one_line
from .domain.providers import KNOWN_PROVIDERS, accepts_images, provider_info
from .domain.search import SearchQuery
from .domain.search_options import spec_for, with_options
from .domain.timecode import format_timecode
from .services.analysis_run import AnalysisRun
from .services.export import ExportRequest
from .services.ingest import file_refusal
from .services.uploads import upload_file

if TYPE_CHECKING:
    from .app import Core

log = logging.getLogger(__name__)

SUBCOMMANDS = ("gui", "analyze", "upload", "search", "collections", "providers", "library", "export")


class CliError(Exception):
    """An expected failure: printed as one line on stderr, exit code 1."""


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "gui")
    args = _parser().parse_args(argv)
    from .app import configure_logging

    configure_logging()
    try:
        return args.handler(args) or 0
    except ProviderError as error:
        _say_failure(failure_line(error))
        return 1
    except BrokenPipeError:   # the reader went away (`reelscope library | head`): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())   # Python's last flush would fail too
        return 128 + 13   # as a shell reports SIGPIPE
    except (CliError, ReelscopeError, ValueError, OSError) as error:
        print(f"reelscope: {one_line(str(error))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reelscope", description="Browse what is in your clips.")
    commands = parser.add_subparsers(dest="command", required=True)

    gui = commands.add_parser("gui", help="open the window (the default)")
    gui.add_argument("files", nargs="*", type=Path, help="video files or folders to add")
    gui.add_argument("--screenshot", type=Path, metavar="PNG",
                     help="analyse FILES, save a capture of the window to PNG, and exit")
    # For the packaging script's start-up figure: print the time to the first paint, then quit.
    gui.add_argument("--quit-after-paint", action="store_true", help=argparse.SUPPRESS)
    gui.set_defaults(handler=_gui)

    analyze = commands.add_parser("analyze", help="analyse files and print the unified analysis")
    analyze.add_argument("files", nargs="+", type=Path)
    analyze.add_argument("--provider", default="local")
    analyze.add_argument("--fresh", action="store_true", help="analyse again content the provider has analysed")
    _json_flag(analyze)
    analyze.set_defaults(handler=_with_core(_analyze))

    upload = commands.add_parser("upload", help="upload files to a cloud provider")
    upload.add_argument("files", nargs="+", type=Path)
    upload.add_argument("--provider", required=True)
    upload.add_argument("--collection")
    upload.add_argument("--no-wait", action="store_true", help="return once uploaded, before processing ends")
    _json_flag(upload)
    upload.set_defaults(handler=_with_core(_upload))

    search = commands.add_parser("search", help="find moments by text")
    search.add_argument("query")
    search.add_argument("--provider", default="local")
    search.add_argument("--index")
    search.add_argument("--collection")
    search.add_argument("--page-limit", type=int, help="results per page (default: the provider's)")
    search.add_argument("--all", action="store_true", help="fetch every page")
    search.add_argument("--group-by", choices=("video", "clip"))
    _json_flag(search)
    search.set_defaults(handler=_with_core(_search))

    collections = commands.add_parser("collections", help="list or create collections of a cloud provider")
    collections.add_argument("--provider", default="seeknetic")
    collections.add_argument("--create", metavar="NAME")
    _json_flag(collections)
    collections.set_defaults(handler=_with_core(_collections))

    providers = commands.add_parser("providers", help="configured providers and what they can do")
    _json_flag(providers)
    providers.set_defaults(handler=_with_core(_providers))

    library = commands.add_parser("library", help="clips in the catalogue with their analyses")
    _json_flag(library)
    library.set_defaults(handler=_with_core(_library))

    export = commands.add_parser(
        "export", help="write clips' tracks for an editing suite (files not in the library are analysed first)"
    )
    export.add_argument("files", nargs="+", type=Path)
    export.add_argument("--format", required=True, choices=[f.value for f in ExportFormat])
    export.add_argument("--output", required=True, type=Path, metavar="PATH")
    export.add_argument("--include", metavar="KINDS",
                        help="comma-separated track kinds: " + ",".join(k.value for k in ExportTrackKind))
    export.add_argument("--provider", default="local", help="analyses a file not in the library with this provider")
    _json_flag(export)
    export.set_defaults(handler=_with_core(_export))
    return parser


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object per line")


def _print_json(value: object) -> None:
    print(json.dumps(value), flush=True)


def _gui(args: argparse.Namespace) -> int:
    from .app import run_gui

    return run_gui(args.files, args.screenshot, quit_after_paint=args.quit_after_paint)


def _with_core(command: Callable[[Core, argparse.Namespace], Awaitable[int]]) -> Callable[[argparse.Namespace], int]:
    """Runs an async command with a Core built for it and closed after it, whatever happens."""

    def handler(args: argparse.Namespace) -> int:
        from .app import build_core

        async def run() -> int:
            core = build_core()
            try:
                return await command(core, args)
            finally:
                await core.aclose()

        return asyncio.run(run())

    return handler


def _provider(core: Core, provider_id: str):
    provider = core.providers.get(provider_id)
    if provider is not None:
        return provider
    if provider_id in core.unavailable:
        raise CliError(f"{provider_id}: {core.unavailable[provider_id]}")
    info = provider_info(provider_id)
    if info is not None and info.needs_account:
        raise CliError(
            f"{provider_id}: not configured: enter the {info.label} key in Settings, "
            f"or set REELSCOPE_{provider_id.upper()}_API_KEY"
        )
    raise CliError(f"{provider_id}: no such provider (available: {', '.join(core.providers)})")


def failure_line(error: ReelscopeError, provider_id: str | None = None) -> str:
    """One line naming the provider, the HTTP status and the server's own words."""
    if isinstance(error, ProviderError):
        line = str(error)
        if error.server_message and error.server_message not in line:
            line += f" — server said: {error.server_message}"
        return line
    return f"{provider_id}: {error}" if provider_id else str(error)


async def _analyze(core: Core, args: argparse.Namespace) -> int:
    provider = _provider(core, args.provider)
    failures = 0
    for path in args.files:  # one failure, expected or not, never stops the files after it
        try:
            checked = _checked_video(path, accept_images=accepts_images(args.provider))
            analysis = await _analysis_of(core, provider, checked, fresh=args.fresh)
        except ReelscopeError as error:
            _say_failure(failure_line(error, args.provider))
            failures += 1
            continue
        except Exception as error:
            log.debug("analysis of %s failed", one_line(str(path)), exc_info=True)
            _say_failure(
                f"{args.provider}: {one_line(str(path))}: internal error: {error} "
                "(REELSCOPE_LOG=DEBUG shows the details)"
            )
            failures += 1
            continue
        if args.json:
            print(analysis.to_json(), flush=True)
        else:
            video = analysis.video
            print(
                f"{one_line(video.path)}: {len(analysis.scenes)} scenes, "
                f"{format_timecode(video.duration_s, video.fps)}, {video.width}x{video.height} @ {video.fps:g} fps"
            )
    return 1 if failures else 0


async def _analysis_of(core: Core, provider, path: Path, *, fresh: bool) -> Analysis:
    """The provider's analysis of path: run now, or the stored one when it analysed this content before."""
    run = AnalysisRun(core.storage, provider, path, fresh=fresh)
    try:
        result = await run.execute()
    except ReelscopeError as error:
        await run.mark_failed(error.reason if isinstance(error, MediaError) else str(error))
        raise
    if result.analysis is not None:
        return result.analysis
    stored = await core.storage.database.run(core.storage.catalogue.analysis, result.clip.id, provider.id)
    return stored.model_copy(update={"video": stored.video.model_copy(update={"path": str(path)})})


def _say_failure(text: str) -> None:
    print(f"reelscope: {one_line(text)}", file=sys.stderr, flush=True)


def _checked_video(path: Path, *, accept_images: bool = False) -> Path:
    """The same checks a drop on the window makes, for one file named on the command line."""
    if path.is_dir():
        raise MediaError(str(path), "is a folder; give video files")
    reason = file_refusal(path, accept_images=accept_images)
    if reason:
        raise MediaError(str(path), reason)
    return path.absolute()


async def _search(core: Core, args: argparse.Namespace) -> int:
    if not core.search.has_provider(args.provider):
        _provider(core, args.provider)  # the reason it is missing, as for analyze
        raise CliError(f"{args.provider}: does not search")
    specs = await core.search.search_options(args.provider)
    chosen: dict[str, object] = {"index_id": args.index, "collection_id": args.collection, "group_by": args.group_by}
    chosen["page_limit"] = args.page_limit
    if args.page_limit is None and (limit := spec_for(specs, "page_limit")) is not None:
        chosen["page_limit"] = limit.maximum if args.all else limit.default
    query = with_options(
        SearchQuery(text=args.query, provider=args.provider),
        specs, {key: value for key, value in chosen.items() if value is not None},
    )
    page = await (core.search.search_all(query) if args.all else core.search.search(query))
    for warning in page.warnings:
        _say_failure(f"{args.provider}: {warning}")
    result = page.to_result()
    if args.json:
        print(result.to_json(), flush=True)
        return 0
    if result.groups is not None:
        print(f"{len(result.hits)} moments in {len(result.groups)} of {result.total} clips for {args.query!r}")
    else:
        print(f"{len(result.hits)} of {result.total} moments for {args.query!r}")
    for hit in result.hits:
        score = f"{hit.score:.2f}" if hit.score is not None else "-"
        where = f"  {one_line(hit.local_path)}" if hit.local_path else ""
        print(f"  {one_line(hit.title)}  {hit.start_s:.2f}–{hit.end_s:.2f} s  score {score}{where}")
    return 0


async def _providers(core: Core, args: argparse.Namespace) -> int:
    for info in KNOWN_PROVIDERS:
        provider = core.providers.get(info.id)
        configured = provider is not None or core.search.has_provider(info.id)
        reachable = await _reachable(provider) if provider is not None else None
        row = {
            "schema": "reelscope.provider/1",
            "id": info.id,
            "label": info.label,
            "capabilities": sorted(capability.value for capability in info.capabilities),
            "configured": configured,
            "reachable": reachable,
        }
        if args.json:
            _print_json(row)
        else:
            state = "not configured" if not configured else {True: "reachable", False: "NOT reachable"}.get(
                reachable, "configured"
            )
            print(f"{info.id:<12} {info.label:<12} {', '.join(row['capabilities']):<36} {state}")
    return 0


async def _reachable(provider) -> bool | None:
    check = getattr(provider, "check_reachable", None)
    return await check() if check is not None else None


async def _library(core: Core, args: argparse.Namespace) -> int:
    storage = core.storage
    for clip in await core.library.clips():
        analyses = await storage.database.run(storage.catalogue.analyses, clip.id)
        if args.json:
            _print_json(
                {
                    "video": clip.video.model_dump(mode="json"),
                    "added_at": clip.added_at,
                    "statuses": [status.model_dump(mode="json") for status in clip.statuses],
                    "analyses": [analysis.model_dump(mode="json", by_alias=True) for analysis in analyses],
                }
            )
        else:
            statuses = ", ".join(f"{s.provider}: {s.status.value}" for s in clip.statuses)
            print(f"{one_line(clip.title)}  {format_timecode(clip.video.duration_s, clip.video.fps)}  {statuses}")
    return 0


def _collection_provider(core: Core, provider_id: str):
    provider = _provider(core, provider_id)
    if not hasattr(provider, "upload"):
        raise CliError(f"{provider_id}: has no collections (seeknetic has)")
    return provider


async def _upload(core: Core, args: argparse.Namespace) -> int:
    provider = _collection_provider(core, args.provider)
    collection = provider.collection_for({"collection_id": args.collection} if args.collection else {})
    failures = 0
    for path in args.files:
        row = {"schema": "reelscope.upload/1", "provider": args.provider, "path": str(path), "video_id": None,
               "collection_id": collection, "status": "failed", "error": None}
        try:
            uploaded = await upload_file(core.storage, provider, _checked_video(path), collection,
                                         wait=not args.no_wait)
            row.update(path=str(uploaded.path), video_id=uploaded.video_id, status=uploaded.status,
                       error=uploaded.error)
        except ReelscopeError as error:
            _say_failure(failure_line(error, args.provider))
            row["error"] = failure_line(error, args.provider)
        if row["status"] == "failed":
            failures += 1
        if args.json:
            _print_json(row)
        else:
            print(f"{one_line(row['path'])}: {row['status']} {row['video_id'] or ''}".rstrip())
    return 1 if failures else 0


async def _collections(core: Core, args: argparse.Namespace) -> int:
    provider = _collection_provider(core, args.provider)
    if args.create:
        created = await provider.client.create_collection(args.create)
        rows = [{"collection_id": created.collection_id, "name": created.name or args.create, "video_count": 0}]
    else:
        rows = [{"collection_id": c.id, "name": c.name, "video_count": c.video_count}
                for c in await provider.client.collections()]
    for row in rows:
        if args.json:
            _print_json({"schema": "reelscope.collection/1", "provider": args.provider, **row})
        else:
            count = "" if row["video_count"] is None else f"  {row['video_count']} videos"
            print(f"{row['collection_id']}  {one_line(row['name'])}{count}")
    return 0
async def _export(core: Core, args: argparse.Namespace) -> int:
    provider = core.providers.get(args.provider)
    if provider is None:
        raise CliError(f"{args.provider}: no such provider (available: {', '.join(core.providers)})")
    include = _track_kinds(args.include)
    video_ids: list[str] = []
    for path in args.files:  # several files give one timeline, in the order given
        analysis = await _analysis_of(core, provider, _checked_video(path), fresh=False)
        if analysis.video.id not in video_ids:
            video_ids.append(analysis.video.id)
    request = ExportRequest(
        export_format=ExportFormat(args.format), destination=args.output.absolute(), include=include
    )
    result = await core.export.export_clips(video_ids, request)
    if args.json:
        _print_json({
            "schema": "reelscope.export/1", "format": result.export_format.value, "path": str(result.path),
            "clips": result.clips, "items": result.items,
        })
    else:
        print(f"{one_line(str(result.path))}: {result.clips} clip(s), {result.items} item(s) as {args.format}")
    return 0


def _track_kinds(text: str | None) -> frozenset[ExportTrackKind]:
    if not text:
        return ALL_TRACK_KINDS
    kinds = set()
    for word in (w.strip().lower() for w in text.split(",") if w.strip()):
        try:
            kinds.add(ExportTrackKind(word))
        except ValueError:
            known = ", ".join(k.value for k in ExportTrackKind)
            raise CliError(f"--include: no track kind '{word}' (known: {known})") from None
    return frozenset(kinds)


def _cloud_only(args: argparse.Namespace) -> int:
    raise CliError(f"{args.command}: provider '{args.provider}' is not available in this version (available: local)")
