"""Search hits as a Qt list model: a flat grid, or grouped by clip with a header row per clip."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ...domain.search import SearchGroup, SearchHit
from ...domain.timecode import format_clock
from .roles import ObjectRole, RelevanceRole, SortRole

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class _Header:
    video_id: str


SearchRow = SearchHit | _Header


class SearchHitModel(QAbstractListModel):
    """Rows are SearchHit objects (ObjectRole), and in grouped mode a SearchGroup header per clip.

    Paging: once `set_has_more(True)`, a view scrolled to the end calls fetchMore, which emits
    `more_requested` once; the next `append_hits` or `set_has_more` allows the next request.
    """

    more_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []
        self._relevance: dict[int, float | None] = {}   # id(hit) -> relevance, for ranked (merged) hits
        self._rows: list[SearchRow] = []
        self._grouped = False
        self._rows_by_picture: dict[str, list[int]] | None = None   # thumbnail reference -> rows; rebuilt lazily
        self._has_more = False
        self._fetching = False

    # -- Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if isinstance(row, _Header):
            return self._header_data(row, role)
        if role == ObjectRole:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return row.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit_tooltip(row)
        if role == SortRole:
            return row.score
        if role == RelevanceRole:
            return self._relevance.get(id(row))
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if index.isValid() and isinstance(self._rows[index.row()], _Header):
            return Qt.ItemFlag.ItemIsEnabled
        return super().flags(index)

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._has_more and not self._fetching

    def fetchMore(self, parent: _Index) -> None:
        if self.canFetchMore(parent):
            self._fetching = True
            self.more_requested.emit()

    # -- updates -------------------------------------------------------------------------------

    def set_hits(self, hits: Sequence[SearchHit], relevance: Sequence[float | None] | None = None) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self._relevance = {}
        self._remember_relevance(self._hits, relevance)
        self._rows = self._layout()
        self._rows_by_picture = None
        self._fetching = False
        self.endResetModel()

    def append_hits(self, hits: Sequence[SearchHit], relevance: Sequence[float | None] | None = None) -> None:
        self._fetching = False
        if not hits:
            return
        self._remember_relevance(hits, relevance)
        self._hits.extend(hits)
        self._insert_rows(self._layout())
        if self._grouped:
            self._refresh_headers()

    def renew_thumbnails(self, links: dict[str, str]) -> None:
        """Hits whose thumbnail link was renewed (the old one expired) take the new one."""
        for position, hit in enumerate(self._hits):
            if hit.thumbnail_url in links:
                renewed = hit.model_copy(update={"thumbnail_url": links[hit.thumbnail_url]})
                self._relevance[id(renewed)] = self._relevance.pop(id(hit), None)
                self._hits[position] = renewed
                row = next(r for r, item in enumerate(self._rows) if item is hit)
                self._rows[row] = renewed
                self._rows_by_picture = None
                self.dataChanged.emit(self.index(row), self.index(row))

    def set_grouped(self, grouped: bool) -> None:
        if grouped == self._grouped:
            return
        self.beginResetModel()
        self._grouped = grouped
        self._rows = self._layout()
        self._rows_by_picture = None
        self.endResetModel()

    def set_has_more(self, has_more: bool) -> None:
        self._has_more = has_more
        self._fetching = False

    # -- queries -------------------------------------------------------------------------------

    @property
    def grouped(self) -> bool:
        return self._grouped

    def hits(self) -> list[SearchHit]:
        return list(self._hits)

    def hit_count(self) -> int:
        return len(self._hits)

    def clip_count(self) -> int:
        return len({hit.video_id for hit in self._hits})

    def rows_showing(self, picture: str) -> list[int]:
        """The rows whose thumbnail is this reference (to repaint just those once it is loaded)."""
        if self._rows_by_picture is None:
            found: dict[str, list[int]] = {}
            for row, item in enumerate(self._rows):
                if isinstance(item, SearchHit) and item.thumbnail_url:
                    found.setdefault(item.thumbnail_url, []).append(row)
            self._rows_by_picture = found
        return self._rows_by_picture.get(picture, [])

    def is_header(self, row: int) -> bool:
        return isinstance(self._rows[row], _Header)

    def hit_at(self, row: int) -> SearchHit | None:
        """The hit shown in row, None for a clip's heading; for views walking many rows without Qt's calls."""
        item = self._rows[row]
        return None if isinstance(item, _Header) else item

    def relevance(self, hit: SearchHit) -> float | None:
        return self._relevance.get(id(hit))

    # -- internals -----------------------------------------------------------------------------

    def _remember_relevance(self, hits: Sequence[SearchHit], relevance: Sequence[float | None] | None) -> None:
        if relevance is not None:
            self._relevance.update((id(hit), value) for hit, value in zip(hits, relevance))

    def _layout(self) -> list[SearchRow]:
        if not self._grouped:
            return list(self._hits)
        rows: list[SearchRow] = []
        for video_id, hits in self._hits_by_clip().items():
            rows.append(_Header(video_id))
            rows.extend(hits)
        return rows

    def _hits_by_clip(self) -> dict[str, list[SearchHit]]:
        by_clip: dict[str, list[SearchHit]] = {}
        for hit in self._hits:
            by_clip.setdefault(hit.video_id, []).append(hit)
        return by_clip

    def _insert_rows(self, new_rows: list[SearchRow]) -> None:
        """Inserts what `new_rows` adds to the current rows (always a subsequence of them) in runs."""
        i = 0
        while i < len(new_rows):
            if i < len(self._rows) and _same_row(self._rows[i], new_rows[i]):
                i += 1
                continue
            end = i
            while end < len(new_rows) and not (i < len(self._rows) and _same_row(self._rows[i], new_rows[end])):
                end += 1
            self.beginInsertRows(QModelIndex(), i, end - 1)
            self._rows[i:i] = new_rows[i:end]
            self._rows_by_picture = None
            self.endInsertRows()
            i = end

    def _refresh_headers(self) -> None:
        for row, item in enumerate(self._rows):
            if isinstance(item, _Header):
                index = self.index(row)
                self.dataChanged.emit(index, index)

    def _header_data(self, header: _Header, role: int):
        if role not in (ObjectRole, Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        hits = tuple(hit for hit in self._hits if hit.video_id == header.video_id)
        if role == ObjectRole:
            return SearchGroup(video_id=header.video_id, title=hits[0].title, hits=hits)
        count = f"{len(hits)} moment" + ("" if len(hits) == 1 else "s")
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{hits[0].title}  ·  {count}"
        return hits[0].local_path or hits[0].title


def _same_row(a: SearchRow, b: SearchRow) -> bool:
    return a is b or (isinstance(a, _Header) and a == b)


def time_range_text(hit: SearchHit) -> str:
    return f"{format_clock(hit.start_s)} – {format_clock(hit.end_s)}"


def score_fraction(score: float | None) -> float | None:
    """Scores come as 0..1 (most providers) or 0..100 (Twelve Labs): shown as a fraction either way."""
    if score is None:
        return None
    fraction = score / 100.0 if score > 1.0 else score
    return max(0.0, min(1.0, fraction))


def confidence_text(confidence: str | None) -> str | None:
    if not confidence:
        return None
    return {"extremely_low": "very low"}.get(confidence, confidence.replace("_", " "))


def hit_tooltip(hit: SearchHit) -> str:
    lines = [hit.title, time_range_text(hit)]
    fraction = score_fraction(hit.score)
    if fraction is not None:
        lines.append(f"Score {fraction:.0%}")
    if hit.confidence:
        lines.append(f"Confidence {confidence_text(hit.confidence)}")
    if hit.snippet:
        lines.append(f"“{hit.snippet}”")
    return "\n".join(lines)
