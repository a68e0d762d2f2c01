"""espeak: libespeak-ng through ctypes; library and data from the espeakng-loader wheel.

The library is loaded and initialised once per process, in synchronous mode (PCM
collected in the synth callback), and is not thread-safe: parallelise with
processes. Never use this engine in a process where the `system` engine runs:
on Linux pyttsx3 drives the same libespeak-ng instance in another output mode.

Voice ids are an English espeak-ng language plus an optional variant from
espeak-ng-data/voices/!v: "en-us", "en-gb+f3", "en-gb-scotland+m2".

Rate: espeakRATE = 175 words a minute x rate, clamped to the library's 80..450.
Pitch: espeakPITCH (0..100, 50 = the voice's own) from semitones by PITCH_TABLE,
measured on this library (median f0 of five voices): -6.7 to +8.7 semitones
reachable; shifts beyond are clamped.
"""

from __future__ import annotations

import ctypes
import functools
import importlib.metadata
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from narrate.engines._quiet import quiet
from narrate.engines._text import speakable
from narrate.engines.base import VoiceInfo
from narrate.errors import ConfigError, EngineError
from narrate.model import Audio, Gender, Voice

NORMAL_WPM = 175
"""espeak-ng's default speed, words a minute: rate 1.0."""

WPM_RANGE = (80, 450)
"""The speeds espeak-ng accepts."""

PITCH_TABLE = (
    (-6.7, 0), (-5.6, 10), (-4.3, 20), (-3.0, 30), (-1.6, 40), (0.0, 50),
    (1.6, 60), (3.4, 70), (5.2, 80), (7.0, 90), (8.7, 100),
)
"""(semitones from the voice's own pitch, espeakPITCH value), measured on espeak-ng 1.52."""

PITCH_SPAN = (PITCH_TABLE[0][0], PITCH_TABLE[-1][0])
"""The semitone shifts espeak can make."""

SKIPPED_LANGUAGES = {"en-shaw"}
"""English voices that expect another script (Shavian) and read Latin text badly."""

LISTED_VARIANTS = tuple(f"m{n}" for n in range(1, 9)) + tuple(f"f{n}" for n in range(1, 6))
"""Variants offered by list_voices; any other variant file name is accepted too."""

RENDER_VERSION = "1"
"""Bump when narrate's own mapping of text, rate or pitch changes the sound."""

AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_DONT_EXIT = 0x8000
CHARS_UTF8 = 1
POS_CHARACTER = 1
RATE, VOLUME, PITCH, RANGE, PUNCTUATION, CAPITALS = 1, 2, 3, 4, 5, 6
PUNCT_NONE = 0
EE_OK = 0


class _EspeakVoice(ctypes.Structure):
    """espeak_VOICE from speak_lib.h."""

    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
"""int SynthCallback(short *wav, int numsamples, espeak_EVENT *events)."""

PROTOTYPES: dict[str, tuple[Any, list[Any]]] = {
    "espeak_Initialize": (ctypes.c_int, [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]),
    "espeak_Info": (ctypes.c_char_p, [ctypes.c_void_p]),
    "espeak_SetSynthCallback": (None, [SynthCallback]),
    "espeak_ListVoices": (ctypes.POINTER(ctypes.POINTER(_EspeakVoice)), [ctypes.c_void_p]),
    "espeak_SetVoiceByName": (ctypes.c_int, [ctypes.c_char_p]),
    "espeak_SetParameter": (ctypes.c_int, [ctypes.c_int, ctypes.c_int, ctypes.c_int]),
    "espeak_Synth": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                    ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]),
}
"""Function name -> (result type, argument types), from speak_lib.h."""


@dataclass(frozen=True)
class _Language:
    """An English espeak-ng voice file."""

    identifier: str
    """File identifier under espeak-ng-data/lang, e.g. "gmw/en-US"."""
    name: str
    """The voice's own name, e.g. "English (America)"."""
    gender: Gender
    """The voice's gender."""


