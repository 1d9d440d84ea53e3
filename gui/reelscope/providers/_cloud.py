"""What every cloud provider shares: the clip's facts read locally, upload progress, job phases."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ..domain.analysis import VideoInfo
from ..domain.errors import MediaError, ProviderNotConfigured
from ..domain.jobs import JobPhase, JobProgress
from ..domain.media import is_image_name, title_from_name
from ..domain.providers import provider_label
from ..domain.thumbnails import video_id_for
from .base import AnalysisEvents
from .hashing import file_sha256

UPLOAD_REPORT_STEP = 0.005


async def media_info(path: Path, sha256: str | None) -> VideoInfo:
    """The clip's facts (read from the file here, not asked of the service), off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, _media_info, Path(path).absolute(), sha256)


def _media_info(path: Path, sha256: str | None) -> VideoInfo:
    if is_image_name(path.name):
        return _image_info(path, sha256)
    from .local.probe import probe_video

    return probe_video(path, sha256).info


def _image_info(path: Path, sha256: str | None) -> VideoInfo:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
    except FileNotFoundError as error:
        raise MediaError(str(path), "file not found") from error
    except (UnidentifiedImageError, OSError) as error:
        raise MediaError(str(path), f"cannot be read as an image ({error})") from error
    sha256 = sha256 or file_sha256(path)
    return VideoInfo(
        id=video_id_for(sha256), path=str(path), title=title_from_name(path.name), duration_s=0.0, fps=0.0,
        width=width, height=height, size_bytes=path.stat().st_size, sha256=sha256, codec=None, has_audio=False,
    )


def require_key(provider_id: str, api_key: str | None) -> str:
    if not api_key:
        label = provider_label(provider_id)
        raise ProviderNotConfigured(
            provider_id, f"no {label} API key is set",
            hint=f"enter it in Settings → {label}, or set REELSCOPE_{provider_id.upper()}_API_KEY",
        )
    return api_key


class UploadProgress:
    """Byte progress of an upload as UPLOADING reports, at most every half percent."""

    def __init__(self, events: AnalysisEvents, detail: str | None = None) -> None:
        self._events = events
        self._detail = detail
        self._last = -1.0

    def __call__(self, done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        if fraction - self._last < UPLOAD_REPORT_STEP and done < total:
            return
        self._last = fraction
        self._events.progress(
            JobProgress(phase=JobPhase.UPLOADING, fraction=fraction, bytes_done=done, bytes_total=total,
                        detail=self._detail)
        )


def processing(events: AnalysisEvents, *, remote_id: str | None = None, fraction: float | None = None,
               eta_s: float | None = None, detail: str | None = None) -> None:
    events.progress(JobProgress(phase=JobPhase.PROCESSING, fraction=fraction, remote_id=remote_id, eta_s=eta_s,
                                detail=detail))


def fetching(events: AnalysisEvents, detail: str | None = None) -> None:
    events.progress(JobProgress(phase=JobPhase.FETCHING, fraction=None, detail=detail))
