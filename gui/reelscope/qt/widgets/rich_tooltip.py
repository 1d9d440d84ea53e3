"""Tooltips with a picture: the picture goes inline as PNG data, so showing one reads no file."""

from __future__ import annotations

import base64
import html

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QPixmap

TOOLTIP_PICTURE_HEIGHT = 96


def picture_tooltip(text: str, picture: QPixmap | None) -> str:
    """Rich text for a tooltip: the picture (scaled to TOOLTIP_PICTURE_HEIGHT) beside the plain text."""
    words = "<br>".join(html.escape(line) for line in text.replace(" · ", "\n").splitlines())
    if picture is None or picture.isNull():
        return f"<p style='white-space:pre'>{words}</p>" if text else ""  # no picture (yet)
    scaled = picture.scaledToHeight(TOOLTIP_PICTURE_HEIGHT, Qt.TransformationMode.SmoothTransformation) \
        if picture.height() > TOOLTIP_PICTURE_HEIGHT else picture
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    scaled.save(buffer, "PNG")
    encoded = base64.b64encode(bytes(data)).decode("ascii")
    return (
        "<table cellspacing='0' cellpadding='2'><tr>"
        f"<td><img src='data:image/png;base64,{encoded}'></td>"
        f"<td valign='middle'>{words}</td></tr></table>"
    )
