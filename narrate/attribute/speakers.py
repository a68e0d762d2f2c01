"""Speakers: decide who says each quotation.

A first pass reads the chapter in order, one paragraph at a time (a paragraph
of dialogue has one speaker unless its quotes carry different tags):

1. the user's correction for the line decides it;
2. so does a speech tag that names the speaker: "X said", "said X", "the
   man asked", "cried his wife", "I said", or narration leading into it
   ("Lydia, who ran to her, cried,"); a speech running on from the previous
   paragraph (its quote left open); and a speaker giving their own name;
3. otherwise every rule that applies proposes a speaker: an action beat in
   the same paragraph (its subject), a story told straight after its teller's
   own line, a voice the narration has not placed ("A voice. “...”": the
   first new person named next), a listener's reaction ("X swallowed.": the
   speaker goes on), the person the previous quote addressed by name, the
   subject of the narration just before, and turn-taking (the other of the
   two people talking). `scorer` weighs those proposals with what the reader
   knows of each candidate (who spoke last and two lines ago, who is
   addressed, named, the subject, of the gender a pronoun asks for) and picks
   the likeliest, with a calibrated confidence. A "he said" / "she said" is
   weighed the same way among the people of that gender.

What the reader remembers on the way, and whom a "he" or "his wife" means,
is kept by `reader`. A second pass (`conversation`) then revisits what
turn-taking guessed, within each conversation.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

from narrate.attribute.characters import (
    DESCRIPTIONS,
    Mention,
    Roster,
    is_role,
    mentions,
)
from narrate.attribute.conversation import second_pass
from narrate.attribute.reader import (
    FIRST_PERSON,
    UNKNOWN,
    Book,
    Reader,
    call_over,
    enter_scene,
    introductions,
    new_conversation,
    pronoun_gender,
    remember_subjects,
    remember_turn,
    sentences,
)
from narrate.attribute.roles import name_roles
from narrate.attribute.scorer import NOBODY, Evidence, calibrated, rank
from narrate.attribute.turns import CONFIDENCE, Pick, Turn, paragraphs
from narrate.attribute.words import (
    OBJECT_MARKERS,
    PHRASAL,
    SPEECH_VERBS,
    after_object_marker,
)
from narrate.model import Script, Segment
from narrate.parse.words import SENT_FROM

TAGS = frozenset({"tag", "role tag"})
"""Rules that read the speaker's name off an explicit speech tag."""
_NEWCOMER_DOUBT = 0.4
"""Taken off a describing role's confidence when the scene brought in someone of its kind: on the corpus such
"said the man" lines are the newcomer less than half the time."""
_SAYING = frozenset(
    "saying calling crying exclaiming adding answering replying asking whispering shouting muttering murmuring "
    "observing remarking continuing repeating declaring".split()
)
"""Speech verbs in the -ing form: they tag a quotation after "was" (“...,” Mrs Northcote was saying) and lead into
one as its speaker acts ("entered the room, calling out,")."""
_PRONOUN_TAGS = frozenset({"pronoun tag", "alternating pronoun"})
"""Rules that resolve a "he said" or "she said": the scorer weighs the people it could mean."""

REACTIONS = frozenset(
    "swallowed blinked flinched froze stiffened gulped shivered winced paled shuddered stilled tensed".split()
)
"""Silent reactions: a listener doing one of these lets the speaker go on."""

_UNOWNED_VOICE = re.compile(
    r"\b(?:a|an|another|some|one|the same)\s+(?:[\w’']+\s+){0,2}?voice\b|\bsomeone\s+(?:\w+ly\s+)?(?:said|called|spoke|shouted)",
    re.IGNORECASE,
)
_VOCATIVE_BEFORE = re.compile(r"(?:^|[,;:!?.…—–-]|\b(?:[Oo]h|[Dd]ear|[Mm]y dear|[Mm]y|O))[\s\"“”‘’']*$")
_VOCATIVE_AFTER = re.compile(r"^[\"”’']*\s*(?:[,;!?.…—–-]|$)")
_UNFINISHED = ",?!—–-…"
"""Last characters of a quote that a speech tag usually follows."""
_NOT_VERBS = frozenset("and but or who which that as with was is had has to of in on at for".split())
"""Words that show a name after a quote is not the subject of a tag verb."""
_LEAD_IN = re.compile(r"(?:[\w’'.]+\s+){0,6}[\w’']+\s*(?:[,:]|--|—)\s*$")
"""The last few words of narration that ends with a comma, a colon or a dash before a quote."""
_BEAT_OBJECTS = OBJECT_MARKERS - {"of"}
"""Object markers for a beat: "the voice of Vane's nephew" still places the speaker."""
_SUBORDINATORS = frozenset("when as while after before once since until if though although because whenever".split())
"""Words that open a clause whose people are not the sentence's subject."""
_INTRODUCTION = re.compile(r"\b(?:[Mm]y name is|[Mm]y name’s|[Mm]y name's|[Cc]all me|I am|I’m|I'm)\s+$")
"""Words just before a speaker's own name ("My name is ...")."""
_NEW_NAME = re.compile(r"\b[Mm]y name(?: is|[’']s) ((?:[A-Z][a-z]+)(?: [A-Z][a-z]+)?)\b")
"""A name the text has not used before, given by its owner ("My name is Hareton Earnshaw")."""
_SIGNING_ON = re.compile(r"\s+speaking\b")
"""Words just after a speaker's own name ("Officer Brandt speaking")."""
_TITLE_CALLED = re.compile(r"(?:^|,\s+)(Captain|Doctor|Professor|Inspector|Sergeant|Officer|Colonel|Major)(?=\s*[,.!?…—]|$)")
"""A title said to its holder ("We've had a report, Captain.")."""
_WEIGHED_AT_MOST = CONFIDENCE["tag"] - 0.01
"""A weighed pick is never as sure as a speaker named in a tag."""
_LOOKAHEAD = 8
_LOOKBACK = 3
_SHORT_WORDS = 25
"""Narration no longer than this before a quote is a beat of its own ("He stepped closer.")."""
BREAK_WORDS = 120
"""Narration longer than this between two quotes ends a conversation."""


