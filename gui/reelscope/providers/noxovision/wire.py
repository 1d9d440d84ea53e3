"""Noxovision's API 0.2.0 as its OpenAPI document gives it, field for field (seed 001).

Unknown fields are ignored (a newer API may add some); a missing required one is a ServiceFault.
Not in the seed, and assumed: `error` on a failed job (read when present), and the video
endpoint taking the webhook as query parameters `webhook.url` and `webhook.secret` (its body is the
raw video); the image endpoint takes it as the JSON field `webhook` (WebhookConfig).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FINISHED = "finished"
FAILED = "failed"
TERMINAL_STATES = frozenset({FINISHED, FAILED})


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class TimeSegment(Wire):
    start_seconds: float
    end_seconds: float


class RawScene(TimeSegment):
    pass


class PersonId(Wire):
    age: float | None = None
    gender: str | None = None
    face_embedding: list[float] = []
    face_thumbnail: str | None = None
    allowlisted: bool | None = None
    relative_prominence: float | None = None


class PersonConstellationScene(Wire):
    time_segment: TimeSegment
    person_ids: list[PersonId] = []


class OcrResult(Wire):
    language_code: str | None = None
    full_text: str
    time_segment: TimeSegment | None = None


class Section(Wire):
    section_tag: str
    time_segments: list[TimeSegment] = []
    thumbnail_timestamp: float | None = None
    confidence: float | None = None
    is_critical: bool | None = None
    relative_activity: float | None = None


class VideoResult(Wire):
    raw_scenes: list[RawScene] = []
    frame_activity_diffs: list[float] = []
    person_constellation_scenes: list[PersonConstellationScene] = []
    ocr_results: list[OcrResult] = []
    sections: list[Section] = []


class JobAccepted(Wire):
    job_id: str


class VideoJob(Wire):
    job_id: str
    status: str
    result: VideoResult | None = None
    error: str | None = None


class ImageTag(Wire):
    tag: str
    probability: float | None = None
    is_critical: bool | None = None


class ImageResult(Wire):
    tags: list[ImageTag] = []
    person_ids: list[PersonId] = []
    ocr_results: list[OcrResult] = []


class ImageItem(Wire):
    external_id: str
    result: ImageResult | None = None


class ImageBatchJob(Wire):
    job_id: str
    status: str
    items: list[ImageItem] = []
    error: str | None = None


class Latency(Wire):
    media_type: Literal["video", "image"]
    unit: str
    latency_ms_per_unit: float


class WebhookConfig(Wire):
    url: str
    secret: str | None = None


class ImageIn(Wire):
    external_id: str
    data_base64: str = Field(description="raw base64, no data URI prefix")
