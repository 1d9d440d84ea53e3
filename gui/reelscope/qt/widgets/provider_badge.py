"""A small pill naming a search hit's provider, in that provider's colour (painted on a thumbnail)."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter

PROVIDER_COLORS = {
    "local": QColor("#607d8b"),
    "twelvelabs": QColor("#00897b"),
    "eluvio": QColor("#7e57c2"),
    "seeknetic": QColor("#ef6c00"),
}


def provider_color(provider_id: str | None) -> QColor:
    if provider_id in PROVIDER_COLORS:
        return QColor(PROVIDER_COLORS[provider_id])
    hue = hashlib.sha1((provider_id or "").encode()).digest()[0] * 359 // 255
    return QColor.fromHsv(hue, 160, 170)


def paint_provider_badge(painter: QPainter, thumb: QRect, provider_id: str | None, label: str,
                         base_font: QFont) -> None:
    font = QFont(base_font)
    font.setPointSizeF(max(6.0, base_font.pointSizeF() - 1.5))
    font.setBold(True)
    metrics = QFontMetrics(font)
    text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, thumb.width() - 16)
    badge = QRect(0, 0, metrics.horizontalAdvance(text) + 10, metrics.height() + 2)
    badge.moveTopLeft(thumb.topLeft() + QPoint(4, 4))
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(provider_color(provider_id))
    painter.drawRoundedRect(badge, 3, 3)
    painter.setFont(font)
    painter.setPen(QColor(255, 255, 255))
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()
