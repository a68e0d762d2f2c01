"""Roles: an unnamed person ("the man", "the stranger") who turns out, within the scene, to be a named one.

A stranger is first "a voice", then "the man who came into the light", then
"the stranger", and at last says "My name is Sorrel." All of those lines are
Sorrel's. Within a scene, an epithet ("the stranger") after a role that only
says what someone looks like ("the man") is that person and takes over the
name; a role whose paragraph introduces a name ("The stranger drank. 'My name
is Sorrel.'") is that name.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import groupby

from narrate.attribute.characters import (
    DESCRIPTIONS,
    Roster,
    is_role,
    mentions,
    role_gender,
)
from narrate.attribute.names import followed
from narrate.attribute.reader import introductions
from narrate.attribute.turns import Turn
from narrate.model import Segment

EPITHETS = frozenset({"the stranger", "the newcomer", "the visitor", "the figure"})
"""Roles that name someone already in the scene, never a new person."""
PLAIN = frozenset(
    f"the {noun}" for noun in ("man", "woman", "boy", "girl", "young man", "young woman", "old man", "old woman", "figure")
)
"""Roles that say nothing but what a person looks like: an epithet after one of them is the same person."""


def name_roles(
    turns: list[Turn], roster: Roster, narration: list[Segment], described: dict[str, set[str]] | None = None
) -> None:
    """Give every line of a role the identity it turns out to have in its scene (in place); `narration` is the
    chapter's narration the reader saw. `described` (describing role -> whom earlier chapters found it to be)
    carries what a chapter learns to the chapters after it."""
    told: dict[int, list[Segment]] = {}
    for segment in narration:
        told.setdefault(segment.scene, []).append(segment)
    scenes = [(number, list(group)) for number, group in groupby(turns, key=lambda t: t.segments[0].scene)]
    identities = [_identities(scene, roster, told.get(number, [])) for number, scene in scenes]
    described = {} if described is None else described  # "the girl" -> whom the scenes so far found her to be
    for same, _ in identities:
        for role, name in same.items():
            if role in DESCRIPTIONS and not is_role(name):
                described.setdefault(role, set()).add(name)
    for (number, scene), (same, answered) in zip(scenes, identities):
        new = set().union(*(introductions(s.text) for s in told.get(number, [])))
        for role, names in described.items():  # the girl who was Nancy in one scene is Nancy in the next
            if role not in same and len(names) == 1 and role.split()[-1] not in new:
                same[role] = next(iter(names))
        here = _people(scene, roster, told.get(number, []))
        for role, holder in roster.epithets.items():  # "the young man" the narration calls Archer, if he is here
            if role not in same and holder in here:
                same[role] = holder
        for role, name in answered.items():  # “What did you break?” said a man’s voice. / “Hi, Sami.”: Sami
            if role not in same and name not in same.values():
                same[role] = name
        for turn in scene:
            for i, pick in turn.picks.items():
                if pick.speaker in same:
                    turn.picks[i] = replace(pick, speaker=followed(same, pick.speaker))
            if turn.pick.speaker in same:
                turn.pick = replace(turn.pick, speaker=followed(same, turn.pick.speaker))


def _identities(
    scene: list[Turn], roster: Roster, narration: list[Segment]
) -> tuple[dict[str, str], dict[str, str]]:
    """Role -> who it is, for the roles of one scene that turn out to be someone else; and role -> the person the
    reply to its first line calls by name, who it may be when nothing else says."""
    same: dict[str, str] = {}
    heard: list[str] = []
    answered: dict[str, str] = {}  # role -> the name the reply to its first line calls
    last, asking = "", set()  # roles that asked someone's name: a name in the answers is no call to them
    for turn in scene:
        speaker = turn.pick.speaker
        if is_role(speaker) and speaker not in heard:
            earlier = next((r for r in reversed(heard) if r in PLAIN and r not in same and _compatible(r, speaker)), None)
            if speaker in EPITHETS and earlier:
                same[earlier] = speaker
            heard.append(speaker)
        if is_role(last) and last not in asking and speaker != last and not is_role(speaker):
            called = [n for n in turn.addressed if n != speaker and not is_role(n)
                      and roster.gender(n) in (role_gender(last), "unknown")]
            if len(called) == 1:
                answered.setdefault(last, called[0])
        if turn.pick.rule == "introduction" and not is_role(speaker):
            role = next(iter(_narrated_roles(turn, roster)), None) or (last if is_role(last) else None)
            role = followed(same, role) if role else None
            if role and is_role(role):
                same[role] = speaker
        if any(_ASKS_NAME.search(s.text) for s in turn.segments if s.kind == "dialogue"):
            asking.add(speaker)
        last = speaker
    described = _described(scene, roster, narration)
    return same | {role: name for role, name in described.items() if role not in same and role not in same.values()}, answered


def _described(scene: list[Turn], roster: Roster, narration: list[Segment]) -> dict[str, str]:
    """Role that describes a person ("the girl") -> the one named person of its gender the scene's lines are given
    to or their paragraphs name, unless the scene's `narration` brought in someone of its kind after that person
    was named ("Ann and Ben rowed. An old man stood on the pier"; "an old gentleman" named only later may be that
    man)."""
    named: dict[str, int] = {}  # person -> where the scene first names them or gives them a line
    for turn in scene:
        for i, segment in enumerate(turn.segments):
            found = mentions(roster, segment.text) if segment.kind == "narration" else ()
            people = {m.name for m in found if not m.is_pronoun and not is_role(m.name)}
            if i in turn.picks:
                people.add(turn.picks[i].speaker)
            for name in people:
                if name in roster.genders and not is_role(name):
                    named.setdefault(name, segment.start)
    brought_in: dict[str, int] = {}  # noun -> where the scene last brings in someone new of that kind
    for segment in narration:
        for noun in introductions(segment.text):
            brought_in[noun] = segment.start
        for mention in mentions(roster, segment.text):
            if mention.name in named:
                named[mention.name] = min(named[mention.name], segment.start)
    same = {}
    for role in {pick.speaker for turn in scene for pick in turn.picks.values() if pick.speaker in DESCRIPTIONS}:
        fitting = [name for name in named if roster.gender(name) == role_gender(role)]
        newcomer = brought_in.get(role.split()[-1], -1)
        if len(fitting) == 1 and newcomer < named[fitting[0]]:
            same[role] = fitting[0]
    return same


def _people(scene: list[Turn], roster: Roster, narration: list[Segment]) -> set[str]:
    """Everyone a scene gives a line to or its narration names."""
    speaking = {pick.speaker for turn in scene for pick in (turn.pick, *turn.picks.values())}
    return speaking | {m.name for s in narration for m in mentions(roster, s.text) if not m.is_pronoun}


def _narrated_roles(turn: Turn, roster: Roster) -> list[str]:
    """Roles the paragraph's own narration names ("The stranger drank")."""
    return [m.name for s in turn.segments if s.kind == "narration" for m in mentions(roster, s.text) if is_role(m.name)]


_ASKS_NAME = re.compile(r"\b(?:name|who)\b", re.IGNORECASE)
"""Words of a line that asks who someone is ("Tell us your name!"): a name in the answer is no call."""


def _compatible(role: str, other: str) -> bool:
    """True when two roles could be one person (neither gender rules the other out)."""
    genders = {role_gender(role), role_gender(other)} - {"unknown"}
    return len(genders) < 2
