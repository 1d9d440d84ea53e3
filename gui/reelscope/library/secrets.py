"""Where API keys and tokens are kept: the OS keyring where one works, else a file only the user can read.

Names are '<provider>.api_key' (and 'noxovision.webhook_secret'). On a machine without a keyring
backend (a headless Linux, say) the keys go to `secrets.json` in the config folder, created with
mode 0600 and replaced atomically. Set REELSCOPE_SECRETS=file or =keyring to choose explicitly.
Keys never go to the catalogue or the config file written by the GUI; every value read or written
here is registered for redaction, so it is masked in logs and messages.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ..providers._redact import register_secret

log = logging.getLogger(__name__)

KEYRING_SERVICE = "reelscope"
SECRETS_FILE = "secrets.json"
CHOICE_VARIABLE = "REELSCOPE_SECRETS"


class SecretStoreError(OSError):
    pass


class SecretStore:
    location: str
    """Where the secrets are, in words a settings page can show."""

    def get(self, name: str) -> str | None:
        raise NotImplementedError

    def set(self, name: str, value: str) -> None:
        raise NotImplementedError

    def delete(self, name: str) -> None:
        raise NotImplementedError


def api_key_name(provider_id: str) -> str:
    return f"{provider_id}.api_key"


class FileSecrets(SecretStore):
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.location = f"{self.path} (readable only by you)"

    def get(self, name: str) -> str | None:
        value = self._read().get(name)
        register_secret(value)
        return value

    def set(self, name: str, value: str) -> None:
        register_secret(value)
        values = self._read()
        values[name] = value
        self._write(values)

    def delete(self, name: str) -> None:
        values = self._read()
        if values.pop(name, None) is not None:
            self._write(values)

    def _read(self) -> dict[str, str]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        try:
            values = json.loads(text)
        except json.JSONDecodeError as error:
            raise SecretStoreError(f"the secrets file {self.path} is damaged ({error.msg}); remove it and enter "
                                   "the keys again") from None
        return {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {}

    def _write(self, values: Mapping[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=".secrets-", dir=self.path.parent)
        try:
            os.fchmod(descriptor, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                json.dump(dict(values), file, indent=1, sort_keys=True)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


class KeyringSecrets(SecretStore):
    """The OS keyring through the `keyring` package; a failing keyring falls back to the file."""

    def __init__(self, keyring_module, fallback: FileSecrets) -> None:
        self._keyring = keyring_module
        self._fallback = fallback
        backend = keyring_module.get_keyring()
        self.location = f"the system keyring ({type(backend).__module__.rsplit('.', 1)[-1]})"

    def get(self, name: str) -> str | None:
        try:
            value = self._keyring.get_password(KEYRING_SERVICE, name)
        except Exception as error:  # keyring backends raise their own errors (D-Bus, locked collections)
            log.warning("the system keyring could not be read (%s); using %s", error, self._fallback.path)
            value = None
        if value is None:
            value = self._fallback.get(name)
        register_secret(value)
        return value

    def set(self, name: str, value: str) -> None:
        register_secret(value)
        try:
            self._keyring.set_password(KEYRING_SERVICE, name, value)
        except Exception as error:
            log.warning("the system keyring could not store a key (%s); using %s", error, self._fallback.path)
            self._fallback.set(name, value)
            return
        self._fallback.delete(name)

    def delete(self, name: str) -> None:
        try:
            self._keyring.delete_password(KEYRING_SERVICE, name)
        except Exception:  # not there, or no keyring: nothing to delete
            pass
        self._fallback.delete(name)


def open_secret_store(config_dir: Path, env: Mapping[str, str] = os.environ) -> SecretStore:
    """The keyring when one is usable (or asked for), else the 0600 file in config_dir."""
    file_store = FileSecrets(Path(config_dir) / SECRETS_FILE)
    choice = env.get(CHOICE_VARIABLE, "auto").strip().lower()
    if choice == "file":
        return file_store
    keyring_module = _usable_keyring()
    if keyring_module is None:
        if choice == "keyring":
            log.warning("no system keyring is available; keys are kept in %s", file_store.path)
        return file_store
    return KeyringSecrets(keyring_module, file_store)


def _usable_keyring():
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return keyring
