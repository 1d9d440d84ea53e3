"""Export documents and every export format, read back and compared to the frame."""

from __future__ import annotations

import csv
import html
import math
from datetime import timedelta
from fractions import Fraction

import opentimelineio as otio
import pytest
import srt
import webvtt

from fakes.analyses import make_analysis, make_video
from fakes.export_readers import edl_locators, fcpxml_markers, otio_markers, read_timeline
from reelscope.domain.analysis import Analysis, MusicMatch, OcrText, Scene, Tag
from reelscope.domain.export import (
    ExportDocument,
    ExportFormat,
    ExportTrackKind,
    export_clip,
)
from reelscope.domain.frame_rate import FrameRate
from reelscope.domain.markers import UserMarker
from reelscope.services.export_writers import write_document

NTSC = Fraction(30000, 1001)
FILM = Fraction(24000, 1001)


@pytest.mark.parametrize("frame", [0, 29, 1799, 1800, 1801, 17981, 17982, 17983, 107891, 107892, 1_000_003])
def test_drop_frame_timecode_counts_as_smpte_does(frame):
    rate = FrameRate.from_fps(float(NTSC))
    assert rate.drop_frame and rate.fraction == NTSC
    expected = otio.opentime.to_timecode(otio.opentime.RationalTime(frame, float(NTSC)), float(NTSC), True)
    assert rate.timecode(frame) == expected


@pytest.mark.parametrize(
    ("fps", "fraction", "label"),
    [(23.976023976, FILM, "23.976"), (25.0, Fraction(25), "25"), (59.94005994, Fraction(60000, 1001), "59.94 DF"),
     (24.0, Fraction(24), "24")],
)
def test_measured_rates_snap_to_the_rate_an_editor_knows(fps, fraction, label):
    rate = FrameRate.from_fps(fps)
    assert rate.fraction == fraction and rate.label == label
    assert rate.frame_at(rate.seconds_at(12345)) == 12345


def long_clip_analysis(fps: Fraction) -> tuple[Analysis, list[UserMarker]]:
    """90 s, past the first minutes where drop-frame labels start to skip, with text, tags and music."""
    video = make_video("harbour.mp4", duration_s=float(2700 / fps)).model_copy(update={"fps": float(fps)})
    scene_frames = (0, 700, 1850, 2700)
    seconds = [float(Fraction(f) / fps) for f in scene_frames]
    analysis = make_analysis(
        video,
        scenes=tuple(Scene(start_s=a, end_s=b) for a, b in zip(seconds, seconds[1:])),
        tags=(Tag(tag="gull", start_s=float(Fraction(1799) / fps), end_s=float(Fraction(2100) / fps)),),
        music=(MusicMatch(title="Surf Rider", artist="The Lively Ones", start_s=0.0, end_s=30.0),),
    ).model_copy(update={"ocr": (
        OcrText(text="EXIT 12", start_s=float(Fraction(60) / fps), end_s=float(Fraction(130) / fps)),
        OcrText(text="Harbour <master>", start_s=float(Fraction(1801) / fps), end_s=float(Fraction(1900) / fps)),
    )})
    markers = [
        UserMarker(id=1, video_id=video.id, time_s=float(Fraction(1800) / fps), label="best take"),
        UserMarker(id=2, video_id=video.id, time_s=float(Fraction(2699) / fps)),
    ]
    return analysis, markers


EXPECTED_MARKERS = {  # name -> frame, at any rate: the analysis above is built on these frames
    "Text: EXIT 12": 60,
    "Text: Harbour <master>": 1801,
    "Tags: gull": 1799,
    "Music: Surf Rider — The Lively Ones": 0,
    "best take": 1800,
    "Marker 2": 2699,
}
EXPECTED_SCENES = [(0, 700), (700, 1850), (1850, 2700)]


@pytest.fixture(params=[NTSC, FILM, Fraction(25)], ids=["29.97DF", "23.976", "25"])
def document(request) -> ExportDocument:
    analysis, markers = long_clip_analysis(request.param)
    return ExportDocument(name="harbour", clips=(export_clip(analysis.video, [analysis], markers),))


