"""Review: the quotes narrate is unsure of, with their context, and the user's fixes.

`doubts` lists the doubtful quotes of attributed chapters; `fix` records a
correction in voices/<work-slug>.speakers.toml and says what it changed.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from narrate.attribute import attribute
from narrate.corrections import record
from narrate.errors import InputError
from narrate.model import Paragraph, Script, Segment
from narrate.pipeline import Folders, load_input, parsed


@dataclass(frozen=True)
class Context:
    """A paragraph shown with a doubtful quote."""

    paragraph: Paragraph
    """The paragraph."""
    speakers: tuple[str, ...]
    """Who narrate has speaking in it, in order (empty for narration only)."""


@dataclass(frozen=True)
class Doubt:
    """A quote whose speaker narrate is unsure of, with the paragraphs around it."""

    quote: Segment
    """The quote, with the speaker narrate guessed and its confidence."""
    chapter: int
    """1-based index of its chapter in the file."""
    heading: str
    """Its chapter's heading."""
    before: Context | None
    """The paragraph before it in the same scene (None at the start of a scene)."""
    here: Context
    """The paragraph it is in."""
    after: Context | None
    """The paragraph after it in the same scene (None at the end of a scene)."""


@dataclass(frozen=True)
class Fix:
    """A correction just recorded."""

    quote: Segment
    """The quote as narrate had attributed it before the correction."""
    speaker: str
    """Who the user says speaks it (a known character's name when it matched one)."""
    known: tuple[str, ...]
    """The characters narrate knows in this input (to spot a misspelt speaker)."""
    path: Path
    """The corrections file written."""
    moved: tuple[Segment, ...]
    """Other quotes whose speaker changes as a result (turn-taking follows the corrected line)."""


def doubts(scripts: Sequence[Script], below: float) -> list[Doubt]:
    """The quotes attributed with confidence under `below`, least sure first (in reading order among equals),
    with their context."""
    found = [
        _doubt(number, script, segment)
        for number, script in enumerate(scripts, 1)
        for segment in script.segments
        if segment.kind == "dialogue" and segment.confidence < below
    ]
    return sorted(found, key=lambda doubt: doubt.quote.confidence)


def fix(name: str, folders: Folders, line_id: str, speaker: str) -> Fix:
    """Record that quote `line_id` of input `name` is spoken by `speaker` (in voices/<work-slug>.speakers.toml)."""
    given = " ".join(speaker.split())
    if not given:
        raise InputError(f"SPEAKER is empty: give the name of who says line {line_id}")
    work, corrections = load_input(name, folders)
    before = attribute(parsed(work), corrections)
    quote = _quote(before, line_id, name)
    known = _known(before)
    who = known.get(given.casefold(), given)
    saved = record(corrections, work.meta.title, line_id, who, quote.text)
    after = attribute(parsed(work), saved)
    return Fix(quote, who, tuple(sorted(set(known.values()))), saved.path, _moved(before, after, line_id))


def _doubt(number: int, script: Script, quote: Segment) -> Doubt:
    """A doubtful quote with the paragraphs on either side of its own (within its scene)."""
    placed = [(scene.number, paragraph) for scene in script.chapter.scenes for paragraph in scene.paragraphs]
    around = [_context(script, placed, k) if 0 <= k < len(placed) and placed[k][0] == quote.scene else None
              for k in (quote.paragraph - 1, quote.paragraph + 1)]
    here = _context(script, placed, quote.paragraph)
    return Doubt(quote, number, script.chapter.heading, around[0], here, around[1])


def _context(script: Script, placed: list[tuple[int, Paragraph]], k: int) -> Context:
    """Paragraph `k` of the chapter with the speakers narrate gave its quotes."""
    names = dict.fromkeys(s.speaker for s in script.segments if s.paragraph == k and s.speaker)
    return Context(placed[k][1], tuple(names))


def _quote(scripts: Sequence[Script], line_id: str, name: str) -> Segment:
    """The quote whose line id is `line_id`, or a one-line error saying where ids are shown."""
    for script in scripts:
        for segment in script.segments:
            if segment.kind == "dialogue" and segment.id == line_id:
                return segment
    source, shown = scripts[0].work.source, shlex.quote(name)
    raise InputError(f"{source}: no quote has line id {line_id!r} (every line's id is in [brackets] in "
                     f"`narrate script {shown}`; the doubtful ones: `narrate script {shown} --review`)")


def _known(scripts: Sequence[Script]) -> dict[str, str]:
    """Every name and alias of the input's speaking characters, lower-cased -> the character's name."""
    known: dict[str, str] = {}
    for script in scripts:
        for character in script.characters:
            for alias in character.aliases:
                known.setdefault(alias.casefold(), character.name)
            known[character.name.casefold()] = character.name
    return known


def _moved(before: Sequence[Script], after: Sequence[Script], line_id: str) -> tuple[Segment, ...]:
    """The quotes other than `line_id` whose speaker differs between two attributions of the same text."""
    old = (segment for script in before for segment in script.segments)
    new = (segment for script in after for segment in script.segments)
    return tuple(b for a, b in zip(old, new) if b.kind == "dialogue" and b.id != line_id and b.speaker != a.speaker)
