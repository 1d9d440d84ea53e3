"""One clip's local analysis, in the calling process: probe, one decoding pass, thumbnails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ...domain.analysis import Analysis, AnalysisStatus, VideoInfo
from ...domain.providers import LOCAL as PROVIDER_ID
from .probe import probe_video
from .scan import ProgressSink, scan_video
from .sprites import SpriteSheetWriter
from .thumbnails import SceneThumbnailWriter


def analyze_file(
    path: Path | str,
    thumbnail_root: Path | str,
    on_progress: ProgressSink | None = None,
    on_video: Callable[[VideoInfo], None] | None = None,
    sha256: str | None = None,
) -> Analysis:
    """Raises MediaError for unreadable media; on_progress may raise to abort.

    sha256, when the caller already hashed the file, saves reading it twice.
    """
    probed = probe_video(path, sha256=sha256)
    video = probed.info
    if on_video is not None:
        on_video(video)
    thumbnails = SceneThumbnailWriter(Path(thumbnail_root), video.sha256, probed.pixel_aspect)
    sprites = SpriteSheetWriter(
        duration_s=video.duration_s, thumbnail_root=Path(thumbnail_root), sha256=video.sha256,
        pixel_aspect=probed.pixel_aspect,
    )
    result = scan_video(
        Path(video.path),
        fps=video.fps,
        duration_s=video.duration_s,
        duration_is_estimate=probed.duration_is_estimate,
        on_progress=on_progress,
        on_scene_frame=thumbnails,
        on_frame=sprites.offer,
    )
    sprites.finish()
    if result.duration_s != video.duration_s:
        video = video.model_copy(update={"duration_s": result.duration_s})
    return Analysis(
        provider=PROVIDER_ID,
        status=AnalysisStatus.FINISHED,
        video=video,
        scenes=result.scenes,
        transitions=result.transitions,
        activity=result.activity,
    )
