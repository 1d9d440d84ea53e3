"""Seeknetic's API (seed 000), field for field; unknown fields are ignored.

The seed shows requests by `video_url` and says Base64-encoded video data is accepted too; the
field for it is assumed to be `video_base64`. Also assumed (not in the seed): the shape of `tags`
(a mapping of category to value(s), or a list of tag objects, both read), `video_count` on a
collection, and GET /collections/{id}/videos listing a collection's videos (used to find an
interrupted upload before sending again; a 404 there means the service cannot tell, and the file
is sent again).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

PENDING = "pending"
PROCESSING = "processing"
COMPLETED = "completed"
FAILED = "failed"

UPLOADED = "uploaded"
PROCESSED = "processed"
VIDEO_FINAL_STATES = frozenset({PROCESSED, FAILED})
ASYNC_FINAL_STATES = frozenset({COMPLETED, FAILED})


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class Collection(Wire):
    id: str
    name: str
    description: str | None = None
    video_count: int | None = None


class CollectionCreated(Wire):
    collection_id: str
    name: str | None = None


class CollectionCreate(Wire):
    name: str
    description: str | None = None


class VideoUploaded(Wire):
    video_id: str
    status: str | None = None


class VideoStatus(Wire):
    status: str
    progress: float | None = None
    video_id: str | None = None
    error_message: str | None = None


class CollectionVideo(Wire):
    video_id: str
    filename: str | None = None
    size_bytes: int | None = None
    status: str | None = None


class TagItem(Wire):
    tag: str
    category: str | None = None
    confidence: float | None = None
    start_time: float | None = None
    end_time: float | None = None


Tags = dict[str, str | list[str]] | list[TagItem]


class TaggingResult(Wire):
    tags: Tags


class AsyncSubmitted(Wire):
    request_id: str


class AsyncStatus(Wire):
    status: str
    request_id: str | None = None
    tags: Tags | None = None
    embedding: list[float] | list[list[float]] | None = None
    error_message: str | None = None


class VideoEmbedding(Wire):
    embeddings: list[list[float]]


class TextEmbedding(Wire):
    embedding: list[float]


class SearchResult(Wire):
    video_id: str
    similarity: float
    start_time: float | None = None
    end_time: float | None = None


class SearchResults(Wire):
    results: list[SearchResult]
