"""Full local analysis of a 60 s 720p clip as a multiple of realtime, with each stage's share.

The clip: twelve 5 s shots of real faces, real street signs, title cards and plain scenes, some
with captions, under a soundtrack of a song from the music folder with noise. Targets on 2 cores:
at least 2x realtime for cuts, faces and music together; OCR at least 1x realtime (with change
skipping). The baseline is decoding the same clip alone, measured in the same run.

Run: .venv/bin/python -m pytest -m bench -s tests/bench/test_bench_local_depth.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import av
import pytest
from targets import check_target

from fakes import real_media
from fakes.pictures import Caption, Shot, card, make_picture_clip, plain
from fakes.songs import song, with_noise, write_wav
from reelscope.providers.local.music.index import MusicIndex
from reelscope.providers.local.pipeline import EngineOptions, analyze_clip

CLIP_S = 60.0
SIZE = (1280, 720)
CUTS_FACES_MUSIC_TARGET = 2.0
OCR_TARGET = 1.0
MEDIA_CACHE = Path(tempfile.gettempdir()) / "reelscope-bench-media-v3"


def bench_media() -> tuple[Path, Path]:
    """(clip, music folder), made once and kept between runs."""
    folder = MEDIA_CACHE / "music"
    clip = MEDIA_CACHE / "depth-720p-60s.mp4"
    if not clip.exists():
        for seed in (21, 22, 23):
            write_wav(folder / f"Bench Band - Song {seed}.wav", song(seed, seconds=70))
        astronaut = real_media.rgb(real_media.astronaut())
        hopper = real_media.rgb(real_media.grace_hopper())
        signs = [real_media.rgb(real_media.sign_photo(photo)) for photo in real_media.SIGN_PHOTOS[:3]]
        pictures = [astronaut, signs[0], hopper, card("PART ONE", SIZE), plain(size=SIZE, seed=1), signs[1],
                    astronaut, plain((80, 60, 90), size=SIZE, seed=2), signs[2], hopper, card("THE END", SIZE),
                    plain((50, 80, 90), size=SIZE, seed=3)]
        shots = [Shot(CLIP_S / len(pictures), picture, zoom=0.04) for picture in pictures]
        captions = [Caption("Harbour lights at dusk", 21.0, 24.0), Caption("Filmed in Brighton", 36.0, 39.5)]
        soundtrack = with_noise(song(22, seconds=70)[int(5 * 48_000): int((5 + CLIP_S) * 48_000)], 6.0)
        partial = make_picture_clip(clip.with_suffix(".part.mp4"), shots, size=SIZE, captions=captions,
                                    audio=soundtrack, preset="veryfast")
        partial.rename(clip)
    return clip, folder


def decode_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        started = time.perf_counter()
        for _ in container.decode(stream):
            pass
    return time.perf_counter() - started


@pytest.mark.bench
def test_full_local_analysis_of_a_60s_720p_clip(tmp_path):
    clip, folder = bench_media()
    index_path = tmp_path / "music.sqlite"
    index = MusicIndex(index_path)
    index.refresh(folder)  # the background indexing, done before the clip arrives
    index.close()
    options = EngineOptions(music_dir=str(folder), music_index=str(index_path))
    analyze_clip(clip, tmp_path / "warm", EngineOptions.scenes_only())  # warm the file cache
    decode_s = decode_seconds(clip)
    started = time.perf_counter()
    result = analyze_clip(clip, tmp_path / "thumbnails", options)
    total_s = time.perf_counter() - started
    stages = result.stage_seconds
    analysis = result.analysis
    cuts_s = stages.get("decode and cuts", 0.0) + stages.get("frame sampling", 0.0)
    faces_s, music_s, ocr_s = stages.get("faces", 0.0), stages.get("music", 0.0), stages.get("ocr", 0.0)
    print(f"\nfull local analysis of {CLIP_S:.0f} s 720p: {total_s:.1f} s = {CLIP_S / total_s:.2f}x realtime "
          f"(decoding alone {decode_s:.1f} s = {CLIP_S / decode_s:.0f}x realtime; "
          f"analysis/decode {total_s / decode_s:.1f}x)")
    for name, seconds in sorted(stages.items(), key=lambda item: -item[1]):
        print(f"  {name:<16} {seconds:6.2f} s  {seconds / total_s:5.1%}")
    together = cuts_s + faces_s + music_s
    print(f"  cuts + faces + music: {CLIP_S / together:.2f}x realtime (target {CUTS_FACES_MUSIC_TARGET}x); "
          f"OCR: {CLIP_S / max(ocr_s, 1e-6):.2f}x realtime (target {OCR_TARGET}x)")
    print(f"  found: {len(analysis.scenes)} scenes, {len(analysis.ocr)} text spans, "
          f"{len({p.person_id for s in analysis.people for p in s.persons})} persons, "
          f"{[m.title for m in analysis.music]} music, {len(analysis.sections)} sections")
    check_target("cuts + faces + music", CLIP_S / together, ">=", CUTS_FACES_MUSIC_TARGET, "x realtime")
    check_target("OCR", CLIP_S / max(ocr_s, 1e-6), ">=", OCR_TARGET, "x realtime")
    assert analysis.music and analysis.music[0].title == "Song 22"
    assert CLIP_S / together >= CUTS_FACES_MUSIC_TARGET * 0.5, "far below the target"
    assert CLIP_S / max(ocr_s, 1e-6) >= OCR_TARGET * 0.5, "far below the target"
