"""Join synthesized clips into the chapter's master WAV: pauses, room tone, loudness, marks, cues.

Clips are read one at a time, resampled to MASTER_RATE, evened out to a common
speech level and streamed into a joined WAV with digital silence in the pauses,
so memory holds one clip, whatever the chapter's length. ffmpeg then measures
the join (EBU R128) and writes the master in one pass: gain to the target
loudness, a look-ahead peak limiter, and a continuous room-tone floor. The
limiter takes back some loudness, so the pass is repeated with a corrected gain
until the master is within LOUDNESS_TOLERANCE of the target.
"""

from __future__ import annotations

import functools
import math
import os
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from narrate import ffmpeg
from narrate.errors import AudioError
from narrate.model import NARRATOR, Chapter, Clip, Cue, Line, Mark, Master

if TYPE_CHECKING:
    import numpy as np

MASTER_RATE = 44100
"""Master sample rate, Hz: the MP3/AAC and ACX standard, and exactly twice the
22050 Hz that piper and espeak speak at, so the usual resampling is a clean 2x."""

FRAME = MASTER_RATE // 50
"""Samples in the 20 ms frames a clip's speech level is measured over."""

MAX_CLIP_GAIN = 30.0
"""Largest boost or cut, dB, that evening out a clip may apply."""

CLIP_PEAK_CAP = -1.0
"""A clip's sample peak after evening stays at or below this, dBFS."""

SILENT_LUFS = -70.0
"""Integrated loudness at or below which a master counts as silent (no gain)."""

LOUDNESS_TOLERANCE = 0.2
"""How far, LU, the master may miss the loudness target before the gain is corrected."""

LOUDNESS_PASSES = 4
"""Most gain-and-limit passes spent homing in on the loudness target."""

PINK_RMS_DB = -14.2
"""RMS, dBFS, of ffmpeg's pink `anoisesrc` at amplitude 1 (measured)."""

TITLE_CHARS = 40
"""A mark title quotes at most about this many characters of its scene's first line."""


@dataclass(frozen=True)
class AssembleSettings:
    """Pause lengths and loudness targets of the master."""

    head: float = 0.7
    """Room tone before the first clip, seconds."""
    tail: float = 1.5
    """Room tone after the last clip, seconds."""
    line: float = 0.3
    """Pause between lines of one paragraph, seconds."""
    paragraph: float = 0.7
    """Pause between paragraphs, seconds."""
    speaker: float = 0.2
    """Extra pause when the speaker changes within a scene, seconds."""
    opening: float = 1.2
    """Pause after the spoken opening (scene 0), seconds."""
    scene: float = 2.5
    """Pause at a scene break, seconds."""
    mark_lead: float = 0.5
    """A scene's mark starts this long before its first clip (at most mid-break), seconds."""
    loudness: float = -16.0
    """Integrated loudness target, LUFS."""
    peak: float = -2.5
    """Sample-peak ceiling of the limiter, dBFS: the master's true peak lands near -2.4 dBTP,
    which leaves room for the ~0.5 dB that MP3 and AAC encoding add (-1 dBTP is the limit)."""
    clip_level: float = -20.0
    """RMS of the active speech every clip is evened to before joining, dBFS."""
    room_tone: float = -70.0
    """RMS of the room-tone floor in the master, dBFS."""


def assemble(
    clips: Sequence[Clip], chapter: Chapter, out_wav: Path, *, settings: AssembleSettings = AssembleSettings()
) -> Master:
    """Join `clips` into `out_wav` at the target loudness; return it with marks and cues."""
    if not clips:
        raise AudioError(f"nothing to assemble for {chapter.heading}: no clips were synthesized")
    out_wav.parent.mkdir(parents=True, exist_ok=True)
    with ffmpeg.scratch(out_wav, ".join.wav") as joined:
        spans, total = _join(clips, joined, settings)
        _master(joined, out_wav, settings)
    duration = total / MASTER_RATE
    marks = _marks(clips, spans, total, chapter, settings)
    cues = tuple(_cue(clip, span) for clip, span in zip(clips, spans, strict=True))
    return Master(out_wav, duration, marks, cues)


