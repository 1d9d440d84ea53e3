"""`kill -9` while Noxovision jobs are uploading and processing; the next start finishes every file
without sending any file twice: the fake shows exactly one job per file."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time

from cloud_support import KEY
from fakes.media import make_clip

QUEUE_SCRIPT = """
import asyncio, json, sys
from pathlib import Path
from reelscope.app import build_core

async def main(paths):
    core = build_core()
    try:
        await core.analysis.start()
        if paths:
            await core.analysis.submit([Path(p) for p in paths], ("noxovision",))
        await core.analysis.wait_idle()
        print(json.dumps([[j.path, j.state.value, j.error] for j in await core.analysis.jobs()]))
    finally:
        await core.aclose()

asyncio.run(main(sys.argv[1:]))
"""


def test_a_killed_queue_resumes_polling_instead_of_sending_again(tmp_path, noxovision_fake):
    clips = [make_clip(tmp_path / f"shot{i}.mp4", total_frames=8, text=f"shot {i}") for i in range(6)]
    for clip in clips[3:]:  # larger files: still uploading when the first jobs are processing
        with clip.open("ab") as file:
            file.write(os.urandom(40 << 20))
    hashes = {hashlib.sha256(c.read_bytes()).hexdigest() for c in clips}
    noxovision_fake.processing_s = 2.0
    config = tmp_path / "config.toml"
    config.write_text(f'[providers.noxovision]\nbase_url = "{noxovision_fake.base_url}"\npoll_interval_s = 0.1\n')
    env = dict(os.environ, REELSCOPE_CONFIG=str(config), REELSCOPE_DATA_DIR=str(tmp_path / "data"),
               REELSCOPE_NOXOVISION_API_KEY=KEY, REELSCOPE_SECRETS="file")
    first = subprocess.Popen([sys.executable, "-c", QUEUE_SCRIPT, *map(str, clips)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    def polled_jobs() -> int:  # a job is polled only once the app has stored its id
        return sum(1 for job in noxovision_fake.record()["jobs"].values() if job["polls"] > 0)

    deadline = time.monotonic() + 60
    while polled_jobs() < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    created_before_kill = len(noxovision_fake.record()["jobs"])
    first.kill()  # SIGKILL: no cleanup of any kind
    first.wait(10)
    assert 2 <= created_before_kill < len(clips), "the kill came while jobs were processing and others were not sent"
    assert any(job["status"] != "finished" for job in noxovision_fake.record()["jobs"].values())

    second = subprocess.run([sys.executable, "-c", QUEUE_SCRIPT], env=env, capture_output=True, text=True,
                            timeout=180)
    assert second.returncode == 0, second.stderr[-3000:]
    jobs = json.loads(second.stdout.strip().splitlines()[-1])
    assert sorted(path for path, _, _ in jobs) == sorted(str(c) for c in clips)
    assert [state for _, state, _ in jobs] == ["done"] * len(clips), jobs
    per_file = {sha: len(ids) for sha, ids in noxovision_fake.record()["jobs_by_sha256"].items()}
    assert per_file == {sha: 1 for sha in hashes}
