"""Settings: the dialog opened on its pages, connection tests run off the GUI thread, changes saved
and applied (providers rebuilt in place), and the toolbar's Analyse with menu kept to what is set up."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping

from PySide6.QtCore import QObject

from ...domain.providers import KNOWN_PROVIDERS, Capability, provider_label
from ...domain.settings import LocalEngineSettings
from ...library.config import DATA_DIR_VARIABLE, MUSIC_DIR_VARIABLE, config_path, save_local_engine, save_user_choices
from ...providers.base import AnalysisProvider
from ...services.provider_setup import ProviderEdit, ProviderSetup
from ..main_window import MainWindow
from ..settings_dialog import SettingsDialog
from .tasks import ErrorSink, TaskRunner

SAVED_MESSAGE_MS = 12_000
OPEN_TASK = "settings-open"


class SettingsController(QObject):
    def __init__(
        self,
        window: MainWindow,
        setup: ProviderSetup,
        providers: Mapping[str, AnalysisProvider],
        tasks: TaskRunner,
        report_error: ErrorSink,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._setup = setup
        self._providers = providers
        self._tasks = tasks
        self._report_error = report_error
        self.dialog: SettingsDialog | None = None
        self._general: tuple[str, int] | None = None
        self._local: tuple[LocalEngineSettings, bool] | None = None
        self._edits: list[ProviderEdit] = []
        window.settings_requested.connect(lambda: self.open())
        window.provider_setup_requested.connect(self.open)
        self._disconnect = setup.changed.connect(lambda _provider_id: self.refresh_targets())
        window.destroyed.connect(self._disconnect)
        self.refresh_targets()

    def open(self, page: str | None = None) -> asyncio.Task:
        """Opens the dialog (on a page: 'general' or a provider id); the task ends once it shows."""
        return self._tasks.start(OPEN_TASK, self._open(page))

    def close(self) -> None:
        self._disconnect()

    def refresh_targets(self) -> None:
        """The Analyse with menu: the local engine and every provider set up; the others offered for setup."""
        order = {info.id: position for position, info in enumerate(KNOWN_PROVIDERS)}
        available = {
            provider_id: self._providers[provider_id].label
            for provider_id in sorted(self._providers, key=lambda p: order.get(p, len(order)))
        }
        offers = {
            info.id: info.label for info in KNOWN_PROVIDERS
            if info.needs_account and Capability.ANALYZE in info.capabilities and info.id not in available
        }
        self._window.set_target_providers(available, offers)

    # -- the dialog ----------------------------------------------------------------------------------

    async def _open(self, page: str | None) -> None:
        if self.dialog is not None:
            if page:
                self.dialog.select_page(page)
            self.dialog.raise_()
            self.dialog.activateWindow()
            return
        pages = await self._setup.pages()
        settings = self._setup.settings
        override = DATA_DIR_VARIABLE if os.environ.get(DATA_DIR_VARIABLE) else None
        music_override = MUSIC_DIR_VARIABLE if os.environ.get(MUSIC_DIR_VARIABLE) else None
        dialog = SettingsDialog(settings.data_dir, settings.local_workers, self._window, data_dir_override=override,
                                providers=pages, local=settings.local, music_dir_override=music_override)
        dialog.test_requested.connect(self._test)
        dialog.settings_accepted.connect(lambda data_dir, workers: setattr(self, "_general", (data_dir, workers)))
        dialog.local_engine_accepted.connect(lambda local: setattr(self, "_local", (local, music_override is not None)))
        dialog.providers_accepted.connect(lambda edits: setattr(self, "_edits", list(edits)))
        dialog.accepted.connect(lambda: self._tasks.run(self._save(override is not None)))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        if page:
            dialog.select_page(page)
        self.dialog = dialog
        dialog.open()

    def _closed(self, dialog: SettingsDialog) -> None:
        for provider_id in dialog.provider_pages:
            self._tasks.cancel(_test_key(provider_id))
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _test(self, edit: ProviderEdit) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        dialog.show_test_running(edit.provider_id)
        self._tasks.start(_test_key(edit.provider_id), self._run_test(dialog, edit))

    async def _run_test(self, dialog: SettingsDialog, edit: ProviderEdit) -> None:
        check = await self._setup.test_connection(edit)
        if dialog is self.dialog:
            dialog.show_test_result(check)

    async def _save(self, data_dir_fixed: bool) -> None:
        """Writes the general settings, then each changed provider page, one after the other (one file)."""
        general, self._general = self._general, None
        local, self._local = self._local, None
        edits, self._edits = self._edits, []
        messages = []
        if local is not None and local[0] != self._setup.settings.local:
            engine, music_fixed = local
            await asyncio.get_running_loop().run_in_executor(
                None, save_local_engine, config_path(), engine, music_fixed
            )
            messages.append("Local engine settings saved; they apply at the next start")
        if general is not None:
            data_dir, workers = general
            await asyncio.get_running_loop().run_in_executor(
                None, lambda: save_user_choices(config_path(), data_dir=None if data_dir_fixed else data_dir,
                                                local_workers=workers)
            )
            if (data_dir, workers) != (self._setup.settings.data_dir, self._setup.settings.local_workers):
                messages.append("General settings saved; they apply at the next start")
        in_use = []
        for edit in edits:
            outcome = await self._setup.save(edit)
            if outcome.applied and outcome.configured:
                in_use.append(outcome.provider_id)
            else:
                messages.append(outcome.message())
        if in_use:
            names = _and([provider_label(provider_id) for provider_id in in_use])
            unticked = [p for p in in_use if p not in self._window.target_providers()]
            messages.insert(0, f"{names} saved and in use now" + (
                f"; tick {'them' if len(unticked) > 1 else 'it'} under Analyse with to send clips" if unticked else ""
            ))
        self._window.statusBar().showMessage(". ".join(messages) or "Settings saved", SAVED_MESSAGE_MS)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _test_key(provider_id: str) -> str:
    return f"settings-test-{provider_id}"
