"""Shows failures to the user: a status bar message always, a details dialog for unexpected ones."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMessageBox

STATUS_TIMEOUT_MS = 12_000


class ErrorReporter:
    def __init__(self, window: QMainWindow) -> None:
        self._window = window
        self._dialog: QMessageBox | None = None
        self.last_message = ""

    def __call__(self, message: str, details: str | None = None) -> None:
        self.last_message = message
        self._window.statusBar().showMessage(message, STATUS_TIMEOUT_MS)
        if details:
            self._show_dialog(message, details)

    def _show_dialog(self, message: str, details: str) -> None:
        if self._dialog is not None and self._dialog.isVisible():
            return  # one dialog at a time; the status bar already says what happened
        dialog = QMessageBox(QMessageBox.Icon.Warning, "Reelscope", message, QMessageBox.StandardButton.Close, self._window)
        dialog.setInformativeText("The queue and the library are unchanged. Details are below for a bug report.")
        dialog.setDetailedText(details)
        dialog.open()  # never exec(): it would nest an event loop under asyncio
        self._dialog = dialog
