"""Hover scrub for thumbnail views: the mouse across a thumbnail picks a frame from the clip's sprite sheet."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QAbstractItemView

from ...domain.sprites import scrub_time
from ...domain.timecode import format_clock
from .sprite_loader import SpriteLoader

SCRUB_BAR = QColor(255, 86, 74)
BADGE = QColor(0, 0, 0, 170)


class HoverScrub(QObject):
    """Tracks which item's thumbnail the mouse is over, and how far across it (0..1)."""

    def __init__(self, view: QAbstractItemView, thumbnail_rect: Callable[[QRect], QRect]) -> None:
        super().__init__(view)
        self._view = view
        self._thumbnail_rect = thumbnail_rect
        self._index = QPersistentModelIndex()
        self._fraction = 0.0
        view.setMouseTracking(True)
        view.viewport().installEventFilter(self)

    def fraction_at(self, index: QModelIndex) -> float | None:
        """How far across the thumbnail of index the mouse is, or None when it is not over it."""
        if self._index.isValid() and index.isValid() and QModelIndex(self._index) == index:
            return self._fraction
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseMove and event.buttons() == Qt.MouseButton.NoButton:
            self._hover(event.position().toPoint())
        elif kind == QEvent.Type.Leave:
            self._set(QModelIndex(), 0.0)
        return False

    def _hover(self, pos) -> None:
        index = self._view.indexAt(pos)
        if index.isValid():
            thumbnail = self._thumbnail_rect(self._view.visualRect(index))
            if thumbnail.contains(pos) and thumbnail.width() > 1:
                self._set(index, (pos.x() - thumbnail.left()) / (thumbnail.width() - 1))
                return
        self._set(QModelIndex(), 0.0)

    def _set(self, index: QModelIndex, fraction: float) -> None:
        previous = QModelIndex(self._index)
        if previous == index and abs(fraction - self._fraction) < 1e-9:
            return
        self._index = QPersistentModelIndex(index)
        self._fraction = min(1.0, max(0.0, fraction))
        for changed in (previous, index):
            if changed.isValid():
                self._view.viewport().update(self._view.visualRect(changed))


def paint_scrub_frame(
    painter: QPainter, target: QRect, sprites: SpriteLoader, video_id: str, fraction: float,
    start_s: float, end_s: float,
) -> float | None:
    """Draws the sprite tile for the time under the mouse into target, with its time and a bar saying how far
    across; returns the time of the frame shown, or None when the clip has no sheet (yet)."""
    sheet = sprites.sheet(video_id)
    if sheet is None:
        return None
    time_s = scrub_time(fraction, start_s, end_s)
    layout = sheet.layout
    x, y = layout.tile_origin(layout.tile_at_time(time_s))
    source = QRect(x, y, layout.tile_width, layout.tile_height)
    fitted = source.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
    frame = QRect(0, 0, fitted.width(), fitted.height())
    frame.moveCenter(target.center())
    painter.drawPixmap(frame, sheet.pixmap, source)
    bar = QRect(target.left(), target.bottom() - 2, max(1, round(target.width() * fraction)), 3)
    painter.fillRect(bar, SCRUB_BAR)
    shown = layout.times_s[layout.tile_at_time(time_s)]
    label = format_clock(shown)
    metrics = painter.fontMetrics()
    badge = QRect(target.left() + 3, target.top() + 3, metrics.horizontalAdvance(label) + 8, metrics.height())
    painter.fillRect(badge, BADGE)
    painter.setPen(QColor(255, 255, 255))  # on the picture, not on the palette
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)
    return shown
