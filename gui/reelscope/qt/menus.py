"""Context menus that never nest an event loop."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

SEPARATOR = None


def popup_menu(owner: QWidget, at: QPoint, actions: Sequence[QAction | None]) -> QMenu:
    """Shows actions (None: a separator) at a point of owner; popup(), not exec(), under asyncio."""
    menu = QMenu(owner)
    for action in actions:
        if action is SEPARATOR:
            menu.addSeparator()
        else:
            menu.addAction(action)
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    menu.popup(owner.mapToGlobal(at))
    return menu
