"""Sample-level helpers shared by the engines: PCM conversion and band-limited resampling."""

from __future__ import annotations

import numpy as np

FULL_SCALE = 32767.0
"""The largest 16-bit sample value."""


def to_pcm(samples: np.ndarray) -> bytes:
    """Float samples in [-1, 1] as little-endian signed 16-bit PCM (clipped)."""
    return (np.clip(samples, -1.0, 1.0) * FULL_SCALE).astype("<i2").tobytes()


def from_pcm(pcm: bytes) -> np.ndarray:
    """Little-endian signed 16-bit PCM as float samples in [-1, 1]."""
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / FULL_SCALE


def resample(samples: np.ndarray, factor: float) -> np.ndarray:
    """`samples` made `factor` times shorter, band-limited (FFT): played back, pitch rises by `factor`."""
    if factor == 1.0 or len(samples) == 0:
        return samples
    length = max(1, round(len(samples) / factor))
    spectrum = np.fft.rfft(samples)
    kept = np.zeros(length // 2 + 1, dtype=spectrum.dtype)
    shared = min(len(spectrum), len(kept))
    kept[:shared] = spectrum[:shared]
    return (np.fft.irfft(kept, length) * (length / len(samples))).astype(np.float32)


def clamp(value: float, limits: tuple[float, float]) -> float:
    """`value` kept within `limits` (low, high)."""
    return min(limits[1], max(limits[0], value))
