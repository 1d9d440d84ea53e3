"""Docks of the main window: library, search, upload queue."""
