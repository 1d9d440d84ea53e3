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

from ...domain.pictures import image_format


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
    reader = QImageReader(path, kind.encode())
    reader.setAutoDetectImageFormat(False)
    reader.setAutoTransform(True)
    if fit is not None:
        source = reader.size()
        if source.isValid():
            # Decoding at the target size lets libjpeg skip most of the work.
            reader.setScaledSize(source.scaled(fit, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()
