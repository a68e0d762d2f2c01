"""Corrections: the user's word on who speaks, in voices/<work-slug>.speakers.toml.

Lines are named by their stable id (shown by `narrate script NAME --review`),
so a correction holds while the rest of the chapter is edited. The file is the
user's: narrate reads it on every run and writes it only when asked to record a
correction (`narrate fix`), keeping comments and layout.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import tomlkit
from tomlkit.items import InlineTable

from narrate.errors import ConfigError
from narrate.files import read_toml, write_toml
from narrate.model import Corrections, Gender, Work

GENDERS: tuple[Gender, ...] = ("male", "female", "unknown")
"""Values a [genders] entry may take."""

HEADER = """\
Speaker corrections for "{title}": they win over what narrate works out.
  [lines]    line id = "who really says it"   (ids: narrate script NAME --review)
  [genders]  character = "male", "female" or "unknown"
  [aliases]  "another name" = "the character's name"
Record one from the command line: narrate fix NAME LINE_ID SPEAKER"""

SECTIONS = ("lines", "genders", "aliases")
"""The tables a corrections file may hold."""


def corrections_path(voices_dir: Path, work: Work) -> Path:
    """Where the corrections for `work` live."""
    return voices_dir / f"{work.slug}.speakers.toml"


def load_corrections(voices_dir: Path, work: Work) -> Corrections:
    """The user's corrections for `work` (empty when there is no file)."""
    path = corrections_path(voices_dir, work)
    if not path.exists():
        return Corrections(path)
    doc = read_toml(path)
    unknown = set(doc) - set(SECTIONS)
    if unknown:
        raise ConfigError(f"{path}: unknown table [{sorted(unknown)[0]}] (valid: [lines], [genders], [aliases])")
    lines = _strings(doc, "lines", path)
    genders = _strings(doc, "genders", path)
    for name, gender in genders.items():
        if gender not in GENDERS:
            raise ConfigError(f"{path}: [genders] {name} = {gender!r} (valid: {', '.join(GENDERS)})")
    return Corrections(path, lines, genders, _strings(doc, "aliases", path))  # type: ignore[arg-type]


def record(corrections: Corrections, title: str, line_id: str, speaker: str, quote: str) -> Corrections:
    """Save "line `line_id` is spoken by `speaker`" to the corrections file, with the quote as a comment."""
    path = corrections.path
    doc = read_toml(path) if path.exists() else _new_document(title)
    if "lines" not in doc:
        doc.add("lines", tomlkit.table())
    lines = doc["lines"]
    if not isinstance(lines, Mapping):
        raise ConfigError(f"{path}: [lines] must be a table of line id = \"speaker\"")
    lines[line_id] = speaker  # type: ignore[index]
    if not isinstance(lines, InlineTable):  # an inline table cannot hold comments
        lines[line_id].comment(_excerpt(quote))  # type: ignore[index]
    write_toml(path, doc)
    return Corrections(path, {**corrections.lines, line_id: speaker}, corrections.genders, corrections.aliases)


def _strings(doc: Mapping, section: str, path: Path) -> dict[str, str]:
    """The key = "string" entries of one table, checked."""
    table = doc.get(section, {})
    if not isinstance(table, Mapping):
        raise ConfigError(f"{path}: [{section}] must be a table of name = \"value\" entries")
    for key, value in table.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{path}: [{section}] {key} = {value!r} (expected a non-empty string in quotes)")
    return {str(key): str(value).strip() for key, value in table.items()}


def _new_document(title: str) -> tomlkit.TOMLDocument:
    """A fresh corrections file with its explanatory header and empty tables."""
    doc = tomlkit.document()
    for line in HEADER.format(title=title).splitlines():
        doc.add(tomlkit.comment(line))
    for section in SECTIONS:
        doc.add(tomlkit.nl())
        doc.add(section, tomlkit.table())
    return doc


def _excerpt(quote: str, limit: int = 60) -> str:
    """A one-line reminder of the quote, for the comment beside a correction."""
    flat = " ".join(quote.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
