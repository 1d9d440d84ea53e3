"""Slipstream's recognised track as the clip's music span; no track means no music found.

The score is the service's 0-100 figure divided by 100, as every score in the unified analysis is 0-1.
"""

from __future__ import annotations

from ...domain.analysis import Analysis, AnalysisStatus, MusicMatch, VideoInfo
from . import wire

PROVIDER = "slipstream"
NO_MUSIC = "No music found"


def analysis(video: VideoInfo, job: wire.Job) -> Analysis:
    music = ()
    if job.track is not None:
        track = job.track
        music = (
            MusicMatch(
                start_s=0.0,
                end_s=max(0.0, video.duration_s),
                title=track.title,
                artist=track.artist,
                isrc=track.isrc,
                label=track.external_label,
                score=None if track.score is None else max(0.0, min(1.0, track.score / 100.0)),
            ),
        )
    return Analysis(provider=PROVIDER, status=AnalysisStatus.FINISHED, video=video, music=music)


def failed(video: VideoInfo, reason: str) -> Analysis:
    return Analysis(provider=PROVIDER, status=AnalysisStatus.FAILED, error=reason, video=video)
