"""What the panes' item models share: custom data roles and status colours."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette

ObjectRole = Qt.ItemDataRole.UserRole + 1
"""The frozen domain object behind a row (Clip, Job, Refusal, SearchHit, SearchGroup)."""

SortRole = Qt.ItemDataRole.UserRole + 2
"""A value that orders rows the way the pane shows them (newest first, by id, by score)."""

FilterRole = Qt.ItemDataRole.UserRole + 3
"""Text a filter box matches against (e.g. a clip's title and path)."""

ProgressRole = Qt.ItemDataRole.UserRole + 4
"""Fraction done, 0..1, for painted progress bars."""

ActionRole = Qt.ItemDataRole.UserRole + 5
"""The action a row's action cell offers ("cancel", "retry" or None)."""

RelevanceRole = Qt.ItemDataRole.UserRole + 6
"""A search hit's score relative to its provider's best (0..1), when hits of several providers are merged."""

# Status colours chosen to read on both the dark Fusion palette and a light one.
SUCCESS_COLOR = QColor("#4caf50")
RUNNING_COLOR = QColor("#42a5f5")
WARNING_COLOR = QColor("#ffa726")
FAILURE_COLOR = QColor("#ef5350")


def muted_text_color(palette: QPalette) -> QColor:
    """Secondary text: between the text and the base colour, readable on either."""
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    return QColor(
        (text.red() * 2 + base.red()) // 3,
        (text.green() * 2 + base.green()) // 3,
        (text.blue() * 2 + base.blue()) // 3,
    )
