"""Run the ffmpeg binary that imageio-ffmpeg ships; failures become AudioError."""

from __future__ import annotations

import functools
import re
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
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


def run(args: Sequence[str | Path], what: str, feed: Iterable[bytes] | None = None) -> str:
    """Run ffmpeg with `args`, writing `feed` to its standard input if given; return its stderr, or
    raise AudioError saying `what` failed."""
    command = [executable(), "-hide_banner", "-nostdin", "-nostats", *map(str, args)]
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: ffmpeg never blocks on a full stderr
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL if feed is None else subprocess.PIPE,
                                       stdout=subprocess.DEVNULL, stderr=log)
        except OSError as exc:
            raise AudioError(f"could not start ffmpeg to {what}: {exc}") from exc
        try:
            if feed is not None:
                _write_all(process, feed)
            code = process.wait()
        except BaseException:
            process.kill()
            process.wait()
            raise
        log.seek(0)
        stderr = log.read().decode("utf-8", "replace")
    if code != 0:
        tail = " | ".join(stderr.strip().splitlines())[-STDERR_TAIL:]
        raise AudioError(f"ffmpeg failed to {what} (exit {code}): {tail}")
    return stderr


def _write_all(process: subprocess.Popen, feed: Iterable[bytes]) -> None:
    """Write every chunk of `feed` to `process`'s standard input, then close it."""
    assert process.stdin is not None
    try:
        with process.stdin:
            for chunk in feed:
                process.stdin.write(chunk)
    except BrokenPipeError:  # ffmpeg stopped reading: its exit status and stderr say why
        pass


def pcm_input(rate: int) -> list[str]:
    """ffmpeg arguments that read mono 16-bit little-endian PCM at `rate` Hz from standard input."""
    return ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0"]


def measure(path: Path) -> Loudness:
    """Integrated loudness and true peak of the audio file at `path`."""
    summary = _ebur128(["-i", path], "peak=true", path)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if peak is None:
        raise AudioError(f"ffmpeg gave no true peak for {path}: {summary[-STDERR_TAIL:]!r}")
    return Loudness(_integrated_in(summary, path), float(peak.group(1)))


def integrated(path: Path) -> float:
    """Integrated loudness of the audio file at `path`, LUFS (faster than `measure`)."""
    return _integrated_in(_ebur128(["-i", path], "peak=none", path), path)


def _integrated_in(stderr: str, source: Path) -> float:
    """The integrated loudness from the summary an `ebur128` filter printed to `stderr` while reading `source`."""
    summary = stderr[stderr.rfind("Summary:") :]
    found = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    if found is None:
        raise AudioError(f"ffmpeg gave no loudness summary for {source}: {summary[-STDERR_TAIL:]!r}")
    return float(found.group(1))


def _ebur128(inputs: Sequence[str | Path], options: str, source: str | Path) -> str:
    """What ffmpeg prints when its ebur128 filter reads `source` (opened by the `inputs` arguments)."""
    return run([*inputs, "-map", "0:a:0", "-af", f"ebur128={options}:framelog=quiet", "-f", "null", "-"],
               f"measure the loudness of {source}")
