"""Reads and writes the TOML configuration; environment variables override the file."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

import platformdirs
import tomli_w

from ..domain.settings import LocalEngineSettings, ProviderSettings, Settings

APP_NAME = "reelscope"
DATA_DIR_VARIABLE = "REELSCOPE_DATA_DIR"
MUSIC_DIR_VARIABLE = "REELSCOPE_MUSIC_DIR"
LOCAL_STAGES = ("ocr", "faces", "music", "sections")
CLOUD_PROVIDERS = ("seeknetic", "noxovision", "slipstream", "twelvelabs", "eluvio")


def config_path(env: Mapping[str, str] = os.environ) -> Path:
    explicit = env.get("REELSCOPE_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def load_settings(env: Mapping[str, str] = os.environ) -> Settings:
    """The effective settings: defaults, then the config file, then environment variables."""
    path = config_path(env)
    file_values: dict = {}
    if path.is_file():
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ValueError(f"configuration file {path} is not valid TOML: {error}") from error

    data_dir = env.get(DATA_DIR_VARIABLE) or file_values.get("data_dir") or platformdirs.user_data_dir(APP_NAME)
    providers = {
        provider_id: _provider_settings(provider_id, file_values.get("providers", {}).get(provider_id, {}), env)
        for provider_id in CLOUD_PROVIDERS
    }
    return Settings(
        data_dir=str(Path(data_dir).expanduser()),
        local_workers=int(file_values.get("local", {}).get("workers", 2)),
        local=_local_engine(file_values.get("local", {}), env),
        providers=providers,
    )


def _local_engine(values: Mapping, env: Mapping[str, str]) -> LocalEngineSettings:
    stages = {}
    for stage in LOCAL_STAGES:
        value = values.get(stage, True)
        if not isinstance(value, bool):
            raise ValueError(f"configuration: [local] {stage} must be true or false, not {value!r}")
        stages[stage] = value
    music_dir = env.get(MUSIC_DIR_VARIABLE) or values.get("music_dir") or None
    return LocalEngineSettings(**stages, music_dir=str(Path(music_dir).expanduser()) if music_dir else None)


def save_local_engine(path: Path, local: LocalEngineSettings) -> None:
    """Writes the [local] stage switches and music folder, keeping everything else of the file."""
    values: dict = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    table = values.setdefault("local", {})
    for stage in LOCAL_STAGES:
        table[stage] = bool(getattr(local, stage))
    if local.music_dir:
        table["music_dir"] = local.music_dir
    else:
        table.pop("music_dir", None)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(values), encoding="utf-8")


def _provider_settings(provider_id: str, values: Mapping, env: Mapping[str, str]) -> ProviderSettings:
    prefix = f"REELSCOPE_{provider_id.upper()}_"
    return ProviderSettings(
        base_url=env.get(prefix + "BASE_URL") or values.get("base_url"),
        api_key=env.get(prefix + "API_KEY") or values.get("api_key"),
        index_id=env.get(prefix + "INDEX_ID") or values.get("index_id"),
        collection_id=env.get(prefix + "COLLECTION_ID") or values.get("collection_id"),
    )


def save_user_choices(path: Path, *, data_dir: str | None, local_workers: int) -> None:
    """Writes the settings the GUI edits, keeping every other table of the file as it was.

    data_dir None leaves the file's value alone; an empty string goes back to the default folder.
    """
    values: dict = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if data_dir:
        values["data_dir"] = data_dir
    elif data_dir == "":
        values.pop("data_dir", None)
    values.setdefault("local", {})["workers"] = int(local_workers)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(values), encoding="utf-8")
