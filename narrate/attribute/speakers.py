"""Speakers: decide who says each quotation.

Rules, strongest first, applied one paragraph at a time (a paragraph of
dialogue has one speaker unless its quotes carry different tags):

1. a speech tag next to the quote: "X said", "said X", "the man asked", "he said"
   (the pronoun is the latest narration subject of that gender);
2. a speech running on from the previous paragraph (its quote left open);
3. an action beat in the same paragraph: the subject of its narration
   ("X nodded. “Good.”");
4. a voice the narration has not placed ("A voice. “...”"): the first new person
   the following narration names;
5. a listener's reaction between two parts of a speech ("X swallowed."): the
   previous speaker goes on;
6. a quote after a paragraph of narration about someone: that person;
7. turn-taking: the other of the two people talking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from itertools import groupby

from narrate.attribute.characters import (
    PHRASAL,
    SPEECH_VERBS,
    Mention,
    Roster,
    is_role,
    mentions,
    role_gender,
)
from narrate.model import Gender, Script, Segment

UNKNOWN = "Unknown speaker"
"""The speaker given to a quote when nobody at all can be named."""

CONFIDENCE = {
    "tag": 0.95, "role tag": 0.9, "pronoun tag": 0.8, "alternating pronoun": 0.6,
    "continued": 0.85, "beat": 0.85, "pronoun beat": 0.7, "voice": 0.5, "reaction": 0.55,
    "previous": 0.65, "pronoun previous": 0.6, "turn": 0.5, "guess": 0.25, "unknown": 0.05,
}  # fmt: skip
"""How sure each rule is."""

REACTIONS = frozenset(
    "swallowed blinked flinched froze stiffened gulped shivered winced paled shuddered stilled".split()
)
"""Silent reactions: a listener doing one of these lets the speaker go on."""

_UNOWNED_VOICE = re.compile(
    r"\b(?:a|an|another|some|one|the same)\s+(?:\w+\s+){0,2}?voice\b|\bsomeone\s+(?:\w+ly\s+)?(?:said|called|spoke|shouted)",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?…]*(?:[.!?…]+[\"”’)]*|$)")
_CLOSERS = "”\"»"
_LOOKAHEAD = 8
_LOOKBACK = 3


@dataclass(frozen=True)
class _Pick:
    """A decided speaker and the rule that decided it."""

    speaker: str
    """Character name."""
    rule: str
    """Key into CONFIDENCE."""
    penalty: float = 0.0
    """Subtracted from the rule's confidence."""


@dataclass
class _State:
    """What the reader remembers while going through the chapter."""

    roster: Roster
    """The chapter's people."""
    tagged: set[str]
    """Names that some explicit tag makes a speaker."""
    subjects: list[str] = field(default_factory=list)
    """Narration subjects so far, most recent last."""
    speakers: list[str] = field(default_factory=list)
    """Speaker of each dialogue paragraph so far."""
    narration_run: list[list[Segment]] = field(default_factory=list)
    """Narration-only paragraphs since the last dialogue paragraph."""
    previous_open: bool = False
    """True when the previous paragraph ended inside a quotation."""
    previous_question: bool = False
    """True when the last quote of the previous dialogue paragraph was a question."""
    narrated: bool = False
    """True when the current paragraph has narration before the quote being read."""
    turns: int = 0
    """Consecutive paragraphs decided by turn-taking."""

    def gender(self, name: str) -> Gender:
        """Gender of a person by name or role."""
        return self.roster.gender(name) if name in self.roster.genders else role_gender(name)

    def is_person(self, name: str) -> bool:
        """True for names that behave like people (gendered, a role, or tagged as speaking)."""
        return is_role(name) or name in self.tagged or self.gender(name) != "unknown"

    def resolve(self, mention: Mention) -> str | None:
        """The person a mention means; pronouns go to the latest subject of their gender."""
        if not mention.is_pronoun:
            return mention.name if self.is_person(mention.name) else None
        if mention.name == "i":
            return "I"
        wanted = "male" if mention.name in ("he", "his") else "female"
        return next((s for s in reversed(self.subjects) if self.gender(s) == wanted), None)

    def others(self, name: str | None) -> list[str]:
        """Recent speakers other than `name`, most recent first."""
        seen: list[str] = []
        for speaker in reversed(self.speakers):
            if speaker != name and speaker not in seen:
                seen.append(speaker)
        return seen


