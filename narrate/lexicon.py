"""Lexicon: how the work's words are said, from voices/<work-slug>.lexicon.toml and voices/lexicon.toml.

A lexicon's `[words]` table maps a word, name or phrase to a respelling
(`Yamato = "yah MAH toh"`: capitals mark the stressed syllable) or to IPA
(`Sasuke = { ipa = "sˈæsʊkeɪ" }`, with an optional `say` respelling for the
system engine). voices/lexicon.toml holds words for every work (its table may
also be called `[global]`); the work's own file wins. Matching ignores case
and possessives ("SASUKE's" is said as Sasuke's entry, with its "s"); a key of
several words or a hyphenated one matches as a phrase ("Kakashi-sensei" before
"Kakashi", which also matches the "Kakashi" in "Kakashi-kun").

`pronounce` is the stage's function: it gives each line that holds a lexicon
word a `said` text, the line with each such word marked ⟦IPA|respelling⟧ (see
engines/_text.py), which kokoro, piper and espeak speak as phonemes and the
system engine as the respelling. Only those lines change, so only they are
spoken again when an entry changes. A respelling becomes IPA through
espeak-ng's own letter-to-sound rules, syllable by syllable.

`suggest_words` writes the work's lexicon on the first run, and adds to it
later: the characters' names and the other capitalised words espeak-ng does not
find in its dictionary, each as a commented-out entry holding the IPA narrate
says it with today, for the user to edit. The user's file is never otherwise
rewritten.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import tomlkit
from tomlkit.items import Table

from narrate.attribute.names import TITLES
from narrate.engines._text import pieces, pronounced
from narrate.errors import ConfigError
from narrate.files import read_toml, write_toml
from narrate.model import Line, Script, Work

GLOBAL_FILE = "lexicon.toml"
"""The lexicon of every work, in voices/."""

TABLES = ("words",)
"""The table a work's lexicon holds."""

GLOBAL_TABLES = ("words", "global")
"""The tables voices/lexicon.toml may hold (either name)."""

HEADER = """\
# How narrate says the words of "{title}". This file is yours: edit it and run
# narrate again; only the lines holding a word you changed are spoken again.
# narrate adds names it has not listed before, as comments, and never changes
# or removes what is here. voices/lexicon.toml holds words for every work.
#
#   Yamato = "yah MAH toh"               a respelling: capitals mark the stress
#   Sasuke = {{ ipa = "sˈæsʊkeɪ" }}        IPA (ˈ before the stressed syllable)
#   "Kakashi-sensei" = "kah KAH shee SEN say"   a phrase; quote keys with - or accents
#
# Matching ignores case and a possessive ("Sasuke's"). Hear one word:
#   narrate say {name} Sasuke
# Below, each name narrate found, commented out, with the IPA it says it with
# now: remove the "# ", then change the IPA (or give a respelling).
"""

_SIBILANTS = ("s", "z", "ʃ", "ʒ", "tʃ", "dʒ")
_VOICELESS = ("p", "t", "k", "f", "θ")
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_SUGGESTED = re.compile(r"^\s*#?\s*(?:\"(?P<quoted>[^\"]+)\"|(?P<bare>[\w-]+))\s*=", re.MULTILINE)

_LEAST_REPEATS = 2
"""Fewest times a capitalised word that is not a character's name must occur to be suggested."""


@dataclass(frozen=True)
class Pronunciation:
    """How one word or phrase is said."""

    key: str
    """The word or phrase as the lexicon writes it."""
    ipa: str
    """Its IPA, for the engines that take phonemes."""
    say: str
    """Its respelling, for the engines that do not."""


@dataclass(frozen=True)
class Lexicon:
    """Every word a work's lexicons say, by its folded form."""

    entries: dict[str, Pronunciation]
    """Folded key (case and whitespace) -> its pronunciation."""

    @functools.cached_property
    def pattern(self) -> re.Pattern[str] | None:
        """Any key, as a whole word or phrase, with an optional possessive."""
        if not self.entries:
            return None
        keys = sorted(self.entries, key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(map(re.escape, key.split())) for key in keys)
        return re.compile(rf"(?<![\w’'])(?P<key>{alternatives})(?P<possessive>[’']s)?(?![\w’'])", re.IGNORECASE)


def lexicon_path(voices_dir: Path, work: Work) -> Path:
    """The work's own lexicon file."""
    return voices_dir / f"{work.slug}.lexicon.toml"


