"""The Engine protocol and the registry of engines by name.

Engines are imported lazily: naming one loads its module, so `narrate script`
never pays for onnxruntime.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from narrate.errors import ConfigError
from narrate.model import Audio, Gender, Voice

THREADS_VARIABLE = "NARRATE_ENGINE_THREADS"
"""Environment variable: how many threads an engine that can use several may use (unset: every core)."""


@dataclass(frozen=True)
class VoiceInfo:
    """A voice an engine offers."""

    engine: str
    """Engine name."""
    id: str
    """Voice id to put in a cast file."""
    name: str
    """Human-readable name."""
    gender: Gender = "unknown"
    """The voice's gender, when the engine says."""
    language: str = ""
    """Language code, when the engine says."""
    pitch_range: tuple[float, float] = (-12.0, 12.0)
    """The pitch shifts, semitones, this voice can make."""


@runtime_checkable
class Engine(Protocol):
    """Turns (text, voice) into mono PCM at the engine's own sample rate."""

    name: str

    def list_voices(self) -> list[VoiceInfo]:
        """Every voice this engine can speak with."""
        ...

    def synthesize(self, text: str, voice: Voice) -> Audio:
        """Speak `text` with `voice`; raises EngineError on failure."""
        ...

    def cache_key(self, voice: Voice) -> str:
        """A string that changes whenever anything affecting the sound changes."""
        ...


ENGINES: dict[str, str] = {
    "espeak": "narrate.engines.espeak:EspeakEngine",
    "kokoro": "narrate.engines.kokoro:KokoroEngine",
    "piper": "narrate.engines.piper:PiperEngine",
    "system": "narrate.engines.system:SystemEngine",
}
"""Engine name -> "module:class"; each class takes no arguments."""

_loaded: dict[str, Engine] = {}


def get_engine(name: str) -> Engine:
    """The process-wide instance of engine `name` (created on first use)."""
    if name not in ENGINES:
        known = ", ".join(sorted(ENGINES))
        raise ConfigError(f"unknown engine {name!r} (known engines: {known})")
    if name not in _loaded:
        module_name, class_name = ENGINES[name].split(":")
        engine_class = getattr(importlib.import_module(module_name), class_name)
        _loaded[name] = engine_class()
    return _loaded[name]
