"""Pictures are read by the decoder their first bytes name, whatever the file is called."""

from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtCore import QSize

from reelscope.domain.pictures import image_format
from reelscope.qt.widgets.image_reading import read_image

ORANGE = (240, 140, 20)


def picture(path, kind: str, size=(320, 180)) -> str:
    Image.new("RGB", size, ORANGE).save(path, kind)
    return str(path)


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"])
def test_each_format_a_thumbnail_comes_in_is_read_by_its_content(qapp, tmp_path, kind):
    path = picture(tmp_path / "picture", kind)   # a service's picture, cached without a suffix
    image = read_image(path)
    assert (image.width(), image.height()) == (320, 180)
    colour = image.pixelColor(160, 90)
    assert abs(colour.red() - ORANGE[0]) < 8 and abs(colour.green() - ORANGE[1]) < 8


def test_a_png_named_jpg_is_read_as_the_png_it_is(qapp, tmp_path):
    assert not read_image(picture(tmp_path / "frame.jpg", "PNG")).isNull()


def test_a_picture_is_decoded_within_the_size_asked_keeping_its_shape(qapp, tmp_path):
    image = read_image(picture(tmp_path / "wide.jpg", "JPEG", (1920, 1080)), QSize(160, 160))
    assert (image.width(), image.height()) == (160, 90)


def test_what_is_not_a_picture_of_a_known_format_reads_as_no_picture(qapp, tmp_path):
    svg = tmp_path / "drawing.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/>'
                   '</svg>')
    notes = tmp_path / "notes.jpg"
    notes.write_text("not a picture")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    for path in (svg, notes, empty, tmp_path / "missing.jpg"):
        assert read_image(str(path)).isNull(), path.name


def test_formats_are_named_by_their_signatures():
    assert image_format(b"\xff\xd8\xff\xe0\x00\x10JFIF") == "jpeg"
    assert image_format(b"RIFF\x10\x00\x00\x00WEBPVP8 ") == "webp"
    assert image_format(b"RIFF\x10\x00\x00\x00WAVEfmt ") is None
    assert image_format(b"<svg xmlns=") is None
