"""Attribute: discover the characters of a work and decide who says each quote.

`characters` finds the people and their mentions, with `names` (name phrases,
aliases) and `gender` (genders) under it and `words` holding the word lists
they share; `speakers` applies the attribution rules in a first pass, `scorer` weighing
the speakers they propose, with `reader` holding what that pass remembers as
it reads (and whom a pronoun means), and `conversation` revisits its
turn-taking guesses in a second
(`turns` is what the two passes share); `narrator` names a first-person
narrator. `attribute` is the stage's public function; `estimate` measures how
well it probably did.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

from narrate.attribute.characters import Roster, discover, role_gender
from narrate.attribute.gender import with_address, with_learnt
from narrate.attribute.narrator import (
    also_called,
    as_narrator,
    name_narrator,
    narrator_name,
)
from narrate.attribute.reader import FIRST_PERSON, Book
from narrate.attribute.scorer import Evidence
from narrate.attribute.speakers import (
    BREAK_WORDS,
    TAGS,
    assign,
    explicit_tags,
    tagged_names,
)
from narrate.attribute.turns import CONFIDENCE
from narrate.model import Character, Corrections, Estimate, Script, Segment

_FIRM = frozenset(
    {"user", "tag", "sender", "role tag", "pronoun tag", "relation tag", "beat", "pronoun beat", "introduction"}
)
"""Rules that show a person speaking under their own name (so it is not the first-person narrator's)."""
_TURN_TAKING = frozenset({"turn", "continued", "backfill", "guess", "alternating pronoun", "unknown"})
"""Rules that decide a line by who spoke before it: a user's fix changes them, up to a line another rule decides."""
_FOLDS = 4
"""The self-estimate hides one tagged quote in this many at a time."""
_TRIALS = 600
"""Enough hidden tags for a steady estimate: a long book hides only some of its folds."""
_PRIOR_WEIGHT = 16
"""How many hidden-tag trials a rule's own confidence counts as."""


def attribute(
    scripts: Sequence[Script], corrections: Corrections | None = None,
    evidence: list[Evidence] | None = None, decided: dict[int, str] | None = None,
) -> list[Script]:  # fmt: skip
    """The chapters of a work with every quote's speaker and confidence set, and their speaking characters.

    A speaker the user gave a line (`corrections`), by any name the text uses for them ("Noor Haddad" for Noor),
    changes only the turn-taking chain that line belongs to: the untagged paragraphs around it up to the nearest
    name tags. `evidence`, when given, receives each untagged paragraph's candidates and their evidence (for
    training); `decided`, each quote's offset -> the rule that decided it ("tag", "turn"...; with corrections, in
    the run that had them).
    """
    unwrapped = [_unwrapped(script) for script in scripts]
    roster = _roster(unwrapped, corrections)
    lines = {line: roster.forms.get(name, name) for line, name in (corrections.lines if corrections else {}).items()}
    rules: dict[int, str] = {}
    attributed, learnt = _attributed(unwrapped, roster, lines, rules, evidence)
    if lines:
        earlier: dict[int, str] = {}
        before, _ = _attributed(unwrapped, roster, {}, earlier, None)
        attributed = [_within_chains(fixed, old, rules, earlier, lines) for fixed, old in zip(attributed, before)]
    if decided is not None:
        decided.update(rules)
    return [
        replace(script, segments=tuple(replace(s, text=o.text) for s, o in zip(script.segments, original.segments)),
                characters=_characters(script, learnt))
        for script, original in zip(attributed, scripts)
    ]  # fmt: skip


def _attributed(
    scripts: Sequence[Script], roster: Roster, lines: dict[str, str], rules: dict[int, str],
    evidence: list[Evidence] | None,
) -> tuple[list[Script], Roster]:  # fmt: skip
    """`attribute` for unwrapped `scripts` with the user's `lines`: the scripts and the roster with the genders
    reading them showed (forms of address, "he said"); `rules` receives each quote's offset -> the rule that
    decided it."""
    people = tagged_names(scripts, roster)
    book = Book()  # what each chapter leaves for the next (each pass afresh)
    attributed = [assign(script, roster, lines, tagged=people, rules=rules, book=book) for script in scripts]
    addressed = with_address(roster, attributed)
    if addressed is not roster:
        roster = addressed
        book = Book()
        attributed = [assign(script, roster, lines, tagged=people, rules=rules, book=book) for script in scripts]
    narrator, also = _narrator([explicit_tags(script, roster) for script in scripts], attributed, roster, rules)
    final = as_narrator(roster, {narrator, *also}) if narrator else roster
    if evidence is not None or narrator:
        lines = {line: final.forms.get(name, name) for line, name in lines.items()}  # a fix to "Jake" is the narrator's
        book = Book()
        attributed = [assign(s, final, lines, tagged=people, rules=rules, evidence=evidence, book=book) for s in scripts]
    if narrator:
        attributed = name_narrator(attributed, narrator)
        roster = with_address(roster, attributed)  # "sir" said to the narrator
    return attributed, with_learnt(roster, book.learnt)


def _narrator(
    tags: Sequence[dict[int, tuple[int, str]]], attributed: Sequence[Script], roster: Roster, rules: dict[int, str]
) -> tuple[str | None, set[str]]:  # fmt: skip
    """The name the others call the first-person narrator by in the `attributed` first pass (`rules`: offset ->
    the rule that decided it), never one that a tag (`tags`, each chapter's) or a firm rule shows speaking; and the
    other names they call the narrator by."""
    heard = {name for tagged in tags for _, name in tagged.values()}
    heard |= {s.speaker for script in attributed for s in script.segments if rules.get(s.start) in _FIRM and s.speaker}
    name = narrator_name(attributed, roster, heard)
    return name, also_called(attributed, roster, heard, name) if name else set()


def _within_chains(
    fixed: Script, before: Script, rules: dict[int, str], earlier: dict[int, str], lines: dict[str, str]
) -> Script:
    """`fixed` (attributed with the user's lines) where a corrected line's turn-taking chain is, `before` (without
    them) elsewhere: from each corrected paragraph, the dialogue paragraphs of its scene either way that turn-taking
    decided with and without the fix (`rules`, `earlier`: offset -> rule), up to the first one something else did
    or the end of the conversation (narration of more than `BREAK_WORDS` words).
    Within a chain a line goes to the corrected speaker, or trades the two people the fix is about (who the
    corrected line was given to, and who said it); a line given to a third person stays theirs; a fix that gives a
    line the speaker it had changes no other line. Lines before a fix
    change only when its speaker was talking there already (someone who joins a conversation says nothing of who
    talked before they came), and not in the line just before it (then the fix says they spoke twice running, not
    that the lines before were the other way round); the line just after a fix does not become the fix's speaker's
    too, and after two fixes in a row by one person (who then spoke twice running) the lines stay as they were. A
    text message in the chain keeps its sender (it is no turn in the room)."""
    dialogue = sorted({(s.scene, s.paragraph) for s in fixed.segments if s.kind == "dialogue"}, key=lambda p: p[1])
    anchored = {s.paragraph for s in fixed.segments if s.kind == "dialogue"
                and not (rules.get(s.start) in _TURN_TAKING and earlier.get(s.start) in _TURN_TAKING)}
    was = {s.id: s.speaker for s in before.segments if s.kind == "dialogue"}
    said = {s.paragraph: s.speaker for s in before.segments if s.kind == "dialogue"}
    corrected = {s.paragraph: (lines[s.id], was[s.id]) for s in fixed.segments if s.kind == "dialogue" and s.id in lines}
    gap: dict[int, int] = {}  # dialogue paragraph -> words of the narration-only paragraphs just before it
    speaking = {paragraph for _, paragraph in dialogue}
    words = 0
    for s in fixed.segments:
        if s.paragraph in speaking:
            gap.setdefault(s.paragraph, words)
            words = 0
        else:
            words += len(s.text.split())
    fixes: dict[int, list[tuple[str, str | None]]] = {}  # chained paragraph -> (corrected speaker, who it replaced)
    next_to: dict[int, str] = {}  # the paragraph just after a fix -> the fix's speaker
    for k, (scene, paragraph) in enumerate(dialogue):
        if paragraph in corrected:
            fixes.setdefault(paragraph, []).append(corrected[paragraph])
            if corrected[paragraph][0] == corrected[paragraph][1]:
                continue  # the user confirms narrate's speaker: the turns around it learn nothing new
            for step in (1, -1):
                j, chain = k + step, []
                while (0 <= j < len(dialogue) and dialogue[j][0] == scene and dialogue[j][1] not in anchored
                       and gap[dialogue[j if step == 1 else j + 1][1]] <= BREAK_WORDS):  # nor past a conversation's end
                    chain.append(dialogue[j][1])
                    j += step
                speaker = corrected[paragraph][0]
                previous = dialogue[k - 1] if k else None
                if step == 1 and previous and previous[0] == scene and corrected.get(previous[1], ("",))[0] == speaker:
                    continue  # two fixes in a row by one person: they spoke twice running, the turns after stay
                if step == 1 or chain and said[chain[0]] != speaker and speaker in {said[p] for p in chain}:
                    for p in chain:  # before a fix only when its speaker was talking there, but not just before
                        fixes.setdefault(p, []).append(corrected[paragraph])
                if step == 1 and chain:
                    next_to[chain[0]] = speaker
    if not fixes:
        return before

    def kept(new: Segment, old: Segment) -> Segment:
        if new.paragraph not in fixes:
            return old
        if new.kind != "dialogue" or new.id in lines:
            return new
        if new.message:
            return old  # a text message takes no turn in the room: a fix to the talk there says nothing of it
        if next_to.get(new.paragraph) == new.speaker != old.speaker:
            return old  # a fix does not give its speaker the next line as well
        follows = any(new.speaker == speaker or {new.speaker, old.speaker} <= {speaker, replaced}
                      for speaker, replaced in fixes[new.paragraph])
        return new if follows else old

    return replace(fixed, segments=tuple(kept(new, old) for new, old in zip(fixed.segments, before.segments)))


def _unwrapped(script: Script) -> Script:
    """`script` with the line breaks inside its paragraphs read as spaces (hard-wrapped plain text splits "Mr.
    Knightley" across lines); offsets stay the same."""
    return replace(script, segments=tuple(replace(s, text=s.text.replace("\n", " ")) if "\n" in s.text else s
                                          for s in script.segments))


def estimate(scripts: Sequence[Script], corrections: Corrections | None = None) -> Estimate:
    """How accurate `attribute` probably is, measured by re-attributing the tagged quotes with their tags hidden.

    Each rule is scored by how often it gave a hidden-tag quote its tagged
    speaker back (a first-person narrator the others call by name is "I", as
    `attribute` has it); every quote then counts at the score of the rule that
    decided it (rules seldom tested lean on their own confidence). That count is
    averaged with the quotes' own confidences, which see what the rules' scores
    cannot (a line weighed between two close candidates): on the corpus the
    average is within 5 points on 22 of 23 novels, the confidences alone on 19.
    """
    scripts = [_unwrapped(script) for script in scripts]
    roster = _roster(scripts, corrections)
    people = tagged_names(scripts, roster)
    tested: Counter[str] = Counter()
    passed: Counter[str] = Counter()
    used: Counter[str] = Counter()
    tags = [explicit_tags(script, roster) for script in scripts]
    folds = range(max(1, min(_FOLDS, _FOLDS * _TRIALS // max(1, sum(map(len, tags))))))
    sure = 0.0  # the quotes' own confidences, summed
    book = Book()
    rules: dict[int, str] = {}
    attributed = [assign(script, roster, tagged=people, rules=rules, book=book) for script in scripts]
    narrator, _ = _narrator(tags, attributed, roster, rules)  # a hidden "I said" the rules give back as them is right
    same = {FIRST_PERSON: narrator, narrator: FIRST_PERSON} if narrator else {}
    for script, first, tagged in zip(scripts, attributed, tags):
        sure += sum(s.confidence for s in first.segments if s.kind == "dialogue")
        order = sorted(tagged)
        for fold in folds:
            hidden = frozenset(order[fold::_FOLDS])
            if hidden:
                _test_rules(script, roster, people, hidden, tagged, tested, passed, same)
    used.update(rules.values())
    expected = (sum(count * _rate(rule, tested, passed) for rule, count in used.items()) + sure) / 2
    return Estimate(sum(used.values()), sum(tested.values()), sum(passed.values()), expected)


def _test_rules(
    script: Script, roster: Roster, people: set[str], hidden: frozenset[int],
    tags: dict[int, tuple[int, str]], tested: Counter[str], passed: Counter[str], same: Mapping[str, str],
) -> None:  # fmt: skip
    """Attribute `script` with the tags of the `hidden` paragraphs hidden; count, per rule, the tagged speakers found
    again, under either of two names that are one person (`same`: the narrator and "I"); not for a name tag found
    all the same, one the hiding missed: the test is of the rules a tag stands in for."""
    rules: dict[int, str] = {}
    guessed = assign(script, roster, hidden=hidden, tagged=people, rules=rules)
    for segment in guessed.segments:
        if segment.paragraph in hidden and segment.start == tags[segment.paragraph][0]:
            rule = rules[segment.start]
            if rule in TAGS:
                continue
            tested[rule] += 1
            speaker = tags[segment.paragraph][1]
            passed[rule] += segment.speaker in (speaker, same.get(speaker, speaker))


def _rate(rule: str, tested: Counter[str], passed: Counter[str]) -> float:
    """How often `rule` is right: its hidden-tag score, smoothed towards its confidence."""
    prior = CONFIDENCE[rule]
    return (passed[rule] + _PRIOR_WEIGHT * prior) / (tested[rule] + _PRIOR_WEIGHT)


_DISCOVERED: dict[tuple, Roster] = {}
"""The last roster discovered, by what it was discovered from (`narrate script` attributes, then estimates)."""


def _roster(scripts: Sequence[Script], corrections: Corrections | None) -> Roster:
    """The work's people, with the user's gender and alias overrides."""
    genders = corrections.genders if corrections else {}
    aliases = corrections.aliases if corrections else {}
    key = (tuple((s.kind, s.text) for script in scripts for s in script.segments),
           repr(scripts[0].work.meta) if scripts else "", tuple(genders.items()), tuple(aliases.items()))
    if key not in _DISCOVERED:
        _DISCOVERED.clear()
        _DISCOVERED[key] = discover(scripts, genders, aliases)
    return _DISCOVERED[key]


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
