"""`reelscope search` against the fake search services: --all --json holds every hit exactly once,
grouped when asked; a clip analysed into a collection comes back with its local file; refusals are
one stderr line; no key or token shows in any output (logging at DEBUG), the catalogue or the config."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fakes.eluvio import FakeEluvio
from fakes.media import make_clip
from fakes.seeknetic import FakeSeeknetic
from fakes.twelvelabs import FakeTwelveLabs
from reelscope.library.secrets import FileSecrets

KEYS = {"twelvelabs": "tlk-5e2d90c1aa", "eluvio": "elv-token-61b0c9fe2d", "seeknetic": "seek-key-0d4e7a31"}
TEXT = "bear chasing a man"


@pytest.fixture(scope="module")
def fakes():
    servers = {
        "twelvelabs": FakeTwelveLabs(api_key=KEYS["twelvelabs"], videos=10),
        "eluvio": FakeEluvio(api_key=KEYS["eluvio"], videos=12),
        "seeknetic": FakeSeeknetic(api_key=KEYS["seeknetic"]),
    }
    for server in servers.values():
        server.start()
    servers["seeknetic"].demo = servers["seeknetic"].seed_demo(6)
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture
def env(tmp_path, fakes):
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir()
    config.write_text(
        f'[providers.twelvelabs]\nbase_url = "{fakes["twelvelabs"].base_url}"\n'
        f'index_id = "{fakes["twelvelabs"].index_id}"\n'
        f'[providers.eluvio]\nbase_url = "{fakes["eluvio"].base_url}"\n'
        f'[providers.seeknetic]\nbase_url = "{fakes["seeknetic"].base_url}"\n'
        f'collection_id = "{fakes["seeknetic"].demo}"\npoll_interval_s = 0.05\n'
    )
    FileSecrets(config.parent / "secrets.json").set("twelvelabs.api_key", KEYS["twelvelabs"])  # as the GUI keeps it
    values = dict(os.environ)
    values.update({
        "REELSCOPE_DATA_DIR": str(tmp_path / "data"), "REELSCOPE_CONFIG": str(config), "REELSCOPE_SECRETS": "file",
        "QT_QPA_PLATFORM": "offscreen", "REELSCOPE_LOG": "DEBUG",
        "REELSCOPE_ELUVIO_API_KEY": KEYS["eluvio"], "REELSCOPE_ELUVIO_INDEX_ID": fakes["eluvio"].index_id,
        "REELSCOPE_SEEKNETIC_API_KEY": KEYS["seeknetic"],
    })
    return values


def reelscope(env, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reelscope", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def search(env, *args: str) -> tuple[dict, subprocess.CompletedProcess]:
    result = reelscope(env, "search", *args, "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    (line,) = result.stdout.splitlines()
    return json.loads(line), result


def keys(hits) -> list[tuple]:
    return [(h["video_id"], h["start_s"], h["end_s"]) for h in hits]


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for key in KEYS.values():
            assert key not in text


def after_the_rate_window(fake) -> None:
    """Two CLI runs are two processes that share no pacing: the second starts once the service's window
    of one call a second has passed since the first's last call."""
    opens_at = fake.requests[-1]["at"] + fake.rate_window_s
    while time.time() < opens_at:
        time.sleep(0.02)


