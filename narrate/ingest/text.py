"""Plain text: a copied page (an AO3 chapter, or any short text) and the line helpers books share.

A page's header ends where its first chapter heading (or its story text)
starts; its chapters break at headings, its scenes at markers or blank runs.
Works on the decoded text line by line; every Paragraph keeps its offsets into
the text so that `work.text[p.start:p.end] == p.text`. The public helpers
(lines, headings, numbers, titles, scenes, the Work) serve `book` as well;
header fields are read by `header`, interface lines recognised by `chrome`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from narrate.errors import InputError
from narrate.ingest.chrome import chrome_key, is_chrome, is_edge_chrome
from narrate.ingest.header import LIST_FIELDS, awaits, is_header_line, read_header
from narrate.model import Chapter, Metadata, Paragraph, Scene, Work

_WS = (
    " \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
)
"""Characters treated as whitespace, including the BOM and zero-width space."""

QUOTES = "\"'“”„«»‘’‹›"
"""Quotation marks: a line holding one is never a scene-break marker."""

_CLOSING = ".!?…:;—-)*~" + QUOTES
"""Characters a line may end with when it ends a paragraph; any other ending is mid-sentence."""

_NUMBER_WORDS = (
    {word: n for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )}
    | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
    | {word: n for n, word in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split(), 1
    )}
)  # fmt: skip
"""Spelled-out chapter numbers, cardinal and ordinal ("Book the First")."""

NUMERAL = r"(?P<num>\d+|(?:the\s+)?[a-z]+(?:-[a-z]+)?)(?:\s*[:.\-–—|]+\s*(?P<title>\S.*)|\.)?"
_HEADING = re.compile(r"(?:chapter|ch\.|stave)\s+" + NUMERAL, re.IGNORECASE)
_NAMED_HEADING = re.compile(r"(?P<title>(?:prologue|epilogue|interlude)(?:\s*[:.\-–—]\s*\S.*)?)", re.I)
ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})", re.I)
_ASIDE = re.compile(r"\[(?:illustration|frontispiece|transcriber)", re.IGNORECASE)
_AUTHOR_NOTE = re.compile(r"(?:a/n|an|author'?s? ?notes?)\s*[:\-–—]", re.I)
_FANDOM_NOTE = re.compile(r"\s*\([^()]*\)$")
_TEXT_MARKER = re.compile(r"[\W_]*(?:scene|line|page|section|pov|time)[ -]?(?:break|change|skip)[\W_]*", re.I)

_SECTION_NUMBER = re.compile(r"\[(?:[IVXLC]+|\d+)\]")
"""A section number in brackets standing alone ("[II]"): a scene break, not narration."""

_ASIDE_REACH = 20
"""Most lines a bracketed aside ("[Illustration: ...]") spans before its closing bracket."""

_END_NOTES = {"chapter end notes", "end notes", "work end notes", "notes:", "author's note:", "author's notes:"}
"""Labels that start the author's notes at the end of a chapter."""

_END_NOTES_REACH = 100
"""How many lines from the end of a chapter an end-notes label is looked for."""


@dataclass(frozen=True)
class Line:
    """One source line, without its newline."""

    start: int
    """Offset of the line's first character."""
    end: int
    """Offset one past its last character (before the newline)."""
    bare: str
    """The line stripped of surrounding whitespace."""
    aside: bool = False
    """True inside a bracketed illustration or transcriber's note: never narrated, never a heading."""


@dataclass(frozen=True)
class Section:
    """A chapter's lines before they become scenes."""

    number: int | None
    """Chapter number from the heading."""
    title: str
    """Chapter title."""
    head: tuple[Line, ...]
    """Chapter-level header lines (chapter summary and notes)."""
    body: tuple[Line, ...]
    """Body lines, chrome still in."""


def parse_text(source: Path, text: str) -> Work:
    """Split decoded `text` read from `source` into metadata, chapters, scenes and paragraphs."""
    lines = split_lines(text)
    if not any(line.bare for line in lines):
        raise _empty(source)
    fields, chapters = _read_page(text, lines)
    return build_work(source, text, fields, chapters)


def build_work(source: Path, text: str, fields: dict[str, str], chapters: list[Chapter]) -> Work:
    """The Work of `chapters` in `text` (titled after the file when `fields` has no title)."""
    fields.setdefault("title", source.stem)
    lists = {key: tag_list(fields.pop(key), key == "characters") for key in LIST_FIELDS & fields.keys()}
    return build_work_of(source, text, Metadata(**fields, **lists), chapters)  # type: ignore[arg-type]


