"""The command line against the fake services: every cloud flow prints DESIGN §4's JSON; expected
failures are one stderr line with provider, HTTP status and the server's words; no key or token
shows anywhere (stdout, stderr at DEBUG, the catalogue, the config folder but the secret store)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fakes.media import make_clip
from fakes.noxovision import FakeNoxovision
from fakes.seeknetic import FakeSeeknetic
from fakes.slipstream import FakeSlipstream
from reelscope.domain.analysis import Analysis
from reelscope.library.secrets import FileSecrets

KEYS = {"noxovision": "nox-key-3f9a2c71", "slipstream": "slip-key-8d41e0b2", "seeknetic": "seek-key-c27f55aa"}


@pytest.fixture
def fakes():
    servers = {
        "noxovision": FakeNoxovision(api_key=KEYS["noxovision"]),
        "slipstream": FakeSlipstream(api_key=KEYS["slipstream"]),
        "seeknetic": FakeSeeknetic(api_key=KEYS["seeknetic"]),
    }
    for server in servers.values():
        server.start()
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture
def cloud_env(tmp_path, fakes):
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir()
    tables = "".join(
        f'[providers.{pid}]\nbase_url = "{server.base_url}"\npoll_interval_s = 0.05\n' for pid, server in fakes.items()
    )
    config.write_text(tables)
    # One key in the secret store (as the GUI keeps it), the others in the environment.
    FileSecrets(config.parent / "secrets.json").set("noxovision.api_key", KEYS["noxovision"])
    env = dict(os.environ)
    env.update({
        "REELSCOPE_DATA_DIR": str(tmp_path / "data"), "REELSCOPE_CONFIG": str(config),
        "REELSCOPE_SECRETS": "file", "QT_QPA_PLATFORM": "offscreen", "REELSCOPE_LOG": "DEBUG",
        "REELSCOPE_SLIPSTREAM_API_KEY": KEYS["slipstream"], "REELSCOPE_SEEKNETIC_API_KEY": KEYS["seeknetic"],
    })
    return env


def reelscope(env, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reelscope", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for key in KEYS.values():
            assert key not in text


def test_cloud_flows_print_their_json_and_never_a_key(cloud_env, tmp_path, fakes):
    clip = make_clip(tmp_path / "pier.mp4", cut_frames=(10,), total_frames=40)
    outputs = []

    nox = reelscope(cloud_env, "analyze", str(clip), "--provider", "noxovision", "--json")
    assert nox.returncode == 0, nox.stderr[-2000:]
    analysis = Analysis.from_json(nox.stdout.strip())
    assert analysis.provider == "noxovision" and analysis.sections[1].tag == "demo"
    outputs += [nox.stdout, nox.stderr]

    slip = reelscope(cloud_env, "analyze", str(clip), "--provider", "slipstream", "--json")
    assert slip.returncode == 0, slip.stderr[-2000:]
    assert Analysis.from_json(slip.stdout.strip()).music[0].isrc == "USRC17607839"
    outputs += [slip.stdout, slip.stderr]

    created = reelscope(cloud_env, "collections", "--provider", "seeknetic", "--create", "Dailies", "--json")
    assert created.returncode == 0, created.stderr[-2000:]
    collection = json.loads(created.stdout)
    assert collection["schema"] == "reelscope.collection/1" and collection["name"] == "Dailies"

    upload = reelscope(cloud_env, "upload", str(clip), "--provider", "seeknetic",
                       "--collection", collection["collection_id"], "--json")
    assert upload.returncode == 0, upload.stderr[-2000:]
    row = json.loads(upload.stdout)
    assert row["schema"] == "reelscope.upload/1" and row["status"] == "processed" and row["video_id"]
    again = reelscope(cloud_env, "upload", str(clip), "--provider", "seeknetic",
                      "--collection", collection["collection_id"], "--json")
    assert json.loads(again.stdout)["video_id"] == row["video_id"]
    assert sum(len(v) for v in fakes["seeknetic"].record()["videos_by_sha256"].values()) == 1

    listed = reelscope(cloud_env, "collections", "--provider", "seeknetic", "--json")
    assert json.loads(listed.stdout)["video_count"] == 1

    providers = reelscope(cloud_env, "providers", "--json")
    rows = {r["id"]: r for r in map(json.loads, providers.stdout.splitlines())}
    assert all(rows[p]["configured"] and rows[p]["reachable"] is True for p in KEYS)
    assert rows["twelvelabs"]["configured"] is False
    outputs += [created.stdout, created.stderr, upload.stdout, upload.stderr, listed.stdout, providers.stdout,
                providers.stderr]

    assert "HTTP Request" in nox.stderr  # DEBUG logging was on, httpx's own lines included
    assert_no_secret(*outputs)
    data_files = [p for p in Path(cloud_env["REELSCOPE_DATA_DIR"]).rglob("*") if p.is_file()]
    catalogue = sqlite3.connect(Path(cloud_env["REELSCOPE_DATA_DIR"]) / "catalogue.sqlite")
    dump = "\n".join(catalogue.iterdump())
    catalogue.close()
    assert_no_secret(dump, *(p.read_bytes().decode("latin-1") for p in data_files))
    assert_no_secret(Path(cloud_env["REELSCOPE_CONFIG"]).read_text())
    assert oct(os.stat(Path(cloud_env["REELSCOPE_CONFIG"]).parent / "secrets.json").st_mode & 0o777) == "0o600"


def test_a_refused_key_is_one_line_naming_provider_status_and_server_words(cloud_env, tmp_path):
    clip = make_clip(tmp_path / "a.mp4", total_frames=25)
    cloud_env["REELSCOPE_SLIPSTREAM_API_KEY"] = "slip-wrong-5c0ffee"
    result = reelscope(cloud_env, "analyze", str(clip), "--provider", "slipstream", "--json")
    assert result.returncode == 1 and result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.startswith("reelscope:")]
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "slipstream" in lines[0] and "HTTP 401" in lines[0]
    assert "Authentication credentials were not provided." in lines[0]
    assert "slip-wrong-5c0ffee" not in result.stderr


def test_a_wrong_extension_for_slipstream_and_an_image_for_noxovision(cloud_env, tmp_path, fakes):
    from PIL import Image

    mkv = make_clip(tmp_path / "take.mkv", total_frames=25)
    refused = reelscope(cloud_env, "analyze", str(mkv), "--provider", "slipstream")
    assert refused.returncode == 1 and "File extension “mkv” is not allowed" in refused.stderr
    assert fakes["slipstream"].requests == []

    photo = tmp_path / "kitchen.png"
    Image.new("RGB", (40, 30), (10, 200, 90)).save(photo)
    result = reelscope(cloud_env, "analyze", str(photo), "--provider", "noxovision", "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    assert [t.tag for t in Analysis.from_json(result.stdout).tags] == ["cat", "indoor"]
    local = reelscope(cloud_env, "analyze", str(photo), "--json")  # the local engine still refuses images
    assert local.returncode == 1 and "still image" in local.stderr
