"""Wiring between panes and services: one controller per concern, and the task runner."""