def assign(script: Script, roster: Roster) -> Script:
    """`script` with a speaker and confidence on every dialogue segment."""
    state = _State(roster, _tagged_names(script, roster))
    paragraphs = [list(group) for _, group in groupby(script.segments, key=lambda s: s.paragraph)]
    out: list[Segment] = []
    for k, segments in enumerate(paragraphs):
        if any(s.kind == "dialogue" for s in segments):
            out += _dialogue_paragraph(state, segments, paragraphs[k + 1 : k + 1 + _LOOKAHEAD], script)
        else:
            _remember_subjects(state, segments)
            state.narration_run.append(segments)
            out += segments
    return replace(script, segments=tuple(out))


def _dialogue_paragraph(state: _State, segments: list[Segment], ahead: list[list[Segment]], script: Script) -> list[Segment]:
    """Attribute the quotes of one paragraph and update what the reader remembers."""
    tags: dict[int, _Pick | None] = {}
    state.narrated = False
    for i, segment in enumerate(segments):
        if segment.kind == "narration":
            _remember_subjects(state, [segment])
            state.narrated = True
        else:
            tags[i] = _tag(state, segments, i)
    first_tag = next((pick for pick in tags.values() if pick), None)
    pick = first_tag or _untagged(state, segments, ahead)
    state.turns = state.turns + 1 if pick.rule == "turn" else 0
    result = [_with_speaker(s, tags.get(i) or pick) if s.kind == "dialogue" else s for i, s in enumerate(segments)]
    if pick.rule in ("tag", "role tag", "pronoun tag", "alternating pronoun", "beat", "pronoun beat"):
        state.subjects.append(pick.speaker)
    state.speakers.append(pick.speaker)
    last = [s for s in segments if s.kind == "dialogue"][-1]
    state.previous_open = _is_open(script, last)
    state.previous_question = last.text.rstrip(" ”\"").endswith("?")
    state.narration_run = []
    return result


def _with_speaker(segment: Segment, pick: _Pick) -> Segment:
    """The dialogue segment with the pick's speaker and confidence."""
    confidence = max(0.05, CONFIDENCE[pick.rule] - pick.penalty)
    return replace(segment, speaker=pick.speaker, confidence=round(confidence, 3))


def _untagged(state: _State, segments: list[Segment], ahead: list[list[Segment]]) -> _Pick:
    """The speaker of a paragraph none of whose quotes has a tag."""
    if state.previous_open and segments[0].kind == "dialogue" and state.speakers:
        return _Pick(state.speakers[-1], "continued")
    return (
        _beat(state, segments)
        or _voice(state, ahead)
        or _reaction(state)
        or _previous(state)
        or _turn(state)
    )


# --- rule 1: tags -----------------------------------------------------------------------------


def _tag(state: _State, segments: list[Segment], i: int) -> _Pick | None:
    """The speaker a speech tag next to quote `i` names, if any."""
    after = segments[i + 1] if i + 1 < len(segments) and segments[i + 1].kind == "narration" else None
    before = segments[i - 1] if i > 0 and segments[i - 1].kind == "narration" else None
    for narration, first in ((after, True), (before, False)):
        if narration is not None:
            sentence = _sentences(narration.text)[0 if first else -1]
            pick = _tag_in(state, sentence)
            if pick:
                return pick
    return None


def _tag_in(state: _State, sentence: str) -> _Pick | None:
    """The speaker of a "X said" / "said X" clause in `sentence`."""
    for mention in mentions(state.roster, sentence):
        if mention.possessive or not (_verb_after(sentence, mention.end) or _verb_before(sentence, mention.start)):
            continue
        if not mention.is_pronoun:
            return _Pick(mention.name, "role tag" if is_role(mention.name) else "tag")
        return _pronoun_tag(state, mention)
    return None


def _pronoun_tag(state: _State, mention: Mention) -> _Pick | None:
    """Resolve "he said": the latest subject, or the other speaker in a back-and-forth."""
    name = state.resolve(mention)
    if name is None:
        return None
    others = [o for o in state.others(name) if state.gender(o) in (state.gender(name), "unknown")]
    back_and_forth = not state.narration_run and not state.narrated
    if state.speakers and state.speakers[-1] == name and back_and_forth and others:
        return _Pick(others[0], "alternating pronoun")
    return _Pick(name, "pronoun tag")


def _verb_after(sentence: str, at: int) -> bool:
    """True when a speech verb (optionally after an adverb) follows position `at`."""
    match = re.match(r"\s+(?:\w+ly\s+)?(\w+)(?:\s+(\w+))?", sentence[at:])
    return match is not None and _is_speech(match[1].lower(), (match[2] or "").lower())


