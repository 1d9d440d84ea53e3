"""Persons across the library: incremental clustering with stable ids, and a user's corrections
(rename, merge, moving a face out) reaching the analyses, the search index and the gallery."""

from __future__ import annotations

import numpy as np
import pytest

from fakes.analyses import TickingClock, make_analysis, make_video
from reelscope.domain.analysis import Scene, TimeSpan
from reelscope.domain.people import Appearance, FaceTrack, constellations
from reelscope.library.catalogue import Catalogue, SearchFilters
from reelscope.library.db import open_database
from reelscope.library.people import PeopleStore
from reelscope.library.thumbnails import ThumbnailCache
from reelscope.providers.local.engine import people_spans


def face_vector(person: int, jitter: int = 0) -> tuple[float, ...]:
    """A 128-d descriptor: persons lie ~1.0 apart, jitters of one person ~0.1."""
    base = np.random.default_rng(person).normal(0, 1, 128)
    base = base / np.linalg.norm(base)
    noise = np.random.default_rng(1000 + person * 10 + jitter).normal(0, 1, 128)
    return tuple(base + 0.1 * noise / np.linalg.norm(noise))


def track(index: int, group: int, person: int, start: float, end: float, scene: int = 0) -> FaceTrack:
    return FaceTrack(index=index, group=group, scene_index=scene, intervals=(TimeSpan(start_s=start, end_s=end),),
                     embedding=face_vector(person, index), prominence=0.3, thumbnail=f"ab/face-{index:04d}.jpg")


@pytest.fixture
def stores(tmp_path):
    conn = open_database(tmp_path / "catalogue.sqlite")
    thumbnails = ThumbnailCache(tmp_path / "thumbnails")
    catalogue = Catalogue(conn, thumbnails, TickingClock())
    return catalogue, PeopleStore(conn, catalogue, thumbnails, TickingClock())


def analyse(catalogue, people, name, faces):
    """What the local provider and the run do with a clip's faces: assign persons, store the analysis."""
    video = make_video(name, duration_s=20.0)
    ids = people.assign(video, tuple(faces))
    scenes = (Scene(start_s=0, end_s=10), Scene(start_s=10, end_s=20))
    analysis = make_analysis(video, scenes=scenes, people=people_spans(tuple(faces), scenes, ids))
    catalogue.save_analysis(analysis)
    return video, ids


def test_the_same_face_in_clips_analysed_one_after_another_keeps_its_person_id(stores):
    catalogue, people = stores
    _, first = analyse(catalogue, people, "a.mp4", [track(0, 0, person=1, start=0, end=4),
                                                    track(1, 1, person=2, start=5, end=9)])
    _, second = analyse(catalogue, people, "b.mp4", [track(0, 0, person=2, start=1, end=3),
                                                     track(1, 1, person=3, start=11, end=15, scene=1)])
    assert first == {0: "person-1", 1: "person-2"}
    assert second == {0: "person-2", 1: "person-3"}, "person 2 recognised, a new face gets a new id"
    listed = people.persons()
    assert [(p.person_id, p.clip_count, p.face_count) for p in listed] == [
        ("person-2", 2, 2), ("person-1", 1, 1), ("person-3", 1, 1),
    ], "most screen time first"
    assert listed[0].thumbnail_path.endswith("face-0001.jpg") or listed[0].thumbnail_path.endswith("face-0000.jpg")


def test_analysing_a_clip_again_keeps_its_persons_and_replaces_its_faces(stores):
    catalogue, people = stores
    analyse(catalogue, people, "a.mp4", [track(0, 0, person=1, start=0, end=4)])
    _, again = analyse(catalogue, people, "a.mp4", [track(0, 0, person=1, start=0, end=5)])
    assert again == {0: "person-1"}
    [person] = people.persons()
    assert (person.face_count, person.screen_time_s) == (1, 5.0)


def test_a_name_becomes_searchable_and_labels_the_person(stores):
    catalogue, people = stores
    video, _ = analyse(catalogue, people, "a.mp4", [track(0, 0, person=1, start=2, end=6)])
    assert people.rename("person-1", "  Ada   Lovelace ").name == "Ada Lovelace"
    hits, total = catalogue.search("lovelace")
    assert total == 1 and (hits[0].kind, hits[0].start_s, hits[0].end_s) == ("person", 2, 6)
    assert hits[0].snippet == "Ada Lovelace" and hits[0].highlights == ((4, 12),)
    assert catalogue.search("person")[1] == 0, "the old label is gone from the index"
    analyse(catalogue, people, "b.mp4", [track(0, 0, person=1, start=1, end=2)])
    assert catalogue.search("ada")[1] == 2, "a later clip of her is indexed by name"


