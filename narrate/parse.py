"""Parse: split each paragraph into narration and dialogue segments.

Dialogue is the text inside quotation marks (curly “ ”, straight ", or « »);
apostrophes and single quotes are never quotation marks. A quotation left open
at the end of a paragraph is a speech running on into the next paragraph: its
part in each paragraph is its own dialogue segment. Short quoted words inside a
sentence ("he called it “home” and left") are scare quotes, read as narration.
"""

from __future__ import annotations

import re

from narrate.model import Chapter, Kind, Paragraph, Script, Segment, Work

_OPENERS = "“«"
"""Characters that always open a quotation."""
_CLOSERS = "”»"
"""Characters that always close a quotation."""
_QUOTE_CHARS = re.compile(r"[\"“”«»]")

_SPEECH_BEFORE = frozenset(
    "said says say saying asked asks ask replied replies answered whispered shouted yelled "
    "muttered murmured screamed cried called".split()
)
"""Words after which a short quotation is speech, not a scare quote."""

_WS = " \t\n\r\f\v\xa0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u3000\ufeff"
"""Whitespace stripped from segment edges."""


def parse(work: Work, chapter: Chapter) -> Script:
    """The chapter as narration and dialogue segments in reading order (no speakers yet)."""
    segments: list[Segment] = []
    index = 0
    for scene in chapter.scenes:
        for paragraph in scene.paragraphs:
            segments += _split(paragraph, scene.number, index)
            index += 1
    return Script(work=work, chapter=chapter, segments=tuple(segments))


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
        }
        for s in script.segments
    ]


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(open, close) index pairs of the quotations in a paragraph.

    The quoted text is text[open + 1:close]; open is -1 when the paragraph starts
    inside a quotation with no opening mark, and close is len(text) when the
    quotation is still open at the end of the paragraph.
    """
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for match in _QUOTE_CHARS.finditer(text):
        i, ch = match.start(), match.group()
        if _is_opening(ch, open_at is not None) or open_at is None and _opens_by_position(text, i):
            if open_at is not None:
                spans.append((open_at, i))
            open_at = i
        elif open_at is not None:
            spans.append((open_at, i))
            open_at = None
        elif not spans and text[:i].strip(_WS):
            spans.append((-1, i))
    if open_at is not None:
        spans.append((open_at, len(text)))
    return [span for span in spans if not _is_scare_quote(text, *span)]


def _is_opening(ch: str, inside: bool) -> bool:
    """True when quote character `ch` opens a quotation (straight quotes toggle)."""
    if ch == '"':
        return not inside
    return ch in _OPENERS


def _opens_by_position(text: str, i: int) -> bool:
    """True when a closing-style mark at `i` stands where an opening one belongs (after a space)."""
    return (i == 0 or text[i - 1] in _WS) and i + 1 < len(text) and text[i + 1] not in _WS


def _is_scare_quote(text: str, open_at: int, close_at: int) -> bool:
    """True for a short quoted word or phrase inside a sentence (read as narration)."""
    if open_at < 0 or close_at >= len(text):
        return False
    inner = text[open_at + 1 : close_at].strip(_WS)
    before = text[:open_at].rstrip(_WS)
    after = text[close_at + 1 : close_at + 3]
    previous = before.split()[-1].lower() if before.split() else ""
    return (
        0 < len(inner.split()) <= 3 and inner[-1].isalnum() and bool(before) and before[-1].isalnum()
        and previous not in _SPEECH_BEFORE and (not after or after[0] in ".,;:)" or after[1:2].islower())
    )  # fmt: skip


def _split(paragraph: Paragraph, scene: int, index: int) -> list[Segment]:
    """The narration and dialogue segments of one paragraph."""
    text, base = paragraph.text, paragraph.start
    segments: list[Segment] = []
    cursor = 0
    for open_at, close_at in _quote_spans(text):
        segments += _piece("narration", text, cursor, max(open_at, 0), base, scene, index)
        segments += _piece("dialogue", text, open_at + 1, close_at, base, scene, index)
        cursor = close_at + 1
    segments += _piece("narration", text, cursor, len(text), base, scene, index)
    return segments


def _piece(kind: Kind, text: str, start: int, end: int, base: int, scene: int, index: int) -> list[Segment]:
    """A segment for text[start:end] trimmed (narration also of a leading ",;:—"), or none if nothing is left to say."""
    piece = text[start:end]
    lead_chars = _WS + ",;:—–" if kind == "narration" else _WS
    lead = len(piece) - len(piece.lstrip(lead_chars))
    piece = piece.lstrip(lead_chars).rstrip(_WS)
    if not piece or kind == "narration" and not any(ch.isalnum() for ch in piece):
        return []
    begin = base + start + lead
    return [Segment(kind, piece, begin, begin + len(piece), scene, index)]