def assign(
    script: Script,
    roster: Roster,
    corrections: Mapping[str, str] | None = None,
    hidden: frozenset[int] = frozenset(),
    tagged: set[str] | None = None,
    rules: dict[int, str] | None = None,
    evidence: list[Evidence] | None = None,
    book: Book | None = None,
) -> Script:
    """`script` with a speaker and confidence on every dialogue segment.

    `corrections` maps line ids to the speakers the user gave them; the
    paragraphs numbered in `hidden` are read without their narration (tags
    hidden), which is how `estimate` tests the other rules. `tagged` names the
    people some speech tag in the work names (by default, in this chapter).
    When `rules` is given, it receives each quote's offset -> the rule that decided it; `evidence`, each
    untagged paragraph with its candidates' evidence (for bench/train_scorer.py). `book` carries what one chapter
    leaves for the next: who the describing roles ("the girl") turned out to be, and the last speaker.
    """
    state = Reader(roster, tagged if tagged is not None else tagged_names([script], roster), corrections or {})
    state.evidence = evidence
    state.carried = book.last if book else None
    state.terse = _terse(grouped := paragraphs(script))
    turns: dict[int, Turn] = {}
    narration: list[Segment] = []
    for k, segments in enumerate(grouped):
        seen = [s for s in segments if s.kind == "dialogue"] if segments[0].paragraph in hidden else segments
        narration += [s for s in seen if s.kind == "narration"]
        enter_scene(state, segments[0].scene)
        if any(s.kind == "dialogue" for s in seen):
            turns[k] = _dialogue_paragraph(state, seen, grouped[k + 1 : k + 1 + _LOOKAHEAD])
        else:
            remember_subjects(state, seen)
            state.narration_run.append(seen)
            words = sum(len(s.text.split()) for s in seen)
            if state.run_words <= BREAK_WORDS < state.run_words + words:
                state.present = Counter(n for p in state.narration_run for s in p for n in state.people_in(s))
            state.run_words += words
            if state.run_words > BREAK_WORDS:
                new_conversation(state)
    name_roles(list(turns.values()), roster, narration, book.described if book else None)
    second_pass(list(turns.values()))
    out: list[Segment] = []
    for k, segments in enumerate(grouped):
        out += _decided(turns[k], segments) if k in turns else segments
    if rules is not None:
        rules.update({t.segments[i].start: p.rule for t in turns.values() for i, p in t.picks.items()})
    if book is not None:
        book.last = _carried(list(turns.values())) or book.last
        book.learnt.update(state.learnt)
    return replace(script, segments=tuple(out))


def _carried(turns: list[Turn]) -> str | None:
    """Who goes on talking if the next chapter opens in speech: the chapter's last speaker, or whoever told the
    story its last conversation was (they said `_STORYTELLER` times the words of everyone else together: "Yes?"
    said Kemp. "Go on." / CHAPTER XXII / "So last January ..." is Griffin's)."""
    spoken = [t for t in turns if t.pick.speaker != UNKNOWN]
    if not spoken:
        return None
    words: Counter[str] = Counter()
    for turn in spoken:
        if turn.conversation == spoken[-1].conversation:
            words[turn.pick.speaker] += sum(len(s.text.split()) for s in turn.segments if s.kind == "dialogue")
    teller, most = words.most_common(1)[0]
    return teller if most >= _STORYTELLER * (words.total() - most) else spoken[-1].pick.speaker


_STORYTELLER = 3
"""How many times everyone else's words a storyteller's must be."""


def _terse(grouped: list[list[Segment]]) -> float:
    """The share of a chapter's narration paragraphs short enough to be a single beat (modern prose runs high)."""
    lengths = [sum(len(s.text.split()) for s in p) for p in grouped if all(s.kind == "narration" for s in p)]
    return sum(n <= _SHORT_WORDS for n in lengths) / len(lengths) if lengths else 0.0


def _decided(turn: Turn, segments: list[Segment]) -> list[Segment]:
    """The paragraph's segments with the turn's speakers on its quotes."""
    quotes = {turn.segments[i].start: pick for i, pick in turn.picks.items()}
    return [_with_speaker(s, quotes.get(s.start, turn.pick)) if s.kind == "dialogue" else s for s in segments]


def _dialogue_paragraph(state: Reader, segments: list[Segment], ahead: list[list[Segment]]) -> Turn:
    """Decide the quotes of one paragraph and update what the reader remembers."""
    tags: dict[int, Pick] = {}
    state.narrated = False
    state.after_quotes = None
    call_over(state)  # "Priya hung up." in the narration before: this is another conversation
    state.listeners = addressed(state.roster, segments)
    for i, segment in enumerate(segments):
        if segment.kind == "narration":
            if state.after_quotes is None and any(s.kind == "dialogue" for s in segments[:i]):
                state.after_quotes = len(state.subjects)
            remember_subjects(state, [segment])
            state.narrated = True
            continue
        state.after_quotes = None
        if segment.id in state.corrections:
            tags[i] = Pick(state.corrections[segment.id], "user")
        elif segment.sender:  # "**Bea:** are you coming": the message's sender
            tags[i] = Pick(_sender(state.roster, segment.sender), "sender")
        else:
            shared = _same_tag(segments, i, tags)  # the sentence before tagged the quote before this one
            pick = _tag(state, segments, i, behind=not shared)
            if pick is None and shared:
                tags[i] = tags[i - 2]
                continue
            if pick and state.gender(pick.speaker) in ("male", "female") and (
                pick.rule in _PRONOUN_TAGS or pick.rule == "role tag" and _epithet(state, segments, pick.speaker)
            ):
                proposals = [pick, *_proposals(state, segments, ahead)]
                pick = _weighed(state, segments, proposals, pick, besides=_other(state, segments))
            elif pick and pick.rule == "role tag" and pick.speaker in DESCRIPTIONS:
                pick = replace(pick, penalty=_NEWCOMER_DOUBT)  # "said the man" after "a man": often a named man yet
            if pick:
                tags[i] = pick
    texts = all(s.message for s in segments if s.kind == "dialogue")
    pick = next(iter(tags.values()), None) or _untagged(state, segments, ahead)
    picks = {i: tags.get(i, pick) for i, s in enumerate(segments) if s.kind == "dialogue"}
    called = set() if state.previous_asks_who and _bare_name(state.roster, segments) else addressed(state.roster, segments)
    turn = Turn(segments, picks, pick, called, state.conversation, bool(state.narration_run))
    remember_turn(state, turn)
    if texts:
        del state.speakers[-1]  # text messages are no turn in the room: who speaks aloud next answers whoever did
    return turn


