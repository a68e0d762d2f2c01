"""Attribute: discover the characters of a script and decide who says each quote.

`characters` finds the people (names, aliases, gender); `speakers` applies the
attribution rules. `attribute` is the stage's one public function.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from narrate.attribute.characters import discover, role_gender
from narrate.attribute.speakers import assign
from narrate.model import Character, Script


def attribute(script: Script) -> Script:
    """`script` with every quote's speaker and confidence set, and its speaking characters."""
    roster = discover(script)
    attributed = assign(script, roster)
    lines = Counter(s.speaker for s in attributed.segments if s.kind == "dialogue" and s.speaker)
    characters = tuple(
        Character(
            name=name,
            gender=roster.gender(name) if name in roster.genders else role_gender(name),
            aliases=roster.aliases(name),
            lines=count,
        )
        for name, count in sorted(lines.items(), key=lambda item: (-item[1], item[0]))
    )
    return replace(attributed, characters=characters)
