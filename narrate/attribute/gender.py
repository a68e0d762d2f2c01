"""Gender: infer each person's gender from the pronouns that follow their name, or from how others address them."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from narrate.attribute.names import TITLES
from narrate.attribute.turns import spoken
from narrate.attribute.words import RELATIONS, STOP, after_object_marker
from narrate.model import Gender, Script

if TYPE_CHECKING:
    from narrate.attribute.characters import Mention, Roster

MALE = frozenset({"he", "his", "himself"})
"""Pronouns that stand for a man ("him" usually means someone else)."""
FEMALE = frozenset({"she", "hers", "herself"})
"""Pronouns that stand for a woman ("her" is weighed on its own)."""
_MALE_ADDRESS = {"sir", "mister", "lad", "son", "sonny", "my lord", "my boy", "young man"}
_FEMALE_ADDRESS = {"ma'am", "madam", "miss", "lass", "my lady", "my girl", "young lady", "missus"}
_ADDRESS = re.compile(
    r"(?:^|[,;!?]\s*)(" + "|".join(sorted(_MALE_ADDRESS | _FEMALE_ADDRESS | {"ma’am"}, key=len, reverse=True)) + r")\s*(?:[,.!?;…—]|$)",
    re.IGNORECASE,
)
"""A form of address said to the listener: "Yes, sir." / "Madam, ..."."""
_NOT_OWNED = frozenset(
    "and to the a an that as in on at with for from up down off out back again away too so but or if when then "
    "than into over through by of was is had".split()
)
"""Words after "her" that show it is an object ("gave her a cup"), not a possessive ("her cup")."""


def gender_scores(narration: list[tuple[str, tuple[Mention, ...]]], names: set[str]) -> dict[str, list[float]]:
    """[male, female] pronoun scores of each name, from the pronouns after its mentions in each (text, its mentions)."""
    scores: dict[str, list[float]] = {name: [0.0, 0.0] for name in names}
    for text, found in narration:
        opening = [m for k, m in enumerate(found) if k == 0 or _sentence_break(text[found[k - 1].end : m.start])]
        for mention in opening:  # a mention after "to" ("out loud to Dev, I call her") is not who the pronouns mean
            if mention.name not in scores or after_object_marker(text, mention.start):
                continue
            names_after = [m.start for m in found if m.start > mention.start and not m.is_pronoun]
            stop = min(names_after[:1] + [_third_sentence_end(text, mention.end)])
            _score(scores[mention.name], text[mention.end : stop])
    return scores


def _sentence_break(between: str) -> bool:
    """True when the text between two mentions ends a sentence."""
    return bool(re.search(STOP, between))


def _third_sentence_end(text: str, at: int) -> int:
    """The offset where the second sentence after the one holding `at` ends."""
    ends = [m.end() for m in re.finditer(STOP + r"+(?=\s|$)", text[at:])]
    return at + ends[2] if len(ends) > 2 else len(text)


def _score(score: list[float], window: str) -> None:
    """Add the gendered pronouns in `window` to [male, female] scores (the first counts double).

    "him" and an object "her" ("took it off her") usually mean someone else and
    are left out; a possessive "her" ("her phone") counts half.
    """
    first = True
    words = re.findall(r"[A-Za-z]+", window.lower())
    for k, word in enumerate(words):
        following = words[k + 1] if k + 1 < len(words) else ""
        if word == "her":
            side, weight = (1, 0.75) if following and following not in _NOT_OWNED else (None, 0.0)
        elif word in MALE or word in FEMALE:
            side, weight = (0 if word in MALE else 1), (2.0 if first else 1.0)
        else:
            continue
        if side is not None:
            score[side] += weight
            first = False


_NAME_PRIOR = 2.0
"""The pronoun score a first name clearly given to one gender adds to it (as much as one "he"/"she" after the name)."""


def gender_certainty(title: Gender | None, gender: Gender, male: float, female: float) -> float:
    """How sure a gender decided from a person's titles and pronoun scores is."""
    if gender == "unknown":
        return 0.0
    votes = male if gender == "male" else female
    against = female if gender == "male" else male
    if votes < 0.5:
        return 0.9 if title == gender else 0.5
    return round(min(0.99, votes / (votes + against + 1.0) + (0.3 if title == gender else 0.0)), 2)


RATIO = 1.5
"""How many times the other gender's pronoun score one gender's must reach to decide."""


def scored_gender(title: Gender | None, male: float, female: float, named: Gender = "unknown") -> Gender:
    """A person's gender: their title's ("Miss", "Mr."), else the pronouns' when they clearly agree (their first
    name counting as much as a pronoun), else their first name's (`named`)."""
    if title in ("male", "female"):
        return title
    male += _NAME_PRIOR * (named == "male")
    female += _NAME_PRIOR * (named == "female")
    if male >= 0.5 and male >= RATIO * female:
        return "male"
    if female >= 0.5 and female >= RATIO * male:
        return "female"
    return named


def title_gender(forms: Iterable[str]) -> Gender | None:
    """The gender the titles of a person's name forms agree on ("Mrs. Bennet": female; a title alone, "the
    Duchess": female; a relation called so, "Mum": female), else None."""
    genders = {TITLES.get(form.split()[0].lower().rstrip(".")) if " " in form
               else TITLES.get(form.lower(), RELATIONS.get(form.lower())) for form in forms} - {None, "unknown"}
    return genders.pop() if len(genders) == 1 else None  # type: ignore[return-value]


def with_address(roster: Roster, scripts: Sequence[Script]) -> Roster:
    """The roster with genders learnt from forms of address ("Yes, sir." answers a man) for people it had none for."""
    votes: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for script in scripts:
        turns = [(speaker, " ".join(s.text for s in group if s.kind == "dialogue")) for speaker, group in spoken(script)]
        for k, (speaker, text) in enumerate(turns):
            side = _addressed_gender(text)
            for j in (k - 1, k + 1):
                if side is not None and 0 <= j < len(turns) and turns[j][0] != speaker:
                    votes[turns[j][0]][side] += 1.0
    learnt: dict[str, Gender] = {
        name: gender
        for name, (male, female) in votes.items()
        if roster.genders.get(name, "unknown") == "unknown" and name in roster.genders
        and (gender := scored_gender(None, male * 0.5, female * 0.5)) != "unknown"
    }  # fmt: skip
    if not learnt:
        return roster
    certainty = roster.certainty | {name: 0.6 for name in learnt}
    return replace(roster, genders=roster.genders | learnt, certainty=certainty, seen={}, called={})


def with_learnt(roster: Roster, learnt: Mapping[str, Gender]) -> Roster:
    """The roster with the genders reading the chapters showed (`learnt`: "“Yo,” he said" of Kaito) for people
    it had none for."""
    found = {name: gender for name, gender in learnt.items() if roster.genders.get(name) == "unknown"}
    if not found:
        return roster
    return replace(roster, genders=roster.genders | found, certainty=roster.certainty | {name: 0.6 for name in found})


def _addressed_gender(text: str) -> int | None:
    """0 when a quote calls its listener something male ("sir"), 1 for female ("ma’am"), else None."""
    found = _ADDRESS.search(text)
    if found is None:
        return None
    return 0 if found[1].lower().replace("’", "'") in _MALE_ADDRESS else 1