def tag_list(value: str, characters: bool = False) -> tuple[str, ...]:
    """The tags of a comma-separated list (for characters, without AO3's parenthesised fandom)."""
    tags = (tag.strip() for tag in re.split(r"[,\n]", value))
    return tuple(dict.fromkeys(_FANDOM_NOTE.sub("", tag) if characters else tag for tag in tags if tag))


def build_work_of(source: Path, text: str, meta: Metadata, chapters: list[Chapter]) -> Work:
    """The Work of `chapters` in `text`. A chapter with neither number nor title is "Chapter N" by its place
    when no chapter has a number; otherwise (or when it is the only one) it is named after the work."""
    if not chapters:
        raise _empty(source)
    by_place = len(chapters) > 1 and all(chapter.number is None for chapter in chapters)
    named = [chapter if chapter.number is not None or chapter.title
             else replace(chapter, number=place) if by_place else replace(chapter, title=meta.title)
             for place, chapter in enumerate(chapters, 1)]
    return Work(source=source, text=text, meta=meta, chapters=tuple(named))


def _read_page(text: str, lines: list[Line]) -> tuple[dict[str, str], list[Chapter]]:
    """Header fields and chapters of a copied page (an AO3 chapter) or a short text."""
    header_end, sections = _layout(lines)
    fields = read_header(line.bare for line in lines[:header_end])
    chapters = []
    for section in sections:
        body, end_notes = _trim(section.body)
        found = group_scenes(text, body, book=False)
        head = read_header(line.bare for line in section.head)
        if found:
            chapters.append(Chapter(section.number, section.title, found, head.get("summary", ""),
                                    head.get("notes", ""), end_notes))
    return fields, chapters


def _empty(source: Path) -> InputError:
    """The error for a file with nothing to narrate."""
    return InputError(f"{source}: empty chapter (no text to narrate)")


def split_lines(text: str) -> list[Line]:
    """Every line of `text` with its offsets, bracketed illustrations and notes marked aside."""
    lines, start = [], 0
    for raw in text.split("\n"):
        lines.append(Line(start, start + len(raw), raw.strip(_WS)))
        start += len(raw) + 1
    return _mark_asides(lines)


def _mark_asides(lines: list[Line]) -> list[Line]:
    """`lines` with every bracketed illustration or transcriber's note ("[Illustration: ...]") marked aside."""
    marked = list(lines)
    for at, line in enumerate(lines):
        if _ASIDE.match(line.bare):
            for k in range(at, _aside_end(lines, at) + 1):
                marked[k] = replace(lines[k], aside=True)
    return marked


def _aside_end(lines: list[Line], at: int) -> int:
    """Index of the line that closes the aside opened on lines[at] (`at` itself if none does soon)."""
    depth = 0
    for k in range(at, min(at + _ASIDE_REACH, len(lines))):
        depth += lines[k].bare.count("[") - lines[k].bare.count("]")
        if depth <= 0:
            return k
    return at


# --- layout: where the header ends and the chapters are ---------------------------------


def _layout(lines: list[Line]) -> tuple[int, list[Section]]:
    """The header's end index and the chapter sections after it."""
    headings = [i for i, line in enumerate(lines) if chapter_heading(line.bare)]
    text_marker = next((i for i, line in enumerate(lines) if chrome_key(line.bare) in ("work text:", "work text")), None)
    starts = [i for i in (headings[:1] + [text_marker]) if i is not None]
    header_end = min(starts) if starts else _header_extent(lines)
    if header_end == 0 or not _is_header(lines[:header_end]):
        header_end = title_line_end(lines)
    sections = []
    if not headings or headings[0] > header_end and _has_text(lines[header_end : headings[0]]):
        first = headings[0] if headings else len(lines)
        sections.append(Section(None, "", (), tuple(lines[header_end:first])))
    for i, at in enumerate(headings):
        sections.append(_section(lines, at, headings[i + 1] if i + 1 < len(headings) else len(lines)))
    return header_end, sections


