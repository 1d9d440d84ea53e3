"""Persons, faces and moments of the people gallery as Qt list models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from ...domain.people import Face, Person, PersonMoment
from ...domain.timecode import format_clock
from .roles import ObjectRole, SortRole

_Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")


class _ObjectListModel(QAbstractListModel, Generic[T]):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list[T] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def set_items(self, items: Sequence[T]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def items(self) -> list[T]:
        return list(self._items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == ObjectRole:
            return item
        return self._data(item, index.row(), role)

    def _data(self, item: T, row: int, role: int):
        return None


class PersonListModel(_ObjectListModel[Person]):
    """Persons, most screen time first (the order the library gives them)."""

    def _data(self, person: Person, row: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            return person.display_name
        if role == SortRole:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{person.display_name}\n{counts_text(person)}\n{format_clock(person.screen_time_s)} on screen"
        return None

    def row_of(self, person_id: str) -> int | None:
        return next((row for row, person in enumerate(self._items) if person.person_id == person_id), None)


class FaceListModel(_ObjectListModel[Face]):
    def _data(self, face: Face, row: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{face.title} {format_clock(face.start_s)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{face.title}, {format_clock(face.start_s)}–{format_clock(face.end_s)}"
        return None


class MomentListModel(_ObjectListModel[PersonMoment]):
    def _data(self, moment: PersonMoment, row: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{moment.title}   {format_clock(moment.start_s)}–{format_clock(moment.end_s)}"
        return None


def counts_text(person: Person) -> str:
    clips = f"{person.clip_count} clip{'' if person.clip_count == 1 else 's'}"
    faces = f"{person.face_count} face{'' if person.face_count == 1 else 's'}"
    return f"{clips} · {faces}"
