"""Export: clips, a clip's in/out range or search hits, written for an editing suite (domain.export).

The catalogue is read on the database thread and the file written in a worker thread, under a
temporary name renamed into place: the event loop never waits on the disk, and a failed export
leaves no half-written file where the editor looks for it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.analysis import Analysis, AnalysisStatus
from ..domain.errors import ReelscopeError
from ..domain.export import (
    ALL_TRACK_KINDS,
    ExportClip,
    ExportDocument,
    ExportFormat,
    ExportTrackKind,
    export_clip,
)
from ..domain.search import SearchHit
from ..domain.timecode import format_clock
from ..library.storage import Storage
from .export_writers import write_document


class ExportFailed(ReelscopeError):
    pass


@dataclass(frozen=True)
class ExportRequest:
    export_format: ExportFormat
    destination: Path
    include: frozenset[ExportTrackKind] = field(default=ALL_TRACK_KINDS)
    range_s: tuple[float, float] | None = None
    """Only for a single clip: the in/out marks."""
    name: str | None = None


@dataclass(frozen=True)
class ExportResult:
    path: Path
    export_format: ExportFormat
    clips: int
    items: int


class ExportService:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._db = storage.database

    async def export_clips(self, video_ids: Sequence[str], request: ExportRequest) -> ExportResult:
        if request.range_s is not None and len(video_ids) != 1:
            raise ExportFailed("an in/out range belongs to one clip: export one clip with it, or the whole clips")
        clips = await self._db.run(self._clips_now, list(video_ids), request.include, request.range_s)
        name = request.name or (clips[0].name if len(clips) == 1 else f"{len(clips)} clips")
        return await self._write(ExportDocument(name=name, clips=tuple(clips)), request)

    async def export_hits(self, hits: Sequence[SearchHit], request: ExportRequest, query: str = "") -> ExportResult:
        """Each hit's moment as a clip of the timeline, in the order given (a selects reel)."""
        clips = await self._db.run(self._hit_clips_now, list(hits), request.include)
        name = request.name or (f"Search: {query}" if query else "Search results")
        return await self._write(ExportDocument(name=name, clips=tuple(clips)), request)

    async def _write(self, document: ExportDocument, request: ExportRequest) -> ExportResult:
        if not document.clips:
            raise ExportFailed("nothing to export: none of these clips has a finished analysis")
        _check_has_content(document, request.export_format)
        destination = with_extension(request.destination, request.export_format)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, _write_in_place, document, request.export_format, destination)
        items = sum(len(track.items) for clip in document.clips for track in clip.tracks)
        return ExportResult(destination, request.export_format, len(document.clips), items)

    # -- on the database thread --------------------------------------------------------------------

    def _clips_now(
        self, video_ids: list[str], include: Iterable[ExportTrackKind], range_s: tuple[float, float] | None
    ) -> list[ExportClip]:
        clips = []
        for video_id in video_ids:
            found = self._clip_parts(video_id)
            if found is None:
                raise ExportFailed(f"clip {video_id} is not in the library (was it removed?)")
            video, analyses, markers = found
            clips.append(export_clip(video, analyses, markers, include=include, range_s=range_s))
        return clips

    def _hit_clips_now(self, hits: list[SearchHit], include: Iterable[ExportTrackKind]) -> list[ExportClip]:
        clips = []
        cache: dict[str, tuple | None] = {}
        for hit in hits:
            video_id = hit.local_video_id or hit.video_id   # a cloud hit of a library clip: that clip
            if video_id not in cache:
                cache[video_id] = self._clip_parts(video_id)
            found = cache[video_id]
            if found is None:
                continue  # a cloud hit of a clip this library does not hold: nothing to point an editor at
            video, analyses, markers = found
            name = f"{video.title} {format_clock(hit.start_s)}–{format_clock(hit.end_s)}"
            clips.append(
                export_clip(video, analyses, markers, include=include, range_s=(hit.start_s, hit.end_s), name=name)
            )
        return clips

    def _clip_parts(self, video_id: str):
        catalogue = self._storage.catalogue
        clip = catalogue.clip(video_id)
        if clip is None:
            return None
        analyses: list[Analysis] = [a for a in catalogue.analyses(video_id) if a.status is AnalysisStatus.FINISHED]
        return clip.video, analyses, self._storage.markers.for_clip(video_id)


def with_extension(path: Path, export_format: ExportFormat) -> Path:
    """The destination with the format's extension, added when it has none of its own."""
    if path.suffix.lower() == export_format.extension:
        return path
    return path.with_name(path.name + export_format.extension)


def _check_has_content(document: ExportDocument, export_format: ExportFormat) -> None:
    if export_format in (ExportFormat.SRT, ExportFormat.VTT):
        has_text = any(t.kind is ExportTrackKind.OCR and t.items for clip in document.clips for t in clip.tracks)
        if not has_text:
            raise ExportFailed("no on-screen text (OCR) in what is exported: there is nothing to write as subtitles")


def _write_in_place(document: ExportDocument, export_format: ExportFormat, destination: Path) -> None:
    if not destination.parent.is_dir():
        raise ExportFailed(f"cannot write {destination}: the folder {destination.parent} does not exist")
    partial = destination.with_name(f".{destination.name}.{os.getpid()}.part")
    try:
        write_document(document, export_format, partial)
        os.replace(partial, destination)
    except OSError as error:
        raise ExportFailed(f"cannot write {destination}: {error.strerror or error}") from error
    except ValueError as error:  # a document the format cannot hold (an EDL of mixed frame rates)
        raise ExportFailed(f"{export_format.value}: {error}") from error
    finally:
        if partial.exists():
            partial.unlink()
