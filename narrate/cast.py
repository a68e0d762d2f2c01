"""Cast: the user's voices/<work-slug>.toml, loaded, extended and validated.

The file belongs to the user. A run adds characters it has not seen before and
never rewrites or reorders what is there; tomlkit keeps comments and layout.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import tomlkit
from tomlkit.items import Table

from narrate.engines.base import VoiceInfo
from narrate.errors import ConfigError
from narrate.files import read_toml, write_toml
from narrate.model import Cast, Character, Gender, Script, Voice

Catalog = Mapping[str, Sequence[VoiceInfo]]
"""Engine name -> the voices it offers on this machine."""

NARRATOR_VOICES = (Voice("piper", "en_US-joe-medium"), Voice("espeak", "en-us"), Voice("espeak", "en"))
"""Default narrators, best first: the bundled neural voice, else eSpeak where piper cannot run."""

PALETTES: dict[Gender, tuple[Voice, ...]] = {
    "male": (
        Voice("piper", "en_US-joe-medium", rate=1.06, pitch=2.5),
        Voice("piper", "en_US-joe-medium", rate=0.92, pitch=1.0),
        Voice("piper", "en_US-joe-medium", rate=1.0, pitch=4.5),
        Voice("espeak", "en-us+m3", rate=0.95, pitch=-1.0),
        Voice("espeak", "en-gb+m1", rate=1.0),
        Voice("espeak", "en-gb-scotland+m2", rate=1.0),
        Voice("espeak", "en+m7", rate=0.9),
    ),
    "female": (
        Voice("piper", "en_US-joe-medium", rate=1.02, pitch=7.0),
        Voice("espeak", "en-us+f3", rate=0.95),
        Voice("espeak", "en-gb+f2", rate=1.0),
        Voice("espeak", "en-us+f4", rate=1.05, pitch=1.0),
        Voice("espeak", "en-gb-x-rp+f1", rate=0.95),
    ),
    "unknown": (
        Voice("espeak", "en-us+m2", rate=1.0),
        Voice("espeak", "en-gb+f3", rate=1.0),
        Voice("espeak", "en-gb-x-rp+m4", rate=0.95),
        Voice("espeak", "en-us+f1", rate=1.05),
    ),
}
"""Default voices for characters, by inferred gender, in the order they are handed out."""

VOICE_KEYS = {"engine", "voice", "rate", "pitch"}
RATE_RANGE = (0.5, 2.0)
"""Speed multipliers a cast file may ask for."""

HEADER = """\
narrate cast for "{title}".
This file is yours: edit any voice and run narrate again. narrate only adds
characters it has not seen before; it never changes or removes what is here.
  engine  "piper" (neural), "espeak" or "system"   (list voices: narrate voices)
  voice   a voice id from `narrate voices --engine ENGINE`
  rate    speed multiplier, 1.0 = the voice's normal pace ({rate_lo} to {rate_hi})
  pitch   shift in semitones, 0 = the voice's own pitch (piper -4 to 8, espeak -6.7 to 8.7)
Hear a voice first: narrate preview piper en_US-joe-medium --pitch 2"""


def cast(script: Script, voices_dir: Path, catalog: Catalog) -> Cast:
    """Load voices/<slug>.toml (creating it), add newcomers, validate, save if changed."""
    path = voices_dir / f"{script.work.slug}.toml"
    doc = read_toml(path) if path.exists() else _new_document(script.work.meta.title, catalog)
    added = _add_newcomers(doc, script.characters, catalog)
    result = _to_cast(doc, path, catalog)
    if added or not path.exists():
        write_toml(path, doc)
    return result


def _new_document(title: str, catalog: Catalog) -> tomlkit.TOMLDocument:
    """A fresh cast file with an explanatory header and the default narrator."""
    doc = tomlkit.document()
    text = HEADER.format(title=title, rate_lo=RATE_RANGE[0], rate_hi=RATE_RANGE[1])
    for line in text.splitlines():
        doc.add(tomlkit.comment(line))
    doc.add(tomlkit.nl())
    narrator = next((voice for voice in NARRATOR_VOICES if _offers(catalog, voice)), NARRATOR_VOICES[0])
    doc["narrator"] = _voice_table(narrator, "reads everything that is not dialogue")
    doc["characters"] = tomlkit.table(is_super_table=True)
    return doc


def _add_newcomers(doc: tomlkit.TOMLDocument, characters: Sequence[Character], catalog: Catalog) -> bool:
    """Give every character missing from the file a default voice; True if any was added."""
    if "characters" not in doc:
        doc["characters"] = tomlkit.table(is_super_table=True)
    table = doc["characters"]
    if not isinstance(table, Table):
        return False  # reported by _to_cast
    taken = [_loose_voice(doc.get("narrator"))] + [_loose_voice(entry) for entry in table.values()]
    added = False
    for character in characters:
        if character.name in table:
            continue
        voice = _pick(character.gender, taken, catalog)
        taken.append(voice)
        note = f"{character.gender}, {character.lines} line{'s' if character.lines != 1 else ''}"
        table[character.name] = _voice_table(voice, note)
        added = True
    return added


def _pick(gender: Gender, taken: Sequence[Voice | None], catalog: Catalog) -> Voice:
    """The first palette voice for `gender` that is available and not yet taken."""
    palette = PALETTES[gender] + PALETTES["unknown"] + PALETTES["male" if gender == "female" else "female"]
    available = [voice for voice in palette if _offers(catalog, voice)]
    for voice in available:
        if voice not in taken:
            return voice
    # Palette exhausted: the same voices at other speeds, which the ear tells apart.
    for step in range(1, 20):
        for voice in available:
            candidate = Voice(voice.engine, voice.voice, round(voice.rate * (1 + 0.04 * step), 2), voice.pitch)
            if candidate not in taken and candidate.rate <= RATE_RANGE[1]:
                return candidate
    raise ConfigError("no free voice left to assign (add voices with `narrate voices`)")


def _offers(catalog: Catalog, voice: Voice) -> bool:
    """Whether the catalog has this voice's engine and voice id."""
    return any(info.id == voice.voice for info in catalog.get(voice.engine, ()))


