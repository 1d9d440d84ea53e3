"""The picture: a QGraphicsVideoItem in a QGraphicsView, with an overlay layer on top.

A QVideoWidget would be a native child window: grabs would miss the picture and drops over it
would never reach Qt. A graphics item renders into grabs and carries the overlay.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtMultimediaWidgets import QGraphicsVideoItem
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

OVERLAY_MARGIN = 12.0
OVERLAY_PADDING = 6.0


class VideoView(QGraphicsView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(QColor(10, 10, 12))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setRenderHints(QPainter.RenderHint.SmoothPixmapTransform | QPainter.RenderHint.Antialiasing)
        self.setMinimumSize(320, 180)

        self.video_item = QGraphicsVideoItem()
        self.video_item.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        self.scene().addItem(self.video_item)

        self._overlay_box = QGraphicsRectItem()
        self._overlay_box.setBrush(QBrush(QColor(0, 0, 0, 150)))
        self._overlay_box.setPen(QPen(Qt.PenStyle.NoPen))
        self._overlay_box.setZValue(10)
        self._overlay_text = QGraphicsSimpleTextItem(self._overlay_box)
        self._overlay_text.setBrush(QColor(240, 240, 240))
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.1)
        font.setBold(True)
        self._overlay_text.setFont(font)
        self._overlay_box.setVisible(False)
        self.scene().addItem(self._overlay_box)

        self._placeholder = QGraphicsSimpleTextItem()
        self._placeholder.setBrush(QColor(140, 140, 150))
        self._placeholder.setZValue(5)
        self.scene().addItem(self._placeholder)
        self._video_size = QSizeF(16, 9)

    def set_video_size(self, size: QSizeF) -> None:
        if size.width() > 0 and size.height() > 0:
            self._video_size = size
        self._layout_items()

    def set_overlay_lines(self, lines: Sequence[str]) -> None:
        text = "\n".join(lines)
        self._overlay_box.setVisible(bool(text))
        if text != self._overlay_text.text():
            self._overlay_text.setText(text)
            self._layout_items()

    def overlay_text(self) -> str:
        return self._overlay_text.text() if self._overlay_box.isVisible() else ""

    def set_placeholder(self, text: str) -> None:
        self._placeholder.setText(text)
        self._placeholder.setVisible(bool(text))
        self.video_item.setVisible(not text)
        self._layout_items()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._layout_items()

    def _layout_items(self) -> None:
        viewport = self.viewport().rect()
        self.scene().setSceneRect(QRectF(viewport))
        self.video_item.setPos(0, 0)
        self.video_item.setSize(QSizeF(viewport.width(), viewport.height()))

        picture = self._picture_rect(QRectF(viewport))
        text_rect = self._overlay_text.boundingRect()
        self._overlay_text.setPos(OVERLAY_PADDING, OVERLAY_PADDING)
        self._overlay_box.setRect(
            QRectF(0, 0, text_rect.width() + 2 * OVERLAY_PADDING, text_rect.height() + 2 * OVERLAY_PADDING)
        )
        self._overlay_box.setPos(picture.topLeft() + QPointF(OVERLAY_MARGIN, OVERLAY_MARGIN))

        hint = self._placeholder.boundingRect()
        self._placeholder.setPos(viewport.center().x() - hint.width() / 2, viewport.center().y() - hint.height() / 2)

    def _picture_rect(self, area: QRectF) -> QRectF:
        """Where the picture lands inside area with its aspect ratio kept."""
        scaled = self._video_size.scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRectF(
            area.left() + (area.width() - scaled.width()) / 2,
            area.top() + (area.height() - scaled.height()) / 2,
            scaled.width(),
            scaled.height(),
        )
