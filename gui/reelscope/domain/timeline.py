"""Timeline tracks derived from analyses: what the timeline widget draws, free of any toolkit."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from .analysis import Analysis, MusicMatch, PeopleSpan, PersonPresence, Scene, Transition
from .base import Frozen
from .people import person_label, presence_spans
from .pictures import picture_ref
from .providers import provider_info, provider_label
from .thumbnails import clip_frame_ref
from .timecode import format_timecode

CUT_GUARD_SAMPLES = 1
CUT_GUARD_MAX_INTERVAL_S = 0.25  # coarser samples average a cut away: nothing to hold
ACTIVITY_QUIET_CEILING = 0.02  # mean luma change per sample, as a fraction of full scale


class TrackKind(StrEnum):
    SPANS = "spans"
    GRAPH = "graph"


class TimelineSpan(Frozen):
    start_s: float
    end_s: float
    label: str = ""
    tooltip: str = ""
    image: str | None = None
    """A picture shown with the tooltip: a face, a section's frame (a URL, base64 or a clip_frame_ref)."""


class TimelineTrack(Frozen):
    key: str                      # stable id, e.g. "local/scenes"
    title: str                    # lane header, e.g. "Scenes"
    kind: TrackKind
    provider: str
    spans: tuple[TimelineSpan, ...] = ()
    bands: tuple[TimelineSpan, ...] = ()  # SPANS only: drawn over the spans, e.g. transitions between scenes
    interval_s: float = 0.0       # GRAPH only: seconds per value
    values: tuple[float, ...] = ()  # GRAPH only: 0..1
    note: str = ""                # written in a lane with no spans ("No music found")


def tracks_from_analysis(analysis: Analysis, person_names: Mapping[str, str] | None = None) -> list[TimelineTrack]:
    """The lanes one analysis contributes, in display order; empty categories give no lane.

    People get one lane each, most screen time first, titled with the name a user gave them.
    """
    provider = analysis.provider
    fps = analysis.video.fps
    tracks: list[TimelineTrack] = []
    if analysis.scenes:
        transitions = tuple(transition_band(transition, fps) for transition in analysis.transitions)
        tracks.append(
            TimelineTrack(
                key=f"{provider}/scenes",
                title="Scenes",
                kind=TrackKind.SPANS,
                provider=provider,
                spans=tuple(
                    TimelineSpan(
                        start_s=scene.start_s,
                        end_s=scene.end_s,
                        label=str(number),
                        tooltip="\n".join(
                            (
                                f"Scene {number}: {format_timecode(scene.start_s, fps)} – "
                                f"{format_timecode(scene.end_s, fps)} ({scene.end_s - scene.start_s:.2f} s)",
                                *(band.tooltip for band in transitions if _overlaps(band, scene)),
                            )
                        ),
                    )
                    for number, scene in enumerate(analysis.scenes, start=1)
                ),
                bands=transitions,
            )
        )
    if analysis.activity and analysis.activity.values:
        tracks.append(
            TimelineTrack(
                key=f"{provider}/activity",
                title="Activity",
                kind=TrackKind.GRAPH,
                provider=provider,
                interval_s=analysis.activity.interval_s,
                values=activity_within_shots(analysis),
            )
        )
    tracks.extend(detail_tracks(analysis, person_names))
    if not tracks:
        tracks.append(_nothing_found(analysis))
    return tracks


def transition_band(transition: Transition, fps: float) -> TimelineSpan:
    """A fade or dissolve as a band over the scenes lane: 'Dissolve 00:00:12.04 – 00:00:13.00'."""
    return TimelineSpan(
        start_s=transition.start_s,
        end_s=transition.end_s,
        tooltip=(
            f"{transition.kind.capitalize()} {format_timecode(transition.start_s, fps)} – "
            f"{format_timecode(transition.end_s, fps)}"
        ),
    )


