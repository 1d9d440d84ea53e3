"""What an editor puts on the timeline: the in/out range, user markers, and the selected lane's header."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPolygonF

from ....domain.timeline_layout.time_axis import TimeAxis
from . import style

RANGE_SHADE = QColor(255, 214, 102, 34)
MARK_EDGE = QColor(255, 200, 70)
MARKER = QColor(80, 200, 120)
MARKER_LINE = QColor(80, 200, 120, 110)
SELECTED_HEADER = QColor(255, 255, 255, 36)


def paint_marks(
    p: QPainter,
    axis: TimeAxis,
    lanes_height: int,
    in_s: float | None,
    out_s: float | None,
    markers: Sequence[float],
) -> None:
    """The in/out range shaded with its edges, then each marker as a flag on the ruler and a line."""
    p.save()
    p.setClipRect(QRect(style.HEADER_WIDTH, 0, axis.width_px, style.RULER_HEIGHT + lanes_height))
    bottom = style.RULER_HEIGHT + lanes_height
    if in_s is not None or out_s is not None:
        start = axis.x_at(in_s if in_s is not None else 0.0) + style.HEADER_WIDTH
        end = axis.x_at(out_s if out_s is not None else axis.duration_s) + style.HEADER_WIDTH
        p.fillRect(QRect(round(start), 0, max(1, round(end - start)), bottom), RANGE_SHADE)
        for x, is_in in ((start, True), (end, False)):
            if (in_s if is_in else out_s) is None:
                continue
            column = round(x)
            p.fillRect(QRect(column - (0 if is_in else 1), 0, 2, bottom), MARK_EDGE)
            tick = 6 if is_in else -6
            p.fillRect(QRect(min(column, column + tick), 0, abs(tick), 2), MARK_EDGE)
            p.fillRect(QRect(min(column, column + tick), bottom - 2, abs(tick), 2), MARK_EDGE)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for time_s in markers:
        x = round(axis.x_at(time_s)) + style.HEADER_WIDTH + 0.5
        p.fillRect(QRect(int(x), style.RULER_HEIGHT, 1, lanes_height), MARKER_LINE)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(MARKER)
        p.drawPolygon(QPolygonF([QPointF(x - 5, 2), QPointF(x + 5, 2), QPointF(x + 5, 10), QPointF(x, 15),
                                 QPointF(x - 5, 10)]))
    p.restore()


def paint_selected_header(p: QPainter, top: int, height: int) -> None:
    p.fillRect(QRect(0, top, style.HEADER_WIDTH - 1, height - 1), SELECTED_HEADER)