def _voice_table(voice: Voice, note: str) -> Table:
    """A TOML table for one voice, with a comment line."""
    table = tomlkit.table()
    table.add(tomlkit.comment(note))
    table["engine"] = voice.engine
    table["voice"] = voice.voice
    table["rate"] = voice.rate
    table["pitch"] = voice.pitch
    return table


def _loose_voice(entry: object) -> Voice | None:
    """A Voice from a table if it is well formed, else None (no validation)."""
    if not isinstance(entry, Mapping):
        return None
    try:
        return Voice(str(entry["engine"]), str(entry["voice"]),
                     float(entry.get("rate", 1.0)), float(entry.get("pitch", 0.0)))
    except (KeyError, TypeError, ValueError):
        return None


def _to_cast(doc: tomlkit.TOMLDocument, path: Path, catalog: Catalog) -> Cast:
    """Validate the whole document into a Cast; the first problem is a ConfigError."""
    unknown = set(doc) - {"narrator", "characters"}
    if unknown:
        raise ConfigError(f"{path}: unknown table [{sorted(unknown)[0]}] (valid: [narrator], [characters.NAME])")
    if "narrator" not in doc:
        raise ConfigError(f"{path}: missing [narrator] table")
    narrator = _voice(doc["narrator"], path, "narrator", catalog)
    characters = doc.get("characters", {})
    if not isinstance(characters, Mapping):
        raise ConfigError(f"{path}: 'characters' must be tables like [characters.NAME]")
    voices = {str(name): _voice(entry, path, f"characters.{_toml_key(name)}", catalog)
              for name, entry in characters.items()}
    return Cast(path=path, narrator=narrator, characters=voices)


def _toml_key(name: str) -> str:
    """How a character name is written as a TOML key."""
    return tomlkit.key(name).as_string()


def _voice(entry: object, path: Path, where: str, catalog: Catalog) -> Voice:
    """Validate one voice table."""
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{path}: [{where}] must be a table with engine and voice")
    extra = set(entry) - VOICE_KEYS
    if extra:
        raise ConfigError(f"{path}: [{where}] unknown key {sorted(extra)[0]!r} (valid: engine, voice, rate, pitch)")
    engine = _text(entry, "engine", path, where)
    voice_id = _text(entry, "voice", path, where)
    if engine not in catalog:
        known = ", ".join(sorted(catalog)) or "none"
        raise ConfigError(f"{path}: [{where}] engine {engine!r} is not available (available: {known})")
    offered = {info.id: info for info in catalog[engine]}
    ids = list(offered)
    if voice_id not in offered:
        sample = ", ".join(ids[:6]) + (", ..." if len(ids) > 6 else "")
        raise ConfigError(f"{path}: [{where}] unknown {engine} voice {voice_id!r} "
                          f"(valid: {sample}; see `narrate voices --engine {engine}`)")
    rate = _number(entry, "rate", 1.0, RATE_RANGE, path, where)
    pitch = _number(entry, "pitch", 0.0, offered[voice_id].pitch_range, path, where)
    return Voice(engine, voice_id, rate, pitch)


def _text(entry: Mapping, key: str, path: Path, where: str) -> str:
    """A required string field."""
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{path}: [{where}] needs {key} = \"...\" (a non-empty string)")
    return str(value)


def _number(entry: Mapping, key: str, default: float, bounds: tuple[float, float], path: Path, where: str) -> float:
    """An optional number within bounds."""
    value = entry.get(key, default)
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not low <= value <= high:
        raise ConfigError(f"{path}: [{where}] {key} = {value!r} is out of range (a number from {low} to {high})")
    return float(value)
