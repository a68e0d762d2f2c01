"""Conversation: the second pass of `speakers`, which revisits turn-taking guesses within each conversation.

A conversation whose first firm answer comes late is filled backwards from it;
a stretch of guesses in which someone would call themselves by name is
re-alternated; a guess that would make one person speak twice running next to
a firm line goes to the other person.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import groupby

from narrate.attribute.turns import SOFT, WEAK, Pick, Turn

_EVIDENCE = {"previous": 0.7, "addressed": 0.7, "pronoun previous": 0.3}
"""Log-odds a soft rule's own guess carries when realigning (turn-taking guesses carry none of their own)."""
_SELF_ADDRESS = -5.2
"""Log-odds of a speaker calling themselves by name (18 of the development corpus's 3,446 lines that call someone
by a name only one character has)."""
_TWICE = -4.3
"""Log-odds of one person speaking two paragraphs running with no narration between (1.3% of such pairs in the
development corpus: 159 of 11,941)."""
_STYLE_MARGIN = 6.0
"""How much better (log-odds) the words must fit another order before a stretch is re-alternated for them."""
EVERYONE = ""
"""The key of all speakers' words together in a table of voices."""
_VOICE_WORDS = 20
"""Words of firmly attributed lines a speaker needs before their way of speaking counts as evidence."""
_LIKENESS_CAP = 3.0
"""The most one line's words can say about who speaks it (log-odds)."""


def second_pass(turns: list[Turn]) -> None:
    """Revisit turn-taking guesses with what later lines of the same conversation say."""
    voices = _voices(turns)
    for _, group in groupby(turns, key=lambda t: t.conversation):
        conversation = list(group)
        firm = [k for k, t in enumerate(conversation) if t.pick.rule not in WEAK]
        if not firm:
            continue
        first = firm[0]
        pair = _pair(conversation, conversation[first].pick.speaker)
        for k in range(first - 1, -1, -1):
            turn = conversation[k]
            if turn.pick.rule in WEAK and pair:
                speaker = pair[(first - k) % 2]
                _repick(turn, Pick(speaker, "backfill"))
        for run in _exchanges(conversation):
            _realign(run, voices)
        for k, turn in enumerate(conversation):
            if turn.pick.rule in SOFT and _clashes(conversation, k):
                other = next((s for s in _pair(conversation, turn.pick.speaker) or () if s != turn.pick.speaker), None)
                if other:
                    _repick(turn, Pick(other, turn.pick.rule, penalty=0.1))


def _exchanges(conversation: list[Turn]) -> list[list[Turn]]:
    """Runs of three or more lines in a row with no narration between them and nobody going on twice."""
    runs: list[list[Turn]] = []
    for turn in conversation:
        goes_on = bool(runs) and [s for s in runs[-1][-1].segments if s.kind == "dialogue"][-1].runs_on
        joined = runs and not turn.after_narration and not goes_on and turn.pick.rule not in ("continued", "monologue", "reaction")
        if joined:
            runs[-1].append(turn)
        else:
            runs.append([turn])
    return [run for run in runs if len(run) >= 3]


def _realign(run: list[Turn], voices: dict[str, Counter[str]]) -> None:
    """Give each stretch of soft guesses in a run the alternation of two people that best fits the evidence."""
    k = 0
    while k < len(run):
        if run[k].pick.rule not in SOFT:
            k += 1
            continue
        end = k
        while end < len(run) and run[end].pick.rule in SOFT:
            end += 1
        left = run[k - 1].pick.speaker if k > 0 else None
        right = run[end].pick.speaker if end < len(run) else None
        _align(run[k:end], left, right, voices)
        k = end


def _align(stretch: list[Turn], left: str | None, right: str | None, voices: dict[str, Counter[str]]) -> None:
    """Alternate two people over `stretch`, between firm lines by `left` and `right`, in the likelier order.

    The stretch changes only where someone would call themselves by name, or
    where the words of its lines fit the other order clearly better.
    """
    people = [p for p in dict.fromkeys([left, right]) if p]
    people += [name for name, _ in Counter(t.pick.speaker for t in stretch if t.pick.speaker not in people).most_common()]
    if len(people) < 2:
        return
    a, b = people[:2]
    called = any(t.pick.speaker in t.addressed for t in stretch)
    heard = [p for p in (a, b) if voices.get(p, Counter()).total() >= _VOICE_WORDS]
    if not called and not heard:
        return
    words = [_words(t) for t in stretch] if heard else [[] for _ in stretch]
    orders = ([a if i % 2 == 0 else b for i in range(len(stretch))], [b if i % 2 == 0 else a for i in range(len(stretch))])
    current = [t.pick.speaker for t in stretch]
    fits = {tuple(order): _fit(stretch, order, left, right, voices, words) for order in orders}
    best = max(orders, key=lambda order: (fits[tuple(order)], order == current))
    own = _fit(stretch, current, left, right, voices, words)
    if not called and fits[tuple(best)] - own < _STYLE_MARGIN:
        return
    for turn, speaker in zip(stretch, best):
        if turn.pick.speaker != speaker:
            _repick(turn, Pick(speaker, turn.pick.rule, penalty=0.05))


