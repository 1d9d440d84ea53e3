"""Span labels from the atlas look exactly like the same texts drawn as text."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from reelscope.qt.widgets.timeline.label_atlas import LabelAtlas, prepared_text

TEXTS = ["0", "7", "Scene 12", "gjpqy", "   ", "Ärger", "—", "W"]


@pytest.mark.parametrize("dpr", [1.0, 1.5, 2.0])
def test_atlas_labels_are_the_pixels_of_the_text_drawn_there(qapp, dpr):
    font = QFont()
    colour = QColor(20, 20, 20)
    atlas = LabelAtlas(TEXTS, font, colour, dpr)
    xs = np.arange(len(TEXTS), dtype=np.float64) * 70 + 5
    tops = np.array([4.0, 9.0] * (len(TEXTS) // 2))
    images = []
    for by_atlas in (True, False):
        image = QImage(round(600 * dpr), round(40 * dpr), QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(dpr)
        image.fill(QColor(120, 170, 230))
        p = QPainter(image)
        if by_atlas:
            atlas.draw(p, xs, tops, np.arange(len(TEXTS)))
        else:
            p.setFont(font)
            p.setPen(colour)
            for text, x, top in zip(TEXTS, xs, tops):
                p.drawStaticText(QPointF(x, top), prepared_text(text, font))
        p.end()
        images.append(image)
    assert images[0] == images[1]
    blank = QImage(images[0])
    blank.fill(QColor(120, 170, 230))
    assert images[0] != blank   # something was drawn
