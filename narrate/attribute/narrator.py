"""The first-person narrator: find the name the other characters call them by.

A narrator who says "I said" is a character of their own. Their name is not in
the narration, but the people they talk to use it: the name that the lines
answering the narrator (or answered by the narrator) address, and that nobody
else is heard speaking under, is theirs ("You have been in Afghanistan,
Watson." / "How did you know?" I asked.), and so is any other name they call
the narrator by that the narration hardly writes ("Mr. Barnes" of Jake).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import replace

from narrate.attribute.characters import Roster
from narrate.attribute.reader import FIRST_PERSON
from narrate.attribute.speakers import addressed
from narrate.attribute.turns import spoken
from narrate.model import Script, Segment

_MIN_CALLS = 2
"""How many times others must call the narrator by a name before it is theirs (once is enough for the only name
called that the narration never writes, even inside another name)."""
_LEADING_SHARE = 0.5
"""A name called far less often than the name called most (one heard speaking, so not the narrator's) is someone
else they talk to: the narrator's name must be called at least this share as often; else the narrator stays "I"."""


def narrator_name(scripts: Sequence[Script], roster: Roster, heard: set[str]) -> str | None:
    """The name the others call the first-person narrator by, if one is clear (never one `heard` speaking under
    a tag or a beat of its own)."""
    calls: Counter[str] = Counter()
    for script in scripts:
        calls.update(_calls(script, roster))
    name = next((n for n, _ in calls.most_common() if n not in heard), None)
    if name is not None and calls[name] >= max(_MIN_CALLS, _LEADING_SHARE * calls.most_common(1)[0][1]):
        return name
    return _unnarrated(scripts, roster)


def also_called(scripts: Sequence[Script], roster: Roster, heard: set[str], name: str) -> set[str]:
    """Other names the others call the narrator `name` by ("Mr. Barnes" of Jake): called beside the narrator at least
    `_MIN_CALLS` times, never `heard` speaking under a tag of their own, written in the narration at most once and
    of no other gender."""
    calls: Counter[str] = Counter()
    for script in scripts:
        calls.update(_calls(script, roster))
    gender = roster.gender(name)
    return {other for other, count in calls.items()
            if other != name and other not in heard and count >= _MIN_CALLS and roster.counts.get(other, 0) <= 1
            and (gender == "unknown" or roster.gender(other) in (gender, "unknown"))}


def _unnarrated(scripts: Sequence[Script], roster: Roster) -> str | None:
    """The name most often called in a first-person work that its narration never uses: only "I" can go unnarrated.

    Whatever lines the first pass gave that name came from pronouns and turn-taking, never a tag, so they don't count against it.
    """
    if not any(s.speaker == FIRST_PERSON for script in scripts for s in script.segments):
        return None
    calls: Counter[str] = Counter()
    for script in scripts:
        for speaker, segments in spoken(script):
            calls.update(addressed(roster, segments) - {speaker})
    unnarrated = [(count, name) for name, count in calls.items() if not roster.counts.get(name)]
    count, name = max(unnarrated, default=(0, ""))
    leading = max(calls.values(), default=0)
    alone = len(unnarrated) == 1 and not _written(name, scripts)  # "Live a little, Sam.": Sam is "I"
    return name if count >= max(1 if alone else _MIN_CALLS, _LEADING_SHARE * leading) else None


def _written(name: str, scripts: Sequence[Script]) -> bool:
    """True when some narration writes `name`, even inside another name ("Vinegar-faced Joseph")."""
    word = re.compile(rf"\b{re.escape(name)}\b")
    return any(word.search(s.text) for script in scripts for s in script.segments if s.kind == "narration")


def as_narrator(roster: Roster, names: Collection[str]) -> Roster:
    """The roster with every form of the `names` meaning the first-person narrator (so "..., Reyes." calls "I")."""
    forms = {form: FIRST_PERSON if canon in names else canon for form, canon in roster.forms.items()}
    return replace(roster, forms=forms, seen={}, called={})


def name_narrator(scripts: Sequence[Script], name: str) -> list[Script]:
    """`scripts` with the first-person speaker called `name`."""
    return [replace(s, segments=tuple(_renamed(seg, name) for seg in s.segments)) for s in scripts]


def _calls(script: Script, roster: Roster) -> Counter[str]:
    """Names addressed in dialogue paragraphs next to the narrator's own, by other speakers."""
    turns = [(speaker, addressed(roster, segments)) for speaker, segments in spoken(script)]
    calls: Counter[str] = Counter()
    for k, (speaker, names) in enumerate(turns):
        beside = {turns[j][0] for j in (k - 1, k + 1) if 0 <= j < len(turns)}
        if speaker != FIRST_PERSON and FIRST_PERSON in beside:
            calls.update(names - {speaker})
    return calls


def _renamed(segment: Segment, name: str) -> Segment:
    """The segment with the first-person speaker called `name`."""
    return replace(segment, speaker=name) if segment.speaker == FIRST_PERSON else segment
