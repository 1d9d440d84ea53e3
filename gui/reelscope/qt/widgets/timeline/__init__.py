"""The timeline pane: lanes of spans and graphs under a ruler, with a playhead."""

from .widget import TimelineWidget

__all__ = ["TimelineWidget"]
