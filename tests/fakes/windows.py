"""A window a benchmark built, gone before the next benchmark of the same process starts."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QWidget


def delete_now(window: QWidget) -> None:
    """Closes the window and deletes it, with its panes, models and timers, now rather than at a later turn
    of some event loop: deleted during the next benchmark, it would count in that benchmark's figures."""
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
