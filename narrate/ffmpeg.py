"""Run the ffmpeg binary that imageio-ffmpeg ships; failures become AudioError."""

from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from narrate.errors import AudioError

STDERR_TAIL = 600
"""How many characters of ffmpeg's stderr an AudioError keeps as evidence."""


@dataclass(frozen=True)
class Loudness:
    """An EBU R128 / ITU-R BS.1770 measurement of a file."""

    integrated: float
    """Integrated loudness, LUFS (-70 or below: nothing above the gate)."""
    true_peak: float
    """True peak, dBTP (4x oversampled)."""


@functools.cache
def executable() -> str:
    """Path of the ffmpeg binary bundled with imageio-ffmpeg."""
    import imageio_ffmpeg

    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise AudioError(f"no ffmpeg binary found by imageio-ffmpeg ({exc}); reinstall imageio-ffmpeg") from exc


def run(args: Sequence[str | Path], what: str) -> str:
    """Run ffmpeg with `args`; return its stderr, or raise AudioError saying `what` failed."""
    command = [executable(), "-hide_banner", "-nostdin", "-nostats", *map(str, args)]
    try:
        done = subprocess.run(command, capture_output=True, check=False)
    except OSError as exc:
        raise AudioError(f"could not start ffmpeg to {what}: {exc}") from exc
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        tail = " | ".join(stderr.strip().splitlines())[-STDERR_TAIL:]
        raise AudioError(f"ffmpeg failed to {what} (exit {done.returncode}): {tail}")
    return stderr


def measure(path: Path) -> Loudness:
    """Integrated loudness and true peak of the audio file at `path`."""
    summary = _ebur128(path, "peak=true")
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if peak is None:
        raise AudioError(f"ffmpeg gave no true peak for {path}: {summary[-STDERR_TAIL:]!r}")
    return Loudness(integrated_in(summary, path), float(peak.group(1)))


def integrated(path: Path) -> float:
    """Integrated loudness of the audio file at `path`, LUFS (faster than `measure`)."""
    return integrated_in(_ebur128(path, "peak=none"), path)


def integrated_in(stderr: str, source: Path) -> float:
    """The integrated loudness from the summary an `ebur128` filter printed to `stderr` while reading `source`."""
    summary = stderr[stderr.rfind("Summary:") :]
    found = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    if found is None:
        raise AudioError(f"ffmpeg gave no loudness summary for {source}: {summary[-STDERR_TAIL:]!r}")
    return float(found.group(1))


def _ebur128(path: Path, options: str) -> str:
    """What ffmpeg prints when its ebur128 filter reads `path`."""
    return run(
        ["-i", path, "-map", "0:a:0", "-af", f"ebur128={options}:framelog=quiet", "-f", "null", "-"],
        f"measure the loudness of {path}",
    )
