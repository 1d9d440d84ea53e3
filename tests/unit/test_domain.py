"""The unified models keep their JSON contract; the pure helpers say what the user will read."""

import json

import pytest
from pydantic import ValidationError

from fakes.analyses import make_video
from reelscope.domain.analysis import (
    Activity,
    Analysis,
    AnalysisStatus,
    MusicMatch,
    OcrText,
    PeopleSpan,
    PersonPresence,
    Scene,
    Section,
    Tag,
    TimeSpan,
)
from reelscope.domain.jobs import Job, JobState, estimate_eta_s
from reelscope.domain.media import refusal_reason, title_from_name
from reelscope.domain.overlay import overlay_lines
from reelscope.domain.search import SearchHit, SearchResult, group_by_video
from reelscope.domain.timecode import format_clock, format_timecode
from reelscope.domain.timeline import TrackKind, tracks_from_analysis

VIDEO = make_video("beach.mp4", folder="/media", duration_s=12.0)


def full_analysis() -> Analysis:
    return Analysis(
        provider="local",
        status=AnalysisStatus.FINISHED,
        video=VIDEO,
        scenes=(Scene(start_s=0, end_s=4), Scene(start_s=4, end_s=12)),
        activity=Activity(interval_s=0.04, values=(0.0, 0.5, 1.0)),
        sections=(Section(tag="intro", segments=(TimeSpan(start_s=0, end_s=4),), thumbnail_s=1.0, confidence=0.9),),
        ocr=(OcrText(text="OPEN DAILY", language="en", start_s=1, end_s=2, confidence=0.97),),
        people=(PeopleSpan(start_s=2, end_s=5, persons=(PersonPresence(person_id="p1", age=30, gender="f"),)),),
        tags=(Tag(tag="wide shot", category="shot size", probability=0.8, start_s=0, end_s=4),),
        music=(MusicMatch(title="Tide", artist="Waves", isrc="XX0000000001", score=88, start_s=0, end_s=12),),
    )


def test_analysis_json_has_the_documented_shape_and_round_trips():
    analysis = full_analysis()
    payload = json.loads(analysis.to_json())
    assert payload["schema"] == "reelscope.analysis/1"
    assert set(payload) == {"schema", "provider", "status", "error", "video", "scenes", "transitions", "activity",
                            "sections", "ocr", "people", "tags", "music"}
    assert payload["scenes"][1] == {"start_s": 4.0, "end_s": 12.0}
    assert payload["people"][0]["persons"][0]["person_id"] == "p1"
    assert Analysis.from_json(analysis.to_json()) == analysis


def test_missing_categories_are_empty_lists_and_null():
    payload = json.loads(Analysis(provider="local", status="failed", error="empty file", video=VIDEO).to_json())
    assert payload["scenes"] == [] and payload["music"] == [] and payload["activity"] is None
    assert payload["error"] == "empty file"


def test_models_are_frozen_and_reject_reversed_spans():
    with pytest.raises(ValidationError):
        VIDEO.title = "other"
    with pytest.raises(ValidationError):
        Scene(start_s=5, end_s=1)


def test_scene_lookup_at_playhead():
    analysis = full_analysis()
    assert analysis.scene_index_at(0.0) == 0
    assert analysis.scene_index_at(4.0) == 1
    assert analysis.scene_index_at(12.0) == 1
    assert overlay_lines([analysis], 5.0) == ["Scene 2 of 2", "Music: Tide — Waves"]
    assert overlay_lines([analysis], 1.5, {"p1": "Ada"}) == [
        "Scene 1 of 2", "Section: intro", "Text: “OPEN DAILY”", "Music: Tide — Waves",
    ]
    assert overlay_lines([analysis], 3.0, {"p1": "Ada"}) == [
        "Scene 1 of 2", "Section: intro", "Faces: Ada", "Music: Tide — Waves",
    ]