def _fit(
    stretch: list[Turn], order: list[str], left: str | None, right: str | None,
    voices: dict[str, Counter[str]], words: list[list[str]],
) -> float:  # fmt: skip
    """Log-odds that `order` is who speaks: nobody calls themselves by name, one person seldom speaks twice
    running, and each line sounds like its speaker's firmly attributed lines."""
    score = 0.0
    for turn, speaker, said in zip(stretch, order, words):
        score += _EVIDENCE.get(turn.pick.rule, 0.0) * (1 if turn.pick.speaker == speaker else -1)
        score += _SELF_ADDRESS * (speaker in turn.addressed)
        score += _likeness(said, speaker, voices)
    score += _TWICE * ((order[0] == left) + (order[-1] == right) + sum(x == y for x, y in zip(order, order[1:])))
    return score


def _voices(turns: list[Turn]) -> dict[str, Counter[str]]:
    """Each speaker's words, from the lines firmly theirs, and everyone's under ""."""
    voices: dict[str, Counter[str]] = {EVERYONE: Counter()}
    for turn in turns:
        if turn.pick.rule not in SOFT:
            words = _words(turn)
            voices.setdefault(turn.pick.speaker, Counter()).update(words)
            voices[EVERYONE].update(words)
    return voices


def _likeness(said: list[str], speaker: str, voices: dict[str, Counter[str]]) -> float:
    """Log-likelihood of a line's words in `speaker`'s voice against all voices (0 for an unheard speaker)."""
    voice = voices.get(speaker)
    own = voice.total() if voice else 0
    if not voice or own < _VOICE_WORDS:
        return 0.0
    everyone = voices[EVERYONE]
    total = everyone.total()
    score = sum(math.log((voice[w] + 0.5) / (own + 0.5 * len(everyone))) - math.log((everyone[w] + 0.5) / (total + 0.5 * len(everyone)))
                for w in said if everyone[w])
    return max(-_LIKENESS_CAP, min(_LIKENESS_CAP, score))


def _words(turn: Turn) -> list[str]:
    """The lower-cased words of a turn's quotes."""
    return [w.lower() for s in turn.segments if s.kind == "dialogue" for w in re.findall(r"[\w’']+", s.text)]


def _clashes(conversation: list[Turn], k: int) -> bool:
    """True when turn k's guess addresses itself or repeats a neighbour's firm speaker with no narration between
    (nor narration opening the next paragraph: “Sent him for champagne.” / Then later: “Do you feel better?”)."""
    turn = conversation[k]
    if turn.pick.speaker in turn.addressed:
        return True
    after = conversation[k + 1] if k + 1 < len(conversation) else None
    before = conversation[k - 1] if k > 0 else None
    return (
        after is not None and not after.after_narration and after.segments[0].kind != "narration"  # "Then later: “...”"
        and after.pick.rule not in SOFT | {"continued"} and after.pick.speaker == turn.pick.speaker
    ) or (
        before is not None and not turn.after_narration and before.pick.rule not in SOFT
        and before.pick.speaker == turn.pick.speaker and turn.pick.rule != "reaction"
    )  # fmt: skip


def _pair(conversation: list[Turn], anchor: str) -> tuple[str, str] | None:
    """(anchor, the other person talking) in a conversation, or None when nobody else is known."""
    firm = Counter(t.pick.speaker for t in conversation if t.pick.rule not in WEAK and t.pick.speaker != anchor)
    firm.update({name: 0.5 for t in conversation if t.pick.speaker == anchor for name in t.addressed - {anchor}})
    if not firm:
        return None
    return anchor, firm.most_common(1)[0][0]


def _repick(turn: Turn, pick: Pick) -> None:
    """Give a turn a new speaker, keeping the quotes that carry their own tags."""
    old = turn.pick
    turn.picks = {i: pick if p is old else p for i, p in turn.picks.items()}
    turn.pick = pick