def _join(clips: Sequence[Clip], path: Path, settings: AssembleSettings) -> tuple[list[tuple[int, int]], int]:
    """Stream the evened clips and silent pauses into `path`; (clip sample spans, total samples)."""
    spans: list[tuple[int, int]] = []
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(MASTER_RATE)
        position = _silence(out, settings.head)
        for index, clip in enumerate(clips):
            if index:
                position += _silence(out, _pause(clips[index - 1].line, clip.line, settings))
            samples = _even(_read(clip.path), settings)
            out.writeframes(samples.tobytes())
            spans.append((position, position + len(samples)))
            position += len(samples)
        position += _silence(out, settings.tail)
    return spans, position


def _silence(out: wave.Wave_write, seconds: float) -> int:
    """Write `seconds` of digital silence to `out`; return the sample count."""
    count = round(seconds * MASTER_RATE)
    out.writeframes(bytes(2 * count))
    return count


def _pause(before: Line, after: Line, settings: AssembleSettings) -> float:
    """Seconds of room tone between two consecutive lines."""
    if before.scene == 0 and after.scene != 0:
        return settings.opening
    if before.scene != after.scene:
        return settings.scene
    gap = settings.paragraph if before.paragraph != after.paragraph else settings.line
    return gap + (settings.speaker if before.speaker != after.speaker else 0.0)