def _overlaps(band: TimelineSpan, scene: Scene) -> bool:
    return band.start_s < scene.end_s and scene.start_s < band.end_s
def detail_tracks(analysis: Analysis, person_names: Mapping[str, str] | None = None) -> list[TimelineTrack]:
    """Sections, text on screen, one lane per person, tags and music, in that order."""
    names = dict(person_names or {})
    provider = analysis.provider
    fps = analysis.video.fps

    def lane(key: str, title: str, spans: list[TimelineSpan]) -> list[TimelineTrack]:
        if not spans:
            return []
        return [TimelineTrack(key=f"{provider}/{key}", title=title, kind=TrackKind.SPANS, provider=provider,
                              spans=tuple(spans))]

    def when(start_s: float, end_s: float) -> str:
        return f"{format_timecode(start_s, fps)} – {format_timecode(end_s, fps)}"

    tracks = lane("sections", "Sections", [
        TimelineSpan(
            start_s=segment.start_s, end_s=segment.end_s,
            label=f"{CRITICAL_MARK} {section.tag}" if section.is_critical else section.tag,
            tooltip=_join(f"{section.tag}: {when(segment.start_s, segment.end_s)}",
                          "critical" if section.is_critical else "",
                          _percent("confidence", section.confidence), _percent("activity", section.relative_activity)),
            image=clip_frame_ref(analysis.video.id, section.thumbnail_s) if section.thumbnail_s is not None else None,
        )
        for section in analysis.sections for segment in section.segments
    ])
    tracks += lane("ocr", "Text on screen", [
        TimelineSpan(start_s=start, end_s=end, label=" · ".join(texts),
                     tooltip="\n".join(f"“{text}”" for text in texts) + f"\n{when(start, end)}")
        for start, end, texts in _text_blocks(analysis)
    ])
    for person_id, presences in _people(analysis.people):
        title = names.get(person_id) or person_title(person_id)
        face = next((picture_ref(p.face_thumbnail) for p in presences if p.face_thumbnail), None)
        tracks += lane(f"people/{person_id}", title, [
            TimelineSpan(start_s=start, end_s=end, label=title, image=face,
                         tooltip=_join(f"{title}: {when(start, end)}", _person_facts(presences)))
            for start, end in presence_spans(analysis.people, person_id)
        ])
    tracks += lane("tags", "Tags", [
        TimelineSpan(start_s=tag.start_s, end_s=tag.end_s, label=tag.tag,
                     tooltip=_join(f"{tag.tag} {when(tag.start_s, tag.end_s)}", tag.category or "",
                                   _percent("probability", tag.probability), "critical" if tag.is_critical else ""))
        for tag in analysis.tags
    ])
    tracks += lane("music", "Music", [
        TimelineSpan(start_s=music.start_s, end_s=music.end_s, label=music_label(music),
                     tooltip=_join(f"{music_label(music)}: {when(music.start_s, music.end_s)}", *_music_facts(music),
                                   _song_offset(music)))
        for music in analysis.music
    ])
    return tracks


CRITICAL_MARK = "⚠"


def music_label(music: MusicMatch) -> str:
    return f"{music.title} — {music.artist}" if music.artist else music.title


def person_title(person_id: str) -> str:
    """'person-7' -> 'Person 7', 'noxovision:person-2' -> 'Person 2': an id made readable."""
    readable = person_label(person_id)
    if readable != person_id:
        return readable
    name = person_id.rsplit(":", 1)[-1].replace("-", " ").replace("_", " ").strip()
    return name[:1].upper() + name[1:] if name else person_id


def labelled_by_provider(tracks: list[TimelineTrack]) -> list[TimelineTrack]:
    """Lane titles with their provider ('Scenes · Noxovision') when any lane is not the local engine's."""
    if all(track.provider == "local" for track in tracks):
        return tracks
    return [track.model_copy(update={"title": f"{track.title} · {provider_label(track.provider)}"})
            for track in tracks]


