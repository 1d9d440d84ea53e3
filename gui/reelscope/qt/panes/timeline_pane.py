"""The timeline dock: the lanes, and above them a toggle per provider when more than one gave lanes
(or one of them is hidden), so a local and a cloud analysis can be compared or looked at alone."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...domain.providers import provider_label
from ..widgets.timeline import TimelineWidget
from ..widgets.timeline.provider_bar import ProviderBar


class TimelinePane(QWidget):
    hidden_providers_changed = Signal(frozenset)

    def __init__(self, timeline: TimelineWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline = timeline
        self.provider_bar = ProviderBar(self)
        self.provider_bar.hide()
        self.provider_bar.hidden_changed.connect(self._on_hidden_changed)
        timeline.tracks_changed.connect(self._refresh_bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.provider_bar)
        layout.addWidget(timeline, 1)

    def set_hidden_providers(self, providers: frozenset[str]) -> None:
        """Hides these providers' lanes (a remembered choice), now and for every clip opened later."""
        self.timeline.set_hidden_providers(providers)
        self._refresh_bar()

    def hidden_providers(self) -> frozenset[str]:
        return self.timeline.hidden_providers()

    def _refresh_bar(self) -> None:
        present = self.timeline.providers()
        hidden = self.timeline.hidden_providers()
        self.provider_bar.set_providers([(p, provider_label(p)) for p in present], hidden)
        self.provider_bar.setVisible(len(present) > 1 or bool(hidden & set(present)))

    def _on_hidden_changed(self, hidden: frozenset) -> None:
        self.timeline.set_hidden_providers(hidden)
        self.hidden_providers_changed.emit(hidden)
