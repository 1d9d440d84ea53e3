"""Accepts files and folders dropped anywhere on the main window, the picture included."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QWidget


class DropFilter(QObject):
    """An application-wide event filter: child widgets that take drops themselves never see file drops."""

    paths_dropped = Signal(list)   # list[Path]
    drag_hovering = Signal(int)    # how many paths are being dragged over the window; 0 when it leaves

    _DRAG_EVENTS = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        window.setAcceptDrops(True)
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.DragLeave and watched is self._window:
            self.drag_hovering.emit(0)
            return False
        if event.type() not in self._DRAG_EVENTS or not self._is_inside_window(watched):
            return False
        paths = _local_paths(event)
        if not paths:
            return False
        event.acceptProposedAction()
        if event.type() == QEvent.Type.DragEnter:
            self.drag_hovering.emit(len(paths))
        elif event.type() == QEvent.Type.Drop:
            self.drag_hovering.emit(0)
            self.paths_dropped.emit(paths)
        return True

    def _is_inside_window(self, watched: QObject) -> bool:
        if not isinstance(watched, QWidget):
            return False
        return watched is self._window or self._window.isAncestorOf(watched)

    def detach(self) -> None:
        QApplication.instance().removeEventFilter(self)


def _local_paths(event: QDropEvent) -> list[Path]:
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
