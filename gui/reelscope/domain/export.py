"""What an export holds, free of any file format: clips (or parts of clips) with their tracks in frames.

An export document is the editing-suite view of analyses: each clip at its own exact frame rate, the
range exported (the whole clip, the in/out marks, or a search hit's moment), and every track the
analyses hold turned into items on whole frames. The writers (services/export_writers) turn it into
OpenTimelineIO, EDL, FCP XML, subtitles, CSV or JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from fractions import Fraction

from .analysis import Analysis, VideoInfo
from .base import Frozen
from .frame_rate import FrameRate
from .markers import UserMarker
from .people import person_spans as merged_person_spans
from .providers import provider_label

USER_PROVIDER = "user"


class ExportFormat(StrEnum):
    OTIO = "otio"
    EDL = "edl"
    FCP7 = "fcp7"
    FCPXML = "fcpxml"
    SRT = "srt"
    VTT = "vtt"
    CSV = "csv"
    JSON = "json"

    @property
    def label(self) -> str:
        return _FORMAT_LABELS[self]

    @property
    def extension(self) -> str:
        return _FORMAT_EXTENSIONS[self]


_FORMAT_LABELS = {
    ExportFormat.OTIO: "OpenTimelineIO (.otio)",
    ExportFormat.EDL: "CMX 3600 EDL with locators (.edl)",
    ExportFormat.FCP7: "Final Cut Pro 7 XML: Premiere, Resolve (.xml)",
    ExportFormat.FCPXML: "FCPXML: Final Cut Pro (.fcpxml)",
    ExportFormat.SRT: "Subtitles of on-screen text (.srt)",
    ExportFormat.VTT: "WebVTT subtitles of on-screen text (.vtt)",
    ExportFormat.CSV: "Every track as a table (.csv)",
    ExportFormat.JSON: "Analysis JSON lines (.json)",
}
_FORMAT_EXTENSIONS = {
    ExportFormat.OTIO: ".otio",
    ExportFormat.EDL: ".edl",
    ExportFormat.FCP7: ".xml",
    ExportFormat.FCPXML: ".fcpxml",
    ExportFormat.SRT: ".srt",
    ExportFormat.VTT: ".vtt",
    ExportFormat.CSV: ".csv",
    ExportFormat.JSON: ".json",
}


class ExportTrackKind(StrEnum):
    SCENES = "scenes"
    TRANSITIONS = "transitions"
    SECTIONS = "sections"
    OCR = "ocr"
    PEOPLE = "people"
    TAGS = "tags"
    MUSIC = "music"
    MARKERS = "markers"

    @property
    def title(self) -> str:
        return _KIND_TITLES[self]


_KIND_TITLES = {
    ExportTrackKind.SCENES: "Scenes",
    ExportTrackKind.TRANSITIONS: "Transitions",
    ExportTrackKind.SECTIONS: "Sections",
    ExportTrackKind.OCR: "Text",
    ExportTrackKind.PEOPLE: "People",
    ExportTrackKind.TAGS: "Tags",
    ExportTrackKind.MUSIC: "Music",
    ExportTrackKind.MARKERS: "Markers",
}
ALL_TRACK_KINDS: frozenset[ExportTrackKind] = frozenset(ExportTrackKind)


class ExportItem(Frozen):
    """One span (or a point: end_frame == start_frame) in the clip's own frames, counted from the file's start."""

    start_frame: int
    end_frame: int
    name: str
    note: str = ""

    @property
    def is_point(self) -> bool:
        return self.end_frame <= self.start_frame


class ExportTrack(Frozen):
    kind: ExportTrackKind
    provider: str
    items: tuple[ExportItem, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.kind.value}"

    @property
    def title(self) -> str:
        if self.provider == USER_PROVIDER:
            return self.kind.title
        return f"{self.kind.title} ({provider_label(self.provider)})"


class ExportClip(Frozen):
    """A clip, or the part of it between in_frame (included) and out_frame (excluded)."""

    name: str
    video: VideoInfo
    rate: FrameRate
    total_frames: int
    in_frame: int
    out_frame: int
    tracks: tuple[ExportTrack, ...] = ()
    analyses: tuple[Analysis, ...] = ()
    """The analyses with their spans kept to the range, for the JSON export."""
    markers: tuple[UserMarker, ...] = ()

    @property
    def frames(self) -> int:
        return self.out_frame - self.in_frame

    @property
    def duration(self) -> Fraction:
        return self.rate.exact_seconds_at(self.frames)

    def track(self, kind: ExportTrackKind, provider: str | None = None) -> ExportTrack | None:
        return next((t for t in self.tracks if t.kind is kind and provider in (None, t.provider)), None)


class ExportDocument(Frozen):
    """Clips end to end, as one timeline."""

    name: str
    clips: tuple[ExportClip, ...]

    def record_starts(self) -> list[Fraction]:
        """Where each clip starts on the timeline, in exact seconds."""
        starts, at = [], Fraction(0)
        for clip in self.clips:
            starts.append(at)
            at += clip.duration
        return starts


def export_clip(
    video: VideoInfo,
    analyses: Sequence[Analysis],
    markers: Sequence[UserMarker] = (),
    *,
    include: Iterable[ExportTrackKind] = ALL_TRACK_KINDS,
    range_s: tuple[float, float] | None = None,
    name: str | None = None,
) -> ExportClip:
    """The clip (or its range_s part) with the chosen kinds of track, each provider's separately."""
    rate = FrameRate.from_fps(video.fps)
    total = max(1, rate.frame_at(video.duration_s))
    in_frame, out_frame = 0, total
    if range_s is not None:
        in_frame = min(rate.frame_at(range_s[0]), total - 1)
        out_frame = min(total, max(in_frame + 1, rate.frame_at(range_s[1])))
    kinds = set(include)
    tracks: list[ExportTrack] = []
    for analysis in analyses:
        for kind in ExportTrackKind:
            if kind in kinds and kind is not ExportTrackKind.MARKERS:
                items = _within(_items_of(analysis, kind, rate), in_frame, out_frame)
                if items:
                    tracks.append(ExportTrack(kind=kind, provider=analysis.provider, items=items))
    kept_markers = tuple(m for m in markers if in_frame <= rate.frame_at(m.time_s) < out_frame)
    if ExportTrackKind.MARKERS in kinds and kept_markers:
        items = tuple(
            ExportItem(start_frame=rate.frame_at(m.time_s), end_frame=rate.frame_at(m.time_s), name=m.name)
            for m in sorted(kept_markers, key=lambda marker: marker.time_s)
        )
        tracks.append(ExportTrack(kind=ExportTrackKind.MARKERS, provider=USER_PROVIDER, items=items))
    start_s, end_s = rate.seconds_at(in_frame), rate.seconds_at(out_frame)
    return ExportClip(
        name=name or video.title,
        video=video,
        rate=rate,
        total_frames=total,
        in_frame=in_frame,
        out_frame=out_frame,
        tracks=tuple(tracks),
        analyses=tuple(_trimmed(analysis, start_s, end_s, kinds) for analysis in analyses),
        markers=kept_markers if ExportTrackKind.MARKERS in kinds else (),
    )