_HANDLE_STEM = 3
"""Fewest letters a user name and a name must share to be one person's ("kwam" and "Kwame")."""


def _sender(roster: Roster, label: str) -> str:
    """The person a thread's sender label names: a form of their name, or a user name in lower case that begins
    with one or is the beginning of one ("theo.m", "calzone" of Cal, "kwam" of Kwame); else the label itself."""
    if label in roster.forms or not label.islower():
        return roster.forms.get(label, label)
    handle = re.match(r"[a-z]+", label)
    stem = handle[0] if handle else ""
    owners = {name for form, name in roster.forms.items() if " " not in form and len(form) >= _HANDLE_STEM
              and (stem.startswith(form.lower()) or len(stem) >= _HANDLE_STEM and form.lower().startswith(stem))}
    return owners.pop() if len(owners) == 1 else label


def _same_tag(segments: list[Segment], i: int, tags: Mapping[int, Pick]) -> bool:
    """True when quote `i` follows a tagged quote across one sentence of narration that is no lead-in to it
    ("“Okay, Lou,” he said quietly. “Here’s the plan.”"): that sentence tagged the quote before, and this one goes
    on in the same voice (read again, "he" could be weighed to someone else)."""
    if i < 2 or i - 2 not in tags or segments[i - 2].kind != "dialogue" or segments[i - 1].kind != "narration":
        return False
    if tags[i - 2].rule == "alternating pronoun":
        return False  # a guess against the pronoun ("he went on" given to the other man): read the tag again
    text = segments[i - 1].text.strip()
    return len(sentences(text)) == 1 and not text.endswith((",", ":", "—", "-")) and not _SECOND_SPEAKER.search(text)


def _with_speaker(segment: Segment, pick: Pick) -> Segment:
    """The dialogue segment with the pick's speaker and confidence."""
    return replace(segment, speaker=pick.speaker, confidence=round(pick.sure, 3))


def _untagged(state: Reader, segments: list[Segment], ahead: list[list[Segment]]) -> Pick:
    """The speaker of a paragraph none of whose quotes has a tag: the best-supported candidate."""
    if state.previous_open and segments[0].kind == "dialogue" and state.speakers:
        return Pick(state.speakers[-1], "continued", confidence=min(state.previous_sure, CONFIDENCE["continued"]))
    last = _other(state, segments)
    proposals = [p for p in _proposals(state, segments, ahead) if p.speaker != last] or [Pick(UNKNOWN, "unknown")]
    return _introduction(state, segments) or _weighed(state, segments, proposals, besides=last)


_THE_OTHER = re.compile(
    r"\bthe other(?=\s*(?:[,.;:!?—–-]|$)|\s+(?:\w+ly|\w+ing|in|with|without|after|as|at|from|to|and|but)\b)"
)
""""the other" as a speaker on its own, not "the other man"."""


def _other(state: Reader, segments: list[Segment]) -> str | None:
    """Whoever spoke last, when a tag of the paragraph says "replied the other" ("the other said"): the one person
    who does not say it (else None)."""
    if not state.speakers:
        return None
    for segment in segments:
        if segment.kind == "narration" and segment.text.strip():
            sentence = sentences(segment.text)[0]
            other = _THE_OTHER.search(sentence)
            if other and (_verb_before(sentence, other.start()) or _verb_after(sentence, other.end())):
                return state.speakers[-1]
    return None


def _proposals(state: Reader, segments: list[Segment], ahead: list[list[Segment]]) -> list[Pick]:
    """The speaker each rule for untagged paragraphs proposes, in the rules' order (turn-taking always proposes)."""
    found = (
        _monologue(state, segments), _beat(state, segments),
        _voice(state, segments, ahead), _reaction(state), _answer(state, segments), _previous(state, segments),
        _turn(state, segments),
    )  # fmt: skip
    return [pick for pick in found if pick]


def _weighed(
    state: Reader, segments: list[Segment], proposals: list[Pick], tag: Pick | None = None, besides: str | None = None
) -> Pick:  # fmt: skip
    """The candidate the scorer likes best, given the rules' proposals, never `besides`.

    After "he said" / "she said" or "said the girl" (`tag`), only people of its gender are candidates, weighed by
    their own weights (the girl may be a named girl of the conversation, or herself).
    """
    candidates = _evidence(state, segments, proposals)
    if besides:
        candidates.pop(besides, None)
    kind = "untagged"
    if tag is not None:
        gender = state.gender(tag.speaker)
        kind = "role tag" if tag.rule == "role tag" else "pronoun tag"
        prefix = "role tag" if tag.rule == "role tag" else f"{gender} tag"
        fitting = {n: f | {"gender unknown": float(state.gender(n) == "unknown")} for n, f in candidates.items()
                   if n not in (FIRST_PERSON, UNKNOWN) and state.gender(n) in (gender, "unknown")}
        candidates = {n: {f"{prefix}, {k}": v for k, v in f.items() if v} for n, f in fitting.items()}
        if not candidates:
            return next((p for p in proposals if p.speaker != besides), proposals[0])
    if state.evidence is not None:
        state.evidence.append((segments, candidates, state.turns))
    best, probability = rank(candidates)[0]
    rule = next((p.rule for p in proposals if p.speaker == best), proposals[0].rule if tag else "turn")
    if best == UNKNOWN:  # no one yet: a chapter that opens in the middle of the last one's speech goes on with it
        return Pick(state.carried, "guess") if state.carried and not state.speakers else Pick(best, "unknown")
    sure = calibrated(probability, kind, state.turns, narrator=best == FIRST_PERSON)
    return Pick(best, rule, confidence=min(sure, _WEIGHED_AT_MOST))


