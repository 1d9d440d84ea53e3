"""Music recognition: clips carrying songs of the music folder (real recordings and generated ones)
under noise are matched with title, artist and offset; silence, noise, speech and unknown songs
match nothing; the folder's fingerprints are cached by file hash."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from fakes import real_media
from fakes.pictures import Shot, make_picture_clip, plain
from fakes.songs import RATE, excerpt, placed, read_audio, song, with_noise, write_wav
from reelscope.providers.local.music.index import MusicIndex
from reelscope.providers.local.music.matcher import match_clip
from reelscope.providers.local.pipeline import EngineOptions, analyze_clip

CLIP_S = 16.0
EDGE_S = 1.5
"""How far a match's edges may lie from where the song starts and stops: they fall on the first and last
landmarks that agree, and a quiet bar has few. The offset itself is held to 0.1 s."""
SONG_AT_S = 3.0
EXCERPT_S = 10.0
SNR_DB = 6.0


def clip_with_audio(path, audio):
    return make_picture_clip(path, [Shot(CLIP_S, plain(size=(320, 180)))], size=(320, 180), audio=audio)


def noisy_excerpt(samples, from_s):
    return with_noise(placed(excerpt(samples, from_s, EXCERPT_S), SONG_AT_S, CLIP_S), SNR_DB)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A music folder: one real recording (tagged) and two generated songs named "Artist - Title"."""
    root = tmp_path_factory.mktemp("music")
    real, _unknown = real_media.songs()
    shutil.copy(real.file, root / "1918.mp3")
    write_wav(root / "The Generators - Seed Eleven.wav", song(11, seconds=40))
    write_wav(root / "nested" / "Seed Twelve.wav", song(12, seconds=40))
    return root


@pytest.fixture(scope="module")
def index(folder, tmp_path_factory):
    index = MusicIndex(tmp_path_factory.mktemp("data") / "music-fingerprints.sqlite")
    report = index.refresh(folder)
    assert (report.songs, report.fingerprinted, report.unreadable) == (3, 3, 0)
    yield index
    index.close()


def test_a_real_song_under_noise_is_matched_with_its_offset(index, tmp_path):
    real, _ = real_media.songs()
    clip = clip_with_audio(tmp_path / "real.mp4", noisy_excerpt(read_audio(real.file), from_s=42.3))
    [match] = match_clip(clip, index, CLIP_S)
    assert (match.title, match.artist) == ("1918", "Anttis instrumentals"), "from the file's tags"
    assert abs(match.start_s - SONG_AT_S) <= EDGE_S and abs(match.end_s - (SONG_AT_S + EXCERPT_S)) <= EDGE_S
    # Where in the song the match's start falls:
    assert match.song_offset_s == pytest.approx(42.3 + (match.start_s - SONG_AT_S), abs=0.1)


@pytest.mark.parametrize(("seed", "title", "artist", "from_s"), [
    (11, "Seed Eleven", "The Generators", 17.25),
    (12, "Seed Twelve", None, 4.8),
])
def test_a_generated_song_under_noise_is_matched_with_its_offset(index, tmp_path, seed, title, artist, from_s):
    clip = clip_with_audio(tmp_path / "generated.mp4", noisy_excerpt(song(seed, seconds=40), from_s))
    [match] = match_clip(clip, index, CLIP_S)
    assert (match.title, match.artist) == (title, artist), "from the file name"
    assert abs(match.start_s - SONG_AT_S) <= EDGE_S and abs(match.end_s - (SONG_AT_S + EXCERPT_S)) <= EDGE_S
    assert match.song_offset_s == pytest.approx(from_s + (match.start_s - SONG_AT_S), abs=0.1)


