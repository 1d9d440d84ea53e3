"""One window per data folder: a second start hands its files to the running window over a local socket.

The socket is named after the data folder, so two windows on two data folders never meet. A message
is one line of JSON, {"files": [absolute paths]}; the window answers "ok" once it has taken them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

HANDOVER_TIMEOUT_MS = 3000
MAX_MESSAGE_BYTES = 4 << 20


def server_name(data_dir: Path) -> str:
    digest = hashlib.sha256(str(Path(data_dir).absolute()).encode("utf-8", "surrogateescape")).hexdigest()
    return f"reelscope-{digest[:20]}"


def hand_over(name: str, files: Sequence[Path], timeout_ms: int = HANDOVER_TIMEOUT_MS) -> bool:
    """Sends files to the window listening on name; True once it said it took them."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    message = json.dumps({"files": [str(Path(f).absolute()) for f in files]}) + "\n"
    socket.write(message.encode("utf-8", "surrogateescape"))
    if not socket.waitForBytesWritten(timeout_ms):
        return False
    answer = b""
    while b"\n" not in answer and socket.waitForReadyRead(timeout_ms):
        answer += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    return answer.strip() == b"ok"


class InstanceServer(QObject):
    files_received = Signal(list)   # list[Path]

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        QLocalServer.removeServer(name)  # a socket file left by a window that crashed; we hold the lock
        self.listening = self._server.listen(name)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda socket=socket: self._read(socket))
            socket.disconnected.connect(lambda socket=socket: self._forget(socket))
            if socket.bytesAvailable():  # the message came before readyRead was connected
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        if b"\n" not in data:
            if len(data) > MAX_MESSAGE_BYTES:
                socket.abort()
            else:
                self._buffers[socket] = data
            return
        line = data.split(b"\n", 1)[0]
        self._buffers[socket] = b""
        try:
            files = [Path(f) for f in json.loads(line.decode("utf-8", "surrogateescape"))["files"]]
        except (ValueError, KeyError, TypeError):
            socket.write(b"bad message\n")
            return
        socket.write(b"ok\n")
        socket.flush()
        self.files_received.emit(files)

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def close(self) -> None:
        self._server.close()
