"""Reader: what the first pass of `speakers` remembers while it reads a chapter.

`Reader` holds the recent subjects and speakers and resolves a mention
("he", "his wife", "the captain") to a person; `enter_scene`,
`remember_subjects` and `remember_turn` update that memory as the reading
goes on; `sentences` splits narration into the sentences the rules read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from narrate.attribute.characters import (
    Mention,
    Roster,
    is_role,
    kin,
    mentions,
    role_gender,
)
from narrate.attribute.scorer import Evidence
from narrate.attribute.turns import WEAK, Turn
from narrate.attribute.words import RELATIONS, SENTENCE, inside_quotation
from narrate.model import Gender, Segment

UNKNOWN = "Unknown speaker"
"""The speaker given to a quote when nobody at all can be named."""

FIRST_PERSON = "I"
"""The speaker name of a first-person narrator the text never names."""

_FAMILY = frozenset("wife husband lady mother father mum mom dad sister brother daughter son".split())
"""Relations who usually share the owner's surname."""
_PARENTS = frozenset("mother father mum mom dad".split())
"""Relations who are the married ones of the owner's family ("said her mother": Mrs. Bennet)."""
_MARRIED_TITLES = frozenset("mr mrs mister missus sir lady lord".split())
"""Titles of a married person (a "Mr." is counted as one, and a knight or a lord)."""
_MEMORY = 12
"""How many recent speakers and subjects the reader keeps in mind."""


@dataclass
class Book:
    """What reading one chapter leaves for the next."""

    described: dict[str, set[str]] = field(default_factory=dict)
    """Describing role ("the girl") -> whom the chapters so far found it to be."""
    last: str | None = None
    """The last speaker of the chapter before."""
    learnt: dict[str, Gender] = field(default_factory=dict)
    """Genders a "he said" / "she said" or the narration showed for people the text left open."""


