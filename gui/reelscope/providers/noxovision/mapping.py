"""Noxovision's answers in the unified analysis: scenes, activity, sections, OCR, people, image tags.

The service gives faces without an identity; faces whose embeddings point the same way (cosine
similarity at least SAME_PERSON_SIMILARITY) within one clip are one person. The embeddings are kept
on each presence, so a later grouping across clips can use them.
"""

from __future__ import annotations

import math

from ...domain.analysis import (
    Activity,
    Analysis,
    AnalysisStatus,
    OcrText,
    PeopleSpan,
    PersonPresence,
    Scene,
    Section,
    Tag,
    TimeSpan,
    VideoInfo,
)
from . import wire

PROVIDER = "noxovision"
SAME_PERSON_SIMILARITY = 0.9


def video_analysis(video: VideoInfo, result: wire.VideoResult) -> Analysis:
    people = _People()
    return Analysis(
        provider=PROVIDER,
        status=AnalysisStatus.FINISHED,
        video=video,
        scenes=tuple(Scene(**_span(s.start_seconds, s.end_seconds)) for s in result.raw_scenes),
        activity=_activity(video, result.frame_activity_diffs),
        sections=tuple(_section(section) for section in result.sections),
        ocr=tuple(_ocr(ocr, video) for ocr in result.ocr_results),
        people=tuple(
            PeopleSpan(
                **_span(scene.time_segment.start_seconds, scene.time_segment.end_seconds),
                persons=tuple(people.presence(person) for person in scene.person_ids),
            )
            for scene in result.person_constellation_scenes
        ),
    )


def image_analysis(video: VideoInfo, result: wire.ImageResult | None) -> Analysis:
    result = result or wire.ImageResult()
    people = _People()
    still = _span(0.0, video.duration_s)
    return Analysis(
        provider=PROVIDER,
        status=AnalysisStatus.FINISHED,
        video=video,
        tags=tuple(
            Tag(**still, tag=tag.tag, probability=tag.probability, is_critical=tag.is_critical) for tag in result.tags
        ),
        ocr=tuple(_ocr(ocr, video) for ocr in result.ocr_results),
        people=(PeopleSpan(**still, persons=tuple(people.presence(p) for p in result.person_ids)),)
        if result.person_ids else (),
    )


def failed_analysis(video: VideoInfo, reason: str) -> Analysis:
    return Analysis(provider=PROVIDER, status=AnalysisStatus.FAILED, error=reason, video=video)


def _span(start: float, end: float) -> dict[str, float]:
    start = max(0.0, float(start))
    return {"start_s": start, "end_s": max(start, float(end))}


def _activity(video: VideoInfo, diffs: list[float]) -> Activity | None:
    if not diffs:
        return None
    if video.duration_s > 0:
        interval = video.duration_s / len(diffs)
    else:
        interval = 1.0 / video.fps if video.fps > 0 else 1.0
    return Activity(interval_s=interval, values=tuple(float(v) for v in diffs))


def _section(section: wire.Section) -> Section:
    return Section(
        tag=section.section_tag,
        segments=tuple(TimeSpan(**_span(s.start_seconds, s.end_seconds)) for s in section.time_segments),
        thumbnail_s=section.thumbnail_timestamp,
        confidence=section.confidence,
        is_critical=section.is_critical,
        relative_activity=section.relative_activity,
    )


def _ocr(ocr: wire.OcrResult, video: VideoInfo) -> OcrText:
    segment = ocr.time_segment
    times = _span(segment.start_seconds, segment.end_seconds) if segment else _span(0.0, video.duration_s)
    return OcrText(**times, text=ocr.full_text, language=ocr.language_code)


class _People:
    """Gives each face a person id within one clip, by the direction of its embedding."""

    def __init__(self) -> None:
        self._centroids: list[list[float]] = []
        self._counts: list[int] = []
        self._anonymous = 0

    def presence(self, person: wire.PersonId) -> PersonPresence:
        return PersonPresence(
            person_id=self._identify(person.face_embedding),
            age=person.age,
            gender=person.gender,
            prominence=person.relative_prominence,
            allowlisted=person.allowlisted,
            face_thumbnail=person.face_thumbnail or None,
            face_embedding=tuple(person.face_embedding) if person.face_embedding else None,
        )

    def _identify(self, embedding: list[float]) -> str:
        if not embedding or not any(embedding):
            self._anonymous += 1
            return f"{PROVIDER}:face-{self._anonymous}"
        best, best_similarity = None, -1.0
        for index, centroid in enumerate(self._centroids):
            if len(centroid) != len(embedding):
                continue
            similarity = _cosine(centroid, embedding)
            if similarity > best_similarity:
                best, best_similarity = index, similarity
        if best is None or best_similarity < SAME_PERSON_SIMILARITY:
            self._centroids.append(list(embedding))
            self._counts.append(1)
            return f"{PROVIDER}:person-{len(self._centroids)}"
        count = self._counts[best] + 1
        self._centroids[best] = [(c * (count - 1) + e) / count for c, e in zip(self._centroids[best], embedding)]
        self._counts[best] = count
        return f"{PROVIDER}:person-{best + 1}"


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0
