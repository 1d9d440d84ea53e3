"""The command line as scripts use it: JSON lines on stdout, one clear line on stderr for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

from fakes.media import make_clip, make_empty_file, make_text_file, make_truncated_copy
from reelscope.domain.analysis import Analysis


def reelscope(env, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reelscope", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def test_analyze_prints_the_unified_analysis_and_fills_the_library(cli_env, tmp_path):
    clip = make_clip(tmp_path / "pier.mp4", cut_frames=(20, 40), total_frames=60)
    result = reelscope(cli_env, "analyze", str(clip), "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    analysis = Analysis.from_json(lines[0])
    assert analysis.provider == "local" and analysis.status == "finished"
    assert analysis.video.path == str(clip.resolve()) and analysis.video.title == "pier"
    assert [round(s.start_s * 25) for s in analysis.scenes] == [0, 20, 40]

    library = reelscope(cli_env, "library", "--json")
    assert library.returncode == 0, library.stderr
    rows = [json.loads(line) for line in library.stdout.splitlines()]
    assert [row["video"]["title"] for row in rows] == ["pier"]
    assert rows[0]["analyses"][0]["schema"] == "reelscope.analysis/1"

    search = reelscope(cli_env, "search", "pie", "--json")
    assert search.returncode == 0, search.stderr
    payload = json.loads(search.stdout)
    assert payload["schema"] == "reelscope.search/1" and payload["total"] >= 1
    assert payload["hits"][0]["video_id"] == analysis.video.id


@pytest.mark.parametrize(
    ("maker", "expected"),
    [
        (lambda d: make_empty_file(d / "empty.mp4"), "empty"),
        (lambda d: make_text_file(d / "notes.mp4"), "not"),
        (lambda d: make_truncated_copy(make_clip(d / "whole.mp4", total_frames=50), d / "cut.mp4", 2000), "truncated"),
        (lambda d: make_text_file(d / "notes.txt"), "not a video"),
    ],
    ids=["zero-byte", "text-named-mp4", "truncated", "text-file"],
)
def test_bad_files_give_one_line_on_stderr_and_a_failing_exit(cli_env, tmp_path, maker, expected):
    bad = maker(tmp_path)
    result = reelscope(cli_env, "analyze", str(bad), "--json")
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert bad.name in lines[0] and expected in lines[0].lower()
    assert "Traceback" not in result.stderr


def test_gui_screenshot_waits_for_analysis_and_shows_the_picture(cli_env, tmp_path):
    clips = [
        make_clip(tmp_path / "one.mp4", cut_frames=(25,), total_frames=75, size=(640, 360)),
        make_clip(tmp_path / "two.mp4", cut_frames=(30,), total_frames=60, size=(640, 360)),
    ]
    png = tmp_path / "window.png"
    result = reelscope(cli_env, "gui", *map(str, clips), "--screenshot", str(png), timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    image = Image.open(png).convert("RGB")
    assert image.width >= 1000 and image.height >= 600
    library = reelscope(cli_env, "library", "--json")
    assert len(library.stdout.splitlines()) == 2
    # The generated clips are brightly coloured: the centre of the player must not be the empty dark view.
    centre = image.crop((image.width // 2 - 40, image.height // 3 - 40, image.width // 2 + 40, image.height // 3 + 40))
    brightest = max(centre.convert("L").getextrema())
    assert brightest > 120, "the video picture is missing from the capture"


def test_unknown_provider_is_an_error_line(cli_env, tmp_path):
    clip = make_clip(tmp_path / "a.mp4", total_frames=25)
    result = reelscope(cli_env, "analyze", str(clip), "--provider", "nosuch")
    assert result.returncode != 0 and "nosuch" in result.stderr and "Traceback" not in result.stderr


def test_a_screenshot_run_beside_a_running_window_is_refused(cli_env, tmp_path, qapp):
    from PySide6.QtCore import QLockFile

    from reelscope.app import INSTANCE_LOCK_NAME

    data = Path(cli_env["REELSCOPE_DATA_DIR"])
    data.mkdir(parents=True)
    first_window = QLockFile(str(data / INSTANCE_LOCK_NAME))   # held as a running window holds it
    assert first_window.tryLock(0)
    try:   # a capture of another process's window cannot be taken: no hand-over, a clear refusal
        result = reelscope(cli_env, "gui", "--screenshot", str(tmp_path / "x.png"))
    finally:
        first_window.unlock()
    assert result.returncode == 2
    assert "already running" in result.stderr and "Traceback" not in result.stderr


def test_a_name_that_is_not_utf8_is_analysed_shown_readably_and_stored_losslessly(cli_env, tmp_path):
    folder = tmp_path / "shoot"
    folder.mkdir()
    raw_name = b"caf\xe9 take\xff.mp4"  # Latin-1 bytes, legal on Linux, not UTF-8
    good = make_clip(tmp_path / "plain.mp4", cut_frames=(10,), total_frames=30)
    with open(os.fsencode(folder) + b"/" + raw_name, "wb") as file:
        file.write(good.read_bytes())
    odd_path = os.fsdecode(os.fsencode(folder) + b"/" + raw_name)

    result = reelscope(cli_env, "analyze", odd_path, "--json")
    assert result.returncode == 0, result.stderr
    analysis = json.loads(result.stdout)  # valid JSON whatever the name holds
    assert os.fsencode(analysis["video"]["path"]) == os.fsencode(folder) + b"/" + raw_name
    assert analysis["video"]["title"] == "caf\ufffd take\ufffd"

    shot = reelscope(cli_env, "gui", str(folder), "--screenshot", str(tmp_path / "window.png"), timeout=180)
    assert shot.returncode == 0, shot.stderr[-2000:]
    library = reelscope(cli_env, "library")
    assert "caf\ufffd take\ufffd" in library.stdout


def test_a_name_holding_a_newline_fails_on_one_line(cli_env, tmp_path):
    bad = make_text_file(tmp_path / "two\nlines.mp4")
    result = reelscope(cli_env, "analyze", str(bad))
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "two\\nlines.mp4" in result.stderr


def test_the_library_lists_a_clip_whose_name_holds_a_newline_on_one_line(cli_env, tmp_path):
    clip = make_clip(tmp_path / "new\nline.mp4", cut_frames=(10,), total_frames=30)
    assert reelscope(cli_env, "analyze", str(clip)).returncode == 0
    library = reelscope(cli_env, "library")
    assert library.returncode == 0, library.stderr
    [line] = library.stdout.splitlines()
    assert line.startswith("new\\nline  00:00:01.05")


def test_a_listing_cut_short_by_its_reader_ends_quietly(cli_env, tmp_path):
    clip = make_clip(tmp_path / "pier.mp4", cut_frames=(10,), total_frames=30)
    assert reelscope(cli_env, "analyze", str(clip)).returncode == 0
    # `reelscope library --json | head -c 1`: the reader has gone before the listing is written.
    reader, writer = os.pipe()
    os.close(reader)
    listing = subprocess.run([sys.executable, "-m", "reelscope", "library", "--json"], env=cli_env, stdout=writer,
                             stderr=subprocess.PIPE, text=True, timeout=120)
    os.close(writer)
    assert listing.stderr == ""
    assert listing.returncode == 141


def test_a_batch_goes_on_past_a_file_that_fails_unexpectedly(cli_env, tmp_path, monkeypatch, capsys):
    from reelscope import cli
    from reelscope.services.analysis_run import AnalysisRun

    first, broken, last = (
        make_clip(tmp_path / f"{name}.mp4", cut_frames=(10,), total_frames=20 + n)
        for n, name in enumerate(("first", "broken", "last"))
    )
    execute = AnalysisRun.execute

    async def failing_on_broken(run):
        if run.path.name == "broken.mp4":
            raise ZeroDivisionError("a bug in an analyser")
        return await execute(run)

    for key in ("REELSCOPE_DATA_DIR", "REELSCOPE_CONFIG"):
        monkeypatch.setenv(key, cli_env[key])
    monkeypatch.setattr(AnalysisRun, "execute", failing_on_broken)
    # On a thread of its own, as in a process of its own: this thread may hold the Qt tests' running loop.
    with ThreadPoolExecutor(1) as thread:
        exit_code = thread.submit(cli.main, ["analyze", str(first), str(broken), str(last), "--json"]).result()
    out, err = capsys.readouterr()
    assert exit_code == 1
    assert [json.loads(line)["video"]["title"] for line in out.splitlines()] == ["first", "last"]
    assert len(err.strip().splitlines()) == 1
    assert "broken.mp4" in err and "a bug in an analyser" in err and "Traceback" not in err


def test_a_second_start_hands_its_files_to_the_running_window(cli_env, tmp_path, qapp):
    from PySide6.QtNetwork import QLocalSocket

    from reelscope.qt.instance_server import server_name

    clip = make_clip(tmp_path / "ferry.mp4", cut_frames=(10,), total_frames=30)
    first = subprocess.Popen([sys.executable, "-m", "reelscope", "gui"], env=cli_env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        name = server_name(Path(cli_env["REELSCOPE_DATA_DIR"]))
        deadline = time.monotonic() + 30
        while True:                                  # the running window listens once it is up
            probe = QLocalSocket()
            probe.connectToServer(name)
            if probe.waitForConnected(200):
                probe.disconnectFromServer()
                break
            assert first.poll() is None, first.communicate()[1]
            assert time.monotonic() < deadline, "the first window never listened"
            time.sleep(0.2)

        second = reelscope(cli_env, "gui", os.path.relpath(clip))   # a relative name, from another folder
        assert second.returncode == 0, second.stderr
        assert "handed 1 file" in second.stdout

        deadline = time.monotonic() + 60
        while True:                                  # the first window queued and analysed it
            rows = [json.loads(line) for line in reelscope(cli_env, "library", "--json").stdout.splitlines()]
            if rows and rows[0]["statuses"] and rows[0]["statuses"][0]["status"] == "finished":
                break
            assert time.monotonic() < deadline, f"the running window did not analyse the file: {rows}"
            time.sleep(0.5)
        assert rows[0]["video"]["path"] == str(clip.resolve())
        assert first.poll() is None, "the first window keeps running"
    finally:
        first.terminate()
        first.wait(timeout=20)
def test_analyze_fills_text_people_music_and_sections_and_clips_share_person_ids(cli_env, tmp_path):
    """Two clips analysed one after another into one data folder: the same face is the same person."""
    from fakes import real_media
    from fakes.pictures import Caption, Shot, make_picture_clip, plain
    from fakes.songs import excerpt, placed, read_audio, with_noise

    real_song, _ = real_media.songs()
    music_dir = tmp_path / "music"
    music_dir.mkdir()
    (music_dir / "1918.mp3").write_bytes(real_song.file.read_bytes())
    cli_env["REELSCOPE_MUSIC_DIR"] = str(music_dir)
    astronaut = real_media.rgb(real_media.astronaut())
    hopper = real_media.rgb(real_media.grace_hopper())
    soundtrack = with_noise(placed(excerpt(read_audio(real_song.file), 60.0, 10.0), 1.0, 12.0), 6.0)
    first = make_picture_clip(
        tmp_path / "first.mp4", [Shot(4.0, astronaut, zoom=0.05), Shot(4.0, plain(seed=2)), Shot(4.0, plain(seed=3))],
        size=(960, 540), captions=[Caption("Harbour lights", 5.0, 7.5)], audio=soundtrack,
    )
    second = make_picture_clip(
        tmp_path / "second.mp4", [Shot(3.0, hopper, zoom=0.05), Shot(2.0, plain(seed=4)), Shot(3.0, astronaut)],
        size=(960, 540),
    )
    analyses = []
    for clip in (first, second):
        result = reelscope(cli_env, "analyze", str(clip), "--json", timeout=300)
        assert result.returncode == 0, result.stderr
        analyses.append(Analysis.from_json(result.stdout.strip()))
    one, two = analyses
    [text] = one.ocr
    assert text.text == "Harbour lights" and abs(text.start_s - 5.0) <= 0.5 and abs(text.end_s - 7.5) <= 0.5
    [song] = one.music
    assert (song.title, song.artist) == ("1918", "Anttis instrumentals")
    assert abs(song.song_offset_s - (60.0 + song.start_s - 1.0)) <= 0.1
    assert one.sections and all(section.confidence is not None for section in one.sections)
    collins = {p.person_id for span in one.people for p in span.persons}
    assert len(collins) == 1
    by_start = {round(span.start_s): span.persons[0].person_id for span in two.people}
    assert by_start[5] == next(iter(collins)), "the astronaut again: the same person id"
    assert by_start[0] != by_start[5], "Grace Hopper is somebody else"

    search = reelscope(cli_env, "search", "harbour", "--provider", "local", "--json")
    assert search.returncode == 0, search.stderr
    hits = json.loads(search.stdout)["hits"]
    assert [(h["video_id"], h["start_s"], h["end_s"]) for h in hits] == [(one.video.id, text.start_s, text.end_s)]
    assert hits[0]["snippet"] == "Harbour lights" and hits[0]["highlights"] == [[0, 7]]
