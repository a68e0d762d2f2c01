"""Lay synthesized clips out as the chapter's master: pauses, room tone, loudness, marks, cues.

Every line's samples are a pure function of its own clip: each clip is read on
its own, resampled to MASTER_RATE, brought to a fixed loudness (ITU-R BS.1770,
measured here in numpy) and peak-limited on its own true peak, and kept in the
synthesis cache beside the clip. The master is a list of stretches: a line with
the room tone from the middle of the pause before it to the middle of the pause
after, padded to whole MP3 frames (GRID). Room tone depends only on its length,
so a stretch depends only on its line and the two pauses around it: changing
one voice changes that voice's stretches and nothing else, and the encoder can
reuse the frames of every other stretch. The master is never joined in memory
or on disk: `samples` streams it to ffmpeg one piece at a time, so memory holds
one clip whatever the chapter's length. The master is measured once with
ffmpeg; only if it misses the loudness target by more than LOUDNESS_TOLERANCE
(a chapter shaped very unlike speech, say a handful of tiny clips) are its lines
levelled again with one common correction, the rare fallback that gives up
line independence.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import itertools
import math
import os
import wave
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from narrate import ffmpeg
from narrate.errors import AudioError
from narrate.files import atomic_path
from narrate.model import NARRATOR, Chapter, Clip, Cue, Line, Mark, Master, Stretch

if TYPE_CHECKING:
    import numpy as np

MASTER_RATE = 22050
"""Master sample rate, Hz: the rate piper, espeak and the system voices speak at, so their clips need
no resampling; a higher rate would only carry empty bandwidth through levelling and encoding."""

BLOCK = 0.4
"""Length of a BS.1770 gating block, seconds."""

BLOCK_STEP = 0.1
"""Hop between gating blocks (75% overlap), seconds."""

ABSOLUTE_GATE = -70.0
"""Blocks quieter than this, LUFS, do not count towards a loudness (BS.1770)."""

RELATIVE_GATE = -10.0
"""Blocks this far, LU, below the level of the blocks above the absolute gate do not count (BS.1770)."""

SHELF = (1681.974450955533, 3.999843853973347, 0.7071752369554196, 0.4996667741545416)
"""K-weighting stage 1, the analog high shelf: corner Hz, gain dB, Q, and the band-gain exponent
(libebur128's prototype, which gives BS.1770's 48 kHz coefficients exactly)."""

HIGH_PASS = (38.13547087602444, 0.5003270373238773)
"""K-weighting stage 2, the analog high pass (RLB): corner Hz and Q."""

EDGE_OFFSET = 0.25
"""dB each clip is set above the target: the master's gated loudness comes out about this much below
its clips', as the blocks that straddle a clip's edges count too (measured with every clip at the
target: 0.27 dB on a 25-minute chapter of 436 piper lines, 0.18-0.22 on 32 piper, espeak and system lines)."""

MAKEUP_PASSES = 6
"""Most limiter passes spent raising a clip's gain to make up the loudness its limiting takes."""

MIN_SLOPE = 0.25
"""Least LU of loudness a makeup step counts on per dB of gain (limiting gives back ~0.3-0.5)."""

MAKEUP_TOLERANCE = 0.05
"""How far, LU, a limited clip may read from its target."""

MAX_CLIP_GAIN = 30.0
"""Largest boost or cut, dB, that bringing a clip to the target may apply."""

OVERSAMPLE = 4
"""True peak is read from the clip upsampled this many times (as BS.1770 does)."""

ATTACK = 0.005
"""The limiter's gain ramps down over this long before a peak and back up over as long after, seconds:
each glottal pulse that is too high gets a dip of its own (the dips recur at the pitch, so they
shape the voice's harmonics rather than add tones; holding the gain down longer costs far more loudness)."""

FFT_PAD = 0.1
"""Zeros appended before filtering a clip in the frequency domain, seconds: the K-weighting's
ringing dies out well within it (to 1e-6), so the circular filtering acts as the recursive one."""

FFT_FACTORS = (8, 9, 10, 12, 15)
"""FFT lengths are one of these times a power of two: fast sizes at most 25% above the need."""

ROOM_TONE_SEED = 1770
"""Seed of the room-tone noise: a stretch of room tone depends only on its length."""

ROOM_TONE_VERSION = 1
"""Bumped whenever the room tone's noise changes, so encoded stretches made with it before are not reused."""

