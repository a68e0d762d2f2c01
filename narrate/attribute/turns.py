"""Turns: a paragraph of dialogue as the first pass (`speakers`) decided it, for the second (`conversation`)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from narrate.model import Script, Segment

WEAK = frozenset({"turn", "guess", "unknown"})
"""Rules the second pass may overrule."""

SOFT = WEAK | {"previous", "pronoun previous", "addressed", "backfill"}
"""Rules that give way when they would make one person speak two paragraphs running."""


CONFIDENCE = {
    "user": 1.0, "tag": 0.97, "sender": 0.97, "role tag": 0.6, "pronoun tag": 0.9, "relation tag": 0.7,
    "alternating pronoun": 0.54,
    "continued": 0.9, "beat": 0.95, "pronoun beat": 0.9, "voice": 0.6, "reaction": 0.7,
    "addressed": 0.9, "previous": 0.68, "pronoun previous": 0.65, "turn": 0.85, "backfill": 0.7,
    "monologue": 0.6, "introduction": 0.85, "guess": 0.5, "unknown": 0.05,
}  # fmt: skip
"""How sure each rule is when the scorer has not weighed its pick: how often it was right on the labelled
passages in tests/fixtures (rounded down), but for a role tag ("said the stranger"), which is right on 60% of the
development corpus's 372 (often a named person), and a relation tag ("said her father"), between the fixtures and
the corpus's 56%; also the prior of `estimate`'s hidden-tag test."""


@dataclass(frozen=True)
class Pick:
    """A decided speaker and the rule that decided it."""

    speaker: str
    """Character name."""
    rule: str
    """Key into CONFIDENCE."""
    penalty: float = 0.0
    """Subtracted from the rule's confidence."""
    confidence: float | None = None
    """How sure the scorer is, when it chose among candidates (else the rule's own confidence)."""

    @property
    def sure(self) -> float:
        """How sure the pick is: the scorer's confidence or the rule's, less the penalty (never below 0.05)."""
        own = CONFIDENCE[self.rule] if self.confidence is None else self.confidence
        return max(0.05, own - self.penalty)


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


def paragraphs(script: Script) -> list[list[Segment]]:
    """The script's segments grouped by paragraph, in reading order."""
    return [list(group) for _, group in groupby(script.segments, key=lambda s: s.paragraph)]


def spoken(script: Script) -> list[tuple[str, list[Segment]]]:
    """(speaker, segments) of each paragraph holding dialogue, the speaker being that of its first quote."""
    return [
        (speaker, segments)
        for segments in paragraphs(script)
        if (speaker := next((s.speaker for s in segments if s.kind == "dialogue"), None))
    ]
