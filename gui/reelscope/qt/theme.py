"""The dark look editors expect from a media tool: Fusion with a neutral dark palette."""

from __future__ import annotations

from importlib.resources import files

from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

_COLORS = {
    QPalette.ColorRole.Window: QColor(43, 44, 48),
    QPalette.ColorRole.WindowText: QColor(222, 223, 227),
    QPalette.ColorRole.Base: QColor(30, 31, 34),
    QPalette.ColorRole.AlternateBase: QColor(37, 38, 42),
    QPalette.ColorRole.ToolTipBase: QColor(24, 25, 28),
    QPalette.ColorRole.ToolTipText: QColor(230, 230, 233),
    QPalette.ColorRole.PlaceholderText: QColor(128, 130, 138),
    QPalette.ColorRole.Text: QColor(222, 223, 227),
    QPalette.ColorRole.Button: QColor(52, 54, 59),
    QPalette.ColorRole.ButtonText: QColor(222, 223, 227),
    QPalette.ColorRole.BrightText: QColor(255, 110, 110),
    QPalette.ColorRole.Light: QColor(70, 72, 78),
    QPalette.ColorRole.Midlight: QColor(60, 62, 68),
    QPalette.ColorRole.Mid: QColor(46, 47, 52),
    QPalette.ColorRole.Dark: QColor(24, 25, 28),
    QPalette.ColorRole.Shadow: QColor(12, 12, 14),
    QPalette.ColorRole.Highlight: QColor(58, 120, 200),
    QPalette.ColorRole.HighlightedText: QColor(255, 255, 255),
    QPalette.ColorRole.Link: QColor(100, 160, 240),
}

_STYLESHEET = """
QDockWidget::title { padding: 4px 8px; background: #2f3035; }
QToolBar { spacing: 6px; padding: 3px 6px; border-bottom: 1px solid #1d1e21; }
QStatusBar { border-top: 1px solid #1d1e21; }
"""


def apply_dark_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    for role, color in _COLORS.items():
        palette.setColor(role, color)
    disabled = QColor(120, 122, 128)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    app.setPalette(palette)
    app.setStyleSheet(_STYLESHEET)
    app.setWindowIcon(QIcon(str(files(__package__) / "resources" / "reelscope.svg")))
