"""Faces in real photos (tests/fakes/real_media.py): followed through scenes, the same face in two
scenes grouped as one person, another face as another, each with a crop in the thumbnail cache."""

from __future__ import annotations

import pytest

from fakes import real_media
from fakes.pictures import Shot, make_picture_clip, plain
from reelscope.domain.people import screen_time_by_person
from reelscope.domain.timeline import tracks_from_analysis
from reelscope.providers.local.pipeline import EngineOptions, analyze_clip

FACES_ONLY = EngineOptions(ocr=False, music=False, sections=False)
EDGE_S = 0.5


@pytest.fixture(scope="module")
def two_faces_clip(tmp_path_factory):
    """Eileen Collins 0-3 s and 10-13 s, Grace Hopper 5-8 s, empty scenes between."""
    astronaut = real_media.rgb(real_media.astronaut())
    hopper = real_media.rgb(real_media.grace_hopper())
    shots = [
        Shot(3.0, astronaut, zoom=0.05), Shot(2.0, plain(seed=4)), Shot(3.0, hopper, zoom=0.05),
        Shot(2.0, plain((90, 70, 50), seed=5)), Shot(3.0, astronaut, zoom=-0.0),
    ]
    return make_picture_clip(tmp_path_factory.mktemp("faces") / "two-faces.mp4", shots, size=(1280, 720))


@pytest.fixture(scope="module")
def result(two_faces_clip, tmp_path_factory):
    return analyze_clip(two_faces_clip, tmp_path_factory.mktemp("thumbnails"), FACES_ONLY)


def test_one_face_in_two_scenes_and_another_elsewhere_are_two_persons(result):
    people = result.analysis.people
    times = screen_time_by_person(people)
    assert len(times) == 2
    collins, hopper = sorted(times, key=lambda person: -times[person])
    spans = {person: [(s.start_s, s.end_s) for s in people if any(p.person_id == person for p in s.persons)]
             for person in times}
    assert len(spans[collins]) == 2 and len(spans[hopper]) == 1
    for (start, end), (want_start, want_end) in zip(spans[collins], [(0, 3), (10, 13)]):
        assert abs(start - want_start) <= EDGE_S and abs(end - want_end) <= EDGE_S
    [(start, end)] = spans[hopper]
    assert abs(start - 5) <= EDGE_S and abs(end - 8) <= EDGE_S
    assert all(len(span.persons) == 1 for span in people), "never on screen together"


def test_the_people_track_has_one_lane_per_person_by_screen_time(result):
    lanes = [track for track in tracks_from_analysis(result.analysis) if track.key.startswith("local/people/")]
    assert [lane.title for lane in lanes] == ["Person 1", "Person 2"]
    assert [len(lane.spans) for lane in lanes] == [2, 1], "Collins twice, then Hopper once"


def test_each_face_track_has_a_crop_and_a_descriptor(result, tmp_path_factory):
    tracks = result.faces
    assert len({track.group for track in tracks}) == 2
    for track in tracks:
        assert len(track.embedding) == 128
        assert track.thumbnail is not None and track.thumbnail.endswith(".jpg")
        assert 0.05 < track.prominence < 0.6


def test_a_frame_without_faces_gives_no_people(tmp_path):
    clip = make_picture_clip(tmp_path / "empty.mp4", [Shot(2.0, plain(seed=9))])
    result = analyze_clip(clip, tmp_path / "thumbnails", FACES_ONLY)
    assert result.analysis.people == () and result.faces == ()
