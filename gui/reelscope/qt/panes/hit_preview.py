"""A preview of a cloud search hit whose clip is not in the library: a larger thumbnail and what the
service said of the moment (title, time range, score, provider, its video id, the matching text)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from ...domain.search import SearchHit
from ..models.search_model import confidence_text, score_fraction, time_range_text
from ..widgets.thumbnail_loader import ThumbnailLoader

PREVIEW_SIZE = QSize(480, 270)


class HitPreview(QDialog):
    def __init__(self, hit: SearchHit, provider_label: str, relevance: float | None, pictures: ThumbnailLoader,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hit = hit
        self._pictures = pictures
        self.setWindowTitle(f"{hit.title} — {provider_label}")
        self._picture = QLabel(self)
        self._picture.setFixedSize(PREVIEW_SIZE)
        self._picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._picture.setStyleSheet("background: black; color: #999;")
        self._picture.setText("Loading the picture…" if hit.thumbnail_url else "No picture")

        facts = QFormLayout()
        facts.addRow("Clip", _selectable(hit.title, self))
        facts.addRow("Moment", QLabel(time_range_text(hit), self))
        score = score_fraction(hit.score) if relevance is None else relevance
        if score is not None:
            shown = f"{score:.0%}"
            if relevance is not None and hit.score is not None:
                shown += f"   ({provider_label}'s own score: {hit.score:g})"
            facts.addRow("Score", QLabel(shown, self))
        if hit.confidence:
            facts.addRow("Confidence", QLabel(confidence_text(hit.confidence) or "", self))
        facts.addRow("Found by", QLabel(provider_label, self))
        facts.addRow("Video id", _selectable(hit.video_id, self))
        if hit.snippet:
            snippet = _selectable(f"“{hit.snippet}”", self)
            snippet.setWordWrap(True)
            facts.addRow("Match", snippet)
        note = QLabel("This clip is not in your library: add its file to open the moment.", self)
        note.setWordWrap(True)
        note.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self._picture)
        layout.addLayout(facts)
        layout.addWidget(note)
        layout.addWidget(buttons)
        pictures.loaded.connect(self._on_loaded)
        self._show_picture()

    def has_picture(self) -> bool:
        pixmap = self._picture.pixmap()
        return pixmap is not None and not pixmap.isNull()

    def _on_loaded(self, ref: str) -> None:
        if ref == self.hit.thumbnail_url:
            self._show_picture()

    def _show_picture(self) -> None:
        pixmap = self._pictures.pixmap(self.hit.thumbnail_url)
        if pixmap is not None:
            self._picture.setPixmap(pixmap)


def _selectable(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
