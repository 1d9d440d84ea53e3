"""Export documents as OpenTimelineIO timelines, and through OTIO's adapters as EDL, FCP 7 XML and FCPXML.

The timeline has one picture track: each clip cut at its scenes into named clips ("harbour · Scene 3"),
every other span and each user marker as a marker on the clip it starts in (in the clip's own frames,
at its own rate). Every track also gets lanes of named clips, one clip per span, overlapping spans on
further lanes; these lanes are disabled, so they show in an editing suite as reference without stacking
pictures, and the EDL (one picture track only) leaves them out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from ...domain.export import ExportClip, ExportDocument, ExportItem, ExportTrack, ExportTrackKind
from ...domain.frame_rate import FrameRate
from .media_urls import media_url

RationalTime = otio.opentime.RationalTime
TimeRange = otio.opentime.TimeRange

ADAPTERS = {"otio": "otio_json", "edl": "cmx_3600", "fcp7": "fcp_xml", "fcpxml": "fcpx_xml"}
MARKER_COLOURS = {
    ExportTrackKind.SCENES: otio.schema.MarkerColor.BLUE,
    ExportTrackKind.TRANSITIONS: otio.schema.MarkerColor.CYAN,
    ExportTrackKind.SECTIONS: otio.schema.MarkerColor.GREEN,
    ExportTrackKind.OCR: otio.schema.MarkerColor.YELLOW,
    ExportTrackKind.PEOPLE: otio.schema.MarkerColor.PURPLE,
    ExportTrackKind.TAGS: otio.schema.MarkerColor.ORANGE,
    ExportTrackKind.MUSIC: otio.schema.MarkerColor.PINK,
    ExportTrackKind.MARKERS: otio.schema.MarkerColor.RED,
}
PICTURE_TRACK = "Picture"
METADATA_KEY = "reelscope"


class MixedRates(ValueError):
    """An EDL counts every event in one frame rate."""


def write_timeline(document: ExportDocument, path: Path, format_id: str) -> None:
    timeline = build_timeline(document)
    if format_id == "edl":
        rates = {clip.rate for clip in document.clips}
        if len(rates) > 1:
            labels = ", ".join(sorted(rate.label for rate in rates))
            raise MixedRates(
                f"an EDL holds one frame rate and these clips run at {labels}: "
                "export them separately, or as FCP 7 XML, FCPXML or OpenTimelineIO"
            )
    if format_id == "fcpxml":
        # The FCPXML adapter places connected clips at a rate cut to a whole number (29.97 as 29) and reads
        # red and green markers as to-do items: the picture and its markers only, in plain marker colours.
        timeline = build_timeline(document, lanes=False, colours=False)
        _teach_fcpx_adapter_exact_rates()
    text = otio.adapters.write_to_string(timeline, adapter_name=ADAPTERS[format_id])
    if format_id == "fcpxml":
        text = _completed_fcpxml(text, document)
    path.write_text(text, encoding="utf-8")


def build_timeline(document: ExportDocument, *, lanes: bool = True, colours: bool = True) -> otio.schema.Timeline:
    first = document.clips[0].rate
    timeline = otio.schema.Timeline(name=document.name, global_start_time=RationalTime(0, first.fps))
    timeline.metadata["fcp_xml"] = {"timecode": _fcp_timecode(first)}
    picture = otio.schema.Track(name=PICTURE_TRACK, kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(picture)
    reference_lanes = _Lanes(first)
    for clip, record_start in zip(document.clips, document.record_starts()):
        several = _kinds_from_several_providers(clip)
        cuts = clip.track(ExportTrackKind.SCENES)
        pieces = _picture_pieces(clip, cuts)
        for piece in pieces:
            picture.append(piece)
        markers = [
            (item.start_frame, _piece_at(pieces, item.start_frame), _marker(track, item, clip.rate, several, colours))
            for track in clip.tracks if track is not cuts for item in track.items
        ]
        for _start, piece, marker in sorted(markers, key=lambda entry: entry[0]):
            piece.markers.append(marker)
        for track in clip.tracks:
            if lanes and track is not cuts:
                reference_lanes.add(clip, track, record_start, several)
    for lane in reference_lanes.tracks:
        timeline.tracks.append(lane)
    return timeline


def _picture_pieces(clip: ExportClip, scenes: ExportTrack | None) -> list[otio.schema.Clip]:
    """The clip's range cut where its scenes start, each piece named after its scene."""
    bounds = sorted({item.start_frame for item in scenes.items} if scenes else set())
    edges = [clip.in_frame, *(b for b in bounds if clip.in_frame < b < clip.out_frame), clip.out_frame]
    pieces = []
    for start, end in zip(edges, edges[1:]):
        scene = next((i for i in (scenes.items if scenes else ()) if i.start_frame <= start < i.end_frame), None)
        name = f"{clip.name} · {scene.name}" if scene else clip.name
        pieces.append(_media_clip(clip, name, start, end))
    return pieces


def _media_clip(clip: ExportClip, name: str, start: int, end: int) -> otio.schema.Clip:
    rate = clip.rate.fps
    reference = otio.schema.ExternalReference(
        target_url=media_url(clip.video.path),
        available_range=TimeRange(RationalTime(0, rate), RationalTime(clip.total_frames, rate)),
    )
    reference.name = Path(clip.video.path).name
    reference.metadata["fcp_xml"] = {"timecode": _fcp_timecode(clip.rate)}
    result = otio.schema.Clip(
        name=name,
        media_reference=reference,
        source_range=TimeRange(RationalTime(start, rate), RationalTime(end - start, rate)),
    )
    result.metadata[METADATA_KEY] = {"video_id": clip.video.id, "sha256": clip.video.sha256}
    return result


