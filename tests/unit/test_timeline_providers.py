"""Timeline lanes of cloud analyses: labelled by provider beside the local ones, people with their facts
and faces, sections with their frame, and a service that found nothing saying so."""

from __future__ import annotations

from fakes.analyses import make_analysis, make_video
from reelscope.domain.analysis import MusicMatch, PeopleSpan, PersonPresence, Section, TimeSpan
from reelscope.domain.thumbnails import parse_clip_frame_ref
from reelscope.domain.timeline import labelled_by_provider, tracks_from_analysis

VIDEO = make_video(duration_s=12.0)


def test_lanes_carry_their_provider_once_a_cloud_analysis_is_beside_the_local_one():
    local = tracks_from_analysis(make_analysis(VIDEO))
    assert [t.title for t in labelled_by_provider(local)] == ["Scenes"], "alone, the local engine needs no label"
    cloud = tracks_from_analysis(make_analysis(VIDEO, provider="noxovision"))
    assert [t.title for t in labelled_by_provider(local + cloud)] == ["Scenes · Local", "Scenes · Noxovision"]


def test_people_lanes_show_prominence_allowlisting_and_the_face():
    seen = PersonPresence(person_id="noxovision:person-1", age=29, gender="female", prominence=0.65,
                          allowlisted=True, face_thumbnail="https://thumbs.example/f1.jpg")
    other = PersonPresence(person_id="noxovision:person-2", prominence=0.3, face_thumbnail="/9j/4AAQSkZJRg==")
    analysis = make_analysis(VIDEO, provider="noxovision", people=(
        PeopleSpan(start_s=3, end_s=5.2, persons=(seen, other)),
        PeopleSpan(start_s=5.2, end_s=10.7, persons=(seen,)),
    ))
    people = [t for t in tracks_from_analysis(analysis) if "/people/" in t.key]
    assert [t.title for t in people] == ["Person 1", "Person 2"], "the most prominent first"
    first = people[0].spans
    assert [(s.start_s, s.end_s) for s in first] == [(3, 10.7)], "touching scenes make one span"
    assert "female, about 29, prominence 65%, allowlisted" in first[0].tooltip
    assert first[0].image == "https://thumbs.example/f1.jpg"
    assert people[1].spans[0].image == "data:;base64,/9j/4AAQSkZJRg==", "base64 is never taken for a path"


def test_sections_point_to_their_frame_and_critical_ones_stand_out():
    analysis = make_analysis(VIDEO, provider="noxovision", sections=(
        Section(tag="intro", segments=(TimeSpan(start_s=0, end_s=3),), thumbnail_s=1.2),
        Section(tag="demo", segments=(TimeSpan(start_s=3, end_s=5.2),), thumbnail_s=4.1, is_critical=True,
                confidence=0.88),
    ))
    sections = next(t for t in tracks_from_analysis(analysis) if t.key == "noxovision/sections")
    assert [s.label for s in sections.spans] == ["intro", "⚠ demo"]
    assert parse_clip_frame_ref(sections.spans[1].image) == (VIDEO.id, 4.1)
    assert "critical" in sections.spans[1].tooltip and "confidence 88%" in sections.spans[1].tooltip


def test_a_music_service_that_found_nothing_says_so_and_a_match_shows_its_facts():
    nothing = tracks_from_analysis(make_analysis(VIDEO, provider="slipstream", scenes=()))
    assert [(t.key, t.title, t.note, t.spans) for t in nothing] == [("slipstream/music", "Music", "No music found", ())]
    found = tracks_from_analysis(make_analysis(VIDEO, provider="slipstream", scenes=(), music=(
        MusicMatch(title="Blue Hour", artist="The Night Shift", isrc="USRC17607839", label="Northern Lights",
                   score=0.875, start_s=0, end_s=12),
    )))
    tip = found[0].spans[0].tooltip
    assert found[0].spans[0].label == "Blue Hour — The Night Shift"
    assert "ISRC USRC17607839" in tip and "score 88%" in tip and "label Northern Lights" in tip
