"""Marks: find the quotations of a paragraph from its quotation marks.

Each chapter is read in one of two styles, chosen by which marks open more
quotations: double marks (curly “ ”, straight ", « », „ “) or single marks
(curly ‘ ’, straight '). The other family is then a quotation nested inside a
speech (“He said, ‘Go home,’ and left.” is one quotation), or a thought such
as ‘Run,’ he thought when it starts a sentence and closes after punctuation.

Apostrophes are told from single quotation marks by where they stand: inside a
word (don’t), before a known elision or a year (’cause, ’em, ’tis, ’99), or,
at a word's end (goin’, the twins’ room), by which candidate closes the
quotation best: one after punctuation first, then one before punctuation, then
one followed by a speech tag. Quotation state starts afresh in every paragraph,
so a missing or doubled straight mark cannot flip the paragraphs after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from narrate.parse.words import CLIPPED, ELISIONS, TAG_WORDS, WORD

Span = tuple[int, int]
"""(open, close) marks of a quotation: the quote is text[open + 1:close] (open = start - 1 with no opening mark)."""

WS = " \t\n\r\f\v\xa0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u3000\ufeff"
"""Whitespace stripped from segment edges."""

MARKS = "\"'“”„«»‘’`"
"""Every quotation mark, of both families."""

DOUBLE_MARKS = "\"“”„«»"
"""Marks that open or close a double-quoted quotation (never an apostrophe)."""
_DOUBLE = re.compile(f"[{DOUBLE_MARKS}]")
_SINGLE = re.compile(r"['‘’`]")

_BEFORE_OPEN = "([{<—–-/…" + MARKS
"""Characters after which a mark touching a word opens a quotation."""

_AFTER_CLOSE = ".,;:!?)]}>—–-…" + MARKS
"""Characters before which a mark touching a word closes a quotation."""

_PUNCT_BEFORE = ".,;:!?—–-…”\"»"
"""Characters before a closing mark that make it surely a closing mark (not an apostrophe)."""

_SENTENCE_END = ".!?…—–:" + MARKS
"""Characters a sentence-initial quotation may follow."""


def single_style(texts: list[str], left_used: bool) -> bool:
    """True when single marks open more quotations than double marks do (an opening paragraph counts 3)."""
    double = single = 0
    for text in texts:
        for match in _DOUBLE.finditer(text):
            i = match.start()
            double += (3 if i == 0 else 1) * (text[i] in "“„«" or text[i] == '"' and _side(text, i) == "open")
        for match in _SINGLE.finditer(text):
            i = match.start()
            single += (3 if i == 0 else 1) * (_single_role(text, i, left_used) == "open")
    return single > double


def quotations(text: str, single: bool, left_used: bool) -> list[Span]:
    """Every quotation of a paragraph, in order, spoken or not (`left_used`: the chapter has ‘ marks)."""
    doubles = partial(_double_spans, text)
    singles = partial(_single_spans, text, left_used=left_used)
    primary, secondary = (singles, doubles) if single else (doubles, singles)
    spans = primary(0, len(text))
    return sorted(spans + _secondary(text, spans, secondary))


def _secondary(text: str, spans: list[Span], scan: Callable[[int, int], list[Span]]) -> list[Span]:
    """Quotations in the other family's marks between the main ones: sentence-initial, closed after punctuation."""
    found: list[Span] = []
    cursor = 0
    for open_at, close_at in spans + [(len(text), len(text))]:
        lo, hi = cursor, max(open_at, 0)
        if hi > lo:
            found += [
                (o, c) for o, c in scan(lo, hi)
                if lo <= o and c < hi and text[c - 1] in _PUNCT_BEFORE and _starts_sentence(text, o)
            ]  # fmt: skip
        cursor = close_at + 1
    return found


def _starts_sentence(text: str, i: int) -> bool:
    """True when position `i` begins the paragraph or follows the end of a sentence or quotation."""
    before = _last_char(text, i)
    return not before or before in _SENTENCE_END


# --- where a mark stands ------------------------------------------------------------------------


def _blank(ch: str) -> bool:
    """True for whitespace (including zero-width and no-break spaces)."""
    return ch.isspace() or ch in "\u200b\ufeff"


def _around(text: str, i: int) -> tuple[str, str]:
    """The characters before and after position `i` (a space beyond either end)."""
    return (text[i - 1] if i > 0 else " "), (text[i + 1] if i + 1 < len(text) else " ")


def _side(text: str, i: int) -> str:
    """"open" where the mark at `i` stands like an opening mark, "close" like a closing one, else ""."""
    before, after = _around(text, i)
    if _blank(before) != _blank(after):
        return "open" if _blank(before) else "close"
    if _blank(before):
        return ""
    if after in _AFTER_CLOSE:
        return "close"
    return "open" if before in _BEFORE_OPEN else ""


def _has_text(text: str, lo: int, hi: int) -> bool:
    """True when text[lo:hi] is not all whitespace (looks back from `hi` only as far as the whitespace goes)."""
    return _last_index(text, hi) >= lo


def _last_index(text: str, i: int) -> int:
    """Index of the last non-blank character before `i` (-1 if none)."""
    j = i - 1
    while j >= 0 and _blank(text[j]):
        j -= 1
    return j