def load_lexicon(voices_dir: Path, work: Work) -> Lexicon:
    """The words voices/lexicon.toml and the work's lexicon say (the work's win); ConfigError naming the file and
    the key for anything malformed."""
    entries: dict[str, Pronunciation] = {}
    for path, tables in ((voices_dir / GLOBAL_FILE, GLOBAL_TABLES), (lexicon_path(voices_dir, work), TABLES)):
        if path.exists():
            entries |= _entries(path, tables)
    return Lexicon(entries)


def pronounce(lines: Sequence[Line], lexicon: Lexicon) -> list[Line]:
    """`lines` with every lexicon word marked with how it is said (in `said`); lines without one unchanged."""
    pattern = lexicon.pattern
    if pattern is None:
        return list(lines)
    return [_pronounced_line(line, pattern, lexicon) for line in lines]


def _pronounced_line(line: Line, pattern: re.Pattern[str], lexicon: Lexicon) -> Line:
    """`line` with its lexicon words marked, or unchanged without any."""
    said, count = pattern.subn(lambda match: _marked(match, lexicon), line.text)
    return replace(line, said=said) if count else line


def _marked(match: re.Match[str], lexicon: Lexicon) -> str:
    """The mark for one matched word, its possessive included."""
    entry = lexicon.entries[_folded(match["key"])]
    if not match["possessive"]:
        return pronounced(entry.ipa, entry.say)
    return pronounced(entry.ipa + possessive_ending(entry.ipa), f"{entry.say}'s")


def said_words(speech: str, lexicon: Lexicon) -> list[tuple[str, str, str]]:
    """(word, IPA, where the IPA comes from) for each word of a line's `speech`: the lexicon's for its marked words,
    espeak-ng's rules' for the others."""
    from narrate.engines.espeak import said_as

    said = []
    for piece, ipa in pieces(speech):
        if ipa:
            entry = next((entry for entry in lexicon.entries.values() if piece.startswith(entry.ipa)), None)
            said.append((entry.key if entry else "?", piece, "lexicon"))
        else:
            said += [(word, said_as(word), "espeak-ng's rules") for word in _WORD.findall(piece)]
    return said


def possessive_ending(ipa: str) -> str:
    """The IPA of the "'s" after a word said `ipa`: ɪz after a sibilant, s after a voiceless sound, else z."""
    bare = ipa.rstrip("ˈˌː ")
    if bare.endswith(_SIBILANTS):
        return "ɪz"
    return "s" if bare.endswith(_VOICELESS) else "z"


def _folded(key: str) -> str:
    """A key as matching compares it: case folded, whitespace single."""
    return " ".join(key.split()).casefold()


def _entries(path: Path, tables: Sequence[str]) -> dict[str, Pronunciation]:
    """The pronunciations of one lexicon file."""
    doc = read_toml(path)
    valid = ", ".join(f"[{table}]" for table in tables)
    for name, value in doc.items():
        if name not in tables or not isinstance(value, dict):
            raise ConfigError(f"{path}: unknown {'table' if isinstance(value, dict) else 'key'} {name!r} "
                              f"(valid: {valid}, holding words)")
    entries: dict[str, Pronunciation] = {}
    for table in tables:
        for key, value in doc.get(table, {}).items():
            entries[_folded(key)] = _pronunciation(path, table, str(key), value)
    return entries


def _pronunciation(path: Path, table: str, key: str, value: object) -> Pronunciation:
    """One entry, checked: a respelling string or { ipa = "...", say = "..." }."""
    where = f"{path}: [{table}] {key}"
    valid = 'a respelling ("yah MAH toh") or { ipa = "sˈæsʊkeɪ" }'
    if not key.strip():
        raise ConfigError(f"{path}: [{table}] has an empty word (expected a word or phrase = {valid})")
    if isinstance(value, str):
        if not _WORD.search(value):
            raise ConfigError(f"{where}: empty respelling (expected {valid})")
        return Pronunciation(key, respelling_ipa(value), value.lower())
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected {valid}, not {_kind(value)}")
    unknown = set(value) - {"ipa", "say"}
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r} (valid: ipa, say)")
    ipa, say = value.get("ipa"), value.get("say", key)
    if not isinstance(ipa, str) or not ipa.strip():
        raise ConfigError(f"{where}: ipa must be a non-empty IPA string, e.g. {{ ipa = \"sˈæsʊkeɪ\" }}")
    if not isinstance(say, str) or not _WORD.search(say):
        raise ConfigError(f"{where}: say must be a respelling with letters, e.g. say = \"sah SOO keh\"")
    ipa = " ".join(ipa.strip().strip("/[]").split())
    _check_ipa(where, ipa)
    return Pronunciation(key, ipa, say.lower())


def _kind(value: object) -> str:
    """What a TOML value is, in words."""
    if isinstance(value, bool):
        return "true or false"
    return "a number" if isinstance(value, int | float) else "a list" if isinstance(value, list) else "a date or time"


