"""A horizontal scroll bar that paints what its style paints, without the style's cost on every step.

Fusion strokes the groove and the slider's outline pixel by pixel: about a millisecond for a bar as wide
as the timeline, on every zoom and scroll step. Along its length the bar is the same except at the
slider's ends, so a step is painted from pictures the style drew: the bar without its slider, then the
slider's ends as the style drew them and its middle column stretched between them. Each way of putting
the slider together (per look of the bar, and per how near the slider is to either end of its groove) is
checked once against the style's own picture, and used only if the two are the same pixel for pixel.
While the pointer is over the bar or its slider is held, the bar paints as usual (its look then depends
on which part is under the pointer, which the picture's key does not know).

The bar is opaque: it fills its rect with the palette's Base (what the timeline paints beneath it) before
the style draws, so a picture of it is the same wherever it is drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QScrollBar, QStyle, QStyleOptionSlider, QWidget

CAP_PX = 4        # columns at each end of the slider copied as the style drew them
OVERHANG_PX = 3   # columns beside the slider its drawing may reach
LOOKS_KEPT = 8    # zoom steps go back and forth between a few looks (at the start, at the end, in between)

Edges = tuple[int | None, int | None]   # the slider's distance to the groove's start and end, if it is near


@dataclass(eq=False)
class _Look:
    without_slider: QImage
    references: dict[Edges, tuple[QImage, QRect]] = field(default_factory=dict)   # a styled picture, its slider
    checked: dict[Edges, bool] = field(default_factory=dict)   # put-together pictures match the style's


class TimelineScrollBar(QScrollBar):
    def __init__(self, orientation: Qt.Orientation, parent: QWidget | None = None) -> None:
        super().__init__(orientation, parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._looks: dict[tuple[object, ...], _Look] = {}

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.orientation() != Qt.Orientation.Horizontal or self.isSliderDown() or self.underMouse():
            with QPainter(self) as painter:
                painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
            super().paintEvent(event)
            return
        with QPainter(self) as painter:
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)   # the pictures are opaque
            self._paint_picture(painter, self._option())

    def _option(self) -> QStyleOptionSlider:
        """The option QScrollBar paints with when no part of it is hovered or pressed."""
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        option.subControls = QStyle.SubControl.SC_All
        option.activeSubControls = QStyle.SubControl.SC_None
        return option

    def _paint_picture(self, painter: QPainter, option: QStyleOptionSlider) -> None:
        style, bar = self.style(), QStyle.ComplexControl.CC_ScrollBar
        slider = style.subControlRect(bar, option, QStyle.SubControl.SC_ScrollBarSlider, self)
        groove = style.subControlRect(bar, option, QStyle.SubControl.SC_ScrollBarGroove, self)
        key = (
            self.width(), self.height(), self.devicePixelRatioF(), self.palette().cacheKey(), id(style),
            int(option.state.value), option.sliderValue == option.minimum, option.sliderValue == option.maximum,
        )
        look = self._looks.get(key)
        if look is None:
            without = self._styled(option, QStyle.SubControl.SC_All & ~QStyle.SubControl.SC_ScrollBarSlider)
            look = _Look(without)
            if len(self._looks) >= LOOKS_KEPT:
                self._looks.pop(next(iter(self._looks)))
            self._looks[key] = look
        near = CAP_PX + OVERHANG_PX   # closer to an end of the groove, the slider's ends look different
        gaps = (slider.left() - groove.left(), groove.right() - slider.right())
        edges = (gaps[0] if gaps[0] < near else None, gaps[1] if gaps[1] < near else None)
        reference = look.references.get(edges)
        usable = reference is not None and min(slider.width(), reference[1].width()) > 2 * CAP_PX
        if not usable or not look.checked.get(edges, True):
            styled = self._styled(option, QStyle.SubControl.SC_All)
            if reference is None and slider.width() > 2 * CAP_PX:
                look.references[edges] = (styled, QRect(slider))
            painter.drawImage(0, 0, styled)
        elif edges not in look.checked:
            styled = self._styled(option, QStyle.SubControl.SC_All)
            composed = QImage(styled.size(), styled.format())
            composed.setDevicePixelRatio(styled.devicePixelRatio())
            with QPainter(composed) as with_composed:
                with_composed.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
                self._compose(with_composed, look.without_slider, reference, slider)
            look.checked[edges] = composed == styled
            painter.drawImage(0, 0, styled)
        else:
            self._compose(painter, look.without_slider, reference, slider)

    def _styled(self, option: QStyleOptionSlider, parts: QStyle.SubControl) -> QImage:
        ratio = self.devicePixelRatioF()
        image = QImage(math.ceil(self.width() * ratio), math.ceil(self.height() * ratio),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(self.palette().color(QPalette.ColorRole.Base))
        painter = QPainter(image)
        option = QStyleOptionSlider(option)
        option.subControls = parts
        self.style().drawComplexControl(QStyle.ComplexControl.CC_ScrollBar, option, painter, self)
        painter.end()
        return image

    def _compose(
        self, painter: QPainter, without_slider: QImage, reference: tuple[QImage, QRect], slider: QRect
    ) -> None:
        """Paints the bar with the slider at slider, its ends and middle column taken from a styled picture."""
        source, drawn = reference
        painter.drawImage(0, 0, without_slider)
        height, ratio = self.height(), self.devicePixelRatioF()

        def copy(target_x: int, target_width: int, source_x: int, source_width: int) -> None:
            painter.drawImage(QRectF(target_x, 0, target_width, height), source,
                              QRectF(source_x * ratio, 0, source_width * ratio, height * ratio))

        ends = CAP_PX + OVERHANG_PX
        copy(slider.left() - OVERHANG_PX, ends, drawn.left() - OVERHANG_PX, ends)
        copy(slider.left() + CAP_PX, slider.width() - 2 * CAP_PX, drawn.left() + CAP_PX, 1)
        copy(slider.right() + 1 - CAP_PX, ends, drawn.right() + 1 - CAP_PX, ends)