def _epithet(state: Reader, segments: list[Segment], role: str) -> bool:
    """True when a role that describes a person ("the girl") may be a person the text has named: no one of its
    kind was brought in as someone new in the scene so far or in this paragraph ("a girl came in")."""
    if role not in DESCRIPTIONS:
        return False
    new = state.introduced.union(*(introductions(s.text) for s in segments if s.kind == "narration"))
    return role.split()[-1] not in new


def _evidence(state: Reader, segments: list[Segment], proposals: list[Pick]) -> dict[str, dict[str, float]]:
    """Candidate -> the evidence that they say the paragraph: the rules proposing them and what the reader knows."""
    within = state.speakers[state.opened :]
    called = addressed(state.roster, segments)
    named = _named(state.roster, segments)
    recent = state.subjects[-3:]
    here = [m for s in segments if s.kind == "narration" for m in state.mentioned(s.text)]
    told = [(s.text, m) for p in state.narration_run[-1:] for s in p for m in state.mentioned(s.text)]
    before = [m for _, m in told]
    short = sum(len(s.text.split()) for p in state.narration_run[-1:] for s in p) <= _SHORT_WORDS
    alone = len({name for m in before if (name := state.resolve(m))}) == 1
    silent = _silent(state)
    speaking = _speaking_before(state, segments)
    objects = {m.name for text, m in told if not m.is_pronoun and after_object_marker(text, m.start)}  # "closer to Kes"
    people = [p.speaker for p in proposals] + state.others(None)[:4] + within[-3:] + recent
    people += [name for name, _ in state.present.most_common(3)]
    if FIRST_PERSON in state.tagged:
        people.append(FIRST_PERSON)
    people = [p for p in people if p not in state.gone] or people
    candidates: dict[str, dict[str, float]] = {}
    for name in dict.fromkeys(p for p in people if p != UNKNOWN and p not in called):  # nobody calls themselves
        features = {f"rule {p.rule}": 1.0 for p in proposals if p.speaker == name}
        for rule in ("previous", "pronoun previous"):
            if f"rule {rule}" in features:
                features[f"rule {rule}, short"] = float(short)
                features[f"rule {rule}, alone"] = float(alone)
        features[f"first {proposals[0].rule}"] = float(proposals[0].speaker == name)
        features[f"first {proposals[0].rule}, terse"] = state.terse * (proposals[0].speaker == name)
        features["last speaker"] = float(bool(within) and within[-1] == name)
        features["two back"] = float(len(within) > 1 and within[-2] == name and within[-1] != name)
        features["spoke in conversation"] = math.log1p(within.count(name))
        features["named here"] = float(name in named)
        features["called before"] = float(name in state.addressed)
        features["present"] = math.log1p(state.present[name])
        features["recent subject"] = float(name in recent)
        features["narrator"] = float(name == FIRST_PERSON)
        features["narrator beat"] = float(name == FIRST_PERSON and "rule pronoun beat" in features)
        features["silent before"] = float(name in silent)
        features["object before"] = float(name in objects)
        features["speaks before"] = float(name == speaking)
        features["after narration"] = float(bool(state.narration_run) and bool(within) and within[-1] == name)
        features["question answered"] = float(state.previous_question and bool(within) and within[-1] != name)
        features.update(_mentioned(state, name, here, "here"))
        features.update(_mentioned(state, name, before, "before"))
        candidates[name] = {k: v for k, v in features.items() if v}
    candidates[UNKNOWN] = {NOBODY: 1.0}
    return candidates


def _mentioned(state: Reader, name: str, found: list[Mention], where: str) -> dict[str, float]:
    """Features of how narration `where` (the paragraph's own, or the narration before it) mentions `name`."""
    gender = state.gender(name)
    pronouns = [m for m in found if m.is_pronoun and m.name in ("he", "she")]
    first = pronouns[0].name if pronouns else None
    return {
        f"named {where}": float(any(not m.is_pronoun and m.name == name for m in found)),
        f"subject {where}": float(bool(found) and not found[0].is_pronoun and found[0].name == name),
        f"pronoun fits {where}": float(first is not None and gender == ("male" if first == "he" else "female")),
        f"pronoun clashes {where}": float(first is not None and gender == ("female" if first == "he" else "male")),
    }


# --- rule 2: tags -----------------------------------------------------------------------------


def _tag(state: Reader, segments: list[Segment], i: int, behind: bool = True) -> Pick | None:
    """The speaker a speech tag next to quote `i` names, if any (only after it unless `behind`)."""
    after = segments[i + 1] if i + 1 < len(segments) and segments[i + 1].kind == "narration" else None
    before = segments[i - 1] if behind and i > 0 and segments[i - 1].kind == "narration" else None
    if i == 0 and before is None and state.narration_run and not state.narrated:
        previous = state.narration_run[-1][-1].text
        pick = _lead_in(state, sentences(previous)[-1])  # narration ending in a comma, colon or dash
        if pick:
            return pick
    if after is not None and _leads_on(segments, i + 1):
        after = None  # “...,” and Noor says, “...”: the tag is the next quote's
    for narration, first in ((after, True), (before, False)):
        if narration is not None:
            sentence = sentences(narration.text)[0 if first else -1]
            loose = first and segments[i].text[-1:] in _UNFINISHED
            if not first and i > 1 and segments[i - 2].kind == "dialogue" and _SECOND_SPEAKER.search(sentence):
                # between two quotes: “...,” said Lucy, while her brother exclaimed: “...”: the lead-in is this one's
                pick = _lead_in(state, sentence) or _tag_in(state, sentence)
            else:
                pick = (None if first else _sent_from(state, sentence)) or _tag_in(state, sentence, loose) or (
                    None if first else _lead_in(state, sentence) or _colon(state, sentence))
            if pick:
                return pick
    return None