GRID = 576
"""Samples at MASTER_RATE in one frame of the MP3 (1152 at its 44.1 kHz). Every stretch of the master is
padded with room tone to whole frames (at most 26 ms), so the timeline is the MP3's and the MP3's frames
can be cached and spliced stretch by stretch."""

PINK_FLOOR = 40.0
"""Below this frequency, Hz, room tone stops rising (1/f would rumble)."""

SILENT_LUFS = -70.0
"""Integrated loudness at or below which a master counts as silent (no correction)."""

LOUDNESS_TOLERANCE = 0.5
"""How far, LU, the master may miss the target before it is joined again with a correction."""

EDGE_FRAME = 0.01
"""Frame length, seconds, over which a clip's edges are measured for silence."""

EDGE_SILENCE = -45.0
"""A frame at a clip's start or end this far, dB, below the clip's loudest frame is silence and
is cut: engines pad their output (piper ~50 ms before and ~120 ms after, pyttsx3 ~300 ms after),
and the pauses, marks and transcript cues should count from the speech itself."""

EDGE_KEEP = 0.02
"""Seconds kept before the first and after the last frame of sound, for soft onsets and releases."""

LEVELLED_VERSION = 2
"""Bumped whenever the way a clip is trimmed or levelled changes, so levelled copies made before are not reused."""

K_RESPONSES = 8
"""How many FFT sizes' K-weighting responses are kept (each as large as its FFT: memory would grow with
the number of different line lengths a long book has)."""

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
    """Integrated loudness target of the master, LUFS."""
    peak: float = -2.5
    """True-peak ceiling of every clip, dBTP: leaves room for the ~1 dB that MP3 and AAC
    encoding add (the encoded files must stay at or below -1 dBTP)."""
    room_tone: float = -70.0
    """RMS of the room tone in the head, tail and pauses, dBFS."""


def assemble(clips: Sequence[Clip], chapter: Chapter, *, settings: AssembleSettings = AssembleSettings()) -> Master:
    """Level `clips` into the cache and lay them out with pauses at the target loudness; marks and cues included."""
    if not clips:
        raise AudioError(f"nothing to assemble for {chapter.heading}: no clips were synthesized")
    target = settings.loudness + EDGE_OFFSET
    stretches = _layout(clips, settings, target)
    measured = ffmpeg.stream_integrated(stretch_samples(stretches, settings.room_tone), MASTER_RATE)
    if measured > SILENT_LUFS and abs(settings.loudness - measured) > LOUDNESS_TOLERANCE:
        stretches = _layout(clips, settings, target + settings.loudness - measured)
    starts = _starts(stretches)
    spans = [(start + stretch.lead, start + stretch.lead + stretch.size) for start, stretch in zip(starts, stretches)]
    marks = _marks(clips, spans, starts[-1], chapter, settings)
    cues = tuple(_cue(clip, span) for clip, span in zip(clips, spans, strict=True))
    return Master(tuple(stretches), MASTER_RATE, GRID, settings.room_tone, starts[-1] / MASTER_RATE, marks, cues)


def samples(master: Master) -> Iterator[bytes]:
    """The master's 16-bit PCM, one piece at a time."""
    return stretch_samples(master.stretches, master.room_tone)


def stretch_key(stretch: Stretch, room_tone: float) -> str:
    """A digest of what `stretch` sounds like, for a stretch whose line is kept in the cache (where a levelled
    line's path names its content)."""
    recipe = f"{ROOM_TONE_VERSION} {room_tone} {stretch.lead} {stretch.line} {stretch.size} {stretch.trail}"
    return hashlib.sha256(recipe.encode()).hexdigest()[:16]


def regrid(master: Master, grid: int) -> Master:
    """`master` with every stretch padded to whole frames of `grid` samples instead, marks and cues moved along."""
    if grid == master.grid:
        return master
    stretches = [dataclasses.replace(stretch, trail=_padded_trail(stretch.lead + stretch.size + stretch.pause,
                                                                  stretch.pause, grid))
                 for stretch in master.stretches]
    old, new = _starts(master.stretches), _starts(stretches)

    def moved(seconds: float) -> float:
        position = round(seconds * master.rate)
        index = bisect.bisect_right(old, position) - 1  # the stretch it falls in (the last: the very end)
        if index == len(stretches):
            return new[-1] / master.rate
        return (new[index] + min(position - old[index], stretches[index].length)) / master.rate

    marks = tuple(dataclasses.replace(mark, start=moved(mark.start), end=moved(mark.end)) for mark in master.marks)
    cues = tuple(dataclasses.replace(cue, start=moved(cue.start), end=moved(cue.end)) for cue in master.cues)
    return dataclasses.replace(master, stretches=tuple(stretches), grid=grid, duration=new[-1] / master.rate,
                               marks=marks, cues=cues)