def test_search_all_returns_every_hit_once_grouped_when_asked_and_no_secret_anywhere(env, fakes, tmp_path):
    outputs: list[str] = []
    twelve = fakes["twelvelabs"]
    flat, result = search(env, TEXT, "--provider", "twelvelabs", "--all")
    outputs += [result.stdout, result.stderr]
    expected = [(m.video_id, m.start, m.end) for m in twelve.matches(TEXT)]
    assert flat["schema"] == "reelscope.search/1" and flat["provider"] == "twelvelabs"
    assert keys(flat["hits"]) == expected and flat["groups"] is None and flat["total"] == len(expected)
    assert twelve.record()["searches"][-1]["page_limit"] == 50  # --all asks for the largest pages
    assert all(h["thumbnail_url"].startswith("http") and h["confidence"] for h in flat["hits"])

    after_the_rate_window(twelve)
    grouped, result = search(env, TEXT, "--provider", "twelvelabs", "--all", "--group-by", "video",
                             "--page-limit", "3")
    outputs += [result.stdout, result.stderr]
    assert sorted(keys(grouped["hits"])) == sorted(expected)
    assert [g["video_id"] for g in grouped["groups"]] == list(dict.fromkeys(h["video_id"] for h in grouped["hits"]))
    assert sum(len(g["hits"]) for g in grouped["groups"]) == len(expected) and grouped["total"] == 10
    assert twelve.record()["rate_limited"] == 0

    eluvio, result = search(env, "life on campus", "--provider", "eluvio", "--all")
    outputs += [result.stdout, result.stderr]
    found = fakes["eluvio"].matches("life on campus", True, 200)
    assert len(eluvio["hits"]) == len(set(keys(eluvio["hits"]))) == len(found) == eluvio["total"]
    assert all(h["thumbnail_url"].startswith("eluvio:/q/") for h in eluvio["hits"])
    assert "authorization=***" in result.stderr  # httpx's DEBUG/INFO lines were there, masked

    page, result = search(env, "dogs", "--provider", "eluvio", "--page-limit", "7")
    outputs += [result.stdout, result.stderr]
    assert len(page["hits"]) == 7

    providers = reelscope(env, "providers", "--json")
    rows = {r["id"]: r for r in map(json.loads, providers.stdout.splitlines())}
    assert rows["twelvelabs"]["configured"] and rows["eluvio"]["configured"]
    outputs += [providers.stdout, providers.stderr]

    assert_no_secret(*outputs)
    data = Path(env["REELSCOPE_DATA_DIR"])
    catalogue = sqlite3.connect(data / "catalogue.sqlite")
    dump = "\n".join(catalogue.iterdump())
    catalogue.close()
    assert_no_secret(dump, *(p.read_bytes().decode("latin-1") for p in data.rglob("*") if p.is_file()))
    assert_no_secret(Path(env["REELSCOPE_CONFIG"]).read_text())


def test_a_clip_analysed_into_a_collection_comes_back_with_its_file(env, fakes, tmp_path):
    clip = make_clip(tmp_path / "harbour.mp4", total_frames=30)
    analysed = reelscope(env, "analyze", str(clip), "--provider", "seeknetic", "--json")
    assert analysed.returncode == 0, analysed.stderr[-3000:]
    found, result = search(env, "boats", "--provider", "seeknetic", "--all", "--group-by", "video")
    ours = [h for h in found["hits"] if h["local_path"]]
    assert ours and all(h["local_path"] == str(clip) and h["title"] == "harbour" for h in ours)
    assert len(found["hits"]) == len(set(keys(found["hits"]))) == 7 * 3
    assert len(found["groups"]) == 7
    assert_no_secret(analysed.stdout, analysed.stderr, result.stdout, result.stderr)


@pytest.mark.parametrize(
    ("change", "args", "words"),
    [
        ({"REELSCOPE_ELUVIO_API_KEY": "elv-wrong-7a1c55"}, ("--provider", "eluvio"),
         ("eluvio", "HTTP 401", "invalid authorization token")),
        ({"REELSCOPE_ELUVIO_INDEX_ID": ""}, ("--provider", "eluvio"), ("no Eluvio index", "--index")),
        ({}, ("--provider", "twelvelabs", "--index", "0" * 24), ("twelvelabs", "HTTP 404", "does not exist")),
        ({}, ("--provider", "twelvelabs", "--collection", "c1"), ("has no search option 'collection_id'",)),
        ({}, ("--provider", "twelvelabs", "--page-limit", "60"), ("Results per page", "out of range")),
        ({"REELSCOPE_ELUVIO_API_KEY": ""}, ("--provider", "eluvio"), ("eluvio: not configured",)),
        ({}, ("--provider", "slipstream"), ("slipstream",)),
    ],
    ids=["wrong-token", "no-index", "unknown-index", "foreign-option", "page-limit", "no-token", "no-search"],
)
def test_failures_are_one_line_naming_provider_status_and_the_services_words(env, change, args, words):
    env.update(change)
    result = reelscope(env, "search", "bears", *args, "--json")
    assert result.returncode == 1 and result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.startswith("reelscope:")]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert all(word in lines[0] for word in words), lines[0]
    assert_no_secret(result.stderr)
    assert "elv-wrong-7a1c55" not in result.stderr
