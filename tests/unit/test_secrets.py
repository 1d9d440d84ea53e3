"""The secret store: the OS keyring where one works, else a 0600 file; keys reach settings, not the file."""

from __future__ import annotations

import logging
import os

import keyring
import keyring.backend
import pytest

from reelscope.library.config import load_settings, save_provider_choices
from reelscope.library.secrets import FileSecrets, KeyringSecrets, open_secret_store
from reelscope.providers._redact import redact


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 10

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.values.get((service, username))

    def set_password(self, service, username, password):
        self.values[(service, username)] = password

    def delete_password(self, service, username):
        self.values.pop((service, username), None)


class BrokenKeyring(MemoryKeyring):
    def set_password(self, service, username, password):
        raise keyring.errors.PasswordSetError("the collection is locked")


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_without_a_keyring_backend_keys_go_to_a_file_only_the_user_can_read(tmp_path):
    store = open_secret_store(tmp_path, {"REELSCOPE_SECRETS": "file"})
    store.set("noxovision.api_key", "nox-9c1d77e0")
    path = tmp_path / "secrets.json"
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert FileSecrets(path).get("noxovision.api_key") == "nox-9c1d77e0"
    assert str(path) in store.location


def test_a_working_keyring_is_used_and_the_file_stays_empty(tmp_path, memory_keyring):
    store = open_secret_store(tmp_path, {})
    assert isinstance(store, KeyringSecrets) and "keyring" in store.location
    store.set("slipstream.api_key", "slip-4e2b9a10")
    assert memory_keyring.values[("reelscope", "slipstream.api_key")] == "slip-4e2b9a10"
    assert not (tmp_path / "secrets.json").exists()
    assert store.get("slipstream.api_key") == "slip-4e2b9a10"


def test_a_keyring_that_refuses_falls_back_to_the_file(tmp_path, caplog):
    previous = keyring.get_keyring()
    keyring.set_keyring(BrokenKeyring())
    try:
        store = open_secret_store(tmp_path, {})
        store.set("seeknetic.api_key", "seek-0a9b8c7d")
        assert store.get("seeknetic.api_key") == "seek-0a9b8c7d"
    finally:
        keyring.set_keyring(previous)
    assert (tmp_path / "secrets.json").exists()
    assert "seek-0a9b8c7d" not in caplog.text


def test_settings_read_the_key_from_the_store_and_the_gui_never_writes_it_to_the_config(tmp_path):
    config = tmp_path / "config.toml"
    FileSecrets(tmp_path / "secrets.json").set("noxovision.api_key", "nox-stored-5511")
    save_provider_choices(config, "noxovision", {"base_url": "http://127.0.0.1:8601", "max_processing_time_s": 0})
    settings = load_settings({"REELSCOPE_CONFIG": str(config), "REELSCOPE_SECRETS": "file"})
    assert settings.providers["noxovision"].api_key == "nox-stored-5511"
    assert settings.providers["noxovision"].max_processing_time_s == 0
    assert "nox-stored-5511" not in config.read_text()
    with pytest.raises(ValueError):
        save_provider_choices(config, "noxovision", {"api_key": "no"})
    env_wins = load_settings({"REELSCOPE_CONFIG": str(config), "REELSCOPE_SECRETS": "file",
                              "REELSCOPE_NOXOVISION_API_KEY": "nox-env-7788"})
    assert env_wins.providers["noxovision"].api_key == "nox-env-7788"


def test_a_loaded_key_is_masked_in_every_log_record(tmp_path, caplog):
    FileSecrets(tmp_path / "secrets.json").set("eluvio.api_key", "elv-token-c0ffee42")
    load_settings({"REELSCOPE_CONFIG": str(tmp_path / "config.toml"), "REELSCOPE_SECRETS": "file"})
    from reelscope.providers._redact import install_log_redaction

    install_log_redaction()
    caplog.set_level(logging.DEBUG)
    logging.getLogger("anything").debug("url %s", "https://x/search?authorization=elv-token-c0ffee42")
    try:
        raise RuntimeError("token elv-token-c0ffee42 refused")
    except RuntimeError:
        logging.getLogger("anything").exception("failed")
    assert "elv-token-c0ffee42" not in caplog.text
    assert "***" in caplog.text
    assert redact("elv-token-c0ffee42") == "***"


def test_an_eluvio_token_from_the_store_reaches_no_hit_error_or_log_even_when_the_service_echoes_it(
    tmp_path, caplog, run_async
):
    from fakes.eluvio import FakeEluvio
    from reelscope.domain.errors import AuthenticationFailed
    from reelscope.domain.search import SearchQuery
    from reelscope.providers.eluvio import EluvioProvider

    token = "elv-stored-token-4b7e0d19"
    FileSecrets(tmp_path / "secrets.json").set("eluvio.api_key", token)
    caplog.set_level(logging.DEBUG)
    with FakeEluvio(api_key=token) as fake:
        (tmp_path / "config.toml").write_text(f'[providers.eluvio]\nbase_url = "{fake.base_url}"\n'
                                              f'index_id = "{fake.index_id}"\n')
        settings = load_settings({"REELSCOPE_CONFIG": str(tmp_path / "config.toml"), "REELSCOPE_SECRETS": "file"})
        query = SearchQuery(text="campus", provider="eluvio")

        async def work():
            provider = EluvioProvider.from_settings(settings.providers["eluvio"])
            try:
                page = await provider.search(query)
                await provider.fetch_thumbnail(page.hits[0].thumbnail_url)
                fake.api_key, fake.echo_request = "rotated", True  # the token is refused, and echoed back
                with pytest.raises(AuthenticationFailed) as refused:
                    await provider.search(query.model_copy(update={"text": "library"}))
                return page, refused.value
            finally:
                await provider.aclose()

        page, refused = run_async(work())
    assert "authorization=***" in refused.server_message  # the service's words, the token masked
    texts = (page.model_dump_json(), str(refused), refused.server_message, caplog.text)
    assert all(token not in text for text in texts)