def test_timeline_tracks_from_an_analysis():
    tracks = tracks_from_analysis(full_analysis())
    assert [t.title for t in tracks] == ["Scenes", "Activity", "Sections", "Text on screen", "P1", "Tags", "Music"]
    scenes, activity = tracks[:2]
    ocr, person, music = tracks[3], tracks[4], tracks[6]
    assert [(s.label, s.start_s, s.end_s) for s in ocr.spans] == [("OPEN DAILY", 1, 2)]
    assert person.key == "local/people/p1" and [(s.start_s, s.end_s) for s in person.spans] == [(2, 5)]
    assert music.spans[0].label == "Tide — Waves"
    assert tracks_from_analysis(full_analysis(), {"p1": "Ada"})[4].title == "Ada"
    assert [s.label for s in scenes.spans] == ["1", "2"]
    assert scenes.spans[1].tooltip == "Scene 2: 00:00:04.00 – 00:00:12.00 (8.00 s)"
    assert activity.kind is TrackKind.GRAPH and max(activity.values) == 1.0


def test_refusals_explain_themselves():
    assert refusal_reason("clip.MP4", 10) is None
    assert "not a video" in refusal_reason("notes.txt", 10)
    assert "without an extension" in refusal_reason("README", 10)
    assert refusal_reason("empty.mov", 0) == "empty file (0 bytes)"
    assert title_from_name("beach day.mov") == "beach day"


def test_time_formats():
    assert format_clock(75.4) == "1:15"
    assert format_clock(3725) == "01:02:05"
    assert format_timecode(72.16, 25) == "00:01:12.04"
    assert format_timecode(1.0 / 30 * 31, 30) == "00:00:01.01"


def test_eta_extrapolates_from_progress():
    job = Job(id=1, path="/a.mp4", provider="local", state=JobState.RUNNING, progress=0.25,
              created_at=0, started_at=100)
    assert estimate_eta_s(job, now=110) == pytest.approx(30)
    assert estimate_eta_s(job.model_copy(update={"state": JobState.QUEUED}), now=110) is None


def test_search_result_groups_by_clip_in_first_seen_order():
    hits = [
        SearchHit(video_id="b", title="B", start_s=0, end_s=1, score=0.9),
        SearchHit(video_id="a", title="A", start_s=2, end_s=3, score=0.8),
        SearchHit(video_id="b", title="B", start_s=5, end_s=6, score=0.7),
    ]
    groups = group_by_video(hits)
    assert [g.video_id for g in groups] == ["b", "a"]
    assert [h.start_s for h in groups[0].hits] == [0, 5]
    payload = json.loads(SearchResult(provider="local", query="x", total=3, hits=tuple(hits), groups=groups).to_json())
    assert payload["schema"] == "reelscope.search/1" and len(payload["groups"]) == 2


def test_activity_lane_holds_cut_jumps_so_motion_inside_shots_shows():
    motion = [0.1, 0.2, 0.1, 0.2, 0.9, 0.2, 0.1, 0.4, 0.1, 0.1]   # the 0.9 is the cut at sample 4
    analysis = Analysis(
        provider="local", status="finished", video=VIDEO,
        scenes=(Scene(start_s=0, end_s=0.4), Scene(start_s=0.4, end_s=1.0)),
        activity=Activity(interval_s=0.1, values=tuple(motion)),
    )
    graph = next(t for t in tracks_from_analysis(analysis) if t.kind is TrackKind.GRAPH)
    assert max(graph.values) == 1.0
    assert graph.values[7] == 1.0, "the largest motion inside a shot is the peak, not the cut"
    assert graph.values[3:6] == pytest.approx((0.25, 0.25, 0.25)), "held at the level before the cut"


def test_a_still_clip_draws_a_flat_activity_lane():
    noise = (0.0, 0.0004, 0.0, 0.0008, 0.0, 0.0)
    analysis = Analysis(provider="local", status="finished", video=VIDEO,
                        scenes=(Scene(start_s=0, end_s=0.6),), activity=Activity(interval_s=0.1, values=noise))
    graph = next(t for t in tracks_from_analysis(analysis) if t.kind is TrackKind.GRAPH)
    assert max(graph.values) < 0.05
