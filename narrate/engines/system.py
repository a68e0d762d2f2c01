"""system: the platform's own voices through pyttsx3 (SAPI5, NSSS, eSpeak on Linux).

NEVER run this engine in a process that also uses the `espeak` engine. On Linux
pyttsx3's espeak driver opens libespeak-ng by its soname; narrate hands it the
espeakng-loader wheel's library (loaded first, so no system package is needed),
which is the very library instance the `espeak` engine uses, and the two
initialise it in different output modes with different callbacks. The pipeline
hosts each engine in worker processes of its own; do the same.

pyttsx3's espeak driver returns from runAndWait before its file is written, its C
callback is global to the process, and it crashes on very long texts. So this
engine keeps one pyttsx3 engine per process, sets the voice, rate and pitch before
every call, waits for the finished-utterance notice and the file before the next
call, and never hands over more than MAX_WORDS words at once (longer texts are
spoken in sentence groups and concatenated). The driver's prints ("Audio saved
to ...") and the library's messages are kept off stdout and stderr.

Rate: words a minute = the driver's default speed (175 on eSpeak) x rate.
Pitch: on eSpeak the driver's pitch property (the `espeak` engine's table);
elsewhere, where drivers have no pitch, speech is made 2**(semitones/12) times
slower and resampled back to length, which raises the pitch by that factor.
"""

from __future__ import annotations

import atexit
import ctypes
import functools
import importlib.metadata
import os
import shutil
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from narrate import ffmpeg
from narrate.engines._dsp import clamp, from_pcm, resample, to_pcm
from narrate.engines._quiet import quiet
from narrate.engines._text import respelled, sentence_groups, speakable
from narrate.engines.base import VoiceInfo
from narrate.engines.espeak import NORMAL_WPM, espeak_pitch, library_started
from narrate.errors import AudioError, ConfigError, EngineError
from narrate.model import Audio, Gender, Voice

MAX_WORDS = 200
"""Words handed to the platform in one call (pyttsx3's eSpeak driver segfaults past ~2,500)."""

RATE_RANGE = (0.25, 4.0)
"""Speed multipliers applied; wider requests are clamped."""

PITCH_RANGE = (-6.0, 8.0)
"""Semitone shifts applied; wider requests are clamped."""

SECONDS_PER_WORD = 0.5
"""How long a call may take per word before it counts as hung (plus FIXED_WAIT)."""

FIXED_WAIT = 30.0
"""Seconds every call may take before it counts as hung."""

ATTEMPTS = 3
"""Tries per utterance: pyttsx3's eSpeak driver now and then drops one under heavy load."""

SETTLE_WAIT = 5.0
"""Seconds eSpeak may take to go idle after reporting an utterance finished."""

EMPTY_RATE = 22050
"""Sample rate reported for text with nothing to say (no call is made)."""

RENDER_VERSION = "1"
"""Bump when narrate's own handling of text, rate or pitch changes the sound."""

_GENDERS: dict[str, Gender] = {"male": "male", "female": "female"}


