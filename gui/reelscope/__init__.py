"""Reelscope: browse what is in your clips."""

__version__ = "0.1.0"
