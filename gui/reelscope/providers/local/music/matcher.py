"""Which songs of the music folder play in a clip, where, and from which point of the song.

Every stored pair sharing a hash with the clip votes for (song, song time - clip time). The same
song really playing gives one offset many votes; chance collisions scatter theirs. The best
offset (with its neighbours, one frame either side) is taken while it has at least MIN_ALIGNED
votes; its votes' clip times say where the song plays (split where they pause for MAX_GAP_S).
Songs repeat themselves (a riff, a chorus), so other offsets of the same song also gather votes
over the same stretch: a stretch of the clip already explained by a better offset is not matched
again. Speech, silence, noise and songs not in the folder give no offset enough votes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from ....domain.analysis import MusicMatch
from .audio import AudioUnreadable, decode_mono
from .fingerprint import FRAME_S, landmark_hashes
from .index import MusicIndex

MIN_ALIGNED = 15
MIN_ALIGNED_PER_SECOND = 1.5
MAX_GAP_S = 4.0
MIN_MATCH_S = 2.0
MAX_OVERLAP = 0.3
MAX_CANDIDATES = 50
EXPECTED_VOTES_PER_SECOND = 12.0


def match_clip(
    path: Path, index: MusicIndex, duration_s: float, should_stop: Callable[[], None] | None = None
) -> list[MusicMatch]:
    try:
        samples, start_s = decode_mono(path, should_stop=should_stop)
    except AudioUnreadable:
        return []
    hashes, times = landmark_hashes(samples)
    if len(hashes) == 0:
        return []
    votes = index.lookup(hashes, times)
    return matches_from_votes(*votes, index=index, start_s=start_s, duration_s=duration_s)


def matches_from_votes(
    query_times: np.ndarray,
    query_ends: np.ndarray,
    song_ids: np.ndarray,
    song_times: np.ndarray,
    *,
    index: MusicIndex,
    start_s: float = 0.0,
    duration_s: float = 0.0,
) -> list[MusicMatch]:
    """Matches from the votes of index.lookup; start_s is when the audio starts in the clip."""
    alive = np.ones(len(query_times), dtype=bool)
    offsets = song_times - query_times
    found: list[MusicMatch] = []
    for _ in range(MAX_CANDIDATES):
        best = _best_offset(song_ids[alive], offsets[alive])
        if best is None:
            break
        song_id, offset = best
        chosen = alive & (song_ids == song_id) & (np.abs(offsets - offset) <= 1)
        alive &= ~chosen
        song = index.song(song_id)
        if song is None:
            continue
        for first, last, votes in _runs(query_times[chosen], query_ends[chosen]):
            start = first * FRAME_S + start_s
            end = last * FRAME_S + start_s
            if duration_s:
                end = min(end, duration_s)
            seconds = end - start
            if votes < MIN_ALIGNED or seconds < MIN_MATCH_S or votes < MIN_ALIGNED_PER_SECOND * seconds:
                continue
            if any(_overlap(start, end, match) > MAX_OVERLAP * seconds for match in found):
                continue
            clip_start = max(0.0, start)
            found.append(
                MusicMatch(
                    title=song.title,
                    artist=song.artist,
                    start_s=round(clip_start, 3),
                    end_s=round(max(clip_start, end), 3),
                    score=round(min(1.0, votes / (EXPECTED_VOTES_PER_SECOND * seconds)), 3),
                    song_offset_s=round(offset * FRAME_S + clip_start - start_s, 3),
                )
            )
    return sorted(found, key=lambda match: match.start_s)


def _best_offset(song_ids: np.ndarray, offsets: np.ndarray) -> tuple[int, int] | None:
    """The (song, offset) with the most votes, counting a frame either side, if it has enough."""
    if len(song_ids) == 0:
        return None
    shift = int(-offsets.min()) + 1
    keys = song_ids * (1 << 32) + (offsets + shift)
    unique, counts = np.unique(keys, return_counts=True)
    smoothed = counts.copy()
    neighbours = np.searchsorted(unique, unique - 1)
    found = (neighbours < len(unique)) & (unique[np.minimum(neighbours, len(unique) - 1)] == unique - 1)
    smoothed[found] += counts[neighbours[found]]
    neighbours = np.searchsorted(unique, unique + 1)
    found = (neighbours < len(unique)) & (unique[np.minimum(neighbours, len(unique) - 1)] == unique + 1)
    smoothed[found] += counts[neighbours[found]]
    best = int(np.argmax(smoothed))
    if smoothed[best] < MIN_ALIGNED:
        return None
    key = int(unique[best])
    return key >> 32, (key & 0xFFFFFFFF) - shift


def _runs(starts: np.ndarray, ends: np.ndarray) -> list[tuple[int, int, int]]:
    """(first frame, last frame, votes) of the chosen pairs, split where they pause for MAX_GAP_S."""
    if len(starts) == 0:
        return []
    order = np.argsort(starts)
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    gap = round(MAX_GAP_S / FRAME_S)
    breaks = np.flatnonzero(starts[1:] - reach[:-1] > gap)
    firsts = np.r_[0, breaks + 1]
    lasts = np.r_[breaks, len(starts) - 1]
    return [(int(starts[f]), int(reach[e]), int(e - f + 1)) for f, e in zip(firsts, lasts)]


def _overlap(start: float, end: float, match: MusicMatch) -> float:
    return max(0.0, min(end, match.end_s) - max(start, match.start_s))