def stretch_samples(stretches: Iterable[Stretch], level: float) -> Iterator[bytes]:
    """The 16-bit PCM of `stretches` in turn, with room tone at `level` dBFS: lead, line (files read one at
    a time) and trail."""
    for stretch in stretches:
        yield room_tone(stretch.lead, level)
        if isinstance(stretch.line, bytes):
            yield stretch.line
        else:
            try:
                yield stretch.line.read_bytes()
            except OSError as error:
                raise AudioError(f"cannot read levelled clip {stretch.line}: {error.strerror}") from None
        yield room_tone(stretch.trail, level)


def _starts(stretches: Sequence[Stretch]) -> list[int]:
    """Where each stretch starts, in samples, and (last) where the final one ends."""
    return list(itertools.accumulate((stretch.length for stretch in stretches), initial=0))


def _padded_trail(length: int, pause: int, grid: int) -> int:
    """The trail of a stretch `length` samples long unpadded, ending in `pause`, padded to whole `grid` frames."""
    return pause + -length % grid


def _layout(clips: Sequence[Clip], settings: AssembleSettings, target: float) -> list[Stretch]:
    """The clips levelled to `target` LUFS, each with the room tone up to the middle of the pauses around it."""
    _level_ahead(clips, target, settings.peak)
    pauses = [round(_pause(before.line, after.line, settings) * MASTER_RATE)
              for before, after in itertools.pairwise(clips)]
    leads = [round(settings.head * MASTER_RATE)] + [pause - pause // 2 for pause in pauses]
    rests = [pause // 2 for pause in pauses] + [round(settings.tail * MASTER_RATE)]
    stretches = []
    for clip, lead, rest in zip(clips, leads, rests, strict=True):
        line = _levelled(clip.path, target, settings.peak)
        size = (len(line) if isinstance(line, bytes) else line.stat().st_size) // 2
        stretches.append(Stretch(lead, line, size, rest, _padded_trail(lead + size + rest, rest, GRID)))
    return stretches


def _pcm(samples: np.ndarray) -> np.ndarray:
    """Float samples (-1..1) as little-endian 16-bit PCM."""
    import numpy as np

    return np.clip(np.rint(samples * 32767), -32768, 32767).astype("<i2")


def _level_ahead(clips: Sequence[Clip], target: float, ceiling: float) -> None:
    """Level the clips not yet levelled into the cache, on every core (numpy's FFTs and products run
    outside the GIL)."""
    paths = sorted({clip.path for clip in clips if not _levelled_path(clip.path, target, ceiling).exists()})
    if len(paths) > 1:
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            for _ in pool.map(lambda path: _levelled(path, target, ceiling), paths):
                pass


def _levelled_path(clip: Path, target: float, ceiling: float) -> Path:
    """Where the cache keeps `clip` trimmed and levelled to `target` under `ceiling`."""
    recipe = f"{LEVELLED_VERSION} {MASTER_RATE} {target:.4f} {ceiling:.4f} {EDGE_SILENCE} {EDGE_KEEP}"
    return clip.with_name(f"{clip.stem}.{hashlib.sha256(recipe.encode()).hexdigest()[:16]}.s16")


def _levelled(clip: Path, target: float, ceiling: float) -> Path | bytes:
    """The clip trimmed, at MASTER_RATE and levelled to `target` LUFS under `ceiling` dBTP, as 16-bit PCM:
    the file the cache keeps it in beside the clip (so a render that changes some lines levels only
    those again), or its samples if the cache cannot be written."""
    cached = _levelled_path(clip, target, ceiling)
    if cached.exists():
        return cached
    pcm = _pcm(_level(_trim(_read(clip)), target, ceiling))
    try:
        with atomic_path(cached) as temporary:
            pcm.tofile(temporary)
    except OSError:  # a read-only cache still renders, only more slowly next time
        return pcm.tobytes()
    return cached


def _pause(before: Line, after: Line, settings: AssembleSettings) -> float:
    """Seconds of room tone between two consecutive lines."""
    if before.scene == 0 and after.scene != 0:
        return settings.opening
    if before.scene != after.scene:
        return settings.scene
    gap = settings.paragraph if before.paragraph != after.paragraph else settings.line
    return gap + (settings.speaker if before.speaker != after.speaker else 0.0)


@functools.cache
def room_tone(count: int, level: float) -> bytes:
    """`count` samples of pink-ish noise at `level` dBFS RMS, as 16-bit PCM (a function of `count` alone)."""
    import numpy as np

    if not count:
        return b""
    white = np.random.default_rng(ROOM_TONE_SEED).standard_normal(count)
    frequencies = np.fft.rfftfreq(count, 1 / MASTER_RATE)
    spectrum = np.fft.rfft(white) / np.sqrt(np.maximum(frequencies, PINK_FLOOR))
    spectrum[:1] = 0.0
    noise = np.fft.irfft(spectrum, count)
    rms = math.sqrt(float(np.mean(noise**2)))
    return _pcm(noise * (10 ** (level / 20) / rms) if rms else noise).tobytes()


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


def _trim(samples: np.ndarray) -> np.ndarray:
    """`samples` without the silence an engine left at their start and end (EDGE_KEEP of it stays)."""
    import numpy as np

    frame = round(EDGE_FRAME * MASTER_RATE)
    count = len(samples) // frame
    if not count:
        return samples
    power = np.mean(np.square(samples[: count * frame].reshape(count, frame), dtype=np.float64), axis=1)
    if not power.max():
        return samples
    sound = np.flatnonzero(power > power.max() * 10 ** (EDGE_SILENCE / 10))
    keep = round(EDGE_KEEP * MASTER_RATE)
    return samples[max(sound[0] * frame - keep, 0) : min((sound[-1] + 1) * frame + keep, len(samples))]


def _level(samples: np.ndarray, target: float, ceiling: float) -> np.ndarray:
    """`samples` limited to a true peak of `ceiling` dBTP with the gain that makes them read `target` LUFS."""
    import numpy as np

    spectrum = np.fft.rfft(samples, _fft_size(len(samples)))
    weighted = _weighted(spectrum, len(samples))
    tries = [(0.0, _loudness(weighted))]
    if tries[0][1] == -math.inf:
        return np.zeros(len(samples))
    peaks = _true_peaks(spectrum, len(samples))
    gain = max(min(target - tries[0][1], MAX_CLIP_GAIN), -MAX_CLIP_GAIN)
    for _ in range(MAKEUP_PASSES):  # the limiter takes loudness back, so the gain is raised to make it up
        curve = _gain_curve(peaks, gain, ceiling)
        tries.append((gain, _loudness(weighted * curve)))  # the gain is smooth: K-weighting commutes with it
        gain = _next_gain(tries, target)
        if abs(target - tries[-1][1]) <= MAKEUP_TOLERANCE or gain == tries[-1][0]:
            break
    return samples * curve


def _next_gain(tries: list[tuple[float, float]], target: float) -> float:
    """The gain, dB, to try next from (gain, loudness) tries: a secant step through the last two."""
    (before, was), (gain, now) = tries[-2:]  # gating makes loudness a bumpy function of gain: clamp the slope
    slope = min(max((now - was) / (gain - before), MIN_SLOPE), 1.0) if gain != before else 1.0
    return max(min(gain + (target - now) / slope, MAX_CLIP_GAIN), -MAX_CLIP_GAIN)


def _gain_curve(peaks: np.ndarray, gain: float, ceiling: float) -> np.ndarray:
    """Per-sample gain: `gain` dB, dipping smoothly wherever the true `peaks` would pass `ceiling` dBTP."""
    import numpy as np

    scale = 10 ** (gain / 20)
    allowed = np.minimum(1.0, 10 ** (ceiling / 20) / np.maximum(scale * peaks, 1e-12))
    return scale * _limiter_gain(allowed)


def _weighted(spectrum: np.ndarray, count: int) -> np.ndarray:
    """The first `count` samples of the K-weighted signal whose zero-padded real spectrum is `spectrum`."""
    import numpy as np

    return np.fft.irfft(spectrum * _k_response(2 * len(spectrum) - 2))[:count]


def _fft_size(count: int) -> int:
    """The smallest FFT length of the form m * 2**k (m in FFT_FACTORS) at least FFT_PAD longer than `count`."""
    need = count + round(FFT_PAD * MASTER_RATE)
    return min(factor << (-(-need // factor) - 1).bit_length() for factor in FFT_FACTORS)


@functools.cache
def _k_weighting(rate: int) -> tuple[tuple[tuple[float, float, float], tuple[float, float, float]], ...]:
    """The two K-weighting biquads at `rate` Hz as ((b0, b1, b2), (1, a1, a2)) pairs, from the analog prototype."""
    corner, gain, q, exponent = SHELF
    k = math.tan(math.pi * corner / rate)
    high, band = 10 ** (gain / 20), 10 ** (gain / 20 * exponent)
    norm = 1 + k / q + k * k
    shelf = (
        ((high + band * k / q + k * k) / norm, 2 * (k * k - high) / norm, (high - band * k / q + k * k) / norm),
        (1.0, 2 * (k * k - 1) / norm, (1 - k / q + k * k) / norm),
    )
    corner, q = HIGH_PASS
    k = math.tan(math.pi * corner / rate)
    norm = 1 + k / q + k * k
    return shelf, ((1.0, -2.0, 1.0), (1.0, 2 * (k * k - 1) / norm, (1 - k / q + k * k) / norm))


@functools.lru_cache(maxsize=K_RESPONSES)
def _k_response(size: int) -> np.ndarray:
    """The K-weighting's response at MASTER_RATE on a `size`-point real FFT's bins (the recent sizes kept)."""
    import numpy as np

    delay = np.exp(-2j * np.pi * np.fft.rfftfreq(size))
    response = np.ones(len(delay), complex)
    for b, a in _k_weighting(MASTER_RATE):
        response *= np.polyval(b[::-1], delay) / np.polyval(a[::-1], delay)
    return response.astype(np.complex64)


def _loudness(weighted: np.ndarray) -> float:
    """BS.1770 loudness, LUFS, of K-weighted samples: gated 400 ms blocks, or the whole if shorter."""
    import numpy as np

    block, step = round(BLOCK * MASTER_RATE), round(BLOCK_STEP * MASTER_RATE)
    energy = np.concatenate(([0.0], np.cumsum(weighted.astype(np.float64) ** 2)))
    if len(weighted) < block:
        powers = energy[-1:] / max(len(weighted), 1)
    else:
        starts = np.arange(0, len(weighted) - block + 1, step)
        powers = (energy[starts + block] - energy[starts]) / block
    powers = powers[powers > _power(ABSOLUTE_GATE)]
    if not len(powers):
        return -math.inf
    powers = powers[powers > powers.mean() * 10 ** (RELATIVE_GATE / 10)]
    return -0.691 + 10 * math.log10(powers.mean())


def _power(lufs: float) -> float:
    """The K-weighted mean square that reads `lufs`."""
    return 10 ** ((lufs + 0.691) / 10)


def _true_peaks(spectrum: np.ndarray, count: int) -> np.ndarray:
    """Per sample of the clip with zero-padded real `spectrum`, the peak of it and its interpolations up to the next."""
    import numpy as np

    size = OVERSAMPLE * (2 * len(spectrum) - 2)
    upsampled = np.fft.irfft(spectrum, size)[: count * OVERSAMPLE]
    np.abs(upsampled, out=upsampled)  # in place: this is the largest array levelling makes
    return upsampled.reshape(count, OVERSAMPLE).max(axis=1) * OVERSAMPLE


def _limiter_gain(allowed: np.ndarray) -> np.ndarray:
    """A smooth gain never above `allowed`, each sample's largest gain: its running minimum, averaged."""
    import numpy as np

    half = round(ATTACK * MASTER_RATE / 2)  # both windows span ATTACK, so each average takes in only minima of it
    floor = np.pad(_running_min(allowed, half), half, mode="edge")
    sums = np.concatenate(([0.0], np.cumsum(floor, dtype=np.float64)))
    return (sums[2 * half + 1 :] - sums[: -2 * half - 1]) / (2 * half + 1)


def _running_min(values: np.ndarray, half: int) -> np.ndarray:
    """Each value's minimum over itself and `half` values either side (van Herk / Gil-Werman, linear time)."""
    import numpy as np

    width, count = 2 * half + 1, len(values)
    padding = (half, half + (-(count + 2 * half)) % width)
    blocks = np.pad(values, padding, constant_values=1.0).reshape(-1, width)
    prefix = np.minimum.accumulate(blocks, axis=1).ravel()
    suffix = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(suffix[:count], prefix[width - 1 : width - 1 + count])


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
