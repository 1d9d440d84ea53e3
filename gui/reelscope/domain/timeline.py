"""Timeline tracks derived from analyses: what the timeline widget draws, free of any toolkit."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from .analysis import Analysis
from .base import Frozen
from .people import person_label, presence_spans, screen_time_by_person
from .timecode import format_timecode

CUT_GUARD_SAMPLES = 1
ACTIVITY_QUIET_CEILING = 0.02  # mean luma change per sample, as a fraction of full scale


class TrackKind(StrEnum):
    SPANS = "spans"
    GRAPH = "graph"


class TimelineSpan(Frozen):
    start_s: float
    end_s: float
    label: str = ""
    tooltip: str = ""


class TimelineTrack(Frozen):
    key: str                      # stable id, e.g. "local/scenes"
    title: str                    # lane header, e.g. "Scenes"
    kind: TrackKind
    provider: str
    spans: tuple[TimelineSpan, ...] = ()
    interval_s: float = 0.0       # GRAPH only: seconds per value
    values: tuple[float, ...] = ()  # GRAPH only: 0..1


def tracks_from_analysis(analysis: Analysis, person_names: Mapping[str, str] | None = None) -> list[TimelineTrack]:
    """The lanes one analysis contributes, in display order; empty categories give no lane.

    People get one lane each, most screen time first, titled with the name a user gave them.
    """
    provider = analysis.provider
    fps = analysis.video.fps
    tracks: list[TimelineTrack] = []
    if analysis.scenes:
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
                        tooltip=(
                            f"Scene {number}: {format_timecode(scene.start_s, fps)} – "
                            f"{format_timecode(scene.end_s, fps)} ({scene.end_s - scene.start_s:.2f} s)"
                        ),
                    )
                    for number, scene in enumerate(analysis.scenes, start=1)
                ),
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
    tracks.extend(_detail_tracks(analysis, dict(person_names or {})))
    return tracks


def _detail_tracks(analysis: Analysis, names: dict[str, str]) -> list[TimelineTrack]:
    provider = analysis.provider
    fps = analysis.video.fps

    def spans_track(key: str, title: str, spans: list[TimelineSpan]) -> list[TimelineTrack]:
        if not spans:
            return []
        return [TimelineTrack(key=f"{provider}/{key}", title=title, kind=TrackKind.SPANS, provider=provider,
                              spans=tuple(spans))]

    def when(start_s: float, end_s: float) -> str:
        return f"{format_timecode(start_s, fps)} – {format_timecode(end_s, fps)}"

    tracks: list[TimelineTrack] = []
    tracks += spans_track("sections", "Sections", [
        TimelineSpan(
            start_s=segment.start_s, end_s=segment.end_s, label=section.tag,
            tooltip=f"{section.tag}: {when(segment.start_s, segment.end_s)}"
            + (f" (confidence {section.confidence:.0%})" if section.confidence is not None else ""),
        )
        for section in analysis.sections for segment in section.segments
    ])
    tracks += spans_track("ocr", "Text on screen", [
        TimelineSpan(start_s=start, end_s=end, label=" · ".join(texts),
                     tooltip="\n".join(f"“{text}”" for text in texts) + f"\n{when(start, end)}")
        for start, end, texts in _text_blocks(analysis)
    ])
    screen_time = screen_time_by_person(analysis.people)
    for person_id in sorted(screen_time, key=lambda person: (-screen_time[person], person)):
        label = person_label(person_id, names)
        tracks += spans_track(f"people/{person_id}", label, [
            TimelineSpan(start_s=start, end_s=end, label=label, tooltip=f"{label}: {when(start, end)}")
            for start, end in presence_spans(analysis.people, person_id)
        ])
    tracks += spans_track("tags", "Tags", [
        TimelineSpan(start_s=t.start_s, end_s=t.end_s, label=t.tag, tooltip=f"{t.tag} {when(t.start_s, t.end_s)}")
        for t in analysis.tags
    ])
    tracks += spans_track("music", "Music", [
        TimelineSpan(start_s=music.start_s, end_s=music.end_s, label=music_label(music),
                     tooltip=f"{music_label(music)}: {when(music.start_s, music.end_s)}" + _song_offset(music))
        for music in analysis.music
    ])
    return tracks


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


def _song_offset(music) -> str:
    return f", from {music.song_offset_s:.1f} s into the song" if music.song_offset_s is not None else ""


def music_label(music) -> str:
    return f"{music.title} — {music.artist}" if music.artist else music.title


def activity_within_shots(analysis: Analysis) -> tuple[float, ...]:
    """Activity scaled to its peak, with the jump at each cut held at the level before it.

    A cut changes every pixel, so left in place it dwarfs the motion inside the shots; the scenes
    lane already marks it. A clip whose peak is below ACTIVITY_QUIET_CEILING is drawn against that
    ceiling instead, so encoder noise in a still shot stays flat rather than filling the lane.
    """
    assert analysis.activity is not None
    interval = analysis.activity.interval_s
    values = list(analysis.activity.values)
    for scene in analysis.scenes[1:]:
        cut = round(scene.start_s / interval) if interval > 0 else 0
        before = cut - CUT_GUARD_SAMPLES - 1
        held = values[before] if 0 <= before < len(values) else 0.0
        for index in range(max(0, cut - CUT_GUARD_SAMPLES), min(len(values), cut + CUT_GUARD_SAMPLES + 1)):
            values[index] = held
    scale = max(max(values, default=0.0), ACTIVITY_QUIET_CEILING)
    return tuple(min(1.0, value / scale) for value in values)