def _sent_from(state: Reader, sentence: str) -> Pick | None:
    """The sender of a text message the sentence before a quote brings ("A text from Marcus:"), by name."""
    found = SENT_FROM.search(sentence)
    if found is None or found["sender"] in ("him", "her", "them"):
        return None
    named = mentions(state.roster, found["sender"])
    return Pick(named[0].name if named else found["sender"], "sender")


def _colon(state: Reader, sentence: str) -> Pick | None:
    """The person a sentence ending in a colon before a quote opens with, by name ("Aziz cut him short with:")."""
    if not sentence.rstrip().endswith(":"):
        return None
    found = mentions(state.roster, sentence)
    subject = found[0] if found and not sentence[: found[0].start].strip() else None  # the sentence opens with them
    if subject is None or subject.is_pronoun or subject.possessive or subject.owner or not state.is_person(subject.name):
        return None
    return Pick(subject.name, "role tag" if is_role(subject.name) else "tag")


_SECOND_SPEAKER = re.compile(
    r"\b(?:while|and|whereupon|but|when|that)\s+(?:[A-Z]\w*|the\s+\w+|his\s+\w+|her\s+\w+|he|she)\b.*[,:]\s*$"
)
"""Narration between two quotes that brings in someone else to speak the second ("said Lucy, while her brother
... exclaimed:"; "Ann began, but she stopped, for the clerk cried out,"; "at the same moment that Tamsin said,")."""


def _leads_on(segments: list[Segment], k: int) -> bool:
    """True when narration segment k opens a new clause ("and Noor says,") that leads into the quote after it."""
    text = segments[k].text.strip()
    return (k + 1 < len(segments) and segments[k + 1].kind == "dialogue" and text.endswith((",", ":"))
            and re.match(r"(?:and|then|while|before|but)\s", text) is not None)


_LEAD_OBJECTS = OBJECT_MARKERS - {"by"}
"""Words that make the person after them an object in a lead-in ("returned to Mr. Crawford, and said"; not "met
by Lydia, who, flying to her, cried")."""


def _object_in(lead: str, mention: Mention) -> bool:
    """True for someone a lead-in names as an object, the marker right before them ("showed it to Ann, saying,"),
    but not the one an infinitive is about ("opportunity for Frank Churchill to draw near her and say,") nor the
    one right before the verb ("for Cecil cried out,")."""
    after_comma = lead[: mention.start].rstrip().endswith((",", ";", ":"))
    acting = lead[mention.end :].startswith(" to ") or not lead[mention.end :].strip()
    return not after_comma and not acting and after_object_marker(lead, mention.start, _LEAD_OBJECTS)


def _aside(lead: str) -> range | None:
    """Where a lead-in that ends in a comma has a short aside about its speaker between its last two commas, one
    that opens with "who" or a participle ("Mr. Crawford, approaching Julia, said"; "Fielding, who didn't
    dislike Miss Derek, replied"): the people in it are not who speaks."""
    end = len(lead.rstrip())
    if not lead[:end].endswith(","):
        return None
    opening = max(lead.rfind(",", 0, end - 1), lead.rfind(";", 0, end - 1))
    words = lead[opening + 1 : end - 1].split()
    if opening < 0 or not words or len(words) > _ASIDE_WORDS:
        return None
    first = words[0].lower()
    return range(opening, end) if first in ("who", "whom", "whose") or first.endswith(("ing", "ed")) else None


_ASIDE_WORDS = 8
"""The most words an aside about a speaker may have."""


def _lead_in(state: Reader, sentence: str) -> Pick | None:
    """The speaker of narration that leads into a quote: the last person it names before its speech verb or
    participle who is not an object there nor in an aside about the speaker ("Lydia, who ran to her, cried in a
    whisper,"; "showed it to Ann, saying,": not Ann)."""
    tail = _LEAD_IN.search(sentence)
    if tail is None:
        return None
    verbs = [w for w in re.finditer(r"[\w’']+", tail[0]) if w[0].lower() in SPEECH_VERBS | _SAYING]
    if not verbs:
        return None
    lead = sentence[: tail.start() + verbs[-1].start()]
    before = [m for m in mentions(state.roster, lead) if not m.possessive and not _object_in(lead, m)]
    aside = _aside(lead)
    if aside and any(m.start < aside.start for m in before):  # "Fielding, who didn't dislike Miss Derek, replied:"
        before = [m for m in before if m.start not in aside]
    if not before:
        return None
    last = before[-1]
    if last.is_pronoun or last.owner:
        name = state.resolve(last)
        return Pick(name, "relation tag" if last.owner else "pronoun tag") if name else None
    return Pick(last.name, "role tag" if is_role(last.name) else "tag")


_ANSWER = re.compile(
    r"\s*(?:was|were)\s+(?:(?P<pronoun>his|her)|[\w .]+?[’']s)\s+(?:\w+\s+)?"
    r"(?:answer|reply|remark|response|rejoinder|comment|retort|exclamation)\b"
)
"""A tag that names the speaker's answer: “Fine,” was Catherine’s answer / was his quiet reply."""
_HEARD_SAY = re.compile(r"\b(?:hear|hears|heard|hearing)\s+(?P<pronoun>him|her)\s+(?P<verb>[a-z]+)\b")
"""Someone heard saying the quote: "I hear him say," / "she heard her whisper," (the pronoun is the speaker)."""


