"""Memory a paint frees stays mapped for the next paint's arrays, instead of faulting in again each frame."""

from __future__ import annotations

import subprocess
import sys

import pytest

FRAMES = """
import resource, numpy as np
from reelscope.qt.freed_memory import keep_freed_memory_for_reuse
if {keep}:
    assert keep_freed_memory_for_reuse()
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
before = faults()
for frame in range(100):   # a paint's temporaries: six arrays of 0.4 MB alive at once, then freed
    temporaries = [np.ones(50_000, np.int64) for _ in range(6)]
    del temporaries
print(faults() - before)
"""


def page_faults_over_100_frames(keep: bool) -> int:
    done = subprocess.run([sys.executable, "-c", FRAMES.format(keep=keep)], capture_output=True, text=True,
                          check=True)
    return int(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_a_paints_arrays_reuse_the_memory_the_last_paint_freed():
    kept = page_faults_over_100_frames(keep=True)
    returned = page_faults_over_100_frames(keep=False)
    # 2.4 MB is about 590 pages: faulted in once when kept, in every frame when given back.
    assert kept < 2_000, kept
    assert returned > 10 * kept, (returned, kept)