def test_export_clip_puts_every_track_on_whole_frames(document):
    clip = document.clips[0]
    assert clip.total_frames == 2700 and (clip.in_frame, clip.out_frame) == (0, 2700)
    scenes = clip.track(ExportTrackKind.SCENES)
    assert [(i.start_frame, i.end_frame) for i in scenes.items] == EXPECTED_SCENES
    assert [i.start_frame for i in clip.track(ExportTrackKind.MARKERS).items] == [1800, 2699]
    assert clip.track(ExportTrackKind.OCR).title == "Text (Local)"


def test_a_range_keeps_what_overlaps_it_cut_at_its_edges():
    analysis, markers = long_clip_analysis(Fraction(25))
    clip = export_clip(analysis.video, [analysis], markers, range_s=(70.0, 80.0),
                       include={ExportTrackKind.TAGS, ExportTrackKind.MARKERS, ExportTrackKind.OCR})
    assert (clip.in_frame, clip.out_frame) == (1750, 2000)
    assert [(t.kind, [(i.start_frame, i.end_frame) for i in t.items]) for t in clip.tracks] == [
        (ExportTrackKind.OCR, [(1801, 1900)]),
        (ExportTrackKind.TAGS, [(1799, 2000)]),
        (ExportTrackKind.MARKERS, [(1800, 1800)]),
    ]
    trimmed = clip.analyses[0]
    assert trimmed.scenes == () and trimmed.music == ()
    assert [(t.start_s, t.end_s) for t in trimmed.tags] == [(pytest.approx(1799 / 25), 80.0)]


def test_otio_holds_named_clips_markers_and_reference_lanes(document, tmp_path):
    path = tmp_path / "harbour.otio"
    write_document(document, ExportFormat.OTIO, path)
    timeline = read_timeline(path, "otio_json")
    rate = document.clips[0].rate.fps
    picture = timeline.tracks[0]
    assert [c.name for c in picture.find_clips()] == ["harbour · Scene 1", "harbour · Scene 2", "harbour · Scene 3"]
    assert [(round(c.source_range.start_time.value), round(c.source_range.end_time_exclusive().value))
            for c in picture.find_clips()] == EXPECTED_SCENES
    assert all(c.source_range.start_time.rate == pytest.approx(rate) for c in picture.find_clips())
    assert {m.name: m.frame for m in otio_markers(timeline)} == EXPECTED_MARKERS
    url = picture.find_clips()[0].media_reference.target_url
    assert url == "file:///media/clips/harbour.mp4"
    lanes = {track.name: track for track in timeline.tracks[1:]}
    assert set(lanes) == {"Text", "Tags", "Music"} and not any(t.enabled for t in lanes.values())
    assert [c.name for c in lanes["Text"].find_clips()] == ["EXIT 12", "Harbour <master>"]
    text_starts = [round(lanes["Text"].range_of_child(c).start_time.value) for c in lanes["Text"].find_clips()]
    assert text_starts == [60, 1801]


def test_fcp7_xml_keeps_every_marker_on_its_frame(document, tmp_path):
    path = tmp_path / "harbour.xml"
    write_document(document, ExportFormat.FCP7, path)
    timeline = read_timeline(path, "fcp_xml")
    clips = timeline.tracks[0].find_clips()
    assert [(round(c.source_range.start_time.value), round(c.source_range.end_time_exclusive().value))
            for c in clips] == EXPECTED_SCENES
    assert clips[0].source_range.start_time.rate == pytest.approx(document.clips[0].rate.fps, abs=1e-3)
    assert {m.name: m.frame for m in otio_markers(timeline)} == EXPECTED_MARKERS
    drop_frame = document.clips[0].rate.drop_frame
    assert ("<displayformat>DF</displayformat>" in path.read_text()) == drop_frame


def test_edl_keeps_every_locator_on_its_frame(document, tmp_path):
    path = tmp_path / "harbour.edl"
    write_document(document, ExportFormat.EDL, path)
    rate = document.clips[0].rate
    timeline = read_timeline(path, "cmx_3600", rate.fps)
    assert [(round(c.source_range.start_time.value), round(c.source_range.end_time_exclusive().value))
            for c in timeline.tracks[0].find_clips()] == EXPECTED_SCENES
    locators = edl_locators(path, rate.fps)
    assert {m.name: m.frame for m in locators} == {name.upper(): frame for name, frame in EXPECTED_MARKERS.items()}
    text = path.read_text()
    assert ("00:01:00;02" in text) == rate.drop_frame   # frame 1800 labelled as drop-frame counts it