def _tag_in(state: Reader, sentence: str, loose: bool = False) -> Pick | None:
    """The speaker of a "X said" / "said X" clause in `sentence`.

    `loose` (the sentence follows a quote ending in a comma, "?", "!" or a
    dash) accepts any verb in the tag's place: “Go,” Tom grinned / cried his wife.
    """
    answer = _ANSWER.match(sentence)
    if answer:  # “Fine,” was Catherine’s answer / was his reply
        if answer["pronoun"]:
            return _pronoun_tag(state, Mention("he" if answer["pronoun"] == "his" else "she", 0, 0, False, False))
        owner = next((m for m in mentions(state.roster, sentence) if m.possessive and not m.is_pronoun), None)
        if owner is not None:
            return Pick(owner.name, "role tag" if is_role(owner.name) else "tag")
    heard = _HEARD_SAY.search(sentence)
    if heard and heard["verb"] in SPEECH_VERBS:  # "I hear him say,": he says it
        pronoun = "he" if heard["pronoun"] == "him" else "she"
        return _pronoun_tag(state, Mention(pronoun, heard.start(), heard.end(), False, False))
    for mention in mentions(state.roster, sentence):
        voice = re.match(r"\s+voice\b", sentence[mention.end :]) if mention.possessive else None
        end = mention.end + voice.end() if voice else mention.end  # "said Sami’s voice", "a man’s voice said"
        spoken = _verb_after(sentence, end) or _verb_before(sentence, mention.start)
        if mention.possessive and not voice or not (spoken or loose and _in_tag_place(sentence, mention)):
            continue
        if mention.name == "i":
            return Pick(FIRST_PERSON, "tag")
        if mention.owner:
            name = state.resolve(mention)
            return Pick(name, "relation tag") if name else None
        if not mention.is_pronoun:
            return Pick(mention.name, "role tag" if is_role(mention.name) else "tag")
        return _pronoun_tag(state, mention)
    return None


def _in_tag_place(sentence: str, mention: Mention) -> bool:
    """True when `mention` opens the sentence before a verb, or follows one or two opening words ("cried his wife")."""
    before = sentence[: mention.start].split()
    after = sentence[mention.end :].split()
    if not before:
        verb = bool(after) and after[0][:1].islower() and after[0].rstrip(",.;:!?") not in _NOT_VERBS
        return verb and (len(after) < 2 or after[1] != "that")
    return len(before) <= 2 and all(w[:1].islower() for w in before) and before[0] not in _NOT_VERBS


def _pronoun_tag(state: Reader, mention: Mention) -> Pick | None:
    """Resolve "he said": the latest subject, or the other speaker in a back-and-forth; else the person of that
    gender the book names most (a chapter's "she said" before anyone is named in it); else someone unknown."""
    name = state.resolve(mention) or state.most_named(pronoun_gender(mention), besides=state.listeners)
    if name is None:
        return Pick(UNKNOWN, "unknown")  # no one of that gender yet: someone unnamed, not whoever else is here
    others = [o for o in state.others(name) if state.gender(o) in (state.gender(name), "unknown")]
    back_and_forth = not state.narration_run and not state.narrated
    pick = Pick(name, "pronoun tag")
    if state.speakers and state.speakers[-1] == name and back_and_forth and others:
        pick = Pick(others[0], "alternating pronoun")
    if state.gender(pick.speaker) == "unknown" and pick.speaker != FIRST_PERSON:
        state.learnt[pick.speaker] = pronoun_gender(mention)
    return pick


def _verb_after(sentence: str, at: int) -> bool:
    """True when a speech verb (optionally after an adverb, "then", "presently", "had" or "would") follows position
    `at`, or "was saying" does."""
    match = re.match(r"\s+(?:(?:then|presently|had|would)\s+)?(?:\w+ly\s+)?(\w+)(?:\s+(\w+))?", sentence[at:])
    if match is None:
        return False
    verb, following = match[1].lower(), (match[2] or "").lower()
    return _is_speech(verb, following) or verb in ("was", "were") and following in _SAYING


def _verb_before(sentence: str, at: int) -> bool:
    """True when a speech verb directly precedes position `at` ("said X")."""
    match = re.search(r"(\w+)\s+(?:\w+ly\s+)?(?:the\s+)?$", sentence[:at])
    return match is not None and match[1].lower() in SPEECH_VERBS and match[1].lower() not in PHRASAL


def _is_speech(verb: str, following: str) -> bool:
    """True when `verb` (followed by word `following`) tags speech."""
    if verb in PHRASAL and PHRASAL[verb] == following:
        return True
    return verb in SPEECH_VERBS and verb not in ("went", "spoke", "speaks") and following not in ("nothing", "that")


# --- rules 4-9 ----------------------------------------------------------------------------------


def _beat(state: Reader, segments: list[Segment]) -> Pick | None:
    """The subject of the paragraph's own narration nearest its first quote: the last sentence before it ("Tony
    came home. John Andrew had come to meet him. “Hullo, daddy.”"), else the first after it."""
    first = _first_quote(segments)
    before = [t for s in segments[:first] for t in sentences(s.text)][::-1]
    after = [t for s in segments[first:] if s.kind == "narration" for t in sentences(s.text)]
    for sentence in before + after:
        for mention in _main_mentions(state.roster, sentence):
            name = state.resolve(mention) if _subject_like(sentence, mention, _BEAT_OBJECTS) else None
            if name:
                return Pick(name, "pronoun beat" if mention.is_pronoun else "beat")
    return None


def _first_quote(segments: list[Segment]) -> int:
    """Where a dialogue paragraph's first quote is among its segments."""
    return next(i for i, s in enumerate(segments) if s.kind == "dialogue")