def _section(lines: list[Line], at: int, end: int) -> Section:
    """The chapter whose heading is lines[at], running to lines[end]."""
    number, title = chapter_heading(lines[at].bare) or (None, "")
    rest = lines[at + 1 : end]
    marker = next((i for i, line in enumerate(rest) if chrome_key(line.bare) == "chapter text"), None)
    if marker is not None:
        head = tuple(rest[:marker])
        title = title or read_header(line.bare for line in head).get("title", "")
        return Section(number, title, head, tuple(rest[marker + 1 :]))
    if not title and len(rest) > 1 and title_like(rest[0].bare, sentence_end=".,;:!?…") and not rest[1].bare:
        return Section(number, rest[0].bare, (), tuple(rest[1:]))
    return Section(number, title, (), tuple(rest))


def chapter_heading(bare: str) -> tuple[int | None, str] | None:
    """(number, title) when `bare` is a chapter heading line."""
    named = _NAMED_HEADING.fullmatch(bare)
    if named:
        return None, named["title"]
    match = _HEADING.fullmatch(bare)
    if not match:
        return None
    number = parse_number(match["num"])
    return None if number is None else (number, (match["title"] or "").strip())


def parse_number(token: str) -> int | None:
    """A chapter number written as digits, a Roman numeral or words ("twenty-one", "the first")."""
    token = re.sub(r"^the\s+", "", token, flags=re.IGNORECASE)
    if token.isdigit():
        return int(token)
    words = token.lower().split("-")
    if all(word in _NUMBER_WORDS for word in words):
        return sum(_NUMBER_WORDS[word] for word in words)
    if ROMAN.fullmatch(token) and token.upper() == token:
        values = [{"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}[c] for c in token.upper()]
        return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return None


def _header_extent(lines: list[Line]) -> int:
    """Where an AO3 header ends in a page with no chapter heading (0 when there is none)."""
    anchors, block, pending = 0, "", False
    for i, line in enumerate(lines):
        if is_header_line(line.bare):
            anchors += 1
            opens = awaits(line.bare)
            block, pending = ("waiting" if opens == "block" else ""), opens == "line"
        elif not line.bare:
            block = "" if block == "inside" else block
        elif block or pending:
            block, pending = ("inside" if block else ""), False
        elif not title_like(line.bare, sentence_end=".,;:\"”…!?"):
            return i if anchors >= 2 else 0
    return 0


def _is_header(lines: list[Line]) -> bool:
    """True when the lines before the body read as a header rather than as story text."""
    content = [line.bare for line in lines if line.bare]
    if any(is_header_line(bare) for bare in content):
        return True
    return len(content) <= 6 and all(title_like(bare, sentence_end=".,;:\"”…") for bare in content)


def title_line_end(lines: list[Line]) -> int:
    """For a text with no header: the index after its first line if that is a title, else 0."""
    first = next((i for i, line in enumerate(lines) if line.bare), 0)
    following = lines[first + 1] if first + 1 < len(lines) else None
    if title_like(lines[first].bare, sentence_end=".,;:\"”…") and (
        following is None or not following.bare or following.bare[-1] in ".!?\"”…"
    ):
        return first + 1
    return 0


def title_like(bare: str, sentence_end: str) -> bool:
    """True for a short line that reads like a title rather than a sentence."""
    return (
        0 < len(bare) <= 100 and len(bare.split()) <= 15 and bare[-1] not in sentence_end
        and bare[0] not in QUOTES and not is_marker(bare) and chapter_heading(bare) is None
    )  # fmt: skip


def _has_text(lines: list[Line]) -> bool:
    """True when some line is story text (not blank, chrome or a marker)."""
    return any(line.bare and not is_chrome(line.bare) and not is_marker(line.bare) for line in lines)


# --- markers and trimming -------------------------------------------------------------------


def is_marker(bare: str) -> bool:
    """True for a scene-break marker line such as `***`, `oOo`, `x x x`, `§` or `[II]`."""
    if not bare or any(q in bare for q in QUOTES):
        return False
    if _TEXT_MARKER.fullmatch(bare) or _SECTION_NUMBER.fullmatch(bare):
        return True
    core = "".join(bare.split())
    letters = [ch for ch in core if ch.isalnum()]
    if not letters:
        return not set(core) <= set(".…?!,;:")
    if not set(letters) <= set("oO0xX"):
        return False
    separated = len(bare) > len(letters) and len(bare) >= 3
    patterned = len(letters) >= 3 and len(set(letters)) >= 2 and letters == letters[::-1]
    return separated or patterned


def _trim(body: tuple[Line, ...]) -> tuple[tuple[Line, ...], str]:
    """Body lines without head/tail chrome and end notes, and the end notes' text."""
    lines = list(body)
    while lines and (not lines[0].bare or is_edge_chrome(lines[0].bare)):
        lines.pop(0)
    _drop_tail_chrome(lines)
    notes = _take_end_notes(lines)
    _drop_tail_chrome(lines)
    return tuple(lines), notes


def _drop_tail_chrome(lines: list[Line]) -> None:
    """Remove blank and interface lines from the end of `lines`."""
    while lines and (not lines[-1].bare or is_edge_chrome(lines[-1].bare)):
        lines.pop()


def _take_end_notes(lines: list[Line]) -> str:
    """Remove the end-notes block (or a closing A/N paragraph) from `lines` and return its text."""
    for i in range(len(lines) - 1, max(len(lines) - _END_NOTES_REACH, 0) - 1, -1):
        key = chrome_key(lines[i].bare)
        if key in _END_NOTES or key.rstrip(":") in ("chapter end notes", "end notes", "work end notes"):
            notes = [line.bare for line in lines[i + 1 :] if line.bare and not is_edge_chrome(line.bare)]
            del lines[i:]
            return "\n".join(notes)
    start = _last_paragraph_start(lines)
    if start is not None and _AUTHOR_NOTE.match(lines[start].bare):
        notes = [line.bare for line in lines[start:] if line.bare]
        del lines[start:]
        return "\n".join(notes)
    return ""


def _last_paragraph_start(lines: list[Line]) -> int | None:
    """Index of the first line of the last blank-separated paragraph."""
    if not lines:
        return None
    i = len(lines) - 1
    while i > 0 and lines[i - 1].bare:
        i -= 1
    return i


# --- scenes and paragraphs ------------------------------------------------------------------


def group_scenes(text: str, lines: tuple[Line, ...], book: bool) -> tuple[Scene, ...]:
    """Group body lines into scenes of paragraphs (in a book: wrapped paragraphs, scenes broken only by markers)."""
    wrapped = book or _is_hard_wrapped(lines)
    scenes: list[tuple[Paragraph, ...]] = []
    paragraphs: list[Paragraph] = []
    block: list[Line] = []
    blanks = 0
    for line in lines:
        if _is_text(line, book):
            if blanks >= 2 and not book:
                _close(scenes, paragraphs)
            if block and not wrapped:
                paragraphs.append(_paragraph(text, block))
                block = []
            block.append(line)
            blanks = 0
            continue
        if block:
            paragraphs.append(_paragraph(text, block))
            block = []
        if not line.aside and is_marker(line.bare):
            _close(scenes, paragraphs)
        blanks = blanks + 1 if not line.bare else 0
    if block:
        paragraphs.append(_paragraph(text, block))
    _close(scenes, paragraphs)
    return tuple(Scene(n, paras) for n, paras in enumerate(scenes, 1))


def _is_text(line: Line, book: bool) -> bool:
    """True for a line of story text: not blank, an aside or a marker (nor, on a page, chrome)."""
    return bool(line.bare) and not line.aside and not is_marker(line.bare) and (book or not is_chrome(line.bare))


def _close(scenes: list[tuple[Paragraph, ...]], paragraphs: list[Paragraph]) -> None:
    """End the current scene (if it has paragraphs) and start a new one."""
    if paragraphs:
        scenes.append(tuple(paragraphs))
        paragraphs.clear()


def _paragraph(text: str, block: list[Line]) -> Paragraph:
    """The paragraph made of consecutive lines `block`, trimmed of outer whitespace."""
    start, end = block[0].start, block[-1].end
    while text[start] in _WS:
        start += 1
    while text[end - 1] in _WS:
        end -= 1
    return Paragraph(text[start:end], start, end)


def _is_hard_wrapped(lines: tuple[Line, ...]) -> bool:
    """True when paragraphs are wrapped over several lines: lines mostly full, or breaking mid-sentence."""
    lengths = sorted(len(line.bare) for line in lines if line.bare)
    pairs = [(a.bare, b.bare) for a, b in zip(lines, lines[1:]) if a.bare and b.bare]
    if len(pairs) < 2:
        return False
    width = lengths[int(0.95 * (len(lengths) - 1))]
    long_enough = sum(1 for a, _ in pairs if len(a) >= 0.6 * width)
    mid_sentence = sum(1 for a, b in pairs if a[-1] not in _CLOSING or b[0].islower())
    return width <= 100 and (long_enough >= 0.8 * len(pairs) or mid_sentence >= 0.5 * len(pairs))