def _verb_before(sentence: str, at: int) -> bool:
    """True when a speech verb directly precedes position `at` ("said X")."""
    match = re.search(r"(\w+)\s+(?:the\s+)?$", sentence[:at])
    return match is not None and match[1].lower() in SPEECH_VERBS and match[1].lower() not in PHRASAL


def _is_speech(verb: str, following: str) -> bool:
    """True when `verb` (followed by word `following`) tags speech."""
    if verb in PHRASAL and PHRASAL[verb] == following:
        return True
    return verb in SPEECH_VERBS and verb not in ("went", "spoke", "speaks") and following != "nothing"


# --- rules 3-7 ----------------------------------------------------------------------------------


def _beat(state: _State, segments: list[Segment]) -> _Pick | None:
    """The subject of the paragraph's own narration."""
    for segment in segments:
        if segment.kind == "narration":
            for mention in mentions(state.roster, segment.text):
                name = state.resolve(mention)
                if name:
                    return _Pick(name, "pronoun beat" if mention.is_pronoun else "beat")
    return None


def _voice(state: _State, ahead: list[list[Segment]]) -> _Pick | None:
    """For a voice the narration has not placed: the first new person named afterwards."""
    recent = state.narration_run[-_LOOKBACK:]
    if not any(_UNOWNED_VOICE.search(s.text) for paragraph in recent for s in paragraph):
        return None
    talking = set(state.others(None)[:2])
    for paragraph in ahead:
        for segment in paragraph:
            if segment.kind != "narration":
                continue
            for mention in mentions(state.roster, segment.text):
                if not mention.is_pronoun and state.is_person(mention.name) and mention.name not in talking:
                    return _Pick(mention.name, "voice")
    return None


def _reaction(state: _State) -> _Pick | None:
    """After "X swallowed." by the listener, the previous speaker goes on."""
    if len(state.narration_run) != 1 or not state.speakers or state.previous_question:
        return None
    text = " ".join(s.text for s in state.narration_run[0])
    found = mentions(state.roster, text)
    if len(_sentences(text)) != 1 or not found:
        return None
    words = re.findall(r"\w+", text[found[0].end :])
    listener = state.resolve(found[0])
    if words and words[0].lower() in REACTIONS and listener and listener != state.speakers[-1]:
        return _Pick(state.speakers[-1], "reaction")
    return None


def _previous(state: _State) -> _Pick | None:
    """The subject of the narration paragraph just before the quote."""
    if not state.narration_run:
        return None
    for segment in state.narration_run[-1]:
        for mention in mentions(state.roster, segment.text):
            name = state.resolve(mention)
            if name:
                return _Pick(name, "pronoun previous" if mention.is_pronoun else "previous")
    return None


def _turn(state: _State) -> _Pick:
    """The other of the two people talking (or the likeliest person in the scene)."""
    last = state.speakers[-1] if state.speakers else None
    others = state.others(last)
    if others:
        return _Pick(others[0], "turn", penalty=min(0.2, 0.05 * state.turns))
    subject = next((s for s in reversed(state.subjects) if s != last), None)
    if subject:
        return _Pick(subject, "guess")
    return _Pick(last or UNKNOWN, "guess" if last else "unknown")


# --- memory -----------------------------------------------------------------------------------


def _remember_subjects(state: _State, segments: list[Segment]) -> None:
    """Record the subject (first person mentioned) of each narration sentence."""
    for segment in segments:
        if segment.kind != "narration":
            continue
        for sentence in _sentences(segment.text):
            found = mentions(state.roster, sentence)
            name = state.resolve(found[0]) if found else None
            if name and name != "I":
                state.subjects.append(name)


def _sentences(text: str) -> list[str]:
    """The sentences of a narration piece (at least one)."""
    parts = [m.group().strip() for m in _SENTENCE.finditer(text) if m.group().strip()]
    return parts or [text]


def _is_open(script: Script, segment: Segment) -> bool:
    """True when a dialogue segment's quotation is not closed in its paragraph."""
    rest = script.work.text[segment.end : segment.end + 4].lstrip(" \t")
    return not rest or rest[0] not in _CLOSERS


def _tagged_names(script: Script, roster: Roster) -> set[str]:
    """Names that appear with a speech verb anywhere in the narration."""
    names = set()
    for segment in script.segments:
        if segment.kind == "narration":
            for mention in mentions(roster, segment.text):
                if not mention.is_pronoun and (
                    _verb_after(segment.text, mention.end) or _verb_before(segment.text, mention.start)
                ):
                    names.add(mention.name)
    return names
