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
import ctypes.util
import functools
import importlib.metadata
import itertools
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from narrate.engines._quiet import quiet
from narrate.engines._text import PRONOUNCED, speakable, with_phonemes
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

IPA_MNEMONICS = {
    "aɪə": "aI@", "aɪɚ": "aI3", "ɔːɹ": "O@", "ɑːɹ": "A@", "ɪɹ": "i@3", "ɛɹ": "e@", "ʊɹ": "U@", "eɪ": "eI",
    "aɪ": "aI", "aʊ": "aU", "ɔɪ": "OI", "oʊ": "oU", "əʊ": "oU", "iə": "i@", "eə": "e@", "ʊə": "U@", "dʒ": "dZ",
    "tʃ": "tS", "uː": "u:", "iː": "i:", "ɑː": "A:", "ɔː": "O:", "ɜː": "3:", "əl": "@L", "n̩": "n-", "ɪ": "I",
    "ə": "@", "ɛ": "E", "æ": "a", "ʌ": "V", "ʊ": "U", "ɒ": "0", "ɐ": "a#", "ɚ": "3", "ᵻ": "I#", "ɔ": "O2",
    "ɑ": "A:", "a": "a", "e": "e", "i": "i", "o": "o", "u": "u:", "ŋ": "N", "ʃ": "S", "ʒ": "Z", "θ": "T",
    "ð": "D", "ɹ": "r", "r": "r", "ɾ": "t#", "ʔ": "?", "ɡ": "g", "g": "g", "x": "x", "ç": "C", "ɫ": "l",
    "ɲ": "n^", "b": "b", "d": "d", "f": "f", "h": "h", "j": "j", "k": "k", "l": "l", "m": "m", "n": "n",
    "p": "p", "s": "s", "t": "t", "v": "v", "w": "w", "z": "z", "ˈ": "'", "ˌ": ",", " ": " ", "ː": ":",
    "-": "",
}  # fmt: skip
"""IPA symbols -> espeak-ng's English phoneme mnemonics, as espeak-ng itself pairs them (its IPA and mnemonic
output of the same words, phoneme by phoneme); longest first when reading an IPA string."""

AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_DONT_EXIT = 0x8000
CHARS_UTF8 = 1
PHONEME_INPUT = 0x100
"""espeakPHONEMES: `[[...]]` in the text holds phoneme mnemonics."""
IPA_OUTPUT = 0x02
"""espeak_TextToPhonemes and espeak_SetPhonemeTrace: phonemes as IPA."""
TRACE_OUTPUT = 0x08
"""espeak_SetPhonemeTrace: how each word was translated ("Found" in the dictionary, or "Translate" by rules)."""
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
    "espeak_TextToPhonemes": (ctypes.c_char_p, [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]),
    "espeak_SetPhonemeTrace": (None, [ctypes.c_int, ctypes.c_void_p]),
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

    def phonemes(self, text: str, voice_name: str, trace: Path | None = None) -> str:
        """The IPA voice `voice_name` says `text` with; with `trace`, how each word was translated is written
        to that file."""
        with quiet(), _traced(self.dll, TRACE_OUTPUT, trace):
            self.dll.espeak_SetVoiceByName(voice_name.encode())
            rest = ctypes.c_char_p(text.encode("utf-8"))
            said = []
            while rest.value:
                said.append((self.dll.espeak_TextToPhonemes(ctypes.byref(rest), CHARS_UTF8, IPA_OUTPUT) or b"")
                            .decode("utf-8"))
        return " ".join(part.strip() for part in said if part.strip())

    def speak(self, text: str, voice_name: str, wpm: int, pitch: int, phonemes: bool = False,
              heard: Path | None = None) -> bytes:
        """PCM for `text` spoken by voice `voice_name` at `wpm` and espeakPITCH `pitch`; with `phonemes`,
        `[[...]]` in it holds phoneme mnemonics; with `heard`, the IPA it speaks is written to that file."""
        with quiet() as captured, _traced(self.dll, IPA_OUTPUT, heard):
            status = self.dll.espeak_SetVoiceByName(voice_name.encode())
            if status == EE_OK:
                for parameter, value in ((RATE, wpm), (PITCH, pitch), (RANGE, 50), (VOLUME, 100),
                                         (PUNCTUATION, PUNCT_NONE), (CAPITALS, 0)):
                    self.dll.espeak_SetParameter(parameter, value, 0)
                self.chunks = []
                encoded = text.encode("utf-8")
                status = self.dll.espeak_Synth(encoded, len(encoded) + 1, 0, POS_CHARACTER, 0,
                                               CHARS_UTF8 | (PHONEME_INPUT if phonemes else 0), None, None)
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


