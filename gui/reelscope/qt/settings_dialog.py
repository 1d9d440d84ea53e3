"""Settings: where the catalogue and caches live, and how hard the local engine works."""

from __future__ import annotations

import os

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
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


class SettingsDialog(QDialog):
    settings_accepted = Signal(str, int)   # data folder, local workers

    def __init__(
        self, data_dir: str, local_workers: int, parent: QWidget | None = None, *, data_dir_override: str | None = None
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

        form = QFormLayout()
        form.addRow("Data folder:", data_row)
        form.addRow("", _hint("The catalogue and thumbnails live here. A change applies at the next start.", self))
        form.addRow("Local analyses at once:", self.workers_spin)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def accept(self) -> None:
        self.settings_accepted.emit(self.data_dir_edit.text().strip(), self.workers_spin.value())
        super().accept()

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
