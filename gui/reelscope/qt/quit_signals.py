"""SIGTERM, SIGINT and SIGHUP end the app as Quit does: a session logging out, `kill` or Ctrl+C in the terminal
let it save the layout, put running analyses back in the queue and stop its workers, instead of dying with a
half-written state and the workers' semaphores left behind.

Python runs a signal handler only between bytecodes of the main thread, which sits in Qt's event loop for as
long as nothing happens. The signal is therefore also written to a socket that Qt watches (Python's
``signal.set_wakeup_fd``): that wakes the loop, and the handler runs at once. A second signal, while the first
one's quitting is under way, gets the signal's usual effect.
"""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier

QUIT_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


class QuitSignals(QObject):
    """Calls on_quit(signal number) on the GUI thread when one of QUIT_SIGNALS arrives; main thread only."""

    def __init__(self, on_quit: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_quit = on_quit
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        self._previous_wakeup = signal.set_wakeup_fd(self._writer.fileno())
        self._previous = {number: signal.signal(number, self._handle) for number in QUIT_SIGNALS}

    def _handle(self, number: int, _frame) -> None:
        self._restore_handlers()   # a second signal is not caught
        self._on_quit(number)

    def _drain(self) -> None:
        try:
            while self._reader.recv(256):
                pass
        except BlockingIOError:
            pass

    def _restore_handlers(self) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous = {}

    def close(self) -> None:
        self._restore_handlers()
        if self._notifier is not None:
            signal.set_wakeup_fd(self._previous_wakeup)
            self._notifier.setEnabled(False)
            self._notifier = None
            self._reader.close()
            self._writer.close()