def _last_char(text: str, i: int) -> str:
    """The last non-blank character before `i` ("" if none)."""
    j = _last_index(text, i)
    return text[j] if j >= 0 else ""


# --- double marks -------------------------------------------------------------------------------


def _double_role(text: str, i: int, inside: bool) -> str:
    """"open" or "close" for the double mark at `i`, given whether a quotation is open."""
    ch, side = text[i], _side(text, i)
    if ch == '"':
        return side or ("close" if inside else "open")
    if ch in "“«":
        return "close" if inside and side == "close" else "open"
    if ch in "”»":
        return "open" if not inside and side == "open" else "close"
    return "open"


def _double_spans(text: str, lo: int, hi: int) -> list[Span]:
    """The double-mark quotations in text[lo:hi]."""
    spans: list[Span] = []
    open_at: int | None = None
    depth = 0
    nests = text.count("“", lo, hi) == text.count("”", lo, hi)
    for match in _DOUBLE.finditer(text, lo, hi):
        i = match.start()
        if open_at is None:
            if _double_role(text, i, inside=False) == "open":
                open_at = i
            elif not spans and _closes_speech(text, lo, i):
                spans.append((lo - 1, i))
        elif (text[i] in "«»") == (text[open_at] in "«»"):
            role = _double_role(text, i, inside=True)
            if role == "close" and not depth:
                spans.append((open_at, i))
                open_at = None
            elif role == "close" or nests and text[i] == "“":
                depth += -1 if role == "close" else 1
            else:
                spans += [(open_at, i)] if _has_text(text, open_at + 1, i) else []
                open_at = i
    return spans + ([(open_at, hi)] if open_at is not None else [])


def _closes_speech(text: str, lo: int, i: int) -> bool:
    """True when an unopened closing mark at `i` ends speech begun before text[lo:] (…home.”)."""
    before = _around(text, i)[0]
    return (before in _PUNCT_BEFORE or text[i] != '"' and before.isalnum()) and _has_text(text, lo, i)


# --- single marks -------------------------------------------------------------------------------


def _single_role(text: str, i: int, left_used: bool) -> str:
    """What the single mark at `i` is: "open", "elided", "strong"/"medium"/"weak" close, or "" (apostrophe)."""
    before, after = _around(text, i)
    if before.isalnum() and after.isalnum():
        return ""
    side = _side(text, i)
    if side == "open":
        return "elided" if _elided(text, i + 1) or text[i] == "’" and left_used else "open"
    if side != "close" or _clipped(text, i):
        return ""
    if before in _PUNCT_BEFORE:
        return "strong"
    return "medium" if i + 1 == len(text) or not _blank(after) else "weak"


def _elided(text: str, j: int) -> bool:
    """True when the word at `j` is a known elision or a two-digit year ('tis, '99)."""
    word = WORD.match(text, j)
    if word is None:
        return False
    token = word.group()
    return len(token) == 2 if token.isdigit() else token.lower() in ELISIONS


def _clipped(text: str, i: int) -> bool:
    """True when the mark at `i` ends a clipped word that never ends a quotation (an', th', tho')."""
    start = i
    while start > 0 and text[start - 1].isalpha() and i - start < 5:
        start -= 1
    return text[start:i].lower() in CLIPPED and not (start > 0 and text[start - 1].isalpha())


def _single_spans(text: str, lo: int, hi: int, left_used: bool) -> list[Span]:
    """The single-mark quotations in text[lo:hi]."""
    roles = ((m.start(), _single_role(text, m.start(), left_used)) for m in _SINGLE.finditer(text, lo, hi))
    marks = [(at, role) for at, role in roles if role]
    spans: list[Span] = []
    elided: int | None = None
    k = 0
    while k < len(marks):
        at, role = marks[k]
        if role == "open":
            close = _single_close(text, marks, k + 1)
            if close is None:
                return spans + [(at, hi)]
            spans.append((at, marks[close][0]))
            k, elided = close + 1, None
            continue
        if role == "elided":
            elided = at
        elif role == "strong" and (elided is not None or not spans and _has_text(text, lo, at)):
            spans.append((lo - 1 if elided is None else elided, at))
            elided = None
        k += 1
    return spans


def _single_close(text: str, marks: list[tuple[int, str]], k: int) -> int | None:
    """Index in `marks` of the mark closing the quotation opened before marks[k], or None if it runs on."""
    medium: int | None = None
    tagged: int | None = None
    weak: list[int] = []
    inline = _last_char(text, marks[k - 1][0]).isalnum()
    for j in range(k, len(marks)):
        at, role = marks[j]
        if role == "open" and (medium is not None or tagged is not None or weak and text[at + 1 : at + 2].isupper()):
            return medium if medium is not None else tagged if tagged is not None else weak[0 if inline else -1]
        if role == "strong":
            return j
        if role == "medium" and medium is None:
            medium = j
        elif role == "weak":
            weak.append(j)
            if tagged is None and _next_word(text, at + 1) in TAG_WORDS:
                tagged = j
    if medium is not None or tagged is not None:
        return medium if medium is not None else tagged
    return weak[0] if weak and inline else None


def _next_word(text: str, i: int) -> str:
    """The lower-cased word starting at or after `i` (skipping spaces)."""
    match = WORD.search(text, i, i + 40)
    return match.group().lower() if match else ""