class _Library:
    """The process's libespeak-ng, initialised in synchronous mode."""

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as error:
            raise EngineError(f"espeak engine needs the espeakng-loader package ({error}); "
                              "pip install espeakng-loader") from None
        self.data = Path(espeakng_loader.get_data_path())
        """The espeak-ng-data folder."""
        self.dll = _load(espeakng_loader.get_library_path())
        """The loaded library."""
        self.sample_rate = self._initialize()
        """Samples per second of everything the library produces."""
        self.chunks: list[bytes] = []
        """PCM collected by the callback for the current call."""
        self.callback = SynthCallback(self._collect)
        """The ctypes callback (kept referenced while the library may call it)."""
        self.dll.espeak_SetSynthCallback(self.callback)
        self.version = self._version()
        """The library's version string."""

    def _initialize(self) -> int:
        """espeak_Initialize in synchronous mode; the library's sample rate."""
        with quiet() as captured:
            rate = self.dll.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, str(self.data.parent).encode(),
                                              INITIALIZE_DONT_EXIT)
        if rate <= 0:
            raise EngineError(f"libespeak-ng could not initialise with data {self.data}: {captured.evidence()}")
        return rate

    def _version(self) -> str:
        """The library's version string."""
        return (self.dll.espeak_Info(None) or b"?").decode()

    def _collect(self, wav: Any, count: int, events: int | None) -> int:
        """Synth callback: keep the samples, go on."""
        if wav and count > 0:
            self.chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    @functools.cached_property
    def languages(self) -> dict[str, _Language]:
        """Every English language code (lower case) -> the voice file that claims it most strongly."""
        voices = self.dll.espeak_ListVoices(None)
        claims: list[tuple[int, str, _Language]] = []
        for index in itertools.takewhile(lambda index: voices[index], itertools.count()):
            voice = voices[index].contents
            codes = _language_codes(voice.languages)
            if not codes or not codes[0][1].startswith("en") or codes[0][1] in SKIPPED_LANGUAGES:
                continue
            language = _Language(voice.identifier.decode(), voice.name.decode(), _GENDERS.get(voice.gender, "unknown"))
            claims.extend((priority, code, language) for priority, code in codes)
        strongest_last = sorted(claims, key=lambda claim: -claim[0])  # priority 1 is the strongest claim
        return {code: language for _, code, language in strongest_last}

    def speak(self, text: str, voice_name: str, wpm: int, pitch: int) -> bytes:
        """PCM for `text` spoken by voice `voice_name` at `wpm` and espeakPITCH `pitch`."""
        with quiet() as captured:
            status = self.dll.espeak_SetVoiceByName(voice_name.encode())
            if status == EE_OK:
                for parameter, value in ((RATE, wpm), (PITCH, pitch), (RANGE, 50), (VOLUME, 100),
                                         (PUNCTUATION, PUNCT_NONE), (CAPITALS, 0)):
                    self.dll.espeak_SetParameter(parameter, value, 0)
                self.chunks = []
                encoded = text.encode("utf-8")
                status = self.dll.espeak_Synth(encoded, len(encoded) + 1, 0, POS_CHARACTER, 0, CHARS_UTF8,
                                               None, None)
        if status != EE_OK:
            raise EngineError(f"libespeak-ng failed (status {status}) speaking {text[:40]!r} with voice "
                              f"{voice_name}: {captured.evidence() or 'no message'}")
        return b"".join(self.chunks)


_GENDERS: dict[int, Gender] = {1: "male", 2: "female"}


def _load(path: str) -> ctypes.CDLL:
    """Open the library at `path` and declare its functions; failures as EngineError."""
    try:
        dll = ctypes.CDLL(path)
    except OSError as error:
        raise EngineError(f"could not load libespeak-ng from {path}: {error}") from None
    for name, (result, arguments) in PROTOTYPES.items():
        getattr(dll, name).restype = result
        getattr(dll, name).argtypes = arguments
    return dll


def _language_codes(languages: int | None) -> list[tuple[int, str]]:
    """(priority, code) pairs of an espeak_VOICE.languages list: (priority byte, code, NUL)..., NUL."""
    codes = []
    offset = 0
    while languages and (priority := ctypes.string_at(languages + offset, 1)[0]):
        code = ctypes.string_at(languages + offset + 1)
        codes.append((priority, code.decode().lower()))
        offset += len(code) + 2
    return codes


@functools.cache
def _library() -> _Library:
    """The process-wide library (loaded on first use); refused where pyttsx3's eSpeak driver runs."""
    if "pyttsx3.drivers._espeak" in sys.modules:
        raise EngineError("the espeak engine cannot run in a process where the system engine (pyttsx3) "
                          "has started: they share libespeak-ng; run each engine in its own process")
    return _Library()


