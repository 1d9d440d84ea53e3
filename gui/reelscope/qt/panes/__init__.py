"""Docks of the main window: library, search, queue."""
