"""The library's clips as a flat Qt list model, newest first."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from ...domain.analysis import AnalysisStatus
from ...domain.clips import Clip
from ...domain.providers import provider_label
from .roles import FilterRole, ObjectRole, SortRole

_Index = QModelIndex | QPersistentModelIndex

_STATUS_WORDS = {
    AnalysisStatus.QUEUED: "queued",
    AnalysisStatus.RUNNING: "analysing",
    AnalysisStatus.FINISHED: "done",
    AnalysisStatus.FAILED: "failed",
}


class ClipListModel(QAbstractListModel):
    """Rows are frozen Clip objects kept sorted by `added_at`, newest first.

    The order lives here rather than in a sorting proxy: sorting 20k rows through Python `data()`
    calls would cost far more than keeping this list ordered.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._clips: list[Clip] = []
        self._keys: list[float] = []  # -added_at per row, ascending, for bisect
        self._rows: dict[str, int] = {}
        self._filter_tags: dict[str, str] = {}

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._clips)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        clip = self._clips[index.row()]
        if role == ObjectRole:
            return clip
        if role == Qt.ItemDataRole.DisplayRole:
            return clip.title
        if role == FilterRole:
            return f"{clip.title}\n{clip.video.path}{self._filter_tags.get(clip.id, '')}"
        if role == SortRole:
            return clip.added_at
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(clip)
        return None

    def set_clips(self, clips: Sequence[Clip]) -> None:
        self.beginResetModel()
        self._clips = sorted(clips, key=lambda clip: -clip.added_at)
        self._keys = [-clip.added_at for clip in self._clips]
        self._reindex(0)
        self.endResetModel()

    def update_clip(self, clip: Clip) -> None:
        """Replaces the clip with the same id in place, or inserts it where its date puts it."""
        row = self._rows.get(clip.id)
        if row is not None and self._clips[row].added_at == clip.added_at:
            self._clips[row] = clip
            index = self.index(row)
            self.dataChanged.emit(index, index)
            return
        if row is not None:
            self._remove(row)
        row = bisect.bisect_left(self._keys, -clip.added_at)
        self.beginInsertRows(QModelIndex(), row, row)
        self._clips.insert(row, clip)
        self._keys.insert(row, -clip.added_at)
        self._reindex(row)
        self.endInsertRows()

    def remove_clip(self, video_id: str) -> None:
        row = self._rows.get(video_id)
        if row is not None:
            self._remove(row)

    def set_filter_tags(self, tags: dict[str, str]) -> None:
        """Text added after a clip's filter text (its FilterRole), by clip id: marks a filter can look for."""
        self._filter_tags = dict(tags)

    def row_of(self, video_id: str) -> int | None:
        return self._rows.get(video_id)

    def clip_at(self, row: int) -> Clip:
        return self._clips[row]

    def _remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[self._clips[row].id]
        del self._clips[row]
        del self._keys[row]
        self._reindex(row)
        self.endRemoveRows()

    def _reindex(self, start: int) -> None:
        if start == 0:
            self._rows = {}
        for row in range(start, len(self._clips)):
            self._rows[self._clips[row].id] = row


def _tooltip(clip: Clip) -> str:
    lines = [clip.video.path]
    for status in clip.statuses:
        line = f"{provider_label(status.provider)}: {_STATUS_WORDS.get(status.status, status.status)}"
        if status.error:
            line += f": {status.error}"
        lines.append(line)
    return "\n".join(lines)
