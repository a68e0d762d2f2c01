"""Lay synthesized clips out as the chapter's master: pauses, room tone, loudness, marks, cues.

Every line's samples are a pure function of its own clip: each clip is read on
its own, resampled to MASTER_RATE, brought to a fixed loudness (ITU-R BS.1770,
measured here in numpy) and peak-limited on its own true peak, and kept in the
synthesis cache beside the clip, with its K-weighted energy in short bins. The
master is a list of stretches: a line with the room tone from the middle of the
pause before it to the middle of the pause after, padded to whole MP3 frames
(GRID). Room tone depends only on its length, so a stretch depends only on its
line and the two pauses around it: changing one voice changes that voice's
stretches and nothing else, and the encoder can reuse the frames of every other
stretch. The master is never joined in memory or on disk: `samples` streams it
to ffmpeg one piece at a time, so memory holds one clip whatever the chapter's
length. The master's loudness is summed from its lines' energy bins; only if it
misses the target by more than LOUDNESS_TOLERANCE (a chapter shaped very unlike
speech, say a handful of tiny clips) are its lines levelled again with one
common correction, the rare fallback that gives up line independence.

The user's own sounds (an intro, an outro, a scene-break sound; see Sounds) are
stretches of their own, levelled a set number of LU under the lines and limited
as they are: the intro opens the master, the outro closes it, and the scene-break
sound plays amid every scene break's pause, which grows to fit it if need be.
They do not count towards the master's loudness: the lines are levelled as they
would be without them (correction included), and the sounds under the lines.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import itertools
import math
import multiprocessing
import os
import signal
import warnings
import wave
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from narrate import ffmpeg
from narrate.errors import AudioError
from narrate.files import atomic_path
from narrate.model import NARRATOR, Chapter, Clip, Cue, Line, Mark, Master, Stretch
from narrate.workers import exit_with_parent

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

TRUE_PEAK_MARGIN = 12.0
"""dB by which a true peak is taken to pass at most the larger of the two samples around it (speech at
MASTER_RATE passes them by up to 4.4 dB, piper and espeak lines of the sample chapter), so true peaks are
worked out only for samples this close to the limiter's threshold."""

TRUE_PEAK_SLACK = 3.0
"""dB further down to which true peaks are worked out at once: makeup gain rarely rises more."""

TRUE_PEAK_BAND = 1.0
"""The true-peak interpolator passes up to the Nyquist frequency (its window's transition straddles it): it
reads within 0.09 dB of exact band-limited interpolation on the sample chapter's lines (0.2 dB low at 0.9)."""

RESAMPLE_BAND = 0.9
"""A clip at another rate is resampled passing this much of the lower rate's Nyquist frequency (no aliasing)."""

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

ROOM_TONE_NOISE = 1 << 17
"""Samples of the pink noise room tone is cut from (about 6 s; longer if a pause needs it): one FFT per
process rather than one per pause length."""

ROOM_TONE_STRIDE = 7919
"""Where in the noise room tone of a given length starts: this many samples on per sample of length (so
pauses of different lengths do not all start alike)."""

ROOM_TONE_VERSION = 2
"""Bumped whenever the room tone's noise changes, so encoded stretches made with it before are not reused."""

GRID = 576
"""Samples at MASTER_RATE in one frame of the MP3 (1152 at its 44.1 kHz). Every stretch of the master is
padded with room tone to whole frames (at most 26 ms), so the timeline is the MP3's and the MP3's frames
can be cached and spliced stretch by stretch."""

PINK_FLOOR = 40.0
"""Below this frequency, Hz, room tone stops rising (1/f would rumble)."""

SILENT_LUFS = -70.0
"""Integrated loudness at or below which a master counts as silent (no correction)."""

LOUDNESS_TOLERANCE = 1.0
"""How far, LU, the master may miss the target before its lines are levelled again with a correction: the
podcast standard's own window (-16 LUFS +-1). A short chapter of short lines reads up to half an LU low;
a tighter window would have a recast tip such a chapter in and out of the correction, and with it every
line's level and cached frames."""

