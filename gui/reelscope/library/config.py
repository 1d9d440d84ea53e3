"""Reads and writes the TOML configuration; environment variables override the file."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

import platformdirs
import tomli_w

from ..domain.settings import LocalEngineSettings, ProviderSettings, Settings
from ..providers._redact import register_secret
from .secrets import SecretStore, api_key_name, open_secret_store

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


def load_settings(env: Mapping[str, str] = os.environ, secrets: SecretStore | None = None) -> Settings:
    """The effective settings: defaults, then the config file, then environment variables.

    A provider's key comes from the environment, else the secret store (keyring or 0600 file), else
    the config file's `api_key` (kept for scripts; the GUI never writes keys there).
    """
    path = config_path(env)
    secrets = secrets if secrets is not None else open_secret_store(path.parent, env)
    file_values: dict = {}
    if path.is_file():
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ValueError(f"configuration file {path} is not valid TOML: {error}") from error

    data_dir = env.get(DATA_DIR_VARIABLE) or file_values.get("data_dir") or platformdirs.user_data_dir(APP_NAME)
    providers = {
        provider_id: _provider_settings(
            provider_id, file_values.get("providers", {}).get(provider_id, {}), env, secrets
        )
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


def save_local_engine(path: Path, local: LocalEngineSettings, music_dir_fixed: bool = False) -> None:
    """Writes the [local] stage switches and music folder, keeping everything else of the file.

    music_dir_fixed: the folder shown came from the environment, not the user's choice: the file keeps its own.
    """
    values: dict = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    table = values.setdefault("local", {})
    for stage in LOCAL_STAGES:
        table[stage] = bool(getattr(local, stage))
    if music_dir_fixed:
        pass
    elif local.music_dir:
        table["music_dir"] = local.music_dir
    else:
        table.pop("music_dir", None)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(values), encoding="utf-8")


def _provider_settings(
    provider_id: str, values: Mapping, env: Mapping[str, str], secrets: SecretStore
) -> ProviderSettings:
    prefix = f"REELSCOPE_{provider_id.upper()}_"
    api_key = env.get(prefix + "API_KEY") or secrets.get(api_key_name(provider_id)) or values.get("api_key")
    webhook_secret = secrets.get(f"{provider_id}.webhook_secret") if values.get("webhook_url") else None
    register_secret(api_key)
    register_secret(webhook_secret)
    try:
        return ProviderSettings(
            base_url=env.get(prefix + "BASE_URL") or values.get("base_url"),
            api_key=api_key,
            index_id=env.get(prefix + "INDEX_ID") or values.get("index_id"),
            collection_id=env.get(prefix + "COLLECTION_ID") or values.get("collection_id"),
            region=env.get(prefix + "REGION") or values.get("region"),
            auth_style=values.get("auth_style"),
            max_processing_time_s=values.get("max_processing_time_s"),
            webhook_url=values.get("webhook_url"),
            webhook_listen=values.get("webhook_listen"),
            webhook_secret=webhook_secret,
            poll_interval_s=values.get("poll_interval_s"),
            paths=values.get("paths", {}),
        )
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        raise ValueError(f"configuration [providers.{provider_id}]: {error}") from None


PROVIDER_FILE_KEYS = (
    "base_url", "index_id", "collection_id", "region", "auth_style", "max_processing_time_s",
    "webhook_url", "webhook_listen", "poll_interval_s", "paths",
)


def save_provider_choices(path: Path, provider_id: str, values: Mapping[str, object]) -> None:
    """Writes one provider's non-secret settings (None removes a key); keys go to the secret store instead."""
    unknown = set(values) - set(PROVIDER_FILE_KEYS)
    if unknown:
        raise ValueError(f"not a provider setting kept in the config file: {', '.join(sorted(unknown))}")
    document: dict = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    table = document.setdefault("providers", {}).setdefault(provider_id, {})
    for key, value in values.items():
        if value is None or value == "":
            table.pop(key, None)
        else:
            table[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(document), encoding="utf-8")


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
