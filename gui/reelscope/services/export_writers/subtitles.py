"""On-screen text (OCR spans) as SubRip and WebVTT subtitles, timed on the exported timeline."""

from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

from ...domain.export import ExportDocument, ExportTrackKind


def write_srt(document: ExportDocument, path: Path) -> None:
    lines = []
    for number, (start, end, text) in enumerate(_cues(document), start=1):
        lines += [str(number), f"{_stamp(start, ',')} --> {_stamp(end, ',')}", _single_paragraph(text), ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def write_vtt(document: ExportDocument, path: Path) -> None:
    lines = ["WEBVTT", ""]
    for start, end, text in _cues(document):
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        lines += [f"{_stamp(start, '.')} --> {_stamp(end, '.')}", _single_paragraph(escaped), ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def _cues(document: ExportDocument) -> Iterator[tuple[Fraction, Fraction, str]]:
    """Every OCR span of every provider, in timeline time (exact seconds), by start."""
    cues = []
    for clip, record_start in zip(document.clips, document.record_starts()):
        for track in clip.tracks:
            if track.kind is not ExportTrackKind.OCR:
                continue
            for item in track.items:
                start = record_start + clip.rate.exact_seconds_at(item.start_frame - clip.in_frame)
                end_frame = max(item.end_frame, item.start_frame + 1)
                end = record_start + clip.rate.exact_seconds_at(end_frame - clip.in_frame)
                cues.append((start, end, item.name))
    cues.sort(key=lambda cue: (cue[0], cue[1]))
    return iter(cues)


def _stamp(seconds: Fraction, separator: str) -> str:
    """HH:MM:SS,mmm rounded up to the millisecond, so the stamp never falls in the frame before."""
    milliseconds = math.ceil(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _single_paragraph(text: str) -> str:
    """A cue ends at a blank line: keep the text's lines, drop empty ones."""
    return "\n".join(line for line in text.splitlines() if line.strip()) or " "