def _items_of(analysis: Analysis, kind: ExportTrackKind, rate: FrameRate) -> Iterator[ExportItem]:
    def item(start_s: float, end_s: float, name: str, note: str = "") -> ExportItem:
        start = rate.frame_at(start_s)
        end = max(start + 1, rate.frame_at(end_s)) if end_s > start_s else start
        return ExportItem(start_frame=start, end_frame=end, name=name, note=note)

    if kind is ExportTrackKind.SCENES:
        for number, scene in enumerate(analysis.scenes, start=1):
            yield item(scene.start_s, scene.end_s, f"Scene {number}")
    elif kind is ExportTrackKind.TRANSITIONS:
        for transition in getattr(analysis, "transitions", ()) or ():
            kind_name = str(getattr(transition, "kind", "transition"))
            yield item(transition.start_s, transition.end_s, kind_name.capitalize())
    elif kind is ExportTrackKind.SECTIONS:
        for section in analysis.sections:
            note = _note(confidence=section.confidence, critical=section.is_critical)
            segments = section.segments or ()
            for segment in segments:
                yield item(segment.start_s, segment.end_s, section.tag, note)
    elif kind is ExportTrackKind.OCR:
        for text in analysis.ocr:
            yield item(text.start_s, text.end_s, text.text, _note(language=text.language, confidence=text.confidence))
    elif kind is ExportTrackKind.PEOPLE:
        for person_id, start_s, end_s in person_spans(analysis):
            yield item(start_s, end_s, person_id)
    elif kind is ExportTrackKind.TAGS:
        for tag in analysis.tags:
            yield item(tag.start_s, tag.end_s, tag.tag, _note(category=tag.category, probability=tag.probability))
    elif kind is ExportTrackKind.MUSIC:
        for match in analysis.music:
            name = f"{match.title} — {match.artist}" if match.artist else match.title
            yield item(match.start_s, match.end_s, name, _note(isrc=match.isrc, label=match.label, score=match.score))


