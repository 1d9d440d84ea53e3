"""Timeline metrics and track colours (chrome colours come from the palette at paint time)."""

from __future__ import annotations

import zlib

from PySide6.QtGui import QColor

from ....domain.timeline import TimelineTrack
from ....domain.timeline_layout.lanes import DENSE, KEYED_SHADES

HEADER_WIDTH = 184     # room for a lane title and its provider ("Text on screen · Noxovision")
RULER_HEIGHT = 26
SPAN_LANE_HEIGHT = 24
GRAPH_LANE_HEIGHT = 40
SPAN_INSET = 3          # vertical inset of span bodies inside their lane
LABEL_PADDING = 4       # horizontal room a label keeps inside its span
PLAYHEAD_GRAB_PX = 4    # a press this close to the playhead drags it

PLAYHEAD = QColor(255, 86, 74)
SPAN_LABEL = QColor(236, 238, 242)
NOTE_TEXT = QColor(150, 155, 165)

# Calm, mid-dark hues (HSL hue, saturation, lightness) in the spirit of NLE clip colours.
_TRACK_HSL = {
    "scenes": (212, 92, 100),
    "sections": (170, 90, 86),
    "ocr": (36, 105, 90),
    "people": (266, 70, 104),
    "tags": (98, 62, 86),
    "music": (334, 72, 98),
    "activity": (188, 125, 118),
}


def _category(track: TimelineTrack) -> str:
    parts = track.key.split("/")
    return parts[1] if len(parts) > 1 else parts[0]


def track_hsl(track: TimelineTrack) -> tuple[int, int, int]:
    known = _TRACK_HSL.get(_category(track))
    if known:
        return known
    return zlib.crc32(track.key.encode()) % 360, 85, 98


def track_colour(track: TimelineTrack) -> QColor:
    return QColor.fromHsl(*track_hsl(track))


def span_colours(track: TimelineTrack) -> dict[int, QColor]:
    """Colour per colour index of model.SpanLane (alternating 0/1, or keyed 0..KEYED_SHADES-1, DENSE)."""
    hue, sat, light = track_hsl(track)
    variants = [(0, 0), (0, 16), (-16, 6), (16, -6)][:KEYED_SHADES]
    colours = {
        index: QColor.fromHsl((hue + dh) % 360, sat, max(0, min(255, light + dl)))
        for index, (dh, dl) in enumerate(variants)
    }
    colours[DENSE] = QColor.fromHsl(hue, max(0, sat - 20), light + 8)
    return colours


def graph_colours(track: TimelineTrack) -> tuple[QColor, QColor]:
    """(fill, line) of a graph lane."""
    hue, sat, light = track_hsl(track)
    fill = QColor.fromHsl(hue, sat, light)
    fill.setAlpha(120)
    line = QColor.fromHsl(hue, min(255, sat + 20), min(255, light + 40))
    return fill, line
