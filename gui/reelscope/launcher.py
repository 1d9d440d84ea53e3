"""The `reelscope` command: the CLI is imported when the command runs, not when the script is loaded.

Each analysis worker is a spawned interpreter that first runs the command's script again (as
`__mp_main__`), before it reaches its own code and lowers its priority (`providers/local/worker_start`).
Through this module that costs the worker nothing, where importing the whole app would take a second of
CPU from the window at the app's priority.
"""

from __future__ import annotations


def main() -> int:
    from .cli import main as run

    return run()
