"""Settings: where the catalogue and caches live, and how hard the local engine works."""

from __future__ import annotations

import os

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
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..domain.settings import LocalEngineSettings

_STAGES = (
    ("ocr", "Text on screen (OCR)"),
    ("faces", "Faces and people"),
    ("music", "Music from the music folder"),
    ("sections", "Sections"),
)


class SettingsDialog(QDialog):
    settings_accepted = Signal(str, int)   # data folder, local workers
    local_engine_accepted = Signal(object)  # LocalEngineSettings

    def __init__(
        self,
        data_dir: str,
        local_workers: int,
        parent: QWidget | None = None,
        *,
        data_dir_override: str | None = None,
        local: LocalEngineSettings | None = None,
        music_dir_override: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(520)

        self.data_dir_edit = QLineEdit(data_dir, self)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        if data_dir_override:
            self.data_dir_edit.setReadOnly(True)
            self.data_dir_edit.setToolTip(f"Set by the environment variable {data_dir_override}; change it there")
            browse.setEnabled(False)
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_dir_edit, 1)
        data_row.addWidget(browse)

        self.workers_spin = QSpinBox(self)
        self.workers_spin.setRange(1, max(1, os.cpu_count() or 1))
        self.workers_spin.setValue(min(local_workers, self.workers_spin.maximum()))
        self.workers_spin.setToolTip("How many clips the local engine analyses at once")

        local = local or LocalEngineSettings()
        self.stage_boxes: dict[str, QCheckBox] = {}
        stages = QVBoxLayout()
        for key, label in _STAGES:
            box = QCheckBox(label, self)
            box.setChecked(bool(getattr(local, key)))
            self.stage_boxes[key] = box
            stages.addWidget(box)
        self.music_dir_edit = QLineEdit(local.music_dir or "", self)
        self.music_dir_edit.setPlaceholderText("No music folder: music is not matched")
        browse_music = QPushButton("Browse…", self)
        browse_music.clicked.connect(self._browse_music)
        if music_dir_override:
            self.music_dir_edit.setReadOnly(True)
            self.music_dir_edit.setToolTip(f"Set by the environment variable {music_dir_override}; change it there")
            browse_music.setEnabled(False)
        music_row = QHBoxLayout()
        music_row.addWidget(self.music_dir_edit, 1)
        music_row.addWidget(browse_music)

        form = QFormLayout()
        form.addRow("Data folder:", data_row)
        form.addRow("", _hint("The catalogue and thumbnails live here. A change applies at the next start.", self))
        form.addRow("Local analyses at once:", self.workers_spin)
        form.addRow("Local engine finds:", stages)
        form.addRow("Music folder:", music_row)
        form.addRow("", _hint("Songs in this folder are fingerprinted in the background and recognised in clips. "
                              "Changes apply at the next start.", self))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def accept(self) -> None:
        self.settings_accepted.emit(self.data_dir_edit.text().strip(), self.workers_spin.value())
        self.local_engine_accepted.emit(self.local_engine())
        super().accept()

    def local_engine(self) -> LocalEngineSettings:
        stages = {key: box.isChecked() for key, box in self.stage_boxes.items()}
        return LocalEngineSettings(**stages, music_dir=self.music_dir_edit.text().strip() or None)

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
