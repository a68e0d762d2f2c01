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
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise AudioError(f"imageio-ffmpeg is not installed ({exc}); pip install imageio-ffmpeg") from exc
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise AudioError(f"no ffmpeg binary found by imageio-ffmpeg: {exc}") from exc


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
    stderr = run(
        ["-i", path, "-map", "0:a:0", "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"],
        f"measure the loudness of {path}",
    )
    summary = stderr[stderr.rfind("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if integrated is None or peak is None:
        raise AudioError(f"ffmpeg gave no loudness summary for {path}: {summary[-STDERR_TAIL:]!r}")
    return Loudness(float(integrated.group(1)), float(peak.group(1)))
