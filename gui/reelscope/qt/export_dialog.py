"""The export dialog: format, what to include, the in/out range, and where the file goes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ..domain.export import ExportFormat, ExportTrackKind


@dataclass(frozen=True)
class ExportChoice:
    export_format: ExportFormat
    include: frozenset[ExportTrackKind]
    use_range: bool
    destination: Path


class ExportDialog(QDialog):
    export_chosen = Signal(object)   # ExportChoice

    def __init__(
        self,
        subject: str,
        default_path: Path,
        parent: QWidget | None = None,
        *,
        range_text: str | None = None,
        export_format: ExportFormat = ExportFormat.FCP7,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Export {subject}")
        self.format_combo = QComboBox(self)
        for choice in ExportFormat:
            self.format_combo.addItem(choice.label, choice)
        self.format_combo.setCurrentIndex(list(ExportFormat).index(export_format))
        self.format_combo.currentIndexChanged.connect(self._on_format_changed)

        self.kind_boxes: dict[ExportTrackKind, QCheckBox] = {}
        kinds = QWidget(self)
        grid = QGridLayout(kinds)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, kind in enumerate(ExportTrackKind):
            box = QCheckBox(kind.title, kinds)
            box.setChecked(True)
            box.toggled.connect(self._validate)
            self.kind_boxes[kind] = box
            grid.addWidget(box, index // 4, index % 4)

        self.range_box = QCheckBox(f"Only between the in and out marks ({range_text})" if range_text else
                                   "Only between the in and out marks (none set: I and O set them)", self)
        self.range_box.setEnabled(range_text is not None)
        self.range_box.setChecked(range_text is not None)

        self.path_edit = QLineEdit(str(default_path), self)
        self.path_edit.textChanged.connect(self._validate)
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self._choose_path)
        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(browse)

        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout(self)
        form.addRow("Format", self.format_combo)
        form.addRow("Include", kinds)
        form.addRow("Range", self.range_box)
        form.addRow("Save as", where)
        form.addRow(self.problem)
        form.addRow(self.buttons)
        self._on_format_changed()
        self.resize(620, self.sizeHint().height())

    def export_format(self) -> ExportFormat:
        return ExportFormat(self.format_combo.currentData())  # Qt hands a StrEnum back as its str

    def choice(self) -> ExportChoice:
        return ExportChoice(
            export_format=self.export_format(),
            include=frozenset(kind for kind, box in self.kind_boxes.items() if box.isChecked()),
            use_range=self.range_box.isChecked() and self.range_box.isEnabled(),
            destination=Path(self.path_edit.text().strip()).expanduser(),
        )

    def accept(self) -> None:
        if self._validate():
            self.export_chosen.emit(self.choice())
            super().accept()

    def _on_format_changed(self, *_args) -> None:
        text = self.path_edit.text().strip()
        if text:
            path = Path(text)
            known = {f.extension for f in ExportFormat}
            stem = path.with_suffix("") if path.suffix.lower() in known else path
            self.path_edit.setText(str(stem) + self.export_format().extension)
        self._validate()

    def _validate(self, *_args) -> bool:
        choice = self.choice()
        problem = ""
        if not self.path_edit.text().strip():
            problem = "Choose where to save the file."
        elif not choice.include:
            problem = "Choose at least one kind of track."
        elif choice.export_format in (ExportFormat.SRT, ExportFormat.VTT) and ExportTrackKind.OCR not in choice.include:
            problem = "Subtitles are made of the on-screen text: include Text."
        self.problem.setText(problem)
        self.export_button.setEnabled(not problem)
        return not problem

    def _choose_path(self) -> None:
        dialog = QFileDialog(self, "Export to", self.path_edit.text())
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        extension = self.export_format().extension
        dialog.setNameFilters([f"{self.export_format().label} (*{extension})", "All files (*)"])
        dialog.setDefaultSuffix(extension.lstrip("."))
        dialog.fileSelected.connect(self.path_edit.setText)
        dialog.open()
