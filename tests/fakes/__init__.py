"""Test doubles shared by every test suite: generated media, fake provider servers."""
