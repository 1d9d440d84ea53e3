"""Export from the File menu (the open clip, or the clips selected in the library), the library's
context menu and the search pane (the results as a selects reel): the dialog, then the service."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths

from ...domain.clips import Clip
from ...domain.frame_rate import FrameRate
from ...services.export import ExportRequest, ExportResult, ExportService
from ..export_dialog import ExportChoice, ExportDialog
from ..main_window import MainWindow
from ..panes.library_pane import LibraryPane
from ..panes.search_pane import SearchPane
from .tasks import ErrorSink, TaskRunner


class ExportController(QObject):
    def __init__(
        self,
        window: MainWindow,
        *,
        library: LibraryPane,
        search: SearchPane,
        service: ExportService,
        tasks: TaskRunner,
        report_error: ErrorSink,
        current_clip: Callable[[], Clip | None],
        marks: Callable[[], tuple[float | None, float | None]],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._library = library
        self._search = search
        self._service = service
        self._tasks = tasks
        self._report_error = report_error
        self._current_clip = current_clip
        self._marks = marks
        self._folder: Path | None = None
        self.dialog: ExportDialog | None = None

        window.export_requested.connect(self.export_from_menu)
        library.export_requested.connect(self.export_clips)
        search.export_requested.connect(self.export_results)

    def export_from_menu(self) -> None:
        selected = self._library.selected_clip_ids()
        if len(selected) > 1:
            self.export_clips(selected)
            return
        clip = self._current_clip()
        if clip is None:
            self._report_error("Open a clip, or select clips in the library, to export them.", None)
            return
        self.export_clips([clip.id])

    def export_clips(self, video_ids: list[str]) -> None:
        clips = [clip for clip in (self._library.clip(video_id) for video_id in video_ids) if clip is not None]
        if not clips:
            return
        current = self._current_clip()
        range_s = self._range() if len(clips) == 1 and current is not None and current.id == clips[0].id else None
        subject = clips[0].title if len(clips) == 1 else f"{len(clips)} clips"
        range_text = None
        if range_s is not None:
            rate = FrameRate.from_fps(clips[0].video.fps)
            range_text = f"{rate.timecode(rate.frame_at(range_s[0]))} – {rate.timecode(rate.frame_at(range_s[1]))}"
        ids = [clip.id for clip in clips]

        def chosen(choice: ExportChoice) -> None:
            request = self._request(choice, range_s if choice.use_range else None)
            self._tasks.run(self._report(self._service.export_clips(ids, request)))

        self._open(subject, clips[0].title if len(clips) == 1 else "clips", chosen, range_text)

    def export_results(self) -> None:
        hits = self._search.hits()
        if not hits:
            self._report_error("Search first: there are no results to export.", None)
            return
        query = self._search.current_query()

        def chosen(choice: ExportChoice) -> None:
            request = self._request(choice, None)
            self._tasks.run(self._report(self._service.export_hits(hits, request, query)))

        self._open(f"{len(hits)} search results", f"search {query}".strip(), chosen, None)

    def _range(self) -> tuple[float, float] | None:
        in_s, out_s = self._marks()
        if in_s is None and out_s is None:
            return None
        clip = self._current_clip()
        end = out_s if out_s is not None else (clip.video.duration_s if clip else 0.0)
        return (in_s or 0.0, end)

    def _open(self, subject: str, stem: str, chosen: Callable[[ExportChoice], None], range_text: str | None) -> None:
        folder = self._folder or Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or Path.home()
        )
        safe = "".join(ch if ch.isalnum() or ch in " -_." else "_" for ch in stem).strip() or "export"
        dialog = ExportDialog(subject, folder / safe, self._window, range_text=range_text)
        dialog.export_chosen.connect(chosen)
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self.dialog = dialog
        dialog.open()  # never exec(): it would nest an event loop under asyncio

    def _request(self, choice: ExportChoice, range_s: tuple[float, float] | None) -> ExportRequest:
        self._folder = choice.destination.parent
        return ExportRequest(
            export_format=choice.export_format, destination=choice.destination, include=choice.include,
            range_s=range_s,
        )

    async def _report(self, export) -> ExportResult:
        result = await export
        self._window.statusBar().showMessage(
            f"Exported {result.clips} clip{'s' if result.clips != 1 else ''} "
            f"({result.items} items) to {result.path}", 10_000
        )
        return result
