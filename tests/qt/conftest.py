"""A real Reelscope window over a fresh data folder, with the real local engine."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from reelscope.app import Core, build_core
from reelscope.qt.controllers.tasks import TaskRunner
from reelscope.qt.controllers.workspace import Workspace
from reelscope.qt.main_window import MainWindow
from reelscope.qt.theme import apply_dark_theme
from reelscope.qt.window_factory import build_window


@dataclass
class OpenApp:
    core: Core
    window: MainWindow
    workspace: Workspace
    tasks: TaskRunner

    # What the catalogue holds, read for assertions through the database thread (as the app reads it).

    def jobs(self):
        return self.core.storage.database.call(self.core.storage.jobs.all)

    def clips(self):
        return self.core.storage.database.call(self.core.storage.catalogue.clips)

    def clip(self, video_id: str):
        return self.core.storage.database.call(self.core.storage.catalogue.clip, video_id)

    def analysis(self, video_id: str, provider: str = "local"):
        return self.core.storage.database.call(self.core.storage.catalogue.analysis, video_id, provider)


@pytest.fixture
def open_app(qapp, qloop, qtbot, run_async, data_dir, tmp_path):
    """Opens the app like `reelscope gui` does; call the returned function again to simulate a restart."""
    apply_dark_theme(qapp)
    opened: list[OpenApp] = []

    def open_window(start: bool = True) -> OpenApp:
        core = build_core()
        window, workspace, tasks = build_window(core, tmp_path)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        run_async(workspace.loaded())
        if start:
            run_async(core.analysis.start())
        app = OpenApp(core, window, workspace, tasks)
        opened.append(app)
        return app

    def close(app: OpenApp) -> None:
        if app not in opened:
            return
        opened.remove(app)
        app.workspace.close()
        app.window.close()
        run_async(app.tasks.aclose())
        run_async(app.core.aclose(), timeout_s=60)

    open_window.close = close
    yield open_window
    for app in list(opened):
        close(app)


# -- the cloud services, as loopback fakes --------------------------------------------------------

CLOUD_KEY = "sk-live-7c2e9f41d0"


@dataclass
class CloudServices:
    """The three analysis services' fakes, and the config file that points the app at them."""

    noxovision: object
    slipstream: object
    seeknetic: object
    config: object   # Path of config.toml
    secrets: object  # Path of secrets.json
    key: str = CLOUD_KEY
    """The key every fake accepts."""

    def fake(self, provider_id: str):
        return getattr(self, provider_id)

    def store_keys(self, *provider_ids: str, key: str = CLOUD_KEY) -> None:
        """Keys as the settings dialog stores them (the 0600 file: tests run without a keyring)."""
        from reelscope.library.secrets import FileSecrets, api_key_name

        store = FileSecrets(self.secrets)
        for provider_id in provider_ids:
            store.set(api_key_name(provider_id), key)


@pytest.fixture
def cloud(data_dir, tmp_path, monkeypatch):
    """Noxovision, Slipstream and Seeknetic fakes on loopback; the config file names them (no keys yet)."""
    import tomli_w

    from fakes.noxovision import FakeNoxovision
    from fakes.seeknetic import FakeSeeknetic
    from fakes.slipstream import FakeSlipstream

    monkeypatch.setenv("REELSCOPE_SECRETS", "file")
    with FakeNoxovision(api_key=CLOUD_KEY) as noxovision, FakeSlipstream(api_key=CLOUD_KEY) as slipstream, \
            FakeSeeknetic(api_key=CLOUD_KEY) as seeknetic:
        config = tmp_path / "config.toml"
        config.write_text(tomli_w.dumps({"providers": {
            fake.name: {"base_url": fake.base_url, "poll_interval_s": 0.05}
            for fake in (noxovision, slipstream, seeknetic)
        }}), encoding="utf-8")
        yield CloudServices(noxovision, slipstream, seeknetic, config, tmp_path / "secrets.json")
