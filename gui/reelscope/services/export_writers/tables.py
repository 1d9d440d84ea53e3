"""Every track as CSV rows, and the analyses as JSON lines (reelscope.analysis/1, as `reelscope analyze --json`)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ...domain.export import ExportDocument
from ...domain.media import readable

CSV_COLUMNS = (
    "clip", "file", "provider", "track", "name", "note", "start_frame", "end_frame", "start_timecode",
    "end_timecode", "start_s", "end_s", "timeline_start_s", "frame_rate",
)
MARKERS_SCHEMA = "reelscope.markers/1"


def write_csv(document: ExportDocument, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(CSV_COLUMNS)
        for clip, record_start in zip(document.clips, document.record_starts()):
            rate = clip.rate
            for track in clip.tracks:
                for item in track.items:
                    timeline_start = record_start + rate.exact_seconds_at(item.start_frame - clip.in_frame)
                    writer.writerow((
                        clip.name, readable(clip.video.path), track.provider, track.kind.value, item.name, item.note,
                        item.start_frame, item.end_frame,
                        rate.timecode(item.start_frame), rate.timecode(item.end_frame),
                        f"{rate.seconds_at(item.start_frame):.6f}", f"{rate.seconds_at(item.end_frame):.6f}",
                        f"{float(timeline_start):.6f}", f"{rate.numerator}/{rate.denominator}",
                    ))


def write_json_lines(document: ExportDocument, path: Path) -> None:
    with path.open("w", encoding="utf-8") as file:
        for clip in document.clips:
            for analysis in clip.analyses:
                file.write(analysis.to_json() + "\n")
            if clip.markers:
                markers = {
                    "schema": MARKERS_SCHEMA,
                    "video_id": clip.video.id,
                    "markers": [marker.model_dump(mode="json") for marker in clip.markers],
                }
                file.write(json.dumps(markers) + "\n")
