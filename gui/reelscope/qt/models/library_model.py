"""The library's clips as a flat Qt list model, newest first, filtered by words in place.

The order and the filter live here rather than in a sorting/filtering proxy: a proxy asks Python's
`data()` for every one of 20,000 rows on each sort or filter, which costs several frames; here a
filter is one pass over precomputed strings, and a new clip is placed by bisection.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from ...domain.analysis import AnalysisStatus
from ...domain.clips import Clip, ClipShelf, haystack
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
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._shelf = ClipShelf([], [], {}, [])
        self._needle = ""
        self._group: frozenset[str] | None = None
        self._shown: list[int] | None = None  # positions on the shelf that match the filter; None: all

    # -- Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        if parent.isValid():
            return 0
        return len(self._shelf.clips) if self._shown is None else len(self._shown)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        clip = self.clip_at(index.row())
        if role == ObjectRole:
            return clip
        if role == Qt.ItemDataRole.DisplayRole:
            return clip.title
        if role == FilterRole:
            return f"{clip.title}\n{clip.video.path}"
        if role == SortRole:
            return clip.added_at
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(clip)
        return None

    # -- contents ------------------------------------------------------------------------------

    def set_clips(self, clips: Sequence[Clip] | ClipShelf) -> None:
        """Shows these clips; a ClipShelf is adopted as it is (it was arranged off the GUI thread)."""
        shelf = clips if isinstance(clips, ClipShelf) else ClipShelf.arrange(clips)
        self.beginResetModel()
        old, self._shelf = self._shelf, shelf
        self._shown = self._matching()
        self.endResetModel()
        _release_in_background(old)

    def set_filter(self, text: str) -> None:
        """Shows only clips whose title or path contains text (any case); empty text shows all."""
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        self.beginResetModel()
        self._needle = needle
        self._shown = self._matching()
        self.endResetModel()

    def update_clip(self, clip: Clip) -> None:
        """Replaces the clip with the same id in place, or inserts it where its date puts it."""
        shelf = self._shelf
        old = shelf.by_id.get(clip.id)
        if old is not None and old.added_at == clip.added_at and haystack(old) == haystack(clip):
            position = self._position(old)
            shelf.clips[position] = clip
            shelf.by_id[clip.id] = clip
            row = self._row_at(position)
            if row is not None:
                index = self.index(row)
                self.dataChanged.emit(index, index)
            return
        if old is not None:
            self.remove_clip(clip.id)
        self._insert(clip)

    def remove_clip(self, video_id: str) -> None:
        shelf = self._shelf
        clip = shelf.by_id.get(video_id)
        if clip is None:
            return
        position = self._position(clip)
        row = self._row_at(position)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
        del shelf.clips[position], shelf.keys[position], shelf.haystacks[position], shelf.by_id[video_id]
        if self._shown is not None:
            self._shown = [p - (p > position) for p in self._shown if p != position]
        if row is not None:
            self.endRemoveRows()

    # -- lookups -------------------------------------------------------------------------------

    def clip(self, video_id: str) -> Clip | None:
        """Any clip of the library, shown or filtered out."""
        return self._shelf.by_id.get(video_id)

    def set_group(self, clip_ids: frozenset[str] | None) -> None:
        """Shows only these clips (a collection's, say) under the filter; None shows every clip again."""
        self.beginResetModel()
        self._group = clip_ids
        self._shown = self._matching()
        self.endResetModel()

    def row_of(self, video_id: str) -> int | None:
        """The row showing the clip, None when it is not in the library or the filter hides it."""
        clip = self._shelf.by_id.get(video_id)
        return None if clip is None else self._row_at(self._position(clip))

    def clip_at(self, row: int) -> Clip:
        return self._shelf.clips[row if self._shown is None else self._shown[row]]

    def total_count(self) -> int:
        return len(self._shelf.clips)

    # -- internals -----------------------------------------------------------------------------

    def _matching(self) -> list[int] | None:
        if not self._needle and self._group is None:
            return None
        needle, group, clips = self._needle, self._group, self._shelf.clips
        return [
            position for position, text in enumerate(self._shelf.haystacks)
            if needle in text and (group is None or clips[position].video.id in group)
        ]

    def _shows(self, clip: Clip) -> bool:
        return self._needle in haystack(clip) and (self._group is None or clip.id in self._group)

    def _insert(self, clip: Clip) -> None:
        shelf = self._shelf
        position = bisect.bisect_left(shelf.keys, -clip.added_at)
        shows = self._shows(clip)
        if self._shown is not None:
            self._shown = [p + (p >= position) for p in self._shown]
        row = (position if self._shown is None else bisect.bisect_left(self._shown, position)) if shows else None
        if row is not None:
            self.beginInsertRows(QModelIndex(), row, row)
        shelf.clips.insert(position, clip)
        shelf.keys.insert(position, -clip.added_at)
        shelf.haystacks.insert(position, haystack(clip))
        shelf.by_id[clip.id] = clip
        if row is not None:
            if self._shown is not None:
                self._shown.insert(row, position)
            self.endInsertRows()

    def _position(self, clip: Clip) -> int:
        """Where the clip is on the shelf: bisection by date, then a look among clips of the same date."""
        shelf = self._shelf
        position = bisect.bisect_left(shelf.keys, -clip.added_at)
        while shelf.clips[position].video.id != clip.video.id:
            position += 1
        return position

    def _row_at(self, position: int) -> int | None:
        if self._shown is None:
            return position
        row = bisect.bisect_left(self._shown, position)
        return row if row < len(self._shown) and self._shown[row] == position else None


RELEASE_BATCH = 256


def _release_in_background(shelf: ClipShelf) -> None:
    """Frees a replaced shelf a few clips at a time on another thread.

    Freed at once, 20,000 clips keep the interpreter lock for tens of milliseconds: a visible stall.
    """
    if len(shelf.clips) < RELEASE_BATCH:
        return

    def release(clips: list[Clip] = shelf.clips) -> None:
        while clips:
            del clips[-RELEASE_BATCH:]

    shelf.by_id.clear()  # the list still holds every clip: nothing is freed here
    shelf.clips = []
    threading.Thread(target=release, name="reelscope-release", daemon=True).start()


def _tooltip(clip: Clip) -> str:
    lines = [clip.video.path]
    for status in clip.statuses:
        line = f"{provider_label(status.provider)}: {_STATUS_WORDS.get(status.status, status.status)}"
        if status.error:
            line += f": {status.error}"
        lines.append(line)
    return "\n".join(lines)