def _piece_at(pieces: list[otio.schema.Clip], frame: int) -> otio.schema.Clip:
    for piece in pieces:
        source = piece.source_range
        if source.start_time.value <= frame < source.start_time.value + source.duration.value:
            return piece
    return pieces[-1]


def _marker(
    track: ExportTrack, item: ExportItem, rate: FrameRate, several: set[ExportTrackKind], colours: bool
) -> otio.schema.Marker:
    if track.kind is ExportTrackKind.MARKERS:
        name = item.name
    else:
        name = f"{track.title if track.kind in several else track.kind.title}: {item.name}"
    marker = otio.schema.Marker(
        name=name,
        marked_range=TimeRange(
            RationalTime(item.start_frame, rate.fps), RationalTime(item.end_frame - item.start_frame, rate.fps)
        ),
        color=MARKER_COLOURS[track.kind] if colours else otio.schema.MarkerColor.PURPLE,
    )
    marker.comment = item.note
    marker.metadata[METADATA_KEY] = {"track": track.key, "provider": track.provider, "kind": track.kind.value}
    return marker


def _kinds_from_several_providers(clip: ExportClip) -> set[ExportTrackKind]:
    providers: dict[ExportTrackKind, set[str]] = {}
    for track in clip.tracks:
        providers.setdefault(track.kind, set()).add(track.provider)
    return {kind for kind, found in providers.items() if len(found) > 1}


class _Lanes:
    """Disabled tracks of named clips, one clip per span, packed so that none overlaps another."""

    def __init__(self, rate: FrameRate) -> None:
        self.rate = rate
        self.tracks: list[otio.schema.Track] = []
        self._by_key: dict[str, list[tuple[otio.schema.Track, list[int]]]] = {}  # key -> (lane, [cursor])

    def add(self, clip: ExportClip, track: ExportTrack, record_start: Fraction, several: set) -> None:
        spans = [item for item in track.items if not item.is_point]
        if not spans:
            return
        title = track.title if track.kind in several else track.kind.title
        lanes = self._by_key.setdefault(track.key, [])
        for item in spans:
            start = self._record_frame(record_start + clip.rate.exact_seconds_at(item.start_frame - clip.in_frame))
            lane = next((entry for entry in lanes if entry[1][0] <= start), None)
            if lane is None:
                number = len(lanes) + 1
                lane_track = otio.schema.Track(
                    name=title if number == 1 else f"{title} {number}", kind=otio.schema.TrackKind.Video
                )
                lane_track.enabled = False
                self.tracks.append(lane_track)
                lane = (lane_track, [0])
                lanes.append(lane)
            lane_track, cursor = lane
            if start > cursor[0]:
                gap = otio.schema.Gap(source_range=TimeRange(
                    RationalTime(0, self.rate.fps), RationalTime(start - cursor[0], self.rate.fps)
                ))
                lane_track.append(gap)
            named = _media_clip(clip, item.name, item.start_frame, item.end_frame)
            lane_track.append(named)
            length = self._record_frame(clip.rate.exact_seconds_at(item.end_frame - item.start_frame))
            cursor[0] = start + max(1, length)

    def _record_frame(self, seconds: Fraction) -> int:
        return round(seconds * self.rate.fraction)


def _fcp_timecode(rate: FrameRate) -> dict[str, str]:
    """What the FCP 7 adapter reads to write drop-frame timecode (it takes the rate from the time itself)."""
    return {"displayformat": "DF" if rate.drop_frame else "NDF"}


def _teach_fcpx_adapter_exact_rates() -> None:
    """The FCPXML adapter looks frame durations up by rate and knows 29.97 but not 30000/1001: add exact keys."""
    fcpx_xml = otio.adapters.from_name(ADAPTERS["fcpxml"]).module()  # the module OTIO's plugin system loaded
    for rate in (Fraction(24000, 1001), Fraction(30000, 1001), Fraction(60000, 1001), Fraction(48), Fraction(100),
                 Fraction(120)):
        fcpx_xml.FRAMERATE_FRAMEDURATION.setdefault(float(rate), f"{rate.denominator}/{rate.numerator}s")


def _completed_fcpxml(text: str, document: ExportDocument) -> str:
    """The adapter's FCPXML with each format's picture size, which Final Cut wants and the adapter leaves out."""
    root = ElementTree.fromstring(text)
    sizes = {
        f"{clip.rate.denominator}/{clip.rate.numerator}s": (clip.video.width, clip.video.height)
        for clip in document.clips
    }
    for element in root.iter("format"):
        size = sizes.get(_reduced(element.get("frameDuration", "")))
        if size and size[0] and size[1]:
            element.set("width", str(size[0]))
            element.set("height", str(size[1]))
    return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n' + ElementTree.tostring(root, "unicode")


def _reduced(duration: str) -> str:
    """'25/600s' as '1/24s', so a format is found whichever way its frame duration was written."""
    try:
        value = Fraction(duration.removesuffix("s"))
    except (ValueError, ZeroDivisionError):
        return duration
    return f"{value.numerator}/{value.denominator}s"