class _Platform:
    """The process's pyttsx3 engine, its driver name and default speed."""

    def __init__(self) -> None:
        try:
            import pyttsx3
            from pyttsx3.engine import default_engine_by_sys_platform
        except ImportError as error:
            raise EngineError(f"system engine needs the pyttsx3 package ({error}); pip install pyttsx3") from None
        self.driver = default_engine_by_sys_platform()
        """pyttsx3 driver name: "sapi5", "nsss" or "espeak"."""
        if self.driver == "espeak":
            _provide_espeak()
        with quiet() as captured:
            try:
                self.engine = pyttsx3.init(self.driver)
                """The pyttsx3 engine."""
                self.base_wpm = NORMAL_WPM if self.driver == "espeak" else float(self.engine.getProperty("rate"))
                """The driver's default speed, words a minute (pyttsx3 cannot read eSpeak's reliably)."""
                self.voices = {voice.id: voice for voice in self.engine.getProperty("voices")}
                """Voice id -> pyttsx3 voice."""
                if self.driver == "espeak":
                    self.engine.runAndWait()  # run the driver's start-up queue: later settings apply at once
            except Exception as error:  # drivers raise RuntimeError, OSError, COM errors...
                raise EngineError(f"pyttsx3 could not start its {self.driver} driver: "
                                  f"{type(error).__name__}: {error} {captured.evidence()}".rstrip()) from None
        self.finished = threading.Event()
        """Set by the driver when an utterance is over (its file written)."""
        self.completed = False
        """Whether the last utterance ran to its end."""
        self.engine.connect("finished-utterance", self._finished)
        self.calls = 0
        """Utterances so far (names the files)."""
        self.folder = Path(tempfile.mkdtemp(prefix="narrate-system-"))
        """Where the driver writes its files."""
        atexit.register(shutil.rmtree, self.folder, ignore_errors=True)

    def _finished(self, completed: bool = True, **_: object) -> None:
        """pyttsx3 callback: an utterance is over."""
        self.completed = completed
        self.finished.set()

    def speak(self, text: str, voice_id: str, wpm: float, pitch: int | None) -> tuple[bytes, int]:
        """(PCM, sample rate) of `text` spoken in one call to the platform."""
        self.calls += 1
        path = self.folder / f"utterance-{self.calls}.wav"
        self.finished.clear()
        with quiet() as captured:
            self.engine.setProperty("voice", voice_id)
            self.engine.setProperty("rate", int(round(wpm)))
            if pitch is not None:
                self.engine.setProperty("pitch", pitch)
            self._settle()
            self.engine.save_to_file(text, str(path))
            self.engine.runAndWait()
            in_time = self.finished.wait(FIXED_WAIT + SECONDS_PER_WORD * len(text.split()))
            self._settle()
        if not (in_time and self.completed and path.is_file()):
            problem = "timed out" if not in_time else "interrupted" if not self.completed else "no file"
            raise EngineError(f"system voice {voice_id} wrote no audio for {text[:40]!r} ({problem}): "
                              f"{captured.evidence() or 'no message'}")
        try:
            return _read(path)
        finally:
            path.unlink(missing_ok=True)

    def _settle(self) -> None:
        """On eSpeak, wait until the library's command queue is idle.

        pyttsx3's eSpeak driver queues settings and speech asynchronously, and cancels a
        library that still looks busy when the next run starts: that cancel would drop
        the settings just made, or the speech itself.
        """
        if self.driver != "espeak":
            return
        from pyttsx3.drivers import _espeak

        deadline = time.monotonic() + SETTLE_WAIT
        while _espeak.IsPlaying() and time.monotonic() < deadline:
            time.sleep(0.002)


def _provide_espeak() -> None:
    """Make pyttsx3's dlopen("libespeak-ng.so.1") find the espeakng-loader wheel's library and data."""
    try:
        import espeakng_loader
    except ImportError as error:
        raise EngineError(f"system engine on this platform needs the espeakng-loader package ({error}); "
                          "pip install espeakng-loader") from None
    library = Path(espeakng_loader.get_library_path())
    library = library.with_name(library.name + ".1") if library.suffix == ".so" else library
    os.environ["ESPEAK_DATA_PATH"] = str(Path(espeakng_loader.get_data_path()).parent)
    try:
        ctypes.CDLL(str(library))
    except OSError as error:
        raise EngineError(f"could not load libespeak-ng from {library}: {error}") from None


def _read(path: Path) -> tuple[bytes, int]:
    """(mono 16-bit PCM, sample rate) of the file the driver wrote (WAV, or AIFF on macOS)."""
    wav = path if _is_mono_16bit_wav(path) else _to_wav(path)
    try:
        with wave.open(str(wav), "rb") as audio:
            return audio.readframes(audio.getnframes()), audio.getframerate()
    except (wave.Error, EOFError) as error:
        raise EngineError(f"system voice wrote an unreadable file {path}: {error}") from None
    finally:
        if wav != path:
            wav.unlink(missing_ok=True)


def _is_mono_16bit_wav(path: Path) -> bool:
    """Whether `path` is a WAV file narrate can read as it is."""
    try:
        with wave.open(str(path), "rb") as audio:
            return (audio.getnchannels(), audio.getsampwidth()) == (1, 2)
    except (wave.Error, EOFError):
        return False


