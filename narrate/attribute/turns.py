"""Turns: a paragraph of dialogue as the first pass (`speakers`) decided it, for the second (`conversation`)."""

from __future__ import annotations

from dataclasses import dataclass

from narrate.model import Segment

WEAK = frozenset({"turn", "guess", "unknown"})
"""Rules the second pass may overrule."""

SOFT = WEAK | {"previous", "pronoun previous", "addressed", "backfill"}
"""Rules that give way when they would make one person speak two paragraphs running."""


@dataclass(frozen=True)
class Pick:
    """A decided speaker and the rule that decided it."""

    speaker: str
    """Character name."""
    rule: str
    """Key into CONFIDENCE."""
    penalty: float = 0.0
    """Subtracted from the rule's confidence."""


@dataclass
class Turn:
    """A paragraph holding dialogue, as the first pass decided it."""

    segments: list[Segment]
    """The paragraph's segments."""
    picks: dict[int, Pick]
    """Segment position -> decision, for each quote."""
    pick: Pick
    """The paragraph's speaker (that of quotes without a tag of their own)."""
    addressed: set[str]
    """People its quotes address by name."""
    conversation: int
    """Number of the conversation it belongs to."""
    after_narration: bool
    """True when a paragraph of narration comes between it and the previous quote."""
