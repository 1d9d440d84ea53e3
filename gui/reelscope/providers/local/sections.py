"""Sections: runs of consecutive scenes that one rule describes, tagged with that rule's name.

Each scene gets the first of these labels whose rule holds (measures from the analysis itself):

- "Title card": text is on screen for at least TITLE_TEXT_COVERAGE of the scene, no face, and
  the picture is nearly still (mean activity below QUIET_ACTIVITY).
- "Same person on screen": one person (one face group of the clip) is visible for at least
  PERSON_COVERAGE of the scene and nobody else is. Consecutive scenes of the same person join.
- "People together": two or more persons each visible for at least TOGETHER_COVERAGE.
- "High activity": the scene's mean activity is at least HIGH_ACTIVITY_FACTOR times the clip's
  median scene activity and above QUIET_ACTIVITY, or the scene is shorter than RAPID_CUT_S
  (rapid cutting).
- "Quiet": mean activity below QUIET_ACTIVITY.
- "Moderate activity": anything else.

Consecutive scenes with the same label (and, for people, the same persons) form one section. Its
confidence is the duration-weighted mean of how clearly each scene met its rule (coverage for
text and people, distance past the threshold for activity); its thumbnail is the middle of its
longest scene; relative_activity is its mean activity over the clip's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...domain.analysis import Activity, OcrText, Scene, Section, TimeSpan
from ...domain.people import FaceTrack

TITLE_TEXT_COVERAGE = 0.6
PERSON_COVERAGE = 0.6
TOGETHER_COVERAGE = 0.4
QUIET_ACTIVITY = 0.01
HIGH_ACTIVITY_FACTOR = 2.0
RAPID_CUT_S = 1.0

TITLE_CARD = "Title card"
SAME_PERSON = "Same person on screen"
TOGETHER = "People together"
HIGH_ACTIVITY = "High activity"
QUIET = "Quiet"
MODERATE = "Moderate activity"


@dataclass(frozen=True)
class _Label:
    tag: str
    key: tuple
    confidence: float


def sections_from(
    scenes: Sequence[Scene],
    activity: Activity | None,
    ocr: Sequence[OcrText] = (),
    faces: Sequence[FaceTrack] = (),
) -> tuple[Section, ...]:
    if not scenes:
        return ()
    scene_activity = [_mean_activity(activity, scene) for scene in scenes]
    clip_activity = _clip_mean(activity)
    median = float(np.median(scene_activity)) if scene_activity else 0.0
    labels = [
        _label(index, scene, scene_activity[index], median, ocr, faces) for index, scene in enumerate(scenes)
    ]
    sections: list[Section] = []
    run: list[int] = []
    for index in range(len(scenes)):
        if run and labels[index].key != labels[run[-1]].key:
            sections.append(_section(run, scenes, labels, scene_activity, clip_activity))
            run = []
        run.append(index)
    sections.append(_section(run, scenes, labels, scene_activity, clip_activity))
    return tuple(sections)


def _label(
    index: int, scene: Scene, activity: float, median: float, ocr: Sequence[OcrText], faces: Sequence[FaceTrack]
) -> _Label:
    length = max(scene.duration_s, 1e-6)
    text = _covered([(t.start_s, t.end_s) for t in ocr], scene) / length
    presence: dict[int, float] = {}
    for track in faces:
        if track.scene_index == index or _overlaps(track, scene):
            spans = [(i.start_s, i.end_s) for i in track.intervals]
            presence[track.group] = max(presence.get(track.group, 0.0), _covered(spans, scene) / length)
    visible = {group: share for group, share in presence.items() if share > 0.05}
    if text >= TITLE_TEXT_COVERAGE and not visible and activity < QUIET_ACTIVITY:
        return _Label(TITLE_CARD, (TITLE_CARD,), min(1.0, text) * (1 - activity / QUIET_ACTIVITY))
    if len(visible) == 1:
        (group, share), = visible.items()
        if share >= PERSON_COVERAGE:
            return _Label(SAME_PERSON, (SAME_PERSON, group), min(1.0, share))
    together = sorted(group for group, share in visible.items() if share >= TOGETHER_COVERAGE)
    if len(together) >= 2:
        shares = [visible[group] for group in together]
        return _Label(TOGETHER, (TOGETHER, tuple(together)), min(1.0, float(np.mean(shares))))
    high_bar = max(QUIET_ACTIVITY, HIGH_ACTIVITY_FACTOR * median)
    if activity >= high_bar and activity > QUIET_ACTIVITY:
        return _Label(HIGH_ACTIVITY, (HIGH_ACTIVITY,), min(1.0, 0.5 + 0.5 * (activity - high_bar) / high_bar))
    if scene.duration_s < RAPID_CUT_S:
        return _Label(HIGH_ACTIVITY, (HIGH_ACTIVITY,), 0.5)
    if activity < QUIET_ACTIVITY:
        return _Label(QUIET, (QUIET,), 1 - activity / QUIET_ACTIVITY)
    return _Label(MODERATE, (MODERATE,), min(1.0, 0.5 + 0.5 * (high_bar - activity) / high_bar))


def _section(
    run: list[int], scenes: Sequence[Scene], labels: list[_Label], activity: list[float], clip_activity: float
) -> Section:
    durations = np.array([scenes[i].duration_s for i in run])
    weights = durations / durations.sum() if durations.sum() > 0 else np.full(len(run), 1 / len(run))
    longest = scenes[run[int(np.argmax(durations))]]
    mean_activity = float(np.dot(weights, [activity[i] for i in run]))
    return Section(
        tag=labels[run[0]].tag,
        segments=(TimeSpan(start_s=scenes[run[0]].start_s, end_s=scenes[run[-1]].end_s),),
        thumbnail_s=round((longest.start_s + longest.end_s) / 2, 3),
        confidence=round(float(np.dot(weights, [labels[i].confidence for i in run])), 3),
        relative_activity=round(mean_activity / clip_activity, 3) if clip_activity > 0 else None,
    )


def _mean_activity(activity: Activity | None, scene: Scene) -> float:
    """Mean activity inside the scene, leaving out the sample of the cut that starts it."""
    if activity is None or not activity.values or activity.interval_s <= 0:
        return 0.0
    first = int(np.ceil(scene.start_s / activity.interval_s)) + 1
    last = int(np.floor(scene.end_s / activity.interval_s))
    values = activity.values[first:last] or activity.values[max(0, first - 1): last + 1]
    return float(np.mean(values)) if values else 0.0


def _clip_mean(activity: Activity | None) -> float:
    if activity is None or not activity.values:
        return 0.0
    return float(np.mean(activity.values))


def _covered(spans: list[tuple[float, float]], scene: Scene) -> float:
    """Seconds of the scene covered by the union of spans."""
    inside = [(s, e) for s, e in spans if e > scene.start_s and s < scene.end_s]
    clipped = sorted((max(s, scene.start_s), min(e, scene.end_s)) for s, e in inside)
    total, reach = 0.0, scene.start_s
    for start, end in clipped:
        start = max(start, reach)
        if end > start:
            total += end - start
            reach = end
    return total


def _overlaps(track: FaceTrack, scene: Scene) -> bool:
    return track.start_s < scene.end_s and track.end_s > scene.start_s