CORRECTION_STEP = 0.1
"""The fallback's correction is rounded to this many LU: a change to a line of such a chapter then seldom
moves every other line's level (and so their cached encoded frames) by a hair."""

ENERGY_BIN = 105
"""Samples per bin of a levelled line's K-weighted energy (a gating block is 84 bins, its step 21): the
master's loudness is summed from its lines' bins, each line placed to the nearest bin (within 2.4 ms)."""

EDGE_FRAME = 0.01
"""Frame length, seconds, over which a clip's edges are measured for silence."""

EDGE_SILENCE = -45.0
"""A frame at a clip's start or end this far, dB, below the clip's loudest frame is silence and
is cut: engines pad their output (piper ~50 ms before and ~120 ms after, pyttsx3 ~300 ms after),
and the pauses, marks and transcript cues should count from the speech itself."""

EDGE_KEEP = 0.02
"""Seconds kept before the first and after the last frame of sound, for soft onsets and releases."""

LEVELLED_VERSION = 3
"""Bumped whenever the way a clip is trimmed or levelled changes, so levelled copies made before are not reused."""

PARALLEL_CLIPS = 8
"""Clips to level per worker process at the least: fewer clips than two workers' worth are levelled in
this process, as starting a process costs about as much as levelling a few seconds of speech."""

K_RESPONSES = 8
"""How many FFT sizes' K-weighting responses are kept (each as large as its FFT: memory would grow with
the number of different line lengths a long book has). Clips are levelled longest first, so clips of
one FFT size come together."""

TITLE_CHARS = 40
"""A mark title quotes at most about this many characters of its scene's first line."""

SOUND_NAMES = ("intro", "outro", "scene_break")
"""The sounds a user can bring (the cast file's [sounds] keys, and the fields of Sounds)."""

SOUND_LEVEL = -6.0
"""How loud the user's sounds play by default, LU against the speech: music under a voice's level, as
podcasts mix their jingles."""

SOUND_ROOM = 0.5
"""Least room tone, seconds, on either side of a scene-break sound: a scene break's pause grows to leave it."""


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


@dataclass(frozen=True)
class Sounds:
    """Audio the user brings to play with the speech (the cast file's [sounds]): each mono 16-bit PCM at
    MASTER_RATE, as `decode_sound` gives it (b"": none)."""

    intro: bytes = dataclasses.field(default=b"", repr=False)
    """Plays first; the head's room tone and the opening follow it."""
    outro: bytes = dataclasses.field(default=b"", repr=False)
    """Plays last, after the last line and the tail's room tone."""
    scene_break: bytes = dataclasses.field(default=b"", repr=False)
    """Plays in the middle of every scene break's pause."""
    level: float = SOUND_LEVEL
    """How loud each sound plays, LU against the speech (negative: under it)."""

    def recipe(self) -> dict[str, str | float]:
        """What these sounds make of a master, for telling whether its outputs are up to date: a digest of
        each sound given, the level and the room kept around a scene-break sound."""
        digests = {name: hashlib.sha256(getattr(self, name)).hexdigest() for name in SOUND_NAMES if getattr(self, name)}
        return {**digests, "level": self.level, "room": SOUND_ROOM}


