"""probe(): the facts of a video file, and clear reasons when a file is not one."""

from __future__ import annotations

import hashlib

import pytest

from fakes.media import (
    make_audio_only_clip,
    make_clip,
    make_empty_file,
    make_text_file,
    make_truncated_copy,
)
from reelscope.domain.errors import MediaError
from reelscope.domain.thumbnails import video_id_for
from reelscope.providers.local.pipeline import analyze_file
from reelscope.providers.local.probe import probe


def test_probe_reports_the_clip_facts(tmp_path):
    clip = make_clip(tmp_path / "Interview take 2.mp4", total_frames=50, fps=25, size=(320, 240))

    info = probe(clip)

    sha256 = hashlib.sha256(clip.read_bytes()).hexdigest()
    assert info.sha256 == sha256
    assert info.id == video_id_for(sha256)
    assert info.title == "Interview take 2"
    assert info.path == str(clip.absolute())
    assert info.duration_s == pytest.approx(2.0, abs=0.05)
    assert info.fps == pytest.approx(25.0)
    assert (info.width, info.height) == (320, 240)
    assert info.size_bytes == clip.stat().st_size
    assert info.codec == "h264"
    assert info.has_audio is False


def test_probe_sees_an_audio_track(tmp_path):
    assert probe(make_clip(tmp_path / "tone.mp4", audio=True)).has_audio is True


def test_probe_takes_a_relative_path_and_answers_an_absolute_one(tmp_path, monkeypatch):
    make_clip(tmp_path / "clip.mp4")
    monkeypatch.chdir(tmp_path)
    assert probe("clip.mp4").path == str(tmp_path / "clip.mp4")


def reason_for(path) -> str:
    with pytest.raises(MediaError) as caught:
        probe(path)
    assert caught.value.path == str(path)
    return caught.value.reason


def test_an_empty_file_is_refused(tmp_path):
    assert reason_for(make_empty_file(tmp_path / "empty.mp4")) == "empty file (0 bytes)"


def test_a_truncated_file_is_refused(tmp_path):
    clip = make_clip(tmp_path / "whole.mp4", cut_frames=(20,))
    truncated = make_truncated_copy(clip, tmp_path / "half.mp4")
    assert "truncated" in reason_for(truncated)


def test_a_truncated_streaming_file_fails_analysis(tmp_path):
    """With its index first, a cut-short file still opens: the missing frames give it away."""
    clip = make_clip(tmp_path / "whole.mp4", cut_frames=(20,), faststart=True)
    truncated = make_truncated_copy(clip, tmp_path / "half.mp4")
    with pytest.raises(MediaError, match="truncated"):
        analyze_file(truncated, tmp_path / "thumbnails")


def test_a_text_file_named_like_a_video_is_refused(tmp_path):
    assert "not a video" in reason_for(make_text_file(tmp_path / "notes.mp4"))


def test_an_audio_file_is_refused(tmp_path):
    assert "no video stream" in reason_for(make_audio_only_clip(tmp_path / "song.mp4"))


def test_an_mp4_whose_index_lost_its_tracks_is_called_damaged_not_audio(tmp_path):
    clip = make_clip(tmp_path / "take.mp4", total_frames=10)
    damaged = tmp_path / "damaged.mp4"
    damaged.write_bytes(clip.read_bytes().replace(b"trak", b"free"))   # the index no longer lists the track
    reason = reason_for(damaged)
    assert "truncated or not a video" in reason and "audio" not in reason


def test_a_missing_file_is_refused(tmp_path):
    assert reason_for(tmp_path / "gone.mp4") == "file not found"


def test_a_folder_is_refused(tmp_path):
    folder = tmp_path / "folder.mp4"
    folder.mkdir()
    assert "folder" in reason_for(folder)
