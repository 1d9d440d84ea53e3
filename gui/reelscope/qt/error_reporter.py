"""Shows failures to the user: a status bar message always, a details dialog for unexpected ones."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
import traceback

from PySide6.QtWidgets import QMainWindow, QMessageBox

log = logging.getLogger(__name__)

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

    def report_exception(self, error: BaseException) -> None:
        log.error("unexpected error", exc_info=error)
        self(f"Unexpected error: {error}", format_details(error))

    def install_hooks(self, loop: asyncio.AbstractEventLoop) -> None:
        """Routes exceptions escaping Qt slots and loop callbacks here instead of only to the console."""
        sys.excepthook = lambda _type, error, _tb: self.report_exception(error)

        def on_loop_error(_loop: asyncio.AbstractEventLoop, context: dict) -> None:
            error = context.get("exception")
            if error is None:
                log.warning("event loop: %s", context.get("message"))
            elif threading.current_thread() is not threading.main_thread():
                # A future dropped with its exception unread is reported by whichever thread frees it;
                # widgets are touched on the GUI thread only.
                with contextlib.suppress(RuntimeError):   # the loop has closed: only the log is left
                    loop.call_soon_threadsafe(self.report_exception, error)
                    return
                log.error("unexpected error", exc_info=error)
            else:
                self.report_exception(error)

        loop.set_exception_handler(on_loop_error)

    @staticmethod
    def uninstall_hooks(loop: asyncio.AbstractEventLoop) -> None:
        sys.excepthook = sys.__excepthook__
        loop.set_exception_handler(None)

    def _show_dialog(self, message: str, details: str) -> None:
        if self._dialog is not None and self._dialog.isVisible():
            return  # one dialog at a time; the status bar already says what happened
        dialog = QMessageBox(
            QMessageBox.Icon.Warning, "Reelscope", message, QMessageBox.StandardButton.Close, self._window
        )
        dialog.setInformativeText("The queue and the library are unchanged. Details are below for a bug report.")
        dialog.setDetailedText(details)
        dialog.open()  # never exec(): it would nest an event loop under asyncio
        self._dialog = dialog


def format_details(error: BaseException) -> str:
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))