def _main_mentions(roster: Roster, text: str) -> list[Mention]:
    """The people of each sentence of `text`, leaving out a leading "When the waitress had gone," clause."""
    found: list[Mention] = []
    for sentence in sentences(text):
        start = 0
        first = sentence.split(maxsplit=1)[0].lower() if sentence.split() else ""
        if first in _SUBORDINATORS and "," in sentence:
            start = sentence.index(",") + 1
        found += [m for m in mentions(roster, sentence) if m.start >= start]
    return found


def _introduction(state: Reader, segments: list[Segment]) -> Pick | None:
    """A speaker who gives their own name: "My name is Hareton Earnshaw"."""
    for segment in segments:
        if segment.kind != "dialogue":
            continue
        for named in state.roster.pattern.finditer(segment.text) if state.roster.pattern else ():
            before, after = segment.text[: named.start()], segment.text[named.end() :]
            if not named["pos"] and (_INTRODUCTION.search(before) or _SIGNING_ON.match(after)):
                return Pick(state.roster.forms[named["name"]], "introduction")
        stranger = _NEW_NAME.search(segment.text)
        if stranger:
            return Pick(stranger[1], "introduction")
    return None


def _monologue(state: Reader, segments: list[Segment]) -> Pick | None:
    """A speech over several paragraphs straight after a line that asked nothing and that turn-taking did not
    decide: its speaker goes on to tell it (“Very well,” she said. “But nobody interrupts.” / “When I was a girl...;
    not after “I know the stuff.”, a guess, before another's story)."""
    quotes = [s for s in segments if s.kind == "dialogue"]
    if len(quotes) != len(segments) or not quotes[-1].runs_on or state.narration_run or state.previous_question:
        return None
    return Pick(state.speakers[-1], "monologue") if state.speakers and not state.turns else None


def _voice(state: Reader, segments: list[Segment], ahead: list[list[Segment]]) -> Pick | None:
    """For a voice the narration has not placed ("said a voice"): the first new person named afterwards."""
    recent = [*state.narration_run[-_LOOKBACK:], [s for s in segments if s.kind == "narration"]]
    if not any(_UNOWNED_VOICE.search(s.text) for paragraph in recent for s in paragraph):
        return None
    talking = set(state.others(None)[:2])
    for paragraph in ahead:
        for segment in paragraph:
            if segment.kind != "narration":
                continue
            for mention in mentions(state.roster, segment.text):
                if not mention.is_pronoun and state.is_person(mention.name) and mention.name not in talking:
                    return Pick(mention.name, "voice")
    return None


def _reaction(state: Reader) -> Pick | None:
    """After "X swallowed." by the listener, the previous speaker goes on."""
    if len(state.narration_run) != 1 or not state.speakers or state.previous_question:
        return None
    text = " ".join(s.text for s in state.narration_run[0])
    found = mentions(state.roster, text)
    if len(sentences(text)) != 1 or not found:
        return None
    words = re.findall(r"\w+", text[found[0].end :])
    listener = state.resolve(found[0])
    if words and words[0].lower() in REACTIONS and listener and listener != state.speakers[-1]:
        return Pick(state.speakers[-1], "reaction")
    return None


def _answer(state: Reader, segments: list[Segment]) -> Pick | None:
    """The one person the previous quote addressed by name, when they are not addressed here."""
    if state.narration_run or len(state.addressed) != 1:
        return None
    name = next(iter(state.addressed))
    if name in addressed(state.roster, segments):
        return None
    return Pick(name, "addressed")


_SILENT = re.compile(
    r"\b(?:(?:does|did|do)(?:n[’']t| not) (?:say anything|answer|reply|speak)|(?:said|says|say) nothing"
    r"|(?:made|makes|make) no (?:answer|reply)|(?:was|is|remained|remains|kept|keeps|stays?|stayed) silent)\b"
)
"""Narration that says its subject is silent ("He doesn't say anything.", "Mr. Bennet made no answer.")."""


def _speaking_before(state: Reader, segments: list[Segment]) -> str | None:
    """The person the last sentence of narration before the quote has speak ("Madame Olenska turned and spoke in
    a low voice."): named a few words before a speech verb."""
    before = segments[: _first_quote(segments)]
    text = " ".join(s.text for s in before) or _narration_before(state)
    last = sentences(text)[-1] if text.strip() else ""
    for mention in reversed(state.mentioned(last)):
        words = re.match(r"(?:\s+(?:and\s+)?[a-z]+){1,3}", last[mention.end :])
        if words and any(w in SPEECH_VERBS or w == "spoke" for w in words[0].split()):
            return state.resolve(mention)
    return None


def _narration_before(state: Reader) -> str:
    """The narration paragraph just before the quote's paragraph ("" when a dialogue paragraph is)."""
    return " ".join(segment.text for paragraph in state.narration_run[-1:] for segment in paragraph)


def _silent(state: Reader) -> set[str]:
    """People the narration just before the quote says are silent ("He doesn't say anything. He just waits.")."""
    return {name for sentence in sentences(_narration_before(state)) if _SILENT.search(sentence)
            for mention in _main_mentions(state.roster, sentence)[:1] if (name := state.resolve(mention))}


def _previous(state: Reader, segments: list[Segment]) -> Pick | None:
    """The subject of the narration paragraph just before the quote (not someone the quote addresses)."""
    if not state.narration_run:
        return None
    called = addressed(state.roster, segments)
    silent = _silent(state)
    for sentence in reversed(sentences(_narration_before(state))):
        for mention in _main_mentions(state.roster, sentence):
            name = state.resolve(mention) if _subject_like(sentence, mention) else None
            if name and name not in called | silent:
                return Pick(name, "pronoun previous" if mention.is_pronoun else "previous")
    return None


def _subject_like(sentence: str, mention: Mention, objects: frozenset[str] = OBJECT_MARKERS) -> bool:
    """False for someone named as an object ("looking at the man", "gave it to Kes")."""
    return not after_object_marker(sentence, mention.start, objects)


