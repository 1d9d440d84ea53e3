"""Frozen models and pure functions: no I/O, no Qt, no HTTP."""