@functools.cache
def _libc() -> ctypes.CDLL:
    """The C library, for the FILE* espeak_SetPhonemeTrace writes to."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.fopen.restype, libc.fopen.argtypes = ctypes.c_void_p, [ctypes.c_char_p, ctypes.c_char_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    return libc


@contextmanager
def _traced(dll: ctypes.CDLL, mode: int, path: Path | None) -> Iterator[None]:
    """Inside, espeak-ng writes its phoneme output (`mode`: IPA_OUTPUT or TRACE_OUTPUT) to `path`, if one."""
    if path is None:
        yield
        return
    stream = _libc().fopen(str(path).encode(), b"w")
    if not stream:
        raise EngineError(f"{path}: cannot write espeak-ng's phoneme output")
    dll.espeak_SetPhonemeTrace(mode, stream)
    try:
        yield
    finally:
        dll.espeak_SetPhonemeTrace(0, None)
        _libc().fclose(stream)


def mnemonics(ipa: str) -> str:
    """espeak-ng's phoneme mnemonics for an IPA string (by IPA_MNEMONICS, longest symbols first); ValueError
    naming a symbol it has none for."""
    out, at = [], 0
    while at < len(ipa):
        symbol = next((ipa[at : at + size] for size in (3, 2, 1) if ipa[at : at + size] in IPA_MNEMONICS), None)
        if symbol is None:
            raise ValueError(ipa[at])
        out.append(IPA_MNEMONICS[symbol])
        at += len(symbol)
    return "".join(out)


def said_as(text: str, voice_id: str = "en-us") -> str:
    """The IPA the espeak voice `voice_id` says `text` with."""
    return _library().phonemes(text, EspeakEngine()._voice_name(voice_id))


def heard(text: str, voice: Voice) -> str:
    """The IPA libespeak-ng speaks when the espeak engine synthesizes `text` (lexicon marks included) with
    `voice`, as the library itself reports it."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "heard.txt"
        EspeakEngine().synthesize(text, voice, heard=path)
        return " ".join(path.read_text(encoding="utf-8").split())


def unfound_words(words: list[str], voice_id: str = "en-us") -> set[str]:
    """The `words` (in lower case) espeak-ng does not find in its dictionary and says by its spelling rules."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        trace = Path(folder) / "trace.txt"
        _library().phonemes(", ".join(words), EspeakEngine()._voice_name(voice_id), trace)
        lines = trace.read_text(encoding="utf-8", errors="replace").splitlines()
    found = {line.split("'")[1] for line in lines if line.startswith("Found: '") and line.count("'") >= 2}
    return {word.lower() for word in words} - found


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

    def synthesize(self, text: str, voice: Voice, heard: Path | None = None) -> Audio:
        """Speak `text` with `voice` (with `heard`, the IPA spoken is written to that file); raises EngineError on
        failure."""
        library = _library()
        marked = PRONOUNCED.search(text) is not None
        said = with_phonemes(speakable(text).replace("[[", "[ ["), lambda ipa: f" [[{mnemonics(ipa)}]] ")
        pcm = library.speak(said, self._voice_name(voice.voice), espeak_rate(voice.rate), espeak_pitch(voice.pitch),
                            phonemes=marked, heard=heard)
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