def _nothing_found(analysis: Analysis) -> TimelineTrack:
    info = provider_info(analysis.provider)
    finds = info.finds if info is not None else None
    return TimelineTrack(
        key=f"{analysis.provider}/{finds or 'nothing'}", title=(finds or "Results").capitalize(), kind=TrackKind.SPANS,
        provider=analysis.provider, note=f"No {finds} found" if finds else "Nothing found",
    )


def _people(spans: tuple[PeopleSpan, ...]) -> list[tuple[str, list[PersonPresence]]]:
    """Each person with every presence of theirs, the longest on screen first (then the most prominent)."""
    found: dict[str, list[PersonPresence]] = {}
    seen_s: dict[str, float] = {}
    for span in spans:
        for presence in span.persons:
            found.setdefault(presence.person_id, []).append(presence)
            seen_s[presence.person_id] = seen_s.get(presence.person_id, 0.0) + span.duration_s

    def order(person_id: str) -> tuple[float, float, str]:
        prominence = max((p.prominence or 0.0 for p in found[person_id]), default=0.0)
        return -seen_s[person_id], -prominence, person_id

    return [(person_id, found[person_id]) for person_id in sorted(found, key=order)]


def _person_facts(presences: list[PersonPresence]) -> str:
    first = presences[0]
    prominence = max((p.prominence for p in presences if p.prominence is not None), default=None)
    facts = [
        first.gender if first.gender and first.gender != "unidentified" else "",
        f"about {first.age:.0f}" if first.age is not None else "",
        _percent("prominence", prominence),
        "allowlisted" if any(p.allowlisted for p in presences) else "",
    ]
    return ", ".join(fact for fact in facts if fact)


def _music_facts(music: MusicMatch) -> list[str]:
    return [f"ISRC {music.isrc}" if music.isrc else "", _percent("score", music.score),
            f"label {music.label}" if music.label else ""]


def _text_blocks(analysis: Analysis) -> list[tuple[float, float, list[str]]]:
    """Text spans that overlap (the lines of one sign) drawn as one span reading them all."""
    blocks: list[tuple[float, float, list[str]]] = []
    for text in sorted(analysis.ocr, key=lambda t: (t.start_s, t.end_s)):
        if blocks and text.start_s < blocks[-1][1]:
            start, end, texts = blocks[-1]
            blocks[-1] = (start, max(end, text.end_s), texts if text.text in texts else [*texts, text.text])
        else:
            blocks.append((text.start_s, text.end_s, [text.text]))
    return blocks


def _song_offset(music: MusicMatch) -> str:
    return f"from {music.song_offset_s:.1f} s into the song" if music.song_offset_s is not None else ""


def _percent(name: str, value: float | None) -> str:
    return f"{name} {value:.0%}" if value is not None else ""


def _join(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def activity_within_shots(analysis: Analysis) -> tuple[float, ...]:
    """Activity scaled to its peak, with the jump at each cut held at the level before it.

    A cut changes every pixel, so left in place it dwarfs the motion inside the shots; the scenes
    lane already marks it. A clip whose peak is below ACTIVITY_QUIET_CEILING is drawn against that
    ceiling instead, so encoder noise in a still shot stays flat rather than filling the lane.
    """
    assert analysis.activity is not None
    interval = analysis.activity.interval_s
    values = list(analysis.activity.values)
    for scene in analysis.scenes[1:] if interval <= CUT_GUARD_MAX_INTERVAL_S else ():
        cut = round(scene.start_s / interval) if interval > 0 else 0
        before = cut - CUT_GUARD_SAMPLES - 1
        held = values[before] if 0 <= before < len(values) else 0.0
        for index in range(max(0, cut - CUT_GUARD_SAMPLES), min(len(values), cut + CUT_GUARD_SAMPLES + 1)):
            values[index] = held
    scale = max(max(values, default=0.0), ACTIVITY_QUIET_CEILING)
    return tuple(min(1.0, value / scale) for value in values)