def _turn(state: Reader, segments: list[Segment]) -> Pick:
    """The other of the two people talking (or the likeliest person in the scene)."""
    last = state.speakers[-1] if state.speakers else None
    called = addressed(state.roster, segments) | _named(state.roster, segments)
    others = [o for o in state.others(last) if o not in called] or state.others(last)
    others = [o for o in others if o in state.present] or others
    narrating = FIRST_PERSON in state.tagged and last != FIRST_PERSON
    heard = state.speakers[state.opened :]
    answering = narrating and last is not None and (
        set(heard) == {last} or heard.count(last) == 1 and FIRST_PERSON in state.present)
    if answering:
        others = [FIRST_PERSON]  # the narrator answers whoever just joined ("I met Montoya. 'Your friends are here.'")
    newer = _newer_person(state, last, others[:1])
    if answering and newer not in heard:
        newer = None  # the narrator answers unless someone who has spoken here joined in since
    if newer and newer not in called:
        return Pick(newer, "turn", penalty=min(0.2, 0.05 * state.turns))
    if others:
        return Pick(others[0], "turn", penalty=min(0.2, 0.05 * state.turns))
    here = [(count, name) for name, count in state.present.items() if name not in (last, UNKNOWN) and name not in called]
    subject = FIRST_PERSON if narrating else max(here)[1] if here else None
    subject = subject or next((s for s in reversed(state.subjects) if s != last and s not in called), None)
    if subject:
        return Pick(subject, "guess")
    return Pick(last or UNKNOWN, "guess" if last else "unknown")


def _named(roster: Roster, segments: list[Segment]) -> set[str]:
    """Everyone a paragraph's quotes name (people seldom name themselves: "That was Aled's fault")."""
    quotes = " ".join(s.text for s in segments if s.kind == "dialogue")
    return {roster.forms[m["name"]] for m in roster.pattern.finditer(quotes)} if roster.pattern else set()


def _newer_person(state: Reader, last: str | None, other: list[str]) -> str | None:
    """Someone heard speaking before who has been named since the other speaker last spoke (they have joined in)."""
    if not other:
        return None
    since = len(state.timeline) - 1 - state.timeline[::-1].index(other[0]) if other[0] in state.timeline else -1
    joined = [n for n in state.timeline[since + 1 :]
              if n not in (last, other[0], FIRST_PERSON) and n in state.tagged and n not in state.gone]
    return joined[-1] if joined else None


# --- names in quotes ----------------------------------------------------------------------------


def addressed(roster: Roster, segments: list[Segment]) -> set[str]:
    """People the quotes of a paragraph address by name ("Tom, wait." / "Wait, Tom!")."""
    names: set[str] = set()
    for segment in segments:
        if segment.kind == "dialogue" and roster.pattern is not None:
            if segment.text not in roster.called:
                roster.called[segment.text] = _called(roster, segment.text)
            names |= roster.called[segment.text]
    return names


def _bare_name(roster: Roster, segments: list[Segment]) -> bool:
    """True for a paragraph whose only words are a name ("Bingley.", "Bast," said Margaret): after a question, an
    answer, not a call."""
    quotes = [s.text for s in segments if s.kind == "dialogue"]
    return len(quotes) == 1 and roster.pattern is not None and roster.pattern.fullmatch(quotes[0].rstrip(".,!?… ")) is not None


def _called(roster: Roster, text: str) -> frozenset[str]:
    """People one quote addresses by name or by their title."""
    names = set()
    for m in roster.pattern.finditer(text) if roster.pattern else ():
        if not m["pos"] and _VOCATIVE_BEFORE.search(text[: m.start()]) and _VOCATIVE_AFTER.match(text[m.end() :]):
            names.add(roster.forms[m["name"]])
    for m in _TITLE_CALLED.finditer(text):
        holder = roster.forms.get(f"the {m[1].lower()}")
        if holder:
            names.add(holder)
    return frozenset(names)


def explicit_tags(script: Script, roster: Roster) -> dict[int, tuple[int, str]]:
    """Paragraph -> (offset, speaker) of its first quote whose speech tag names the speaker outright."""
    state = Reader(roster, set(), {})
    found: dict[int, tuple[int, str]] = {}
    for segments in paragraphs(script):
        for i, segment in enumerate(segments):
            pick = _tag(state, segments, i) if segment.kind == "dialogue" else None
            if pick and pick.rule in TAGS:
                found[segment.paragraph] = (segment.start, pick.speaker)
                break
    return found


def tagged_names(scripts: Sequence[Script], roster: Roster) -> set[str]:
    """Names that appear with a speech verb anywhere in the narration, and "I" when it does in a first-person
    narration (one that says "I" at least `_FIRST_PERSON_SHARE` as often as "he" and "she": a third-person novel's
    "I said" is in a letter or a story someone tells)."""
    names: set[str] = set()
    pronouns: Counter[str] = Counter()
    for segment in (s for script in scripts for s in script.segments):
        if segment.kind == "narration":
            for mention in mentions(roster, segment.text):
                pronouns[mention.name] += mention.is_pronoun
                if (not mention.is_pronoun or mention.name == "i") and (
                    _verb_after(segment.text, mention.end) or _verb_before(segment.text, mention.start)
                ):
                    names.add(FIRST_PERSON if mention.name == "i" else mention.name)
    if pronouns["i"] < _FIRST_PERSON_SHARE * (pronouns["he"] + pronouns["she"]):
        names.discard(FIRST_PERSON)
    elif pronouns["i"] >= _NARRATING:
        names.add(FIRST_PERSON)
    return names


_NARRATING = 3
"""How many times a first-person narration says "I" (or opens a sentence with "My") to have a narrator who speaks,
though no "I said" tags them."""
_FIRST_PERSON_SHARE = 0.25
"""How often a first-person narration says "I" at least, against "he" and "she" together (on the corpus 1.1-1.3 in
the first-person novels, at most 0.05 in the others; 0.7 or more in our first-person fixtures)."""
