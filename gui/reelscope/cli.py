"""Command line: the GUI by default, and subcommands that print text or JSON lines (DESIGN.md §4)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .domain.errors import MediaError, ReelscopeError
from .domain.search import group_by_video
from .domain.timecode import format_timecode
from .services.ingest import file_refusal

if TYPE_CHECKING:
    from .app import Core

SUBCOMMANDS = ("gui", "analyze", "upload", "search", "collections", "providers", "library")


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
    except (CliError, ReelscopeError, ValueError, OSError) as error:
        print(f"reelscope: {error}", file=sys.stderr)
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
    gui.set_defaults(handler=_gui)

    analyze = commands.add_parser("analyze", help="analyse files and print the unified analysis")
    analyze.add_argument("files", nargs="+", type=Path)
    analyze.add_argument("--provider", default="local")
    _json_flag(analyze)
    analyze.set_defaults(handler=_with_core(_analyze))

    upload = commands.add_parser("upload", help="upload files to a cloud provider")
    upload.add_argument("files", nargs="+", type=Path)
    upload.add_argument("--provider", required=True)
    upload.add_argument("--collection")
    _json_flag(upload)
    upload.set_defaults(handler=_cloud_only)

    search = commands.add_parser("search", help="find moments by text")
    search.add_argument("query")
    search.add_argument("--provider", default="local")
    search.add_argument("--index")
    search.add_argument("--collection")
    search.add_argument("--page-limit", type=int, default=20)
    search.add_argument("--all", action="store_true", help="fetch every page")
    search.add_argument("--group-by", choices=("video", "clip"))
    _json_flag(search)
    search.set_defaults(handler=_with_core(_search))

    collections = commands.add_parser("collections", help="list or create collections of a cloud provider")
    collections.add_argument("--provider", default="seeknetic")
    collections.add_argument("--create", metavar="NAME")
    _json_flag(collections)
    collections.set_defaults(handler=_cloud_only)

    providers = commands.add_parser("providers", help="configured providers and what they can do")
    _json_flag(providers)
    providers.set_defaults(handler=_with_core(_providers))

    library = commands.add_parser("library", help="clips in the catalogue with their analyses")
    _json_flag(library)
    library.set_defaults(handler=_with_core(_library))
    return parser


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object per line")


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False), flush=True)


def _gui(args: argparse.Namespace) -> int:
    from .app import run_gui

    return run_gui(args.files, args.screenshot)


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


async def _analyze(core: Core, args: argparse.Namespace) -> int:
    provider = core.providers.get(args.provider)
    if provider is None:
        raise CliError(f"{args.provider}: no such provider (available: {', '.join(core.providers)})")
    failures = 0
    for path in args.files:
        try:
            analysis = await provider.analyze(_checked_video(path))
        except MediaError as error:
            print(f"reelscope: {args.provider}: {error}", file=sys.stderr)
            failures += 1
            continue
        core.catalogue.save_analysis(analysis)
        if args.json:
            print(analysis.to_json(), flush=True)
        else:
            video = analysis.video
            print(
                f"{video.path}: {len(analysis.scenes)} scenes, {format_timecode(video.duration_s, video.fps)}, "
                f"{video.width}x{video.height} @ {video.fps:g} fps"
            )
    return 1 if failures else 0


def _checked_video(path: Path) -> Path:
    """The same checks a drop on the window makes, for one file named on the command line."""
    if path.is_dir():
        raise MediaError(str(path), "is a folder; give video files")
    reason = file_refusal(path)
    if reason:
        raise MediaError(str(path), reason)
    return path.resolve()


async def _search(core: Core, args: argparse.Namespace) -> int:
    if args.provider != "local":
        raise CliError(f"{args.provider}: search is not available for this provider yet (available: local)")
    limit = max(1, args.page_limit)
    result = await core.search.search(args.query, limit=limit)
    hits = list(result.hits)
    while args.all and result.total is not None and len(hits) < result.total and result.hits:
        result = await core.search.search(args.query, limit=limit, offset=len(hits))
        hits.extend(result.hits)
    result = result.model_copy(update={"hits": tuple(hits), "groups": group_by_video(hits) if args.group_by else None})
    if args.json:
        print(result.to_json(), flush=True)
        return 0
    print(f"{len(hits)} of {result.total} moments for {args.query!r}")
    for hit in hits:
        score = f"{hit.score:.2f}" if hit.score is not None else "-"
        print(f"  {hit.title}  {hit.start_s:.2f}–{hit.end_s:.2f} s  score {score}")
    return 0


async def _providers(core: Core, args: argparse.Namespace) -> int:
    for provider in core.providers.values():
        row = {
            "id": provider.id,
            "display_name": provider.display_name,
            "capabilities": sorted(capability.value for capability in provider.capabilities),
            "configured": True,
            "reachable": True,
        }
        if args.json:
            _print_json(row)
        else:
            print(f"{row['id']:<12} {row['display_name']:<14} {', '.join(row['capabilities'])}")
    return 0


async def _library(core: Core, args: argparse.Namespace) -> int:
    for clip in core.catalogue.clips():
        analyses = core.catalogue.analyses(clip.id)
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
            print(f"{clip.title}  {format_timecode(clip.video.duration_s, clip.video.fps)}  {statuses}")
    return 0


def _cloud_only(args: argparse.Namespace) -> int:
    raise CliError(f"{args.command}: provider '{args.provider}' is not available in this version (available: local)")
