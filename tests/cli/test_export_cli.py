"""`reelscope export` on generated 29.97 drop-frame and 23.976 clips: every cut and marker on its frame."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from test_cli import reelscope

from fakes.export_readers import edl_locators, fcpxml_markers, otio_markers, read_timeline
from fakes.media import make_clip
from reelscope.library.storage import Storage

CUTS = (700, 1850)
TOTAL = 1950          # 65 s at 29.97: past the first minute, where drop-frame labels start to skip
MARKER_FRAMES = {"just before a minute": 1799, "at a minute": 1800, "after it": 1801, "first frame": 0}


def add_markers(data_dir: Path, video_id: str, fps: Fraction) -> None:
    storage = Storage.open(data_dir)
    try:
        for label, frame in MARKER_FRAMES.items():
            storage.database.call(storage.markers.add, video_id, float(Fraction(frame) / fps), label)
    finally:
        storage.close()


@pytest.mark.parametrize("fps", [Fraction(30000, 1001), Fraction(24000, 1001)], ids=["29.97DF", "23.976"])
def test_export_analyses_a_new_file_then_keeps_cuts_and_markers_on_their_frames(cli_env, tmp_path, fps):
    clip = make_clip(tmp_path / "quay.mp4", cut_frames=CUTS, total_frames=TOTAL, fps=fps, size=(192, 108))
    first = reelscope(cli_env, "export", str(clip), "--format", "otio", "--output", str(tmp_path / "first"), "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["path"] == str(tmp_path / "first.otio") and report["clips"] == 1
    library = [json.loads(line) for line in reelscope(cli_env, "library", "--json").stdout.splitlines()]
    assert [row["video"]["title"] for row in library] == ["quay"], "the file was analysed and added first"
    add_markers(Path(cli_env["REELSCOPE_DATA_DIR"]), library[0]["video"]["id"], fps)

    scenes = [(0, CUTS[0]), (CUTS[0], CUTS[1]), (CUTS[1], TOTAL)]
    for export_format, suffix in (("edl", ".edl"), ("fcp7", ".xml"), ("fcpxml", ".fcpxml")):
        path = tmp_path / f"quay{suffix}"
        result = reelscope(cli_env, "export", str(clip), "--format", export_format, "--output", str(path),
                           "--include", "scenes,markers")  # the clip's other finds (sections...) aside
        assert result.returncode == 0, result.stderr
        if export_format == "edl":
            timeline = read_timeline(path, "cmx_3600", float(fps))
            markers = {m.name: m.frame for m in edl_locators(path, float(fps))}
            expected = {label.upper(): frame for label, frame in MARKER_FRAMES.items()}
        elif export_format == "fcp7":
            timeline = read_timeline(path, "fcp_xml")
            markers = {m.name: m.frame for m in otio_markers(timeline)}
            expected = MARKER_FRAMES
        else:
            timeline = read_timeline(path, "fcpx_xml")
            assert len(otio_markers(timeline)) == len(MARKER_FRAMES)
            markers = {m.name: m.frame for m in fcpxml_markers(path)}
            expected = MARKER_FRAMES
        assert markers == expected, export_format
        if export_format != "fcpxml":  # OTIO's FCPXML reader counts 29.97 as 29 (see export_readers)
            pieces = timeline.tracks[0].find_clips()
            assert [(round(p.source_range.start_time.value), round(p.source_range.end_time_exclusive().value))
                    for p in pieces] == scenes, export_format
        assert str(clip.resolve()) in path.read_text() or clip.resolve().as_uri() in path.read_text()


def test_export_of_a_bad_file_is_one_line_and_writes_nothing(cli_env, tmp_path):
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video")
    result = reelscope(cli_env, "export", str(bad), "--format", "edl", "--output", str(tmp_path / "out.edl"))
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "notes.mp4" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out.edl").exists()


def test_subtitles_of_clips_without_text_say_so(cli_env, tmp_path):
    clip = make_clip(tmp_path / "plain.mp4", cut_frames=(10,), total_frames=30)
    result = reelscope(cli_env, "export", str(clip), "--format", "srt", "--output", str(tmp_path / "plain.srt"))
    assert result.returncode == 1 and "no on-screen text" in result.stderr
    assert not (tmp_path / "plain.srt").exists()