def library_started() -> bool:
    """Whether this process has loaded libespeak-ng for the espeak engine."""
    return _library.cache_info().currsize > 0


def espeak_rate(rate: float) -> int:
    """espeakRATE (words a minute) for a speed multiplier."""
    low, high = WPM_RANGE
    return int(min(high, max(low, round(NORMAL_WPM * rate))))


def espeak_pitch(semitones: float) -> int:
    """espeakPITCH (0..100) that shifts a voice by `semitones`, by PITCH_TABLE."""
    for (low_st, low_value), (high_st, high_value) in zip(PITCH_TABLE, PITCH_TABLE[1:]):
        if semitones <= high_st:
            share = max(0.0, (semitones - low_st) / (high_st - low_st))
            return round(low_value + share * (high_value - low_value))
    return PITCH_TABLE[-1][1]


class EspeakEngine:
    """The espeak engine: fast, robotic, many English accents and variants."""

    name = "espeak"

    def list_voices(self) -> list[VoiceInfo]:
        """Each English voice alone and with each numbered male/female variant."""
        library = _library()
        variants = _variant_genders(library.data)
        voices = []
        for code, language in _primary_languages(library.languages).items():
            voices.append(VoiceInfo(self.name, code, language.name, language.gender, code, PITCH_SPAN))
            for variant in LISTED_VARIANTS:
                if variant in variants:
                    voices.append(VoiceInfo(self.name, f"{code}+{variant}", f"{language.name} {variant}",
                                            variants[variant], code, PITCH_SPAN))
        return voices

    def synthesize(self, text: str, voice: Voice) -> Audio:
        """Speak `text` with `voice`; raises EngineError on failure."""
        library = _library()
        pcm = library.speak(speakable(text), self._voice_name(voice.voice), espeak_rate(voice.rate),
                            espeak_pitch(voice.pitch))
        if not pcm and any(character.isalnum() for character in text):
            raise EngineError(f"libespeak-ng produced no audio for {text[:40]!r} with voice {voice.voice}")
        return Audio(pcm, library.sample_rate)

    def cache_key(self, voice: Voice) -> str:
        """A string that changes whenever anything affecting the sound changes."""
        wheel = importlib.metadata.version("espeakng-loader")
        return (f"espeak|lib {_library().version}|wheel {wheel}|r{RENDER_VERSION}|{self._voice_name(voice.voice)}|"
                f"wpm {espeak_rate(voice.rate)}|pitch {espeak_pitch(voice.pitch)}")

    def _voice_name(self, voice_id: str) -> str:
        """The name espeak_SetVoiceByName takes for a voice id ("gmw/en-US+f3")."""
        library = _library()
        code, _, variant = voice_id.strip().lower().partition("+")
        language = library.languages.get(code)
        variant_file = _variant_files(library.data).get(variant) if variant else ""
        if language is None or variant_file is None:
            raise ConfigError(f"unknown espeak voice {voice_id!r} (valid: en-us, en-gb+f3, en-gb-scotland+m2, "
                              "en-gb-x-rp+f1, ...; list them all with: narrate voices --engine espeak)")
        return f"{language.identifier}+{variant_file}" if variant_file else language.identifier


def _primary_languages(languages: dict[str, _Language]) -> dict[str, _Language]:
    """One entry per voice file, under the code that names it most closely ("en-gb" for gmw/en)."""
    primary: dict[str, _Language] = {}
    for code, language in sorted(languages.items(), key=lambda item: (-len(item[0]), item[0])):
        if language not in primary.values():
            primary[code] = language
    return dict(sorted(primary.items()))


@functools.cache
def _variant_files(data: Path) -> dict[str, str]:
    """Lower-case variant name -> file name, from espeak-ng-data/voices/!v."""
    return {path.name.lower(): path.name for path in (data / "voices" / "!v").iterdir() if path.is_file()}


@functools.cache
def _variant_genders(data: Path) -> dict[str, Gender]:
    """Lower-case variant name -> the gender its file declares ("unknown" when none)."""
    genders: dict[str, Gender] = {}
    for key, file_name in _variant_files(data).items():
        lines = (data / "voices" / "!v" / file_name).read_text("utf-8", "replace").lower().splitlines()
        declared = [line.split()[1] for line in lines if line.startswith("gender") and len(line.split()) > 1]
        genders[key] = declared[0] if declared and declared[0] in ("male", "female") else "unknown"
    return genders
