"""Slipstream's video recognition API v4, field for field (seed 002 and its public docs).

Job states are queued, processing and completed; `track` is null until completed, and null then
when no music was found. Unknown fields are ignored.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

QUEUED = "queued"
PROCESSING = "processing"
COMPLETED = "completed"
FAILED_STATES = frozenset({"failed", "error"})  # not documented; read as a failure if ever seen

ALLOWED_EXTENSIONS = (".mp4", ".mov", ".avi", ".mpeg")
MAX_DIRECT_UPLOAD_BYTES = 100 * 1024 * 1024
STORAGE_KEY_PREFIX = "video-recognition/"


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Track(Wire):
    title: str
    artist: str | None = None
    isrc: str | None = None
    score: float | None = None
    """0 to 100."""
    internal: bool | None = None
    id: str | int | None = None
    """Only when internal."""
    external_label: str | None = None


class Job(Wire):
    job_id: str
    status: str
    track: Track | None = None


class UploadUrl(Wire):
    upload_url: str
    storage_key: str
    expires_in: int = 600
    content_type: str


class UploadUrlRequest(Wire):
    filename: str


class StorageKeySubmission(Wire):
    storage_key: str