def _check_ipa(where: str, ipa: str) -> None:
    """ConfigError naming the first symbol of `ipa` the engines do not take."""
    from narrate.engines.espeak import mnemonics

    try:
        mnemonics(ipa)
    except ValueError as error:
        raise ConfigError(f"{where}: ipa \"{ipa}\" has {str(error)!r}, which the engines do not take (IPA "
                          f"letters of English with ˈ ˌ ː, e.g. \"sˈæsʊkeɪ\")") from None


def respelling_ipa(respelling: str) -> str:
    """The IPA of a respelling, syllable by syllable as espeak-ng's rules say each: the stress on the syllables
    in capitals ("yah MAH toh" -> jˌɑː mˈɑː tˌoʊ... joined), on the first when none is."""
    from narrate.engines.espeak import said_as

    syllables = [syllable for syllable in re.split(r"[\s-]+", respelling.strip()) if _WORD.search(syllable)]
    stressed = [syllable.isupper() and any(ch.isalpha() for ch in syllable) for syllable in syllables]
    if not any(stressed):
        stressed = [index == 0 for index in range(len(syllables))]
    said = [said_as(syllable.lower()).replace("ˈ", "").replace("ˌ", "").replace(" ", "") for syllable in syllables]
    return "".join(("ˈ" if stress else "") + ipa for ipa, stress in zip(said, stressed, strict=True))


# --- names first -------------------------------------------------------------------------------------------------


def suggest_words(scripts: Sequence[Script], voices_dir: Path) -> Path:
    """Write the work's lexicon, or add to it, the names and other capitalised words narrate has not listed
    before, each commented out with the IPA it says it with today; the file's path."""
    work = scripts[0].work
    path = lexicon_path(voices_dir, work)
    doc = read_toml(path) if path.exists() else tomlkit.parse(HEADER.format(title=work.meta.title, name=work.name))
    listed = _listed(tomlkit.dumps(doc))
    new = [word for word in candidate_words(scripts) if _folded(word) not in listed]
    if not new and path.exists():
        return path
    table = doc.get("words")
    if table is None:
        table = tomlkit.table()
        doc["words"] = table
    if not isinstance(table, Table):
        raise ConfigError(f"{path}: [words] must be a table of words")
    from narrate.engines.espeak import said_as

    for word in new:
        ipa = json.dumps(said_as(word), ensure_ascii=False)
        table.add(tomlkit.comment(f"{tomlkit.key(word).as_string()} = {{ ipa = {ipa} }}"))
    write_toml(path, doc)
    return path


def _listed(text: str) -> set[str]:
    """The folded keys a lexicon file's [words] table holds, commented out or not."""
    table = re.search(r"^\[words\]\s*$", text, re.MULTILINE)
    rest = text[table.end() :] if table else ""
    return {_folded(match["quoted"] or match["bare"]) for match in _SUGGESTED.finditer(rest)}


def candidate_words(scripts: Sequence[Script]) -> list[str]:
    """The words a listener may want said otherwise: every word of the characters' names (most lines first),
    then the capitalised words the text never writes in lower case that espeak-ng does not find in its
    dictionary (most frequent first)."""
    from narrate.engines.espeak import unfound_words

    named = [word for script in scripts for character in script.characters
             for name in (character.name, *character.aliases) for word in _WORD.findall(name)
             if word[0].isupper() and len(word) > 1 and word.lower().rstrip(".") not in TITLES]
    texts = [segment.text for script in scripts for segment in script.segments]
    counts = Counter(word for text in texts for word in _WORD.findall(text))
    lower = {word for word in counts if word.islower()}
    inside = {match[0] for text in texts for match in _WORD.finditer(text) if not _opens_sentence(text, match.start())}
    capitalised = [word for word, count in counts.most_common()
                   if word[0].isupper() and word.lower() not in lower and word in inside and count >= _LEAST_REPEATS
                   and len(word) > 2 and not word.isupper() and not re.search(r"[’']", word)]
    words = list(dict.fromkeys(_plain(word) for word in named + capitalised))
    unfound = unfound_words(words) if words else set()
    names = set(map(_plain, named))
    return [word for word in words if word in names or word.lower() in unfound]


def _opens_sentence(text: str, at: int) -> bool:
    """True when the word at `at` in `text` opens a sentence (or the text, or a quotation)."""
    before = text[:at].rstrip(" \t\n\"“”‘’'([—–-")
    return not before or before[-1] in ".!?…:"


def _plain(word: str) -> str:
    """A word without a possessive ending."""
    return re.sub(r"[’']s$", "", word)


