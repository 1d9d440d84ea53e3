"""Reading exports back as an editing suite would, to compare every time to the frame.

OpenTimelineIO's own adapters read the timelines. Two of the maintained readers lose what the files
hold, so those parts are read from the text with OpenTimelineIO's timecode maths instead:
- the CMX 3600 reader skips locators written in drop-frame timecode (HH:MM:SS;FF), which its own
  writer produces for 29.97;
- the FCPXML reader counts 29.97 and 23.976 as 29 and 23 frames a second, so its times are off by up
  to a frame; FCPXML times are exact fractions of a second, compared here as fractions.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

LOCATOR = re.compile(r"^\* LOC: (\d\d:\d\d:\d\d[:;]\d\d)\s+(\w*)\s+(.*)$")


@dataclass(frozen=True)
class ReadMarker:
    name: str
    frame: int
    clip: str


def read_timeline(path: Path, adapter: str, rate: float | None = None) -> otio.schema.Timeline:
    arguments = {"rate": rate} if adapter == "cmx_3600" else {}
    return otio.adapters.read_from_file(str(path), adapter_name=adapter, **arguments)


def otio_markers(timeline: otio.schema.Timeline) -> list[ReadMarker]:
    """Markers on the picture track's clips, at the frame (of the clip's own rate) they start on."""
    markers = []
    for clip in timeline.tracks[0].find_clips():
        for marker in clip.markers:
            start = marker.marked_range.start_time
            markers.append(ReadMarker(marker.name, round(start.value), clip.name))
    return markers


def edl_locators(path: Path, rate: float) -> list[ReadMarker]:
    """Every '* LOC:' line, its timecode read with OpenTimelineIO (drop-frame when written with ';')."""
    locators, clip = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("* FROM CLIP NAME:"):
            clip = line.split(":", 1)[1].strip()
        match = LOCATOR.match(line)
        if match:
            frame = otio.opentime.from_timecode(match.group(1), rate).to_frames()
            locators.append(ReadMarker(match.group(3).strip(), frame, clip))
    return locators


def fcpxml_markers(path: Path) -> list[ReadMarker]:
    """Markers of the spine's clips as exact frames: start / frameDuration must be a whole number."""
    root = ElementTree.parse(path).getroot()
    durations = {f.get("id"): _seconds(f.get("frameDuration")) for f in root.iter("format")}
    assets = {a.get("id"): a.get("format") for a in root.iter("asset")}
    markers = []
    for clip in root.iter("clip"):
        if clip.get("lane") is not None:
            continue
        video = clip.find("video")
        frame_duration = durations[assets[video.get("ref")]]
        for marker in clip.findall("marker"):
            frames = _seconds(marker.get("start")) / frame_duration
            assert frames.denominator == 1, f"marker {marker.get('value')} is between frames ({frames})"
            markers.append(ReadMarker(marker.get("value"), int(frames), clip.get("name")))
    return markers


def _seconds(value: str | None) -> Fraction:
    return Fraction((value or "0s").removesuffix("s"))