def test_merging_two_persons_rewrites_the_analyses_and_keeps_a_name(stores):
    catalogue, people = stores
    video_a, _ = analyse(catalogue, people, "a.mp4", [track(0, 0, person=1, start=0, end=4)])
    video_b, _ = analyse(catalogue, people, "b.mp4", [track(0, 0, person=2, start=0, end=4)])
    people.rename("person-2", "Grace")
    merged = people.merge("person-2", "person-1")
    assert (merged.person_id, merged.name, merged.clip_count) == ("person-1", "Grace", 2)
    stored = catalogue.analysis(video_b.id, "local")
    assert {p.person_id for span in stored.people for p in span.persons} == {"person-1"}
    assert catalogue.search("grace")[1] == 2
    assert [p.person_id for p in people.persons()] == ["person-1"]


def test_moving_a_wrong_face_out_gives_it_a_person_of_its_own(stores):
    catalogue, people = stores
    video, _ = analyse(catalogue, people, "a.mp4", [track(0, 0, person=1, start=0, end=4),
                                                    track(1, 0, person=1, start=12, end=16, scene=1)])
    wrong = [face for face in people.faces_of("person-1") if face.start_s == 12][0]
    moved = people.move_face(wrong.face_id)
    assert moved.person_id == "person-2" and moved.face_count == 1
    stored = catalogue.analysis(video.id, "local")
    who = {(span.start_s, span.persons[0].person_id) for span in stored.people}
    assert who == {(0, "person-1"), (12, "person-2")}
    moments = people.moments_of("person-1")
    assert [(m.video_id, m.start_s, m.end_s) for m in moments] == [(video.id, 0, 4)]


def test_search_keeps_to_a_person_a_provider_a_clip_and_a_score(stores):
    catalogue, people = stores
    video_a = make_video("harbour.mp4", duration_s=20.0)
    ids = people.assign(video_a, (track(0, 0, person=1, start=0, end=5),))
    scenes = (Scene(start_s=0, end_s=20),)
    catalogue.save_analysis(make_analysis(video_a, scenes=scenes, ocr=("harbour lights", "harbour wall", "harbour"),
                                          people=people_spans((track(0, 0, 1, 0, 5),), scenes, ids)))
    video_b = make_video("pier.mp4", duration_s=20.0)
    catalogue.save_analysis(make_analysis(video_b, provider="noxovision", ocr=("harbour master",)))
    all_hits = catalogue.search("harbour")[0]
    assert {hit.video_id for hit in all_hits} == {video_a.id, video_b.id}
    with_person = catalogue.search("harbour", filters=SearchFilters(person_id="person-1"))[0]
    assert [(h.snippet, h.start_s) for h in with_person] == [("harbour lights", 1.0), ("harbour wall", 4.0)]
    from_cloud = catalogue.search("harbour", filters=SearchFilters(provider="noxovision"))[0]
    assert [h.snippet for h in from_cloud] == ["harbour master"]
    one_clip = catalogue.search("harbour", filters=SearchFilters(video_id=video_b.id))[0]
    assert {h.video_id for h in one_clip} == {video_b.id}
    best_only = catalogue.search("harbour", filters=SearchFilters(min_score=0.99))[0]
    assert 1 <= len(best_only) < len(all_hits) and all(h.score >= 0.99 for h in best_only)
    newest_first = catalogue.search("harbour", filters=SearchFilters(order="date"))[0]
    assert newest_first[0].video_id == video_b.id, "pier was added last"


def test_constellations_say_who_is_on_screen_together_and_never_cross_a_cut():
    scenes = (Scene(start_s=0, end_s=10), Scene(start_s=10, end_s=20))
    spans = constellations([
        Appearance("a", [TimeSpan(start_s=0, end_s=15)], 0.2),
        Appearance("b", [TimeSpan(start_s=4, end_s=6)], 0.4),
    ], scenes)
    assert [(s.start_s, s.end_s, [p.person_id for p in s.persons]) for s in spans] == [
        (0, 4, ["a"]), (4, 6, ["b", "a"]), (6, 10, ["a"]), (10, 15, ["a"]),
    ]