def assemble(clips: Sequence[Clip], chapter: Chapter, *, settings: AssembleSettings = AssembleSettings(),
             sounds: Sounds | None = None) -> Master:
    """Level `clips` into the cache and lay them out with pauses at the target loudness, with the user's `sounds`
    if any; marks and cues included."""
    if not clips:
        raise AudioError(f"nothing to assemble for {chapter.heading}: no clips were synthesized")
    target = settings.loudness + EDGE_OFFSET
    stretches, energies = _layout(clips, settings, target)  # the lines alone: sounds never move their level
    measured = _master_loudness(stretches, energies, settings.room_tone)
    correction = 0.0
    if measured > SILENT_LUFS and abs(settings.loudness - measured) > LOUDNESS_TOLERANCE:
        correction = round((settings.loudness - measured) / CORRECTION_STEP) * CORRECTION_STEP
    if correction or sounds:
        stretches, _ = _layout(clips, settings, target + correction, sounds)
    starts = _starts(stretches)
    spans = [(start + stretch.lead, start + stretch.lead + stretch.size)
             for (piece, _, _), start, stretch in zip(_sequence(clips, sounds, settings), starts, stretches)
             if isinstance(piece, int)]
    marks = _marks(clips, spans, starts[-1], chapter, settings)
    cues = tuple(_cue(clip, span) for clip, span in zip(clips, spans, strict=True))
    return Master(tuple(stretches), MASTER_RATE, GRID, settings.room_tone, starts[-1] / MASTER_RATE, marks, cues)


def level_clip(clip: Path, *, settings: AssembleSettings = AssembleSettings()) -> None:
    """Level the clip at `clip` into the cache as `assemble` will want it, unless it is there already
    (for synthesize to run in the worker that spoke the line)."""
    target = settings.loudness + EDGE_OFFSET
    if not _is_levelled(clip, target, settings.peak):
        _levelled(clip, target, settings.peak)


def decode_sound(path: Path) -> bytes | None:
    """The audio file at `path`, in any format ffmpeg reads, as mono 16-bit PCM at MASTER_RATE; None if ffmpeg
    cannot decode it or it holds no audio. pydub has imageio-ffmpeg's ffmpeg decode it to a WAV that it reads
    back itself (the one way of pydub's that asks no ffprobe about the file) and mixes that to mono 16-bit;
    the rate is changed here, as a clip's is, since pydub's resampler (audioop.ratecv) folds what lies above
    the new Nyquist frequency back down (a 15 kHz tone at 48 kHz comes out at 7 kHz, only 3 dB down)."""
    import numpy as np

    with warnings.catch_warnings():  # pydub warns when the PATH has no ffmpeg (it is given one) and of audioop's end
        warnings.simplefilter("ignore")
        from pydub import AudioSegment
        from pydub.exceptions import CouldntDecodeError
    AudioSegment.converter = ffmpeg.executable()
    try:
        sound = AudioSegment.from_file_using_temporary_files(path).set_sample_width(2).set_channels(1)
    except CouldntDecodeError:
        return None
    if not sound.raw_data:
        return None
    samples = np.frombuffer(sound.raw_data, "<i2").astype(np.float32) / 32768.0
    return _pcm(_resample(samples, sound.frame_rate, MASTER_RATE)).tobytes()


def samples(master: Master) -> Iterator[bytes]:
    """The master's 16-bit PCM, one piece at a time."""
    return stretch_samples(master.stretches, master.room_tone)


def stretch_key(stretch: Stretch, room_tone: float) -> str:
    """A digest of what `stretch` sounds like, for a stretch whose line is kept in the cache (where a levelled
    line's path names its content)."""
    assert isinstance(stretch.line, Path), "only a cached line's path names its content"
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


def _layout(clips: Sequence[Clip], settings: AssembleSettings, target: float,
            sounds: Sounds | None = None) -> tuple[list[Stretch], list[np.ndarray]]:
    """The clips levelled to `target` LUFS and the user's `sounds` to their level against it, in the order they
    play (see `_sequence`), each with the room tone up to the middle of the pauses around it; and the energy
    bins of each."""
    _level_ahead(clips, target, settings.peak)
    played = _levelled_sounds(sounds, target, settings.peak) if sounds else {}
    stretches, energies = [], []
    for piece, lead, rest in _sequence(clips, sounds, settings):
        line, energy = played[piece] if isinstance(piece, str) else _levelled(clips[piece].path, target, settings.peak)
        size = (len(line) if isinstance(line, bytes) else line.stat().st_size) // 2
        stretches.append(Stretch(lead, line, size, rest, _padded_trail(lead + size + rest, rest, GRID)))
        energies.append(energy)
    return stretches, energies


