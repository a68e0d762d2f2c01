"""Cast: the user's voices/<work-slug>.toml, loaded, extended and validated.

The file belongs to the user. A run adds characters it has not seen before and
never rewrites or reorders what is there; tomlkit keeps comments and layout.
Its optional [sounds] table names audio files in voices/ to play with the
speech (an intro, an outro, a scene-break sound) and their level.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path

import tomlkit
from tomlkit.container import OutOfOrderTableProxy
from tomlkit.items import Table

from narrate.assemble import SOUND_LEVEL, SOUND_NAMES, Sounds, decode_sound
from narrate.engines.base import VoiceInfo
from narrate.engines.kokoro import blend
from narrate.errors import ConfigError, InputError
from narrate.files import read_toml, write_toml
from narrate.model import Cast, Character, Gender, Script, Voice, Work

Catalog = Mapping[str, Sequence[VoiceInfo]]
"""Engine name -> the voices it offers on this machine."""

NARRATOR_VOICES = (Voice("piper", "en_US-joe-medium"), Voice("kokoro", "bm_fable"), Voice("espeak", "en-us"),
                   Voice("espeak", "en"))
"""Default narrators, best first: piper's Joe (the most intelligible voice measured, 4-6 times faster than
kokoro, and a model of its own, so no character voice is a variant of it), else kokoro, else eSpeak."""


def _kokoro(*labels: str) -> tuple[Voice, ...]:
    """Kokoro voices named as bench/voices.py names them: "af_heart", or "af_sky@3" shifted 3 semitones."""
    return tuple(Voice("kokoro", voice_id, pitch=float(pitch or 0))
                 for voice_id, _, pitch in (label.partition("@") for label in labels))


PALETTES: dict[Gender, tuple[Voice, ...]] = {
    "male": _kokoro("am_puck", "am_michael", "bm_george", "bm_lewis", "am_onyx", "am_santa", "am_adam",
                    "am_liam", "bm_fable", "am_eric", "bm_daniel", "am_echo", "am_fenrir") + (
        Voice("espeak", "en-us+m3", rate=0.95, pitch=-1.0),
        Voice("espeak", "en-gb+m1", rate=1.0),
        Voice("espeak", "en-gb-scotland+m2", rate=1.0),
        Voice("espeak", "en+m7", rate=0.9),
    ),
    "female": _kokoro("af_heart", "bf_emma", "af_alloy", "bf_isabella", "af_river", "af_bella@-4", "af_sky@3",
                      "af_aoede", "bf_lily", "af_jessica", "af_kore@3", "af_jessica@-3", "af_sky", "af_sarah@-3",
                      "af_sarah", "af_kore", "af_nova", "af_bella") + (
        Voice("espeak", "en-us+f3", rate=0.95),
        Voice("espeak", "en-gb+f2", rate=1.0),
        Voice("espeak", "en-us+f4", rate=1.05, pitch=1.0),
        Voice("espeak", "en-gb-x-rp+f1", rate=0.95),
    ),
}
"""Default voices for characters by inferred gender, in the order they are handed out. The kokoro voices are
ordered by `bench/voices.py --order` from its measurements: each next voice is the best graded of those no
more than 0.75 like the narrator and every voice before it, and once none is, the least like them. There are
fewer distinct female voices than male ones, so some female voices are shifted in pitch too ("af_sky@3"),
each measured as a voice of its own. Left out: bf_alice (word error rate 0.13) and af_nicole (a whisper).
eSpeak's voices follow, for where kokoro cannot run. A character of unknown gender gets whichever voice of both
is least like those already cast."""

DISTINCT = 0.80
"""Two voices more alike than this (speaker-embedding cosine similarity) sound like one person."""

SIMILARITY_FILE = "voice-similarity.json"
"""In narrate/assets: the similarity of every pair of default voices, as bench/voices.py measured it."""

VOICE_KEYS = {"engine", "voice", "rate", "pitch"}
RATE_RANGE = (0.5, 2.0)
"""Speed multipliers a cast file may ask for."""

SOUND_KEYS = (*SOUND_NAMES, "level")
"""The keys of a cast file's [sounds] table."""

