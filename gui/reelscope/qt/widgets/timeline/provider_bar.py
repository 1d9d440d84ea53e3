"""A row of tick boxes, one per provider whose lanes the timeline holds: show or hide each one's lanes."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QWidget


class ProviderBar(QWidget):
    hidden_changed = Signal(frozenset)   # the providers whose lanes are hidden now

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hidden: frozenset[str] = frozenset()
        self._boxes: dict[str, QCheckBox] = {}
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(8, 2, 8, 2)
        self._layout.setSpacing(14)
        caption = QLabel("Lanes from:", self)
        caption.setEnabled(False)
        self._layout.addWidget(caption)
        self._layout.addStretch(1)

    def set_providers(self, providers: Sequence[tuple[str, str]], hidden: frozenset[str]) -> None:
        """One tick box per (id, label), ticked for those shown; hidden ones not among them stay hidden."""
        for box in self._boxes.values():
            self._layout.removeWidget(box)
            box.deleteLater()
        self._boxes = {}
        self._hidden = frozenset(hidden)
        for position, (provider_id, label) in enumerate(providers, start=1):
            box = QCheckBox(label, self)
            box.setChecked(provider_id not in self._hidden)
            box.setToolTip(f"Show or hide the lanes of {label}")
            box.toggled.connect(lambda shown, p=provider_id: self._toggle(p, shown))
            self._layout.insertWidget(position, box)
            self._boxes[provider_id] = box

    def box(self, provider_id: str) -> QCheckBox | None:
        return self._boxes.get(provider_id)

    def hidden(self) -> frozenset[str]:
        return self._hidden

    def _toggle(self, provider_id: str, shown: bool) -> None:
        self._hidden = self._hidden - {provider_id} if shown else self._hidden | {provider_id}
        self.hidden_changed.emit(self._hidden)