def _sequence(clips: Sequence[Clip], sounds: Sounds | None,
              settings: AssembleSettings) -> list[tuple[int | str, int, int]]:
    """What plays, in order, each with the samples of room tone it has before and after it: every clip (its
    index), with the head before the first, the tail after the last and half of each pause between them; and
    the user's sounds (their names in SOUND_NAMES), the scene-break sound amid every scene break's pause, which
    grows to leave SOUND_ROOM either side of it, and the intro before everything and the outro after it all,
    with no room tone of their own (the head and the tail lie between them and the lines)."""
    break_size = len(sounds.scene_break) // 2 if sounds else 0
    order: list[int | str] = [0]
    rooms = [round(settings.head * MASTER_RATE)]
    for index, (before, after) in enumerate(itertools.pairwise(clips), 1):
        pause = round(_pause(before.line, after.line, settings) * MASTER_RATE)
        if break_size and _scene_break(before.line, after.line):
            grown = max(pause, break_size + 2 * round(SOUND_ROOM * MASTER_RATE))
            order.append("scene_break")
            rooms.append((grown - break_size) // 2)
            pause = grown - break_size - rooms[-1]
        order.append(index)
        rooms.append(pause)
    rooms.append(round(settings.tail * MASTER_RATE))
    leads = [rooms[0]] + [room - room // 2 for room in rooms[1:-1]]
    rests = [room // 2 for room in rooms[1:-1]] + [rooms[-1]]
    intro = [("intro", 0, 0)] if sounds and sounds.intro else []
    outro = [("outro", 0, 0)] if sounds and sounds.outro else []
    return [*intro, *zip(order, leads, rests, strict=True), *outro]


def _levelled_sounds(sounds: Sounds, target: float, ceiling: float) -> dict[str, tuple[bytes, np.ndarray]]:
    """Each sound given, by name: brought to its level against `target` LUFS and limited under `ceiling` dBTP
    as a clip is, as 16-bit PCM; and its energy bins."""
    import numpy as np

    levelled = {}
    for name in SOUND_NAMES:
        if pcm := getattr(sounds, name):
            samples = np.frombuffer(pcm, "<i2").astype(np.float32) / 32768.0
            played, energy = _level(samples, target + sounds.level, ceiling)
            levelled[name] = (_pcm(played).tobytes(), energy)
    return levelled


def _master_loudness(stretches: Sequence[Stretch], energies: Sequence[np.ndarray], room_tone: float) -> float:
    """BS.1770 loudness, LUFS, of `stretches` played in turn with room tone at `room_tone` dBFS, from their
    lines' energy bins and the room tone's own (a pause's blocks can pass the absolute gate, and so move the
    relative one)."""
    import numpy as np

    starts = _starts(stretches)
    bins = np.zeros(-(-starts[-1] // ENERGY_BIN) + 1)
    for start, stretch, energy in zip(starts, stretches, energies):  # starts ends with the end
        _add_room_tone_energy(bins, start, stretch.lead, room_tone)
        _add_room_tone_energy(bins, start + stretch.lead + stretch.size, stretch.trail, room_tone)
        at = round((start + stretch.lead) / ENERGY_BIN)
        bins[at : at + len(energy)] += energy[: len(bins) - at]
    return _loudness(bins, ENERGY_BIN)


def _add_room_tone_energy(bins: np.ndarray, at: int, count: int, level: float) -> None:
    """Add to `bins` the K-weighted energy of `room_tone(count, level)` played from sample `at`."""
    import numpy as np

    if not count:
        return
    size, start = _room_tone_cut(count)
    squares, weighted = _pink_noise_energy(size)
    scale = 10 ** (level / 10) * count / (squares[start + count] - squares[start])
    first, last = at // ENERGY_BIN, (at + count - 1) // ENERGY_BIN
    edges = np.clip(np.arange(first, last + 2) * ENERGY_BIN, at, at + count) - at + start
    bins[first : last + 1] += scale * np.diff(weighted[edges])


def _pcm(samples: np.ndarray) -> np.ndarray:
    """Float samples (-1..1) as little-endian 16-bit PCM."""
    import numpy as np

    return np.clip(np.rint(samples * 32767), -32768, 32767).astype("<i2")


def _level_ahead(clips: Sequence[Clip], target: float, ceiling: float) -> None:
    """Level the clips not yet levelled into the cache, longest first, in a process per core, if there are
    enough of them to be worth starting the processes for (numpy's many small steps hold the GIL, so
    threads would share one core much of the time)."""
    paths = sorted({clip.path for clip in clips if not _is_levelled(clip.path, target, ceiling)},
                   key=lambda path: -path.stat().st_size)
    workers = min(os.cpu_count() or 1, len(paths) // PARALLEL_CLIPS)
    if workers < 2:
        return  # `_layout` levels them one by one
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_leveller, initargs=(os.getpid(),))
    try:
        for _ in pool.map(_level_into_cache, paths, itertools.repeat(target), itertools.repeat(ceiling)):
            pass
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_leveller(parent: int) -> None:
    """Levelling worker initializer: one thread (the pool has a process per core); Ctrl-C is for the main
    process to handle (it stops the pool); gone with the main process, `parent`."""
    os.environ["OPENBLAS_NUM_THREADS"] = "1"  # read when numpy is first imported, in the first task
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(parent)


def _level_into_cache(clip: Path, target: float, ceiling: float) -> None:
    """Worker task: level `clip` into the cache (see `_levelled`)."""
    _levelled(clip, target, ceiling)


def _levelled_paths(clip: Path, target: float, ceiling: float) -> tuple[Path, Path]:
    """Where the cache keeps `clip` trimmed and levelled to `target` under `ceiling`, and its energy bins."""
    recipe = f"{LEVELLED_VERSION} {MASTER_RATE} {target:.4f} {ceiling:.4f} {EDGE_SILENCE} {EDGE_KEEP} {ENERGY_BIN}"
    stem = f"{clip.stem}.{hashlib.sha256(recipe.encode()).hexdigest()[:16]}"
    return clip.with_name(f"{stem}.s16"), clip.with_name(f"{stem}.energy")


def _is_levelled(clip: Path, target: float, ceiling: float) -> bool:
    """Whether the cache holds `clip` levelled to `target` under `ceiling`, with its energy bins."""
    return all(path.exists() for path in _levelled_paths(clip, target, ceiling))


def _levelled(clip: Path, target: float, ceiling: float) -> tuple[Path | bytes, np.ndarray]:
    """The clip trimmed, at MASTER_RATE and levelled to `target` LUFS under `ceiling` dBTP, as 16-bit PCM:
    the file the cache keeps it in beside the clip (so a render that changes some lines levels only
    those again), or its samples if the cache cannot be written; and its K-weighted energy per ENERGY_BIN
    samples (float32, kept beside it)."""
    import numpy as np

    cached, energy_path = _levelled_paths(clip, target, ceiling)
    if cached.exists():
        try:
            return cached, np.fromfile(energy_path, np.float32)
        except OSError:  # the bins went missing: level the clip again
            pass
    levelled, energy = _level(_trim(_read(clip)), target, ceiling)
    pcm = _pcm(levelled)
    try:
        with atomic_path(energy_path) as temporary:  # the bins first: the line's file stands for both
            energy.tofile(temporary)
        with atomic_path(cached) as temporary:
            pcm.tofile(temporary)
    except OSError:  # a read-only cache still renders, only more slowly next time
        return pcm.tobytes(), energy
    return cached, energy


def _pause(before: Line, after: Line, settings: AssembleSettings) -> float:
    """Seconds of room tone between two consecutive lines."""
    if before.scene == 0 and after.scene != 0:
        return settings.opening
    if _scene_break(before, after):
        return settings.scene
    gap = settings.paragraph if before.paragraph != after.paragraph else settings.line
    return gap + (settings.speaker if before.speaker != after.speaker else 0.0)


def _scene_break(before: Line, after: Line) -> bool:
    """Whether a scene break lies between two consecutive lines (the end of the opening is none)."""
    return before.scene != after.scene and before.scene != 0


def room_tone(count: int, level: float) -> bytes:
    """`count` samples of pink-ish noise at `level` dBFS RMS, as 16-bit PCM (a function of `count` alone)."""
    import numpy as np

    if not count:
        return b""
    size, start = _room_tone_cut(count)
    piece = _pink_noise(size)[start : start + count]
    rms = math.sqrt(float(np.mean(np.square(piece))))
    return _pcm(piece * (10 ** (level / 20) / rms) if rms else piece).tobytes()


def _room_tone_cut(count: int) -> tuple[int, int]:
    """Room tone `count` samples long is cut from `_pink_noise(size)` at `start`: (size, start)."""
    size = max(ROOM_TONE_NOISE, 1 << (2 * count - 1).bit_length())
    return size, count * ROOM_TONE_STRIDE % (size - count)


@functools.cache
def _pink_noise(count: int) -> np.ndarray:
    """`count` samples of noise falling 3 dB an octave down to PINK_FLOOR, seeded with ROOM_TONE_SEED."""
    import numpy as np

    white = np.random.default_rng(ROOM_TONE_SEED).standard_normal(count)
    frequencies = np.fft.rfftfreq(count, 1 / MASTER_RATE)
    spectrum = np.fft.rfft(white) / np.sqrt(np.maximum(frequencies, PINK_FLOOR))
    spectrum[:1] = 0.0
    return np.fft.irfft(spectrum, count)


@functools.cache
def _pink_noise_energy(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Running sums, from 0, of the squares of `_pink_noise(count)` and of its K-weighting."""
    import numpy as np

    noise = _pink_noise(count)
    weighted = _weighted(np.fft.rfft(noise, _fft_size(count)), count)
    return (np.concatenate(([0.0], np.cumsum(np.square(noise)))),
            np.concatenate(([0.0], np.cumsum(np.square(weighted)))))


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


def _level(samples: np.ndarray, target: float, ceiling: float) -> tuple[np.ndarray, np.ndarray]:
    """`samples` limited to a true peak of `ceiling` dBTP with the gain that makes them read `target` LUFS,
    and the K-weighted energy of the result per ENERGY_BIN samples (float32)."""
    import numpy as np

    spectrum = np.fft.rfft(samples, _fft_size(len(samples)))
    weighted = _weighted(spectrum, len(samples))
    squares = np.square(weighted, dtype=np.float64)
    sums, (starts, ends, lengths) = _running_sum(squares), _blocks(len(squares))
    tries = [(0.0, _gated((sums[ends] - sums[starts]) / lengths))]
    if tries[0][1] == -math.inf:
        return np.zeros(len(samples)), np.zeros(-(-len(samples) // ENERGY_BIN), np.float32)
    peaks = _TruePeaks(samples)
    gain = max(min(target - tries[0][1], MAX_CLIP_GAIN), -MAX_CLIP_GAIN)
    for _ in range(MAKEUP_PASSES):  # the limiter takes loudness back, so the gain is raised to make it up
        scale = 10 ** (gain / 20)
        dipped, dips = _limiter_dips(peaks.reaching(10 ** (ceiling / 20) / scale), scale, ceiling)
        # the gain is smooth, so K-weighting commutes with it: the dips take their share of the energy away
        lost = _running_sum(squares[dipped] * (1 - dips**2))
        taken = lost[np.searchsorted(dipped, ends)] - lost[np.searchsorted(dipped, starts)]
        tries.append((gain, _gated(scale**2 * (sums[ends] - sums[starts] - taken) / lengths)))
        gain = _next_gain(tries, target)
        if abs(target - tries[-1][1]) <= MAKEUP_TOLERANCE or gain == tries[-1][0]:
            break
    curve = np.full(len(samples), scale)
    curve[dipped] *= dips
    energy = np.square(weighted * curve, dtype=np.float64)
    bins = np.add.reduceat(energy, np.arange(0, len(energy), ENERGY_BIN)).astype(np.float32)
    return samples * curve, bins


def _next_gain(tries: list[tuple[float, float]], target: float) -> float:
    """The gain, dB, to try next from (gain, loudness) tries: a secant step through the last two."""
    (before, was), (gain, now) = tries[-2:]  # gating makes loudness a bumpy function of gain: clamp the slope
    slope = min(max((now - was) / (gain - before), MIN_SLOPE), 1.0) if gain != before else 1.0
    return max(min(gain + (target - now) / slope, MAX_CLIP_GAIN), -MAX_CLIP_GAIN)


def _limiter_dips(peaks: np.ndarray, scale: float, ceiling: float) -> tuple[np.ndarray, np.ndarray]:
    """Where, and by what factor, a gain of `scale` must dip (smoothly) so that no true peak passes `ceiling`
    dBTP: the samples within reach of a peak that would (a fifth of speech), in order, and their factors.

    The limiter's gain at a sample depends only on the samples within `reach` of it, all of which allow the
    full gain between these stretches: so each stretch, and the stretches run together, dip as the whole would."""
    import numpy as np

    limit = 10 ** (ceiling / 20) / scale
    overs = np.flatnonzero(peaks > limit)
    if not len(overs):
        return overs, np.zeros(0)
    reach = 2 * round(ATTACK * MASTER_RATE / 2)
    breaks = np.flatnonzero(np.diff(overs) > 2 * reach + 1)  # between peaks whose reaches neither meet nor touch
    firsts = np.maximum(overs[np.r_[0, breaks + 1]] - reach, 0)
    lengths = np.minimum(overs[np.r_[breaks, len(overs) - 1]] + reach, len(peaks) - 1) - firsts + 1
    dipped = np.repeat(firsts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    return dipped, _limiter_gain(np.minimum(1.0, limit / np.maximum(peaks[dipped], 1e-12)))


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


def _loudness(energy: np.ndarray, unit: int) -> float:
    """BS.1770 loudness, LUFS, of a K-weighted signal's energy given per `unit` samples (a divisor of a gating
    step)."""
    sums, (starts, ends, lengths) = _running_sum(energy), _blocks(len(energy), unit)
    return _gated((sums[ends] - sums[starts]) / lengths)


def _running_sum(values: np.ndarray) -> np.ndarray:
    """0, then the running sum of `values` (float64 for floats): the sum of values[a:b] is [b] - [a]."""
    import numpy as np

    dtype = np.float64 if values.dtype.kind == "f" else None
    return np.concatenate((np.zeros(1, dtype or values.dtype), np.cumsum(values, dtype=dtype)))


def _blocks(count: int, unit: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Starts, ends and lengths in samples of the BS.1770 gating blocks (400 ms, every 100 ms) over `count`
    values each `unit` samples long (a divisor of a gating step), or of one block of them all if shorter."""
    import numpy as np

    block, step = round(BLOCK * MASTER_RATE) // unit, round(BLOCK_STEP * MASTER_RATE) // unit
    if count < block:
        return np.zeros(1, np.intp), np.full(1, count), np.full(1, max(count * unit, 1))
    starts = np.arange(0, count - block + 1, step)
    return starts, starts + block, np.full(len(starts), block * unit)


def _gated(powers: np.ndarray) -> float:
    """BS.1770 loudness, LUFS, of gating blocks of these mean squares."""
    powers = powers[powers > _power(ABSOLUTE_GATE)]
    if not len(powers):
        return -math.inf
    powers = powers[powers > powers.mean() * 10 ** (RELATIVE_GATE / 10)]
    return -0.691 + 10 * math.log10(powers.mean())


def _power(lufs: float) -> float:
    """The K-weighted mean square that reads `lufs`."""
    return 10 ** ((lufs + 0.691) / 10)


class _TruePeaks:
    """A clip's true peaks, per sample the peak of it, the next and the interpolations between them,
    worked out only where they could reach a level asked for (elsewhere the samples' own peaks stand)."""

    def __init__(self, samples: np.ndarray) -> None:
        import numpy as np

        self.samples = samples
        magnitudes = np.abs(samples)
        self.envelope = np.maximum(magnitudes, np.append(magnitudes[1:], 0.0))
        self.peaks = self.envelope.copy()
        self.exact_from = math.inf

    def reaching(self, level: float) -> np.ndarray:
        """The peaks, exact wherever a sample's own peak is within TRUE_PEAK_MARGIN dB of `level` (a true
        peak passes its samples by less) and TRUE_PEAK_SLACK dB further, so a gain raised a little later
        needs no more."""
        import numpy as np

        floor = level * 10 ** (-(TRUE_PEAK_MARGIN + TRUE_PEAK_SLACK) / 20)
        if level * 10 ** (-TRUE_PEAK_MARGIN / 20) < self.exact_from:
            todo = np.flatnonzero((self.envelope >= floor) & (self.envelope < self.exact_from))
            self.peaks[todo] = np.maximum(self.envelope[todo], _interpolated_peaks(self.samples, todo))
            self.exact_from = floor
        return self.peaks


def _interpolated_peaks(samples: np.ndarray, indexes: np.ndarray) -> np.ndarray:
    """The peak of `samples` interpolated OVERSAMPLE times from each of `indexes` up to the next sample
    (polyphase Kaiser-windowed sinc)."""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    half, taps = _phase_taps(OVERSAMPLE, 1, TRUE_PEAK_BAND)
    windows = sliding_window_view(np.pad(samples, (half, half + 2)), 2 * half)[indexes + 1]
    values = np.abs(np.einsum("ij,kj->ik", windows, taps))  # not `@`: BLAS's threads spin on after it
    peaks = values[:, 0].copy()
    for phase in range(1, OVERSAMPLE):  # phase by phase: numpy reduces a short axis slowly
        np.maximum(peaks, values[:, phase], out=peaks)
    return peaks


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
    half, taps = _phase_taps(up, down, RESAMPLE_BAND)
    count = -(-len(samples) * up // down)
    rows = -(-count // up)
    windows = sliding_window_view(np.pad(samples, (half, half + down + 1)), 2 * half)
    out = np.empty((rows, up), np.float32)
    for phase_row in range(up):
        start, phase = divmod(phase_row * down, up)
        out[:, phase_row] = windows[start + 1 :: down][:rows] @ taps[phase]
    return out.reshape(-1)[:count]


@functools.cache
def _phase_taps(up: int, down: int, band: float) -> tuple[int, np.ndarray]:
    """(taps per side, filter taps per phase, time-reversed) for resampling by up/down, passing `band` of the
    lower rate's Nyquist frequency."""
    import numpy as np

    half = math.ceil(16 * max(1.0, down / up))
    offsets = np.arange(-half * up, half * up)
    cutoff = band / max(up, down)
    kernel = np.sinc(cutoff * offsets) * np.kaiser(2 * half * up + 1, 8.0)[:-1]
    taps = kernel.reshape(2 * half, up).T
    taps = taps / taps.sum(axis=1, keepdims=True)
    return half, np.ascontiguousarray(taps[:, ::-1], dtype=np.float32)


def _marks(
    clips: Sequence[Clip], spans: list[tuple[int, int]], total: int, chapter: Chapter, settings: AssembleSettings
) -> tuple[Mark, ...]:
    """One mark per scene, contiguous from 0 to the end; the opening (and an intro) belongs to the first, an
    outro to the last."""
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