def _to_wav(path: Path) -> Path:
    """`path` converted by ffmpeg to mono 16-bit WAV at its own rate."""
    target = path.with_name(path.stem + "-converted.wav")
    try:
        ffmpeg.run(["-y", "-i", path, "-ac", "1", "-c:a", "pcm_s16le", target], f"convert {path} to WAV")
    except AudioError as error:
        raise EngineError(f"system voice output unreadable: {error}") from None
    return target


@functools.cache
def _platform() -> _Platform:
    """The process-wide pyttsx3 engine (started on first use); refused where the espeak engine runs."""
    if library_started():
        raise EngineError("the system engine cannot run in a process where the espeak engine has started: "
                          "they share libespeak-ng; run each engine in its own process")
    return _Platform()


def _with_retries(speak: Callable[..., tuple[bytes, int]], *args: object) -> tuple[bytes, int]:
    """`speak(*args)`, tried again up to ATTEMPTS times when the driver drops an utterance (a known pyttsx3 race)."""
    for _ in range(ATTEMPTS - 1):
        try:
            return speak(*args)
        except EngineError:
            continue
    return speak(*args)


class SystemEngine:
    """The system engine: whatever voices the operating system offers."""

    name = "system"

    def list_voices(self) -> list[VoiceInfo]:
        """The platform's English voices (and those whose language it does not say)."""
        infos = [self._info(voice) for voice in _platform().voices.values()]
        return [info for info in infos if not info.language or info.language.lower().startswith("en")]

    def synthesize(self, text: str, voice: Voice) -> Audio:
        """Speak `text` with `voice`, in sentence groups; raises EngineError on failure."""
        platform = _platform()
        self._check(voice.voice)
        semitones = clamp(voice.pitch, PITCH_RANGE)
        native_pitch = platform.driver == "espeak"
        slowdown = 1.0 if native_pitch else 2 ** (semitones / 12)
        wpm = platform.base_wpm * clamp(voice.rate, RATE_RANGE) / slowdown
        pitch = espeak_pitch(semitones) if native_pitch else None
        groups = sentence_groups(speakable(respelled(text)), MAX_WORDS)
        parts = [_with_retries(platform.speak, group, voice.voice, wpm, pitch) for group in groups]
        if not parts:
            return Audio(b"", EMPTY_RATE)
        if len({rate for _, rate in parts}) > 1:
            raise EngineError(f"system voice {voice.voice} changed sample rate within one text")
        pcm = b"".join(frames for frames, _ in parts)
        if slowdown != 1.0:
            pcm = to_pcm(resample(from_pcm(pcm), slowdown))
        return Audio(pcm, parts[0][1])

    def cache_key(self, voice: Voice) -> str:
        """A string that changes whenever anything affecting the sound changes."""
        platform = _platform()
        self._check(voice.voice)
        return (f"system|{sys.platform}|{platform.driver}|{_library_version()}|r{RENDER_VERSION}|"
                f"{voice.voice}|rate {clamp(voice.rate, RATE_RANGE):.3f}|pitch {clamp(voice.pitch, PITCH_RANGE):.2f}")

    def _check(self, voice_id: str) -> None:
        """ConfigError unless the platform has voice `voice_id`."""
        if voice_id not in _platform().voices:
            valid = ", ".join(info.id for info in self.list_voices()[:4]) or "none"
            raise ConfigError(f"unknown system voice {voice_id!r} (valid: {valid}, ...; "
                              "list them all with: narrate voices --engine system)")

    def _info(self, voice: Any) -> VoiceInfo:
        """A pyttsx3 voice as a VoiceInfo."""
        languages = [str(language) for language in (voice.languages or []) if language]
        gender = _GENDERS.get(str(voice.gender or "").lower(), "unknown")
        return VoiceInfo(self.name, voice.id, voice.name or voice.id, gender, languages[0] if languages else "",
                         PITCH_RANGE)


def _library_version() -> str:
    """Versions of pyttsx3 and, on Linux, of the espeakng-loader wheel behind it."""
    versions = [f"pyttsx3 {importlib.metadata.version('pyttsx3')}"]
    if _platform().driver == "espeak":
        versions.append(f"espeakng-loader {importlib.metadata.version('espeakng-loader')}")
    return " ".join(versions)
