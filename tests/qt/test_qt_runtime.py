"""The pinned Qt survives heavy use on the Python that runs the tests (6.12.0 aborts on 3.11: none_dealloc)."""

import subprocess
import sys
import textwrap

VOID_CALLS = 50_000

STRESS = textwrap.dedent(
    f"""
    import os, sys
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
    print("calls-done", flush=True)
    """
)


def test_fifty_thousand_void_qt_calls_do_not_abort():
    result = subprocess.run([sys.executable, "-c", STRESS], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"Qt aborted (exit {result.returncode}): {result.stderr[-2000:]}"
    assert "calls-done" in result.stdout
    assert "none_dealloc" not in result.stderr


def test_installed_qt_is_outside_the_known_bad_release():
    import PySide6

    version = tuple(int(part) for part in PySide6.__version__.split(".")[:3])
    if sys.version_info < (3, 12):
        assert version != (6, 12, 0), "PySide6 6.12.0 aborts on Python 3.10/3.11 (none_dealloc)"