def test_fcpxml_keeps_every_marker_on_its_frame(document, tmp_path):
    path = tmp_path / "harbour.fcpxml"
    write_document(document, ExportFormat.FCPXML, path)
    timeline = read_timeline(path, "fcpx_xml")   # OpenTimelineIO reads it (its times are whole-rate: see readers)
    assert [c.name for c in timeline.tracks[0].find_clips()] == [
        "harbour · Scene 1", "harbour · Scene 2", "harbour · Scene 3"
    ]
    assert sorted(m.name for m in otio_markers(timeline)) == sorted(EXPECTED_MARKERS)
    assert {m.name: m.frame for m in fcpxml_markers(path)} == EXPECTED_MARKERS
    rate = document.clips[0].rate
    assert f'frameDuration="{rate.denominator}/{rate.numerator}s"' in path.read_text()


def test_subtitles_carry_the_text_on_its_frames(document, tmp_path):
    rate = document.clips[0].rate.fraction
    write_document(document, ExportFormat.SRT, tmp_path / "t.srt")
    write_document(document, ExportFormat.VTT, tmp_path / "t.vtt")
    cues = list(srt.parse((tmp_path / "t.srt").read_text(encoding="utf-8")))
    assert [c.content for c in cues] == ["EXIT 12", "Harbour <master>"]
    assert [math.floor(_exact(c.start) * rate) for c in cues] == [60, 1801]
    assert [math.floor(_exact(c.end) * rate) for c in cues] == [130, 1900]
    captions = webvtt.read(str(tmp_path / "t.vtt"))
    assert [html.unescape(c.text) for c in captions] == ["EXIT 12", "Harbour <master>"]  # the parser keeps &lt;
    assert [math.floor(_vtt_seconds(c.start) * rate) for c in captions] == [60, 1801]


def _exact(delta: timedelta) -> Fraction:
    return Fraction(delta // timedelta(microseconds=1), 1_000_000)


def _vtt_seconds(stamp: str) -> Fraction:
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + Fraction(seconds)


def test_csv_lists_every_track_item_with_frames_and_timecode(document, tmp_path):
    path = tmp_path / "t.csv"
    write_document(document, ExportFormat.CSV, path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    clip = document.clips[0]
    assert len(rows) == sum(len(t.items) for t in clip.tracks)
    tag = next(r for r in rows if r["track"] == "tags")
    assert (tag["name"], int(tag["start_frame"]), tag["start_timecode"]) == ("gull", 1799, clip.rate.timecode(1799))
    assert {r["track"] for r in rows} == {"scenes", "ocr", "tags", "music", "markers"}


def test_json_is_the_analysis_schema_with_the_markers_beside_it(document, tmp_path):
    import json

    path = tmp_path / "t.json"
    write_document(document, ExportFormat.JSON, path)
    lines = path.read_text().splitlines()
    analysis = Analysis.from_json(lines[0])
    assert analysis.provider == "local" and [o.text for o in analysis.ocr] == ["EXIT 12", "Harbour <master>"]
    markers = json.loads(lines[1])
    assert markers["schema"] == "reelscope.markers/1"
    assert [m["label"] for m in markers["markers"]] == ["best take", ""]


def test_clips_at_two_rates_make_one_timeline_but_no_edl(tmp_path):
    from reelscope.services.export_writers.timeline import MixedRates

    first, first_markers = long_clip_analysis(NTSC)
    second, _ = long_clip_analysis(FILM)
    second = second.model_copy(update={"video": second.video.model_copy(update={"id": "other", "title": "pier"})})
    document = ExportDocument(name="two", clips=(
        export_clip(first.video, [first], first_markers), export_clip(second.video, [second]),
    ))
    write_document(document, ExportFormat.FCP7, tmp_path / "two.xml")
    timeline = read_timeline(tmp_path / "two.xml", "fcp_xml")
    clips = timeline.tracks[0].find_clips()
    assert [c.name for c in clips][2:4] == ["harbour · Scene 3", "pier · Scene 1"]
    assert clips[3].source_range.start_time.rate == pytest.approx(float(FILM), abs=1e-3)
    with pytest.raises(MixedRates, match="one frame rate"):
        write_document(document, ExportFormat.EDL, tmp_path / "two.edl")
