"""Parse: split each paragraph into narration and dialogue segments.

Dialogue is the text inside one pair of quotation marks, marks excluded and
trimmed. `marks` finds a paragraph's quotations (which family of marks opens
speech, which single marks are apostrophes), `speech` keeps those that are
spoken (not a sign, title, mention or scare quote) and marks text messages,
`messages` reads a text thread's lines ("**Bea:** omg") as its senders'
messages, and `words` holds the word lists they read. A stage direction in parentheses inside a quotation ("(speaking
lower)", "(with a sigh)") is narration between two dialogue segments.

A speech running over several paragraphs (no closing mark until the last one,
each paragraph re-opening) is one segment per paragraph; each but the last has
`runs_on` set.

Line ids: every dialogue segment gets `id` = the first 10 hex digits of the
SHA-1 of "<chapter number>\\n<quote text with whitespace collapsed to single
spaces>" (an empty number for a chapter without one). The 2nd, 3rd... identical
quote in the chapter gets "-2", "-3"... appended. Editing another paragraph or
re-wrapping lines never changes an id. Narration has id "".
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import replace

from narrate.model import Chapter, Kind, Paragraph, Script, Segment, Work
from narrate.parse.marks import WS, Span, quotations, single_style
from narrate.parse.messages import threads
from narrate.parse.speech import (
    introduces_document,
    opens_letter,
    speaks_of_phones,
    spoken,
    wholly_quoted,
)

_LINE_ID_DIGITS = 10
"""Hex digits of a line id's digest."""
_ASIDE = re.compile(
    r"\((?!(?:no|some|any|every)thing\b|morning\b|evening\b|during\b|darling\b)"
    r"(?:[a-z]+ing|with|in a|in an|to [A-Z]\w+|aside)\b[^()]{0,100}\)"
)
"""A stage direction inside a quotation, read by the narrator: "(speaking lower)", "(with a sigh)", "(to Emma)"."""


def parse(work: Work, chapter: Chapter) -> Script:
    """The chapter as narration and dialogue segments in reading order (no speakers yet)."""
    paragraphs = [(scene.number, p) for scene in chapter.scenes for p in scene.paragraphs]
    texts = [p.text for _, p in paragraphs]
    left_used = any("‘" in text for text in texts)
    single = single_style(texts, left_used)
    segments: list[Segment] = []
    document = letter = texting = False
    for index, ((scene, paragraph), messages) in enumerate(zip(paragraphs, threads(texts))):
        if messages:  # "**Bea:** are you coming": each message its sender's line
            senders = iter(name for _, name in messages)
            spans = [span for span, _ in messages]
            pieces = _split(paragraph, scene, index, spans, set(spans), closed=True)
            segments += [replace(s, sender=next(senders)) if s.kind == "dialogue" else s for s in pieces]
            document = letter = False
            texting = True
            continue
        found = spoken(paragraph.text, quotations(paragraph.text, single, left_used), texting)
        texting = found[-1][1] if found else speaks_of_phones(paragraph.text)
        texted = {span for span, message in found if message}
        spans = [span for span, _ in found]
        if document and spans and spans[0][0] == 0:
            document, spans = spans[0][1] == len(paragraph.text), spans[1:]
        else:
            document = introduces_document(paragraph.text)
            letter = wholly_quoted(paragraph.text, spans) and (letter or opens_letter(paragraph.text, spans))
            spans = [] if letter else spans
        segments += _split(paragraph, scene, index, spans, texted)
    return Script(work=work, chapter=chapter, segments=tuple(_with_ids(segments, chapter.number)))


def script_records(script: Script) -> list[dict]:
    """The `narrate script --format jsonl` records of `script`, in reading order."""
    return [
        {
            "kind": s.kind,
            "speaker": s.speaker,
            "text": s.text,
            "start": s.start,
            "end": s.end,
            "confidence": round(s.confidence, 3),
            "scene": s.scene,
            "id": s.id,
        }
        for s in script.segments
    ]


def _split(
    paragraph: Paragraph, scene: int, index: int, spans: list[Span], texted: Collection[Span] = (), closed: bool = False
) -> list[Segment]:  # fmt: skip
    """The narration and dialogue segments of one paragraph, given its quotations (those in `texted` text messages;
    `closed`: a thread's messages, each ending at the end of its line, not running on into the next paragraph)."""
    text, base = paragraph.text, paragraph.start
    segments: list[Segment] = []
    cursor = 0
    for open_at, close_at in spans:
        segments += _piece("narration", text, cursor, max(open_at, 0), base, scene, index)
        message = (open_at, close_at) in texted
        inside = open_at + 1
        for aside in _ASIDE.finditer(text, inside, close_at):  # “That young man (speaking lower) is thoughtless.”
            segments += _piece("dialogue", text, inside, aside.start(), base, scene, index, message=message)
            segments += _piece("narration", text, aside.start(), aside.end(), base, scene, index)
            inside = aside.end()
        segments += _piece("dialogue", text, inside, close_at, base, scene, index, closed, message)
        cursor = close_at + 1
    segments += _piece("narration", text, cursor, len(text), base, scene, index)
    return segments


def _piece(
    kind: Kind, text: str, start: int, end: int, base: int, scene: int, index: int, closed: bool = False,
    message: bool = False,
) -> list[Segment]:  # fmt: skip
    """A segment for text[start:end] trimmed (narration also of a leading ",;:—"), or none if nothing is left to say;
    dialogue reaching the paragraph's end runs on into the next unless `closed`, and is a text message if `message`."""
    piece = text[start:end]
    lead_chars = WS + ",;:—–-" if kind == "narration" else WS
    lead = len(piece) - len(piece.lstrip(lead_chars))
    piece = piece.lstrip(lead_chars).rstrip(WS)
    if not piece or kind == "narration" and not any(ch.isalnum() for ch in piece):
        return []
    begin = base + start + lead
    runs_on = kind == "dialogue" and end >= len(text) and not closed
    return [Segment(kind, piece, begin, begin + len(piece), scene, index, runs_on=runs_on, message=message)]


def _with_ids(segments: list[Segment], chapter: int | None) -> list[Segment]:
    """`segments` with a stable line id on every dialogue segment (see the module docstring)."""
    seen: Counter[str] = Counter()
    result = []
    for segment in segments:
        if segment.kind == "dialogue":
            key = _line_id(chapter, segment.text)
            seen[key] += 1
            segment = replace(segment, id=key if seen[key] == 1 else f"{key}-{seen[key]}")
        result.append(segment)
    return result


def _line_id(chapter: int | None, text: str) -> str:
    """The digest part of a quote's line id."""
    source = f"{'' if chapter is None else chapter}\n{' '.join(text.split())}"
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:_LINE_ID_DIGITS]
