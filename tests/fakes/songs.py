"""Generated songs and soundtracks: melodies with harmonics, a bass line and drums, noise at a chosen
signal-to-noise ratio, and files for a music folder (WAV has no tags: the name says who and what)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

RATE = 48_000
SCALE = (0, 2, 4, 5, 7, 9, 11, 12)


def song(seed: int, seconds: float = 30.0, rate: int = RATE) -> np.ndarray:
    """A reproducible little song: a melody over a bass line, a kick on every beat, hats between."""
    rng = np.random.default_rng(seed)
    beat_s = 60.0 / rng.uniform(90, 140)
    root = 220.0 * 2 ** (rng.integers(-5, 6) / 12)
    out = np.zeros(int(seconds * rate), dtype=np.float32)
    t = 0.0
    while t < seconds:
        length = beat_s * rng.choice([0.5, 1.0, 1.0, 2.0])
        pitch = root * 2 ** (SCALE[rng.integers(len(SCALE))] / 12 + rng.integers(0, 2))
        _add(out, _tone(pitch, length, rate, harmonics=4) * 0.35, t, rate)
        t += length
    for beat in np.arange(0.0, seconds, beat_s):
        bass = root / 2 * 2 ** (SCALE[rng.integers(5)] / 12)
        _add(out, _tone(bass, beat_s, rate, harmonics=2) * 0.3, beat, rate)
        _add(out, _kick(rate) * 0.5, beat, rate)
        _add(out, _hat(rng, rate) * 0.12, beat + beat_s / 2, rate)
    return out / max(1e-9, float(np.abs(out).max())) * 0.8


def with_noise(signal: np.ndarray, snr_db: float, seed: int = 7) -> np.ndarray:
    """signal plus white noise whose power is snr_db below the signal's (measured where it sounds)."""
    rng = np.random.default_rng(seed)
    sounding = signal[np.abs(signal) > 1e-4]
    power = float(np.mean(sounding**2)) if len(sounding) else 1e-4
    noise = rng.normal(0.0, np.sqrt(power / 10 ** (snr_db / 10)), len(signal)).astype(np.float32)
    mixed = signal + noise
    return (mixed / max(1e-9, float(np.abs(mixed).max())) * 0.9).astype(np.float32)


def placed(part: np.ndarray, at_s: float, total_s: float, rate: int = RATE) -> np.ndarray:
    """part starting at at_s in total_s seconds of silence."""
    out = np.zeros(int(total_s * rate), dtype=np.float32)
    start = int(at_s * rate)
    out[start : start + len(part)] = part[: len(out) - start]
    return out


def excerpt(samples: np.ndarray, from_s: float, seconds: float, rate: int = RATE) -> np.ndarray:
    return samples[int(from_s * rate) : int((from_s + seconds) * rate)].copy()


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
    with av.open(str(path), mode="w", format="wav") as container:
        stream = container.add_stream("pcm_s16le", rate=rate, layout="mono")
        for start in range(0, len(pcm), 4096):
            frame = av.AudioFrame.from_ndarray(pcm[None, start : start + 4096], format="s16", layout="mono")
            frame.sample_rate = rate
            frame.pts = start
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def read_audio(path: Path, rate: int = RATE) -> np.ndarray:
    """Any audio file PyAV reads, as mono float32 at rate."""
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        chunks = [
            out.to_ndarray().reshape(-1)
            for frame in container.decode(audio=0)
            for out in resampler.resample(frame)
        ]
    return np.concatenate(chunks).astype(np.float32)


def _tone(frequency: float, seconds: float, rate: int, harmonics: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    wave = sum(np.sin(2 * np.pi * frequency * k * t) / k for k in range(1, harmonics + 1))
    envelope = np.minimum(1.0, t / 0.01) * np.exp(-3.0 * t / max(seconds, 1e-3))
    return (wave * envelope).astype(np.float32)


def _kick(rate: int) -> np.ndarray:
    t = np.arange(int(0.15 * rate)) / rate
    return (np.sin(2 * np.pi * (60 + 60 * np.exp(-t * 30)) * t) * np.exp(-t * 25)).astype(np.float32)


def _hat(rng: np.random.Generator, rate: int) -> np.ndarray:
    n = int(0.05 * rate)
    return (rng.normal(0, 1, n) * np.exp(-np.arange(n) / rate * 80)).astype(np.float32)


def _add(out: np.ndarray, part: np.ndarray, at_s: float, rate: int) -> None:
    start = int(at_s * rate)
    end = min(len(out), start + len(part))
    if start < end:
        out[start:end] += part[: end - start]