def test_silence_noise_and_unknown_songs_match_nothing(index, tmp_path):
    _, unknown = real_media.songs()
    silence = placed(song(1, seconds=1) * 0, 0, CLIP_S)
    noise = with_noise(placed(song(1, seconds=1) * 1e-6, 0, CLIP_S), -20)
    unknown_real = noisy_excerpt(read_audio(unknown.file), from_s=60.0)
    unknown_generated = noisy_excerpt(song(99, seconds=40), from_s=5.0)
    for name, audio in [("silence", silence), ("noise", noise), ("unknown-real", unknown_real),
                        ("unknown-generated", unknown_generated)]:
        clip = clip_with_audio(tmp_path / f"{name}.mp4", audio)
        assert match_clip(clip, index, CLIP_S) == [], name


def test_speech_matches_nothing(index, tmp_path):
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        real_media.require(tmp_path / "espeak-ng", "espeak-ng (Debian) to speak a test sentence")
    speech_file = tmp_path / "speech.wav"
    sentence = (
        "Good evening. Tonight the harbour lights were switched on for the first time since the storm. "
        "The mayor thanked the volunteers who worked through the weekend to repair the pier."
    )
    subprocess.run([espeak, "-w", str(speech_file), sentence], check=True, timeout=60)
    speech = read_audio(speech_file)
    clip = clip_with_audio(tmp_path / "speech.mp4", with_noise(placed(speech[: int(12 * RATE)], 2.0, CLIP_S), 20))
    assert match_clip(clip, index, CLIP_S) == []


def test_a_song_played_twice_in_a_clip_gives_two_matches_with_their_offsets(index, tmp_path):
    samples = song(11, seconds=40)
    audio = placed(excerpt(samples, 2.0, 5.0), 1.0, CLIP_S) + placed(excerpt(samples, 30.0, 6.0), 9.0, CLIP_S)
    clip = clip_with_audio(tmp_path / "twice.mp4", with_noise(audio, 12))
    first, second = match_clip(clip, index, CLIP_S)
    assert first.start_s == pytest.approx(1.0, abs=EDGE_S) and second.start_s == pytest.approx(9.0, abs=EDGE_S)
    assert first.song_offset_s == pytest.approx(2.0 + first.start_s - 1.0, abs=0.1)
    assert second.song_offset_s == pytest.approx(30.0 + second.start_s - 9.0, abs=0.1)


def test_the_folder_is_fingerprinted_once_and_follows_renames_and_removals(folder, tmp_path):
    work = tmp_path / "music"
    shutil.copytree(folder, work)
    index = MusicIndex(tmp_path / "index.sqlite")
    try:
        assert index.refresh(work).fingerprinted == 3
        assert index.refresh(work).fingerprinted == 0, "unchanged files are not read again"
        (work / "The Generators - Seed Eleven.wav").rename(work / "renamed.wav")
        report = index.refresh(work)
        assert (report.songs, report.fingerprinted) == (3, 0), "a renamed song is found by its content hash"
        (work / "1918.mp3").unlink()
        assert index.song_count() == 3
        assert index.refresh(work).songs == 2 and index.song_count() == 2, "a removed song no longer matches"
        (work / "broken.mp3").write_bytes(b"not audio at all" * 100)
        assert index.refresh(work).unreadable == 1
    finally:
        index.close()


def test_the_pipeline_matches_music_only_when_a_folder_is_set(folder, tmp_path):
    real, _ = real_media.songs()
    clip = clip_with_audio(tmp_path / "with-music.mp4", noisy_excerpt(read_audio(real.file), from_s=100.0))
    options = EngineOptions(ocr=False, faces=False, sections=False, music_dir=str(folder),
                            music_index=str(tmp_path / "data" / "music.sqlite"))
    stages: list[str] = []
    result = analyze_clip(clip, tmp_path / "thumbnails", options, on_stage=stages.append)
    assert [(m.title, m.artist) for m in result.analysis.music] == [("1918", "Anttis instrumentals")]
    assert "Matching music" in stages
    without = analyze_clip(clip, tmp_path / "thumbnails", EngineOptions(ocr=False, faces=False, sections=False))
    assert without.analysis.music == ()