def person_spans(analysis: Analysis) -> Iterator[tuple[str, float, float]]:
    """Each person's presence with overlapping or touching spans merged, by person then time."""
    return merged_person_spans(analysis.people)


def _note(**facts: object) -> str:
    parts = []
    for key, value in facts.items():
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            if value:
                parts.append(key)
            continue
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        parts.append(f"{key} {shown}")
    return ", ".join(parts)


def _within(items: Iterable[ExportItem], in_frame: int, out_frame: int) -> tuple[ExportItem, ...]:
    """Items kept to [in_frame, out_frame): points inside it, spans cut at its edges; by start."""
    kept = []
    for item in items:
        if item.is_point:
            if in_frame <= item.start_frame < out_frame:
                kept.append(item)
        elif item.end_frame > in_frame and item.start_frame < out_frame:
            start, end = max(item.start_frame, in_frame), min(item.end_frame, out_frame)
            kept.append(item if (start, end) == (item.start_frame, item.end_frame)
                        else item.model_copy(update={"start_frame": start, "end_frame": end}))
    kept.sort(key=lambda item: (item.start_frame, item.end_frame))
    return tuple(kept)


def _trimmed(analysis: Analysis, start_s: float, end_s: float, kinds: set[ExportTrackKind]) -> Analysis:
    """The analysis with only the chosen kinds, and spans kept to [start_s, end_s] (cut at its edges)."""
    def keep(spans, kind: ExportTrackKind):
        if kind not in kinds:
            return ()
        kept = []
        for span in spans:
            overlaps = span.end_s > start_s and span.start_s < end_s
            if not overlaps and not (span.start_s == span.end_s and start_s <= span.start_s < end_s):
                continue
            clipped = {"start_s": max(span.start_s, start_s), "end_s": min(span.end_s, end_s)}
            unchanged = clipped == {"start_s": span.start_s, "end_s": span.end_s}
            kept.append(span if unchanged else span.model_copy(update=clipped))
        return tuple(kept)

    sections = []
    if ExportTrackKind.SECTIONS in kinds:
        for section in analysis.sections:
            segments = keep(section.segments, ExportTrackKind.SECTIONS)
            if segments or not section.segments:
                sections.append(section.model_copy(update={"segments": segments}))
    update: dict[str, object] = {
        "scenes": keep(analysis.scenes, ExportTrackKind.SCENES),
        "sections": tuple(sections),
        "ocr": keep(analysis.ocr, ExportTrackKind.OCR),
        "people": keep(analysis.people, ExportTrackKind.PEOPLE),
        "tags": keep(analysis.tags, ExportTrackKind.TAGS),
        "music": keep(analysis.music, ExportTrackKind.MUSIC),
    }
    if hasattr(analysis, "transitions"):
        update["transitions"] = keep(analysis.transitions, ExportTrackKind.TRANSITIONS)
    return analysis.model_copy(update=update)
