"""Reading picture files on pool threads, with only the decoder their first bytes name.

Given no format, Qt tries every image plugin on the file. Some of those plugins (SVG's among them)
make and connect Qt objects while they look, and a pool thread that calls Qt from Python holds the
GIL the whole time. If the GUI thread is just then disconnecting a signal under the same Qt lock,
and needs the GIL to finish, both threads wait forever. So the format is read from the file's first
bytes, and no other decoder is tried.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageReader

_SIGNATURES = (
    (b"\xff\xd8\xff", b"jpeg"),
    (b"\x89PNG\r\n\x1a\n", b"png"),
    (b"GIF87a", b"gif"),
    (b"GIF89a", b"gif"),
    (b"BM", b"bmp"),
    (b"II*\x00", b"tiff"),
    (b"MM\x00*", b"tiff"),
)


def image_format(head: bytes) -> bytes | None:
    """The format a picture file's first 12 bytes name, of those thumbnails come in; None for any other."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return b"webp"
    return next((name for magic, name in _SIGNATURES if head.startswith(magic)), None)


def read_image(path: str, fit: QSize | None = None) -> QImage:
    """The picture at path, decoded within fit when given (keeping its shape); a null image when the file
    is missing, unreadable or not a picture of a known format."""
    try:
        with open(path, "rb") as file:
            head = file.read(12)
    except OSError:
        return QImage()
    kind = image_format(head)
    if kind is None:
        return QImage()
    reader = QImageReader(path, kind)
    reader.setAutoDetectImageFormat(False)
    reader.setAutoTransform(True)
    if fit is not None:
        source = reader.size()
        if source.isValid():
            # Decoding at the target size lets libjpeg skip most of the work.
            reader.setScaledSize(source.scaled(fit, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()
