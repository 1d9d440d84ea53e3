"""Landmark fingerprints: pairs of spectrogram peaks hashed with their time gap (as Shazam does).

The audio (mono, 8 kHz) becomes a log-magnitude spectrogram of 64 ms windows every 32 ms. A
peak is a bin that is the largest in its neighbourhood and stands clear of silence; the strongest
PEAKS_PER_SECOND of each second are kept. Each peak (the anchor) is paired with the next few peaks
in a zone after it; a pair's hash packs the anchor's frequency, the frequency step and the time
gap. A hash survives noise as long as both peaks do, and it carries no absolute time, so the
same song found in a clip gives many hashes whose song time minus clip time agree: the offset.
"""

from __future__ import annotations

import numpy as np

from .audio import FINGERPRINT_RATE

WINDOW = 512
HOP = 256
FRAME_S = HOP / FINGERPRINT_RATE
MIN_BIN = 4                     # below ~60 Hz: rumble, not music
PEAK_FREQ_RADIUS = 12           # bins
PEAK_TIME_RADIUS = 6            # frames
PEAKS_PER_SECOND = 30
SILENCE_DB = -70.0              # relative to full scale: quieter peaks are not music
FAN_OUT = 5
MAX_GAP_FRAMES = 63
MAX_FREQ_STEP = 63

GAP_BITS = 6  # the low bits of a hash: the pair's time gap in frames
_DT_BITS, _DF_BITS = GAP_BITS, 7


def spectrogram_db(samples: np.ndarray) -> np.ndarray:
    """frames x bins log magnitude (dB re full scale) of mono float samples."""
    if len(samples) < WINDOW:
        return np.zeros((0, WINDOW // 2 + 1), dtype=np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(samples, WINDOW)[::HOP]
    spectrum = np.abs(np.fft.rfft(frames * np.hanning(WINDOW).astype(np.float32), axis=1))
    return (20 * np.log10(spectrum / (WINDOW / 4) + 1e-10)).astype(np.float32)


def peaks(spectrogram: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(frame indices, bin indices) of the spectrogram's landmark peaks, in time order."""
    if spectrogram.shape[0] == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    neighbourhood_max = _max_filter(_max_filter(spectrogram, PEAK_TIME_RADIUS, axis=0), PEAK_FREQ_RADIUS, axis=1)
    is_peak = (spectrogram >= neighbourhood_max) & (spectrogram > SILENCE_DB)
    is_peak[:, :MIN_BIN] = False
    frame_index, bin_index = np.nonzero(is_peak)
    strength = spectrogram[frame_index, bin_index]
    keep = _strongest_per_second(frame_index, strength)
    frame_index, bin_index = frame_index[keep], bin_index[keep]
    order = np.lexsort((bin_index, frame_index))
    return frame_index[order], bin_index[order]


def landmark_hashes(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, anchor frame indices) of the audio's peak pairs."""
    frame_index, bin_index = peaks(spectrogram_db(samples))
    hashes: list[np.ndarray] = []
    times: list[np.ndarray] = []
    count = len(frame_index)
    for step in range(1, FAN_OUT * 3 + 1):  # later peaks, nearest first, until FAN_OUT pairs each
        if step >= count:
            break
        dt = frame_index[step:] - frame_index[:-step]
        df = bin_index[step:] - bin_index[:-step]
        ok = (dt >= 1) & (dt <= MAX_GAP_FRAMES) & (np.abs(df) <= MAX_FREQ_STEP)
        hashes.append(_pack(bin_index[:-step][ok], df[ok], dt[ok]))
        times.append(frame_index[:-step][ok])
    if not hashes:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    all_hashes, all_times = np.concatenate(hashes), np.concatenate(times)
    return _limit_fan_out(all_hashes, all_times)


def _limit_fan_out(hashes: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At most FAN_OUT pairs per anchor (the nearest ones: they were listed first)."""
    anchors = times * (1 << 9) + (hashes >> (_DT_BITS + _DF_BITS))
    order = np.argsort(anchors, kind="stable")
    sorted_anchors = anchors[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_anchors)) + 1]
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    keep = order[rank < FAN_OUT]
    keep.sort()
    return hashes[keep], times[keep]


def _pack(anchor_bin: np.ndarray, df: np.ndarray, dt: np.ndarray) -> np.ndarray:
    return (anchor_bin.astype(np.int64) << (_DT_BITS + _DF_BITS)) | ((df + 64).astype(np.int64) << _DT_BITS) | dt


def _max_filter(values: np.ndarray, radius: int, axis: int) -> np.ndarray:
    padded = np.pad(values, [(radius, radius) if a == axis else (0, 0) for a in range(values.ndim)],
                    mode="constant", constant_values=-np.inf)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * radius + 1, axis=axis)
    return windows.max(axis=-1)


def _strongest_per_second(frame_index: np.ndarray, strength: np.ndarray) -> np.ndarray:
    frames_per_second = round(1 / FRAME_S)
    second = frame_index // frames_per_second
    order = np.lexsort((-strength, second))
    sorted_seconds = second[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_seconds)) + 1] if len(order) else np.zeros(0, np.int64)
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    return np.sort(order[rank < PEAKS_PER_SECOND])