@dataclass
class Reader:
    """What the reader remembers while going through the chapter."""

    roster: Roster
    """The chapter's people."""
    tagged: set[str]
    """Names that some explicit tag makes a speaker."""
    corrections: Mapping[str, str]
    """Line id -> speaker, from the user."""
    subjects: list[str] = field(default_factory=list)
    """Narration subjects so far, most recent last."""
    speakers: list[str] = field(default_factory=list)
    """Speaker of each dialogue paragraph so far."""
    narration_run: list[list[Segment]] = field(default_factory=list)
    """Narration-only paragraphs since the last dialogue paragraph."""
    run_words: int = 0
    """Words in those paragraphs."""
    previous_open: bool = False
    """True when the previous paragraph ended inside a quotation."""
    previous_sure: float = 1.0
    """How sure the previous dialogue paragraph's speaker is (a speech it runs on into is as sure)."""
    previous_question: bool = False
    """True when the last quote of the previous dialogue paragraph was a question."""
    previous_asks_who: bool = False
    """True when that question asked who, what, which or where ("Who told you?"): a bare name after it answers it
    rather than calls someone ("Can I say it?" / "Noor." is a call)."""
    addressed: set[str] = field(default_factory=set)
    """People the previous dialogue paragraph addressed by name."""
    narrated: bool = False
    """True when the current paragraph has narration before the quote being read."""
    after_quotes: int | None = None
    """Where in `subjects` the narration after the current paragraph's last quote began, if it has any (“You are
    right,” replied Elinor. Lucy spoke first.): its speaker goes before its people."""
    turns: int = 0
    """Consecutive paragraphs decided by turn-taking."""
    conversation: int = 0
    """Number of the current conversation."""
    scene: int = 0
    """Scene of the last paragraph read."""
    listeners: set[str] = field(default_factory=set)
    """People the paragraph being read addresses by name: its "he said" is not one of them."""
    timeline: list[str] = field(default_factory=list)
    """Everyone named or heard, in reading order (subjects and speakers alike)."""
    learnt: dict[str, Gender] = field(default_factory=dict)
    """Genders the text left open that a resolved "he said" / "she said" has since shown."""
    opened: int = 0
    """How many dialogue paragraphs had been read when the current conversation began."""
    present: Counter[str] = field(default_factory=Counter)
    """Everyone named or heard since the scene began, and how often."""
    introduced: set[str] = field(default_factory=set)
    """Nouns of people the scene's narration has brought in as someone new ("a man", "two gentlemen")."""
    terse: float = 0.0
    """The share of the chapter's narration paragraphs that are single beats (see `speakers._terse`)."""
    evidence: list[Evidence] | None = None
    """When kept (for training the scorer): each untagged paragraph with its candidates' evidence."""
    carried: str | None = None
    """The last speaker of the chapter before, for a chapter that opens in the middle of their speech."""
    gone: set[str] = field(default_factory=set)
    """People who were a voice on the phone until they hung up ("“Bye,” said Sami, and hung up."): no longer in the
    conversation until something other than turn-taking (a tag, a beat) gives them a line."""
    hanging_up: str | None = None
    """Who the current paragraph's narration says hung up, if anyone: gone once the paragraph is theirs."""

    def gender(self, name: str) -> Gender:
        """Gender of a person by name or role (or as a pronoun tag has shown it)."""
        if name in self.learnt:
            return self.learnt[name]
        return self.roster.gender(name) if name in self.roster.genders else role_gender(name)

    def is_person(self, name: str) -> bool:
        """True for names that behave like people (gendered, a role, tagged as speaking, named in narration)."""
        return is_role(name) or name in self.tagged or self.gender(name) != "unknown" or name in self.roster.counts

    def resolve(self, mention: Mention) -> str | None:
        """The person a mention means; pronouns go to the latest subject of their gender."""
        if mention.owner:
            return self.relative(mention)
        if not mention.is_pronoun:
            return mention.name if self.is_person(mention.name) else None
        if mention.name == "i":
            return FIRST_PERSON
        wanted = pronoun_gender(mention)
        subjects = [s for s in reversed(self.subjects[-_MEMORY:]) if s not in self.listeners]
        recent = [s for s in reversed(self.subjects[-_MEMORY:] + self.speakers[-2:]) if s not in self.listeners]
        unknown = [s for s in self.others(None) if s not in self.listeners]
        named = (s for s in reversed(self.timeline) if s not in self.listeners and not kin(s))
        return (
            next((s for s in subjects if self.fits(s, wanted) and (self.heard(s) or not kin(s))), None)
            or next((s for s in recent if self.gender(s) == wanted and (self.heard(s) or not kin(s))), None)
            or next((s for s in named if self.gender(s) == wanted), None)
            or next((s for s in subjects if self.gender(s) == "unknown" and s != FIRST_PERSON), None)
            or next((s for s in unknown if self.gender(s) == "unknown" and s != FIRST_PERSON), None)
        )

    def heard(self, name: str) -> bool:
        """True for someone a tag or an earlier line shows speaking."""
        return name in self.tagged or name in self.speakers

    def people_in(self, segment: Segment) -> list[str]:
        """Everyone a narration segment names or means (not inside a quotation it carries), once each, in the
        order named (so that ties among them break the same way on every run)."""
        found = [m for sentence in sentences(segment.text) for m in self.mentioned(sentence)]
        return list(dict.fromkeys(name for m in found if (name := self.resolve(m) if not m.is_pronoun or m.name == "i" else None)))

    def mentioned(self, sentence: str) -> list[Mention]:
        """The people a narration sentence mentions, leaving out any inside a quotation it carries."""
        return [m for m in mentions(self.roster, sentence) if not inside_quotation(sentence, m.start)]

    def fits(self, name: str, gender: Gender) -> bool:
        """True when `name` can be called by a pronoun of `gender` (an ungendered role like "the captain" can)."""
        own = self.gender(name)
        return own == gender or own == "unknown" and is_role(name)

    def relative(self, mention: Mention) -> str | None:
        """The person in the conversation a relation names ("his wife"): not the owner, of the right gender."""
        sex: Gender = "male" if mention.owner == "his" else "female"
        owner = FIRST_PERSON if mention.owner == "my" else None
        if mention.owner in ("his", "her"):
            owner = next((s for s in reversed(self.subjects[-_MEMORY:]) if self.gender(s) == sex), None)
            # “My dear Mr. Bennet,” said his lady: with no man in the story yet, the man she calls
            owner = owner or next((s for s in sorted(self.listeners) if self.gender(s) == sex), None)
            owner = owner or self.most_named(sex)
        relation = mention.name.split()[-1]
        wanted = RELATIONS[relation]
        spouse = _spouse(owner, relation)
        married = {c for f, c in self.roster.forms.items() if spouse and f.split()[0] == spouse.split()[0] and f.endswith(spouse.split()[-1])}
        if spouse in self.roster.genders and len(married) == 1:
            return spouse
        if spouse in self.roster.forms and len(spouse.split()) > 2:  # Mrs. John Dashwood's husband: Mr. John
            return self.roster.forms[spouse]  # Dashwood, though the text has other Mr. Dashwoods
        parent = [n for n in self.family(owner, wanted) if self.married(n)] if relation in _PARENTS else []
        if parent:  # "said her mother": of the Honeychurches, Mrs. Honeychurch; Anne Elliot's father is the
            return max(parent, key=lambda n: self.roster.counts.get(n, 0))  # much-named Sir Walter, not Mr Elliot
        talking = [s for s in self.others(None)[:4] if s != owner and self.gender(s) == wanted]
        if wanted != "unknown" and len(talking) == 1:
            return talking[0]
        family = self.family(owner, wanted) if relation in _FAMILY else []
        if len(family) == 1:
            return family[0]
        candidates = [s for s in self.others(None) + self.subjects[::-1][:_MEMORY] if s != owner and s != UNKNOWN]
        if wanted != "unknown":
            candidates += [n for n in [self.most_named(wanted)] if n]
        found = next((s for s in candidates if wanted == "unknown" or self.gender(s) == wanted), None)
        return found or mention.name

    def most_named(self, gender: Gender, besides: set[str] | frozenset[str] = frozenset()) -> str | None:
        """The person of `gender` the narration names most often (not one of `besides`)."""
        counts = self.roster.counts
        return max((n for n in counts if self.gender(n) == gender and n not in besides), key=lambda n: counts[n],
                   default=None)

    def married(self, name: str) -> bool:
        """True when some form of `name` has a married person's title ("Mrs. Bennet", "Mr. Bennet") or a noble's
        ("Sir Walter Elliot")."""
        return any(canon == name and form.split()[0].rstrip(".").lower() in _MARRIED_TITLES
                   for form, canon in self.roster.forms.items())

    def family(self, owner: str | None, gender: Gender) -> list[str]:
        """People of `gender` who share a surname with `owner` ("Mr. Woodhouse" for Emma Woodhouse's father)."""
        if owner is None:
            return []
        forms = self.roster.forms
        surnames = {form.split()[-1] for form, canon in forms.items() if canon == owner and " " in form}
        kin = {canon for form, canon in forms.items() if " " in form and form.split()[-1] in surnames}
        return sorted(name for name in kin - {owner} if self.gender(name) == gender)

    def others(self, name: str | None) -> list[str]:
        """Recent speakers other than `name`, most recent first."""
        seen: list[str] = []
        for speaker in reversed(self.speakers[-_MEMORY:]):
            if speaker != name and speaker not in seen and speaker != UNKNOWN and speaker not in self.gone:
                seen.append(speaker)
        return seen


