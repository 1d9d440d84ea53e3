"""File writers of export documents (domain.export): one function per format."""

from __future__ import annotations

from pathlib import Path

from ...domain.export import ExportDocument, ExportFormat


def write_document(document: ExportDocument, export_format: ExportFormat, path: Path) -> None:
    """Writes the document in the format; blocking (file I/O): run it off the event loop."""
    if export_format in (ExportFormat.OTIO, ExportFormat.EDL, ExportFormat.FCP7, ExportFormat.FCPXML):
        from .timeline import write_timeline  # opentimelineio loads its adapters on first use: only when needed

        write_timeline(document, path, export_format.value)
    elif export_format is ExportFormat.SRT:
        from .subtitles import write_srt

        write_srt(document, path)
    elif export_format is ExportFormat.VTT:
        from .subtitles import write_vtt

        write_vtt(document, path)
    elif export_format is ExportFormat.CSV:
        from .tables import write_csv

        write_csv(document, path)
    else:
        from .tables import write_json_lines

        write_json_lines(document, path)
