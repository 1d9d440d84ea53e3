"""The window paints before it loads what only analyses, pictures and cloud services need: PyAV, Pillow
and the HTTP stack come with the first of those, not with every start."""

from __future__ import annotations

import subprocess
import sys

NOT_NEEDED_TO_PAINT = ("av", "PIL.Image", "httpx", "reelscope.providers.local.pipeline")


def test_the_window_paints_without_the_decoders_or_the_http_stack(cli_env):
    code = (
        "import sys\n"
        "from reelscope.cli import main\n"
        "exit_code = main(['gui', '--quit-after-paint'])\n"
        f"print(exit_code, sorted(name for name in {NOT_NEEDED_TO_PAINT!r} if name in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], env=cli_env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "window painted" in run.stdout
    assert run.stdout.strip().splitlines()[-1] == "0 []"