def enter_scene(state: Reader, scene: int) -> None:
    """Forget the conversation when a new scene starts."""
    if scene != state.scene:
        state.scene = scene
        new_conversation(state)
        state.previous_open = False
        state.addressed = set()
        state.present = Counter()
        state.introduced = set()
        state.gone = set()


def remember_turn(state: Reader, turn: Turn) -> None:
    """Update the reader's memory after a dialogue paragraph."""
    pick = turn.pick
    state.turns = state.turns + 1 if pick.rule == "turn" else 0
    if pick.rule not in WEAK and pick.rule != "continued" and pick.speaker != UNKNOWN:
        state.subjects.insert(len(state.subjects) if state.after_quotes is None else state.after_quotes, pick.speaker)
    if pick.rule not in WEAK:
        state.gone.discard(pick.speaker)  # back on the line, or in the room
    state.speakers.append(pick.speaker)
    state.timeline.append(pick.speaker)
    state.present[pick.speaker] += 1
    if state.hanging_up is not None:  # "“Bye,” said Sami, and hung up."
        if state.hanging_up == pick.speaker:
            _gone(state, pick.speaker)
        new_conversation(state)
        state.hanging_up = None
    last = [s for s in turn.segments if s.kind == "dialogue"][-1]
    state.previous_open = last.runs_on
    state.previous_sure = pick.sure
    state.previous_question = last.text.rstrip(" ”\"’'").endswith("?")
    state.previous_asks_who = state.previous_question and _ASKS_WHO.search(last.text) is not None
    state.addressed = turn.addressed - {pick.speaker}
    state.listeners = set()
    state.subjects += sorted(state.addressed)
    state.narration_run = []
    state.run_words = 0


_ASKS_WHO = re.compile(r"\b(?:[Ww]ho|[Ww]hom|[Ww]hose|[Ww]hich|[Ww]hat|[Ww]here)\b")
_INTRODUCTION = re.compile(
    r"\b(?:[Aa]n?|[Aa]nother|[Oo]ne|[Tt]wo|[Tt]hree|[Ss]ome|[Ss]everal)\s+(?:[\w-]+\s+){0,2}?"
    r"(m[ae]n|wom[ae]n|boys?|girls?|lady|ladies|gentlem[ae]n)\b"
)
"""Someone new: "a man", "two portly gentlemen", "an old lady"."""
_SINGULAR = {"men": "man", "women": "woman", "gentlemen": "gentleman", "ladies": "lady", "boys": "boy", "girls": "girl"}