SOUND_LEVEL_RANGE = (-30.0, 0.0)
"""Levels of the sounds, LU against the speech, a cast file may ask for."""

HEADER = """\
narrate cast for "{title}".
This file is yours: edit any voice and run narrate again. narrate only adds
characters it has not seen before; it never changes or removes what is here.
  engine  "kokoro" or "piper" (neural), "espeak" or "system"   (list voices: narrate voices)
  voice   a voice id from `narrate voices --engine ENGINE`; for kokoro also a blend
          of its voices, weights in percent: "af_bella:60,af_sarah:40"
  rate    speed multiplier, 1.0 = the voice's normal pace ({rate_lo} to {rate_hi})
  pitch   shift in semitones, 0 = the voice's own pitch (kokoro -4 to 6, piper -4 to 8,
          espeak -6.7 to 8.7)
Hear a voice first: narrate preview kokoro af_heart
Your own intro, outro or scene-break sound: a "sounds" table (see the README).
How names are said: the work's .lexicon.toml beside this file."""

LANGUAGE_NAMES = {
    "ar": "Arabic", "ca": "Catalan", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "es": "Spanish",
    "fi": "Finnish", "fr": "French", "he": "Hebrew", "hu": "Hungarian", "id": "Indonesian", "it": "Italian",
    "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "th": "Thai", "tl": "Tagalog", "tr": "Turkish",
    "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip
"""English names of the languages, besides English, that AO3 works are most often in, by primary subtag."""


def cast(scripts: Sequence[Script], voices_dir: Path, catalog: Catalog) -> Cast:
    """Load voices/<slug>.toml of the chapters' work (creating it), add newcomers, validate, refuse a work its
    narrator cannot speak, save if changed."""
    work = scripts[0].work
    path = voices_dir / f"{work.slug}.toml"
    exists = path.exists()
    doc = read_toml(path) if exists else _new_document(work.meta.title, catalog)
    added = _add_newcomers(doc, work_characters(scripts), catalog)
    result = _to_cast(doc, path, catalog)
    refuse_unspoken_language(work, result.narrator if exists else None, path, catalog)
    if added or not exists:
        write_toml(path, doc)
    return result


def load_sounds(path: Path) -> Sounds | None:
    """The sounds the [sounds] table of the cast file at `path` names, each decoded (once, for every chapter),
    and their level; None when it names none. A file that is missing or that ffmpeg cannot decode is a
    ConfigError naming the key and the file."""
    files, level = _sound_files(read_toml(path), path)
    if not files:
        return None
    return Sounds(**{key: _decoded(file, f"{path}: [sounds] {key} = {json.dumps(name, ensure_ascii=False)}")
                     for key, (name, file) in files.items()}, level=level)


def _sound_files(doc: tomlkit.TOMLDocument, path: Path) -> tuple[dict[str, tuple[str, Path]], float]:
    """The sounds the [sounds] table of the cast file `path` names, by key: as written, and the file beside the
    cast file (which must be there); and their level. The first problem is a ConfigError."""
    table = doc.get("sounds", {})
    if not isinstance(table, Mapping):
        raise ConfigError(f"{path}: 'sounds' must be a table [sounds] (keys: {', '.join(SOUND_KEYS)})")
    extra = set(table) - set(SOUND_KEYS)
    if extra:
        raise ConfigError(f"{path}: [sounds] unknown key {min(extra)!r} (valid: {', '.join(SOUND_KEYS)})")
    files = {}
    for key in SOUND_NAMES:
        if key in table:
            name = _text(table, key, path, "sounds")
            file = path.parent / name
            if not file.is_file():
                raise ConfigError(f"{path}: [sounds] {key} = {json.dumps(name, ensure_ascii=False)}: no such file "
                                  f"({file})")
            files[key] = (name, file)
    return files, _number(table, "level", SOUND_LEVEL, SOUND_LEVEL_RANGE, path, "sounds")


def _decoded(file: Path, setting: str) -> bytes:
    """The sound in `file` decoded for the master (see decode_sound); a ConfigError starting with `setting`, the
    cast file's line that names it, if it cannot be read or decoded."""
    try:
        pcm = decode_sound(file)
    except OSError as error:
        raise ConfigError(f"{setting}: cannot read {file} ({error.strerror})") from None
    if pcm is None:
        raise ConfigError(f"{setting}: not audio ffmpeg can decode")
    return pcm


def refuse_unspoken_language(work: Work, narrator: Voice | None, path: Path, catalog: Catalog) -> None:
    """An InputError if `work` is not in English and `narrator` (from the user's cast file `path`; None while
    there is none) does not speak its language: narrate's own voices speak English."""
    language, wanted = work.meta.language, _primary_subtag(work.meta.language)
    spoken = offered_voice(catalog, narrator.engine, narrator.voice).language if narrator else "en"
    if wanted in ("", "en", _primary_subtag(spoken)):
        return
    named = f"{LANGUAGE_NAMES[wanted]} ({language})" if wanted in LANGUAGE_NAMES else language
    raise InputError(f"{work.source}: this work is in {named}; narrate's voices speak English. To narrate it "
                     f"anyway, give the narrator and its characters voices that speak {language} in {path}")


def _primary_subtag(language: str) -> str:
    """The language of a BCP 47 code alone, lower case: "fr" of "fr-FR" (and of "fr_FR")."""
    return language.replace("_", "-").partition("-")[0].strip().casefold()


def work_characters(scripts: Sequence[Script]) -> list[Character]:
    """The speaking characters of every chapter, each once with their lines summed, most lines first."""
    merged: dict[str, Character] = {}
    for character in (character for script in scripts for character in script.characters):
        known = merged.get(character.name)
        if known is None:
            merged[character.name] = character
            continue
        surest = character if character.gender_confidence > known.gender_confidence else known
        merged[character.name] = replace(surest, lines=known.lines + character.lines)
    return sorted(merged.values(), key=lambda character: -character.lines)


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
    """Give every character missing from the file a default voice, most lines first; True if any was added."""
    if "characters" not in doc:
        doc["characters"] = tomlkit.table(is_super_table=True)
    table = doc["characters"]
    if not isinstance(table, Table | OutOfOrderTableProxy):  # the proxy: [characters.X] tables with others between
        return False  # reported by _to_cast
    taken = [voice for voice in [_loose_voice(doc.get("narrator"))] + [_loose_voice(entry) for entry in table.values()]
             if voice is not None]
    followed = list(doc)[-1] != "characters"  # by a table ([sounds]): new characters go before it, a blank line after
    added = False
    for character in sorted(characters, key=lambda character: -character.lines):
        if character.name in table:
            continue
        voice = _pick(character.gender, taken, catalog)
        taken.append(voice)
        note = f"{character.gender}, {character.lines} line{'s' if character.lines != 1 else ''}"
        entry = _voice_table(voice, note)
        if followed:
            entry.add(tomlkit.nl())
        table[character.name] = entry
        added = True
    return added


def _pick(gender: Gender, taken: Sequence[Voice], catalog: Catalog) -> Voice:
    """A voice for a character of `gender` that no one in `taken` has, from the palette's first engine that runs
    here (kokoro, else eSpeak): the first palette voice unlike all of them, else the least like them; for
    unknown gender the least like them of both palettes; past the palette, blends of its voices, then its
    voices at other speeds."""
    used = {_label(voice) for voice in taken}
    offered = [voice for kind in (("female", "male") if gender == "unknown" else (gender,))
               for voice in PALETTES[kind] if _offers(catalog, voice)]
    palette = [voice for voice in offered if voice.engine == offered[0].engine]
    free = [voice for voice in palette if _label(voice) not in used]
    if free:
        def closeness(voice: Voice) -> float:
            return max((likeness(voice, other) for other in taken), default=0.0)
        distinct = [voice for voice in free if closeness(voice) <= DISTINCT]
        return distinct[0] if distinct and gender != "unknown" else min(free, key=closeness)
    kokoro = list(dict.fromkeys(voice.voice for voice in palette if voice.engine == "kokoro"))
    for index, first in enumerate(kokoro):
        for second in kokoro[index + 1:]:
            mixed = Voice("kokoro", f"{first}:50,{second}:50")
            if _label(mixed) not in used:
                return mixed
    for step in range(1, 20):  # the same voices at other speeds, which the ear tells apart
        for voice in palette:
            candidate = Voice(voice.engine, voice.voice, round(voice.rate * (1 + 0.04 * step), 2), voice.pitch)
            if candidate not in taken and candidate.rate <= RATE_RANGE[1]:
                return candidate
    raise ConfigError("no free voice left to assign (add voices with `narrate voices`)")


def likeness(one: Voice, other: Voice) -> float:
    """How alike two voices sound, 0..1: the speaker-embedding similarity bench/voices.py measured for the pair
    (assets/voice-similarity.json); unmeasured, 1 for one voice id at any pitch, else 0."""
    first, second = _label(one), _label(other)
    measured = 1.0 if first == second else _similarities().get(frozenset((first, second)))
    if measured is not None:
        return measured
    return 1.0 if (one.engine, one.voice) == (other.engine, other.voice) else 0.0


def _label(voice: Voice) -> str:
    """A voice as bench/voices.py names it: "engine:voice", with "@pitch" when shifted."""
    return f"{voice.engine}:{voice.voice}" + (f"@{voice.pitch:g}" if voice.pitch else "")


@functools.cache
def _similarities() -> dict[frozenset[str], float]:
    """Pairs of "engine:voice" -> their measured similarity."""
    measured = json.loads((resources.files("narrate") / "assets" / SIMILARITY_FILE).read_text("utf-8"))
    voices, matrix = measured["voices"], measured["similarity"]
    return {frozenset((first, second)): matrix[i][j]
            for i, first in enumerate(voices) for j, second in enumerate(voices) if i < j}


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
    unknown = set(doc) - {"narrator", "characters", "sounds"}
    if unknown:
        raise ConfigError(f"{path}: unknown table [{min(unknown)}] (valid: [narrator], [characters.NAME], "
                          f"[sounds])")
    _sound_files(doc, path)  # checked here too, so that `narrate cast` and a render stop before any line is spoken
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
    try:
        info = offered_voice(catalog, engine, voice_id)
    except ConfigError as error:
        raise ConfigError(f"{path}: [{where}] {error}") from None
    rate = _number(entry, "rate", 1.0, RATE_RANGE, path, where)
    pitch = _number(entry, "pitch", 0.0, info.pitch_range, path, where)
    return Voice(engine, voice_id, rate, pitch)


def offered_voice(catalog: Catalog, engine: str, voice_id: str) -> VoiceInfo:
    """What `catalog` says of `engine`'s voice `voice_id` (of a kokoro blend: of its first voice); a
    ConfigError naming valid ids if there is no such voice."""
    offered = {info.id: info for info in catalog.get(engine, ())}
    if engine == "kokoro" and voice_id not in offered and ("," in voice_id or ":" in voice_id):
        voice_id = blend(voice_id)[0][0]
    if voice_id not in offered:
        ids = list(offered)
        sample = ", ".join(ids[:6]) + (", ..." if len(ids) > 6 else "")
        if engine == "kokoro":
            sample += ', or a blend like "af_bella:60,af_sarah:40"'
        raise ConfigError(f"unknown {engine} voice {voice_id!r} (valid: {sample}; see `narrate voices --engine "
                          f"{engine}`)")
    return offered[voice_id]


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
