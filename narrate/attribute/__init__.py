"""Attribute: discover the characters of a work and decide who says each quote.

`characters` finds the people (names, aliases, gender); `speakers` applies the
attribution rules; `narrator` names a first-person narrator. `attribute` is
the stage's public function; `estimate` measures how well it probably did.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from narrate.attribute.characters import Roster, discover, role_gender
from narrate.attribute.narrator import name_narrator
from narrate.attribute.speakers import assign, explicit_tags, tagged_names
from narrate.model import Character, Corrections, Estimate, Script

_FOLDS = 4
"""The self-estimate hides one tagged quote in this many at a time."""


def attribute(scripts: Sequence[Script], corrections: Corrections | None = None) -> list[Script]:
    """The chapters of a work with every quote's speaker and confidence set, and their speaking characters."""
    roster = _roster(scripts, corrections)
    lines = corrections.lines if corrections else {}
    people = tagged_names(scripts, roster)
    attributed = [assign(script, roster, lines, tagged=people) for script in scripts]
    tagged = {name for script in scripts for name in explicit_tags(script, roster).values()}
    named = name_narrator(attributed, roster, tagged)
    return [replace(script, characters=_characters(script, roster)) for script in named]


def estimate(scripts: Sequence[Script], corrections: Corrections | None = None) -> Estimate:
    """How accurate `attribute` probably is: re-attribute the tagged quotes with their tags hidden."""
    roster = _roster(scripts, corrections)
    people = tagged_names(scripts, roster)
    quotes = tagged = recovered = 0
    for script in scripts:
        quotes += sum(1 for s in script.segments if s.kind == "dialogue")
        tags = explicit_tags(script, roster)
        tagged += len(tags)
        order = sorted(tags)
        for fold in range(_FOLDS):
            hidden = frozenset(order[fold::_FOLDS])
            if hidden:
                guessed = assign(script, roster, hidden=hidden, tagged=people)
                recovered += sum(1 for s in guessed.segments if s.paragraph in hidden and s.kind == "dialogue"
                                 and s.start == tags[s.paragraph][0] and s.speaker == tags[s.paragraph][1])
    return Estimate(quotes=quotes, tagged=tagged, recovered=recovered)


def _roster(scripts: Sequence[Script], corrections: Corrections | None) -> Roster:
    """The work's people, with the user's gender and alias overrides."""
    if corrections is None:
        return discover(scripts)
    return discover(scripts, corrections.genders, corrections.aliases)


def _characters(script: Script, roster: Roster) -> tuple[Character, ...]:
    """The characters who speak in `script`, most lines first."""
    lines = Counter(s.speaker for s in script.segments if s.kind == "dialogue" and s.speaker)
    return tuple(
        Character(
            name=name,
            gender=roster.gender(name) if name in roster.genders else role_gender(name),
            aliases=roster.aliases(name),
            lines=count,
            gender_confidence=roster.certainty.get(name, 0.8 if role_gender(name) != "unknown" else 0.0),
        )
        for name, count in sorted(lines.items(), key=lambda item: (-item[1], item[0]))
    )