def introductions(text: str) -> set[str]:
    """The nouns ("man", "lady") of the people `text` brings in as someone new."""
    return {_SINGULAR.get(m[1].lower(), m[1].lower()) for m in _INTRODUCTION.finditer(text)}


_GERUND_LEAD = re.compile(r"\s*(?:Instead of|After|Before|Without|On|Upon|Besides|Despite|In)\s+\w+ing\b[^,;]*,")
"""A sentence's opening phrase around a gerund ("Instead of drawing his brother off,"): whom it names is no subject."""


def pronoun_gender(mention: Mention) -> Gender:
    """The gender a third-person pronoun ("he", "his", "she", "her") gives."""
    return "male" if mention.name in ("he", "his") else "female"


def remember_subjects(state: Reader, segments: list[Segment]) -> None:
    """Record the people of each narration sentence, its subject (the first one named, outside an opening gerund
    phrase) last, and the people it brings in as someone new."""
    for segment in segments:
        if segment.kind != "narration":
            continue
        state.introduced |= introductions(segment.text)
        for sentence in sentences(segment.text):
            found = state.mentioned(sentence)
            if not found:
                continue
            lead = _GERUND_LEAD.match(sentence)  # "Instead of drawing his brother off, he was talking": he
            if lead and any(m.start >= lead.end() for m in found):
                found = [m for m in found if m.start >= lead.end()] + [m for m in found if m.start < lead.end()]
            subject = state.resolve(found[0]) if not _vague(found[0]) else None
            if subject and found[0].name in ("he", "she") and is_role(subject) and state.gender(subject) == "unknown":
                state.learnt[subject] = "male" if found[0].name == "he" else "female"
            others = [state.resolve(m) for m in found[1:] if not m.is_pronoun and not _vague(m)]
            state.subjects += [n for n in others if n and n != subject]
            state.timeline += [n for n in others if n and n != subject]
            state.present.update(n for n in others if n)
            if subject:
                state.subjects.append(subject)
                state.timeline.append(subject)
                state.present[subject] += 1
            if _HUNG_UP.search(sentence):
                _call_ended(state, subject)


_HUNG_UP = re.compile(r"\b(?:hung|hangs|hang)\s+up\b|\bline\s+(?:went|goes)\s+dead\b|\bend(?:s|ed)\s+the\s+call\b")
"""A phone call ending."""


def _call_ended(state: Reader, subject: str | None) -> None:
    """A call ends: the conversation is over. Who hangs up right after speaking (in the same paragraph, or the
    one before), or hangs up on a first-person narrator ("She sighed, and hung up."), was the voice on the line and
    is gone from the scene; someone who hangs up on a voice ("Priya hung up and texted Bea") stays."""
    if subject is None or subject == FIRST_PERSON:
        new_conversation(state)
    elif FIRST_PERSON in state.tagged or state.speakers[-1:] == [subject]:
        new_conversation(state)
        _gone(state, subject)
    else:
        state.hanging_up = subject  # gone if the paragraph is theirs; the conversation ends after it either way


def call_over(state: Reader) -> None:
    """Before a dialogue paragraph: a call someone hung up in the narration before it has ended the conversation."""
    if state.hanging_up is not None:
        new_conversation(state)
        state.hanging_up = None


def _gone(state: Reader, name: str) -> None:
    """`name` has left the conversation."""
    state.gone.add(name)
    state.present.pop(name, None)


def new_conversation(state: Reader) -> None:
    """The conversation so far is over: the next line opens another."""
    state.opened = len(state.speakers)
    state.conversation += 1


def _vague(mention: Mention) -> bool:
    """True for a relation that says nothing of who it is ("his companion", "her friend"): read as anyone recent,
    it would put a guess among the people a sentence names."""
    return bool(mention.owner) and RELATIONS[mention.name.split()[-1]] == "unknown"


def _spouse(owner: str | None, relation: str) -> str | None:
    """"Mrs. X" for the wife of "Mr. X", and the other way round."""
    if owner is None or relation not in ("wife", "husband", "lady"):
        return None
    title, _, surname = owner.partition(" ")
    swapped = {"Mr.": "Mrs.", "Mr": "Mrs", "Mrs.": "Mr.", "Mrs": "Mr"}.get(title)
    return f"{swapped} {surname}" if swapped and surname else None


@lru_cache(maxsize=1 << 16)
def sentences(text: str) -> tuple[str, ...]:
    """The sentences of a narration piece (at least one)."""
    parts = tuple(m.group().strip() for m in SENTENCE.finditer(text) if m.group().strip())
    return parts or (text,)
