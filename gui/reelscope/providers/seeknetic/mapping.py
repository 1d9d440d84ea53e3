"""Seeknetic's tags as the clip's tags track; its embeddings kept as JSON text for search."""

from __future__ import annotations

import json

from ...domain.analysis import Analysis, AnalysisStatus, Tag, VideoInfo
from ...domain.collections import Collection
from . import wire

PROVIDER = "seeknetic"


def tags(video: VideoInfo, raw: wire.Tags | None) -> tuple[Tag, ...]:
    whole = {"start_s": 0.0, "end_s": max(0.0, video.duration_s)}
    if raw is None:
        return ()
    if isinstance(raw, dict):
        found: list[Tag] = []
        for category, values in raw.items():
            for value in [values] if isinstance(values, str) else values:
                found.append(Tag(**whole, tag=str(value), category=category))
        return tuple(found)
    result = []
    for item in raw:
        start = item.start_time if item.start_time is not None else 0.0
        end = item.end_time if item.end_time is not None else whole["end_s"]
        result.append(
            Tag(start_s=max(0.0, start), end_s=max(start, end), tag=item.tag, category=item.category,
                probability=item.confidence)
        )
    return tuple(result)


def analysis(video: VideoInfo, tag_spans: tuple[Tag, ...]) -> Analysis:
    return Analysis(provider=PROVIDER, status=AnalysisStatus.FINISHED, video=video, tags=tag_spans)


def collection(item: wire.Collection) -> Collection:
    return Collection(provider=PROVIDER, collection_id=item.id, name=item.name, video_count=item.video_count,
                      description=item.description)


def failed(video: VideoInfo, reason: str) -> Analysis:
    return Analysis(provider=PROVIDER, status=AnalysisStatus.FAILED, error=reason, video=video)


def embedding_text(vectors: list[float] | list[list[float]] | None) -> str | None:
    """Embedding vectors as compact JSON (a list of vectors), to keep with the provider's asset."""
    if not vectors:
        return None
    if isinstance(vectors[0], int | float):
        vectors = [vectors]
    return json.dumps([[round(float(x), 6) for x in vector] for vector in vectors], separators=(",", ":"))
