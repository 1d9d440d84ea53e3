"""Settings: a list of pages. General (where the catalogue and caches live, how hard the local engine
works), then one page per cloud provider (provider_settings_page)."""

from __future__ import annotations

import os
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.connection import ConnectionCheck
from ..domain.settings import LocalEngineSettings
from ..services.provider_setup import ProviderPage
from .provider_settings_page import ProviderSettingsPage

GENERAL = "general"
LOCAL_STAGES = (
    ("ocr", "Text on screen (OCR)"),
    ("faces", "Faces and people"),
    ("music", "Music from the music folder"),
    ("sections", "Sections (scenes grouped, with why)"),
)


class SettingsDialog(QDialog):
    settings_accepted = Signal(str, int)   # data folder, local workers
    local_engine_accepted = Signal(object)  # LocalEngineSettings
    providers_accepted = Signal(list)      # list[ProviderEdit]: the provider pages that changed
    test_requested = Signal(object)        # ProviderEdit: a page's values, to test

    def __init__(
        self, data_dir: str, local_workers: int, parent: QWidget | None = None, *, data_dir_override: str | None = None,
        providers: Sequence[ProviderPage] = (), local: LocalEngineSettings | None = None,
        music_dir_override: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumSize(760, 480)

        self.page_list = QListWidget(self)
        self.page_list.setFixedWidth(150)
        self.page_list.setSpacing(3)
        self.pages = QStackedWidget(self)
        self._page_ids: list[str] = []
        self._add_page(GENERAL, "General", self._general_page(data_dir, local_workers, data_dir_override))
        local_page = self._local_engine_page(local or LocalEngineSettings(), music_dir_override)
        self._add_page("local", "Local engine", local_page)
        self.provider_pages: dict[str, ProviderSettingsPage] = {}
        for page in providers:
            widget = ProviderSettingsPage(page, self)
            widget.test_requested.connect(self.test_requested)
            self.provider_pages[page.provider_id] = widget
            self._add_page(page.provider_id, f"{page.label}  ✓" if page.in_use else page.label, widget)
        self.page_list.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.page_list.setCurrentRow(0)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        body = QHBoxLayout()
        body.addWidget(self.page_list)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)

    def select_page(self, page_id: str) -> None:
        if page_id in self._page_ids:
            self.page_list.setCurrentRow(self._page_ids.index(page_id))

    def current_page_id(self) -> str:
        return self._page_ids[self.pages.currentIndex()]

    def show_test_running(self, provider_id: str) -> None:
        self.provider_pages[provider_id].show_testing()

    def show_test_result(self, check: ConnectionCheck) -> None:
        page = self.provider_pages.get(check.provider)
        if page is not None:
            page.show_result(check)

    def accept(self) -> None:
        self.settings_accepted.emit(self.data_dir_edit.text().strip(), self.workers_spin.value())
        self.local_engine_accepted.emit(self.local_engine())
        edits = [page.edit() for page in self.provider_pages.values() if page.is_modified()]
        if edits:
            self.providers_accepted.emit(edits)
        super().accept()

    # -- pages -------------------------------------------------------------------------------------

    def _add_page(self, page_id: str, title: str, widget: QWidget) -> None:
        self._page_ids.append(page_id)
        self.page_list.addItem(title)
        self.pages.addWidget(widget)

    def _general_page(self, data_dir: str, local_workers: int, data_dir_override: str | None) -> QWidget:
        page = QWidget(self)
        self.data_dir_edit = QLineEdit(data_dir, page)
        browse = QPushButton("Browse…", page)
        browse.clicked.connect(self._browse)
        if data_dir_override:
            self.data_dir_edit.setReadOnly(True)
            self.data_dir_edit.setToolTip(f"Set by the environment variable {data_dir_override}; change it there")
            browse.setEnabled(False)
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_dir_edit, 1)
        data_row.addWidget(browse)

        self.workers_spin = QSpinBox(page)
        self.workers_spin.setRange(1, max(1, os.cpu_count() or 1))
        self.workers_spin.setValue(min(local_workers, self.workers_spin.maximum()))
        self.workers_spin.setToolTip("How many clips the local engine analyses at once")

        form = QFormLayout()
        form.addRow("Data folder:", data_row)
        form.addRow("", _hint("The catalogue and thumbnails live here. A change applies at the next start.", page))
        form.addRow("Local analyses at once:", self.workers_spin)
        form.addRow("", _hint("Applies at the next start.", page))
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<b>General</b>", page))
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def local_engine(self) -> LocalEngineSettings:
        stages = {key: box.isChecked() for key, box in self.stage_boxes.items()}
        return LocalEngineSettings(**stages, music_dir=self.music_dir_edit.text().strip() or None)

    def _local_engine_page(self, local: LocalEngineSettings, music_dir_override: str | None) -> QWidget:
        page = QWidget(self)
        self.stage_boxes: dict[str, QCheckBox] = {}
        stages = QVBoxLayout()
        for key, text in LOCAL_STAGES:
            box = QCheckBox(text, page)
            box.setChecked(bool(getattr(local, key)))
            self.stage_boxes[key] = box
            stages.addWidget(box)
        self.music_dir_edit = QLineEdit(local.music_dir or "", page)
        self.music_dir_edit.setPlaceholderText("No music folder: music is not matched")
        browse_music = QPushButton("Browse…", page)
        browse_music.clicked.connect(self._browse_music)
        if music_dir_override:
            self.music_dir_edit.setReadOnly(True)
            self.music_dir_edit.setToolTip(f"Set by the environment variable {music_dir_override}; change it there")
            browse_music.setEnabled(False)
        music_row = QHBoxLayout()
        music_row.addWidget(self.music_dir_edit, 1)
        music_row.addWidget(browse_music)
        form = QFormLayout()
        form.addRow("Finds besides scenes:", stages)
        form.addRow("", _hint("Scenes, activity and thumbnails are always found. Changes apply at the next start.",
                              page))
        form.addRow("Music folder:", music_row)
        form.addRow("", _hint("Songs in this folder (and below it) are recognised in your clips' sound. "
                              "It is read in the background and again when it changes.", page))
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<b>Local engine</b>", page))
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _browse_music(self) -> None:
        dialog = QFileDialog(self, "Choose the music folder", self.music_dir_edit.text())
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(self.music_dir_edit.setText)
        dialog.open()

    def _browse(self) -> None:
        dialog = QFileDialog(self, "Choose the data folder", self.data_dir_edit.text())
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(self.data_dir_edit.setText)
        dialog.open()


def _hint(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setEnabled(False)
    return label