def _read(path: Path) -> np.ndarray:
    """A clip WAV's samples as mono float32 in -1..1 at MASTER_RATE."""
    import numpy as np

    try:
        with wave.open(str(path), "rb") as clip:
            width, channels, rate = clip.getsampwidth(), clip.getnchannels(), clip.getframerate()
            data = clip.readframes(clip.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise AudioError(f"cannot read clip {path}: {exc} (expected a 16-bit PCM WAV)") from exc
    if width != 2:
        raise AudioError(f"clip {path} has {8 * width}-bit samples; expected a 16-bit PCM WAV")
    samples = np.frombuffer(data, "<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples[: len(samples) // channels * channels].reshape(-1, channels).mean(axis=1)
    return _resample(samples, rate, MASTER_RATE)


def _even(samples: np.ndarray, settings: AssembleSettings) -> np.ndarray:
    """`samples` brought to the common speech level (peak-capped), as little-endian int16."""
    import numpy as np

    peak = float(np.abs(samples).max(initial=0.0))
    if peak == 0.0:
        return np.zeros(len(samples), "<i2")
    gain_db = min(settings.clip_level - _speech_level(samples), MAX_CLIP_GAIN)
    gain_db = max(min(gain_db, CLIP_PEAK_CAP - 20 * math.log10(peak)), -MAX_CLIP_GAIN)
    scaled = samples * (10 ** (gain_db / 20) * 32767)
    return np.clip(np.rint(scaled), -32768, 32767).astype("<i2")


def _speech_level(samples: np.ndarray) -> float:
    """RMS of the frames within 40 dB of the loudest 20 ms frame (the speech, not the gaps), dBFS."""
    import numpy as np

    count = max(len(samples) // FRAME, 1)
    frames = np.resize(samples, count * FRAME) if len(samples) < FRAME else samples[: count * FRAME]
    power = (frames.reshape(count, -1).astype(np.float64) ** 2).mean(axis=1)
    active = power[power >= power.max() * 1e-4]
    return 10 * math.log10(max(float(active.mean()), 1e-12))


def _resample(samples: np.ndarray, source: int, target: int) -> np.ndarray:
    """`samples` resampled from `source` to `target` Hz (polyphase Kaiser-windowed sinc)."""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    if source == target:
        return samples
    common = math.gcd(source, target)
    up, down = target // common, source // common
    half, taps = _phase_taps(up, down)
    count = -(-len(samples) * up // down)
    rows = -(-count // up)
    windows = sliding_window_view(np.pad(samples, (half, half + down + 1)), 2 * half)
    out = np.empty((rows, up), np.float32)
    for phase_row in range(up):
        start, phase = divmod(phase_row * down, up)
        out[:, phase_row] = windows[start + 1 :: down][:rows] @ taps[phase]
    return out.reshape(-1)[:count]


@functools.cache
def _phase_taps(up: int, down: int) -> tuple[int, np.ndarray]:
    """(taps per side, filter taps per phase, time-reversed) for resampling by up/down."""
    import numpy as np

    half = math.ceil(16 * max(1.0, down / up))
    offsets = np.arange(-half * up, half * up)
    cutoff = 0.9 / max(up, down)
    kernel = np.sinc(cutoff * offsets) * np.kaiser(2 * half * up + 1, 8.0)[:-1]
    taps = kernel.reshape(2 * half, up).T
    taps = taps / taps.sum(axis=1, keepdims=True)
    return half, np.ascontiguousarray(taps[:, ::-1], dtype=np.float32)


def _master(joined: Path, out_wav: Path, settings: AssembleSettings) -> None:
    """Write `out_wav`: `joined` at the target loudness, peak-limited, over room tone."""
    measured = ffmpeg.integrated(joined)
    gain = settings.loudness - measured if measured > SILENT_LUFS else 0.0
    tries: list[tuple[float, float]] = []
    with ffmpeg.scratch(out_wav, ".wav") as final:
        for _ in range(LOUDNESS_PASSES if measured > SILENT_LUFS else 1):
            tries.append((gain, _finish(joined, final, gain, settings)))
            if abs(tries[-1][1] - settings.loudness) <= LOUDNESS_TOLERANCE:
                break
            gain = _next_gain(tries, settings.loudness)
        os.replace(final, out_wav)


def _next_gain(tries: list[tuple[float, float]], target: float) -> float:
    """The gain to try next, from (gain, resulting loudness) pairs: a secant step (the limiter eats some)."""
    gain, result = tries[-1]
    slope = 1.0
    if len(tries) > 1 and tries[-2][0] != gain:
        slope = min(max((result - tries[-2][1]) / (gain - tries[-2][0]), 0.2), 1.0)
    return gain + (target - result) / slope


def _finish(joined: Path, final: Path, gain: float, settings: AssembleSettings) -> float:
    """One ffmpeg pass: gain, limiter (delay compensated), pink room tone underneath; return the loudness."""
    limit = 10 ** (settings.peak / 20)
    noise = 10 ** ((settings.room_tone - PINK_RMS_DB) / 20)
    graph = (
        f"[0:a]volume={gain:.3f}dB,alimiter=limit={limit:.5f}:level=0:attack=5:release=60:latency=1[voice];"
        f"anoisesrc=r={MASTER_RATE}:c=pink:a={noise:.7f}:seed=1[tone];"
        "[voice][tone]amix=inputs=2:normalize=0:duration=first,ebur128=framelog=quiet[out]"
    )
    args = ["-i", joined, "-filter_complex", graph, "-map", "[out]", "-ac", "1", "-ar", str(MASTER_RATE)]
    stderr = ffmpeg.run([*args, "-c:a", "pcm_s16le", "-f", "wav", "-y", final], f"write the master {final}")
    return ffmpeg.integrated_in(stderr, final)


def _marks(
    clips: Sequence[Clip], spans: list[tuple[int, int]], total: int, chapter: Chapter, settings: AssembleSettings
) -> tuple[Mark, ...]:
    """One mark per scene, contiguous from 0 to the end; the opening belongs to the first."""
    firsts = _scene_starts(clips)
    if not firsts:
        return (Mark(chapter.heading, 0.0, total / MASTER_RATE),)
    lead = round(settings.mark_lead * MASTER_RATE)
    starts = [0] + [max(spans[i][0] - lead, (spans[i - 1][1] + spans[i][0]) // 2) for i in firsts[1:]]
    ends = starts[1:] + [total]
    return tuple(
        Mark(_title(clips[i].line), start / MASTER_RATE, end / MASTER_RATE)
        for i, start, end in zip(firsts, starts, ends, strict=True)
    )


def _scene_starts(clips: Sequence[Clip]) -> list[int]:
    """Indexes of the clips that open a scene (the opening, scene 0, opens none)."""
    starts: list[int] = []
    current = 0
    for index, clip in enumerate(clips):
        if clip.line.scene and clip.line.scene != current:
            starts.append(index)
            current = clip.line.scene
    return starts


def _title(line: Line) -> str:
    """A mark title: "Scene 2: They left at sunrise", quoting about TITLE_CHARS of the line."""
    quote = ""
    for word in line.text.split():
        if len(quote) + bool(quote) + len(word) > TITLE_CHARS:
            quote = (quote or word[:TITLE_CHARS]).rstrip(",;:") + "…"
            break
        quote = f"{quote} {word}" if quote else word
    return f"Scene {line.scene}: {quote}" if quote else f"Scene {line.scene}"


def _cue(clip: Clip, span: tuple[int, int]) -> Cue:
    """The transcript cue of a clip placed at `span` samples."""
    speaker = clip.line.speaker or NARRATOR
    return Cue(span[0] / MASTER_RATE, span[1] / MASTER_RATE, speaker, clip.line.text)
