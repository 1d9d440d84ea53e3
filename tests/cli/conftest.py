"""The command line runs as a user runs it: its own process, over a fresh data folder."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def cli_env(tmp_path):
    env = dict(os.environ)
    env["REELSCOPE_DATA_DIR"] = str(tmp_path / "data")
    env["REELSCOPE_CONFIG"] = str(tmp_path / "config.toml")
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env
