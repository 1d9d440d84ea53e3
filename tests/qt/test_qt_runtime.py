"""The pinned Qt survives heavy use on the Python that runs the tests (6.12.0 aborts on 3.11: none_dealloc)."""

# PySide6 6.12.0 on Python 3.10/3.11 drops a reference to None on calls that return None, until None's
# refcount reaches zero and the process aborts. From Python 3.12 None is immortal (PEP 683): its refcount
# never moves, so there the corruption can neither be seen nor do harm.

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import textwrap

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

VOID_CALLS = 50_000
QT_DISTRIBUTIONS = ("PySide6-Essentials", "PySide6-Addons")
KNOWN_BAD = "6.12.0"
NONE_IS_IMMORTAL = sys.version_info >= (3, 12)
NONE_REFS_SLACK = 50  # None's refcount may move by a few while the loop's own objects come and go


def stress_script(extra_decrefs_of_none: int = 0) -> str:
    """A child that makes VOID_CALLS Qt calls returning None, then prints None's refcount before and after.

    extra_decrefs_of_none drops that many references to None by hand, as the bad release does.
    """
    return textwrap.dedent(
        f"""
        import ctypes, os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QRect
        from PySide6.QtWidgets import QApplication, QWidget
        app = QApplication([])
        widget = QWidget()
        rect = QRect(0, 0, 10, 10)
        none_refs_before = sys.getrefcount(None)
        for index in range({VOID_CALLS} // 4):
            widget.setToolTip("tip")      # each of these returns None
            widget.setEnabled(index % 2 == 0)
            widget.update()
            rect.setWidth(index % 100 + 1)
        for _ in range({extra_decrefs_of_none}):
            ctypes.pythonapi.Py_DecRef(ctypes.py_object(None))
        print("none-refs", none_refs_before, sys.getrefcount(None), flush=True)
        """
    )


def none_refcount_damage(script: str) -> str | None:
    """What went wrong in a stress child (an abort, or references to None lost), or None if nothing did."""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        return f"Qt aborted (exit {result.returncode}): {result.stderr[-2000:]}"
    words = result.stdout.split()
    if "none-refs" not in words:
        return f"the child did not finish its calls: {result.stdout[-500:]}"
    before, after = (int(word) for word in words[words.index("none-refs") + 1:][:2])
    if after < before - NONE_REFS_SLACK:
        return f"None lost {before - after} references over {VOID_CALLS} calls"
    return None


@pytest.mark.skipif(NONE_IS_IMMORTAL, reason="None is immortal from Python 3.12: its refcount cannot be corrupted")
def test_fifty_thousand_void_qt_calls_keep_none_refcount():
    assert none_refcount_damage(stress_script()) is None


@pytest.mark.skipif(NONE_IS_IMMORTAL, reason="None is immortal from Python 3.12: its refcount cannot be corrupted")
def test_the_stress_check_sees_references_to_none_being_lost():
    damage = none_refcount_damage(stress_script(extra_decrefs_of_none=1_000))
    assert damage is not None and "None lost" in damage


def declared_requirements() -> dict[str, Requirement]:
    """The runtime requirements reelscope's installed metadata declares for this Python, by name."""
    declared = {}
    for line in importlib.metadata.requires("reelscope") or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            declared[canonicalize_name(requirement.name)] = requirement
    return declared


def test_installed_qt_satisfies_the_declared_pin():
    import PySide6

    declared = declared_requirements()
    for distribution in QT_DISTRIBUTIONS:
        requirement = declared.get(canonicalize_name(distribution))
        assert requirement is not None, f"reelscope does not declare {distribution}"
        installed = importlib.metadata.version(distribution)
        assert requirement.specifier.contains(installed, prereleases=True), (
            f"{distribution} {installed} is installed; reelscope declares {requirement}"
        )
    assert PySide6.__version__ == importlib.metadata.version("PySide6-Essentials"), "PySide6 is imported from elsewhere"


@pytest.mark.skipif(NONE_IS_IMMORTAL, reason=f"PySide6 {KNOWN_BAD} is safe from Python 3.12 (None is immortal)")
def test_declared_pin_excludes_the_known_bad_release_on_this_python():
    declared = declared_requirements()
    for distribution in QT_DISTRIBUTIONS:
        requirement = declared[canonicalize_name(distribution)]
        assert not requirement.specifier.contains(KNOWN_BAD, prereleases=True), (
            f"{requirement} lets PySide6 {KNOWN_BAD} in, which aborts on Python {sys.version.split()[0]}"
        )
