"""Plain text: where the header ends, chapters, scenes and paragraphs.

Two layouts: a copied page (an AO3 chapter, or any short text) and a Project
Gutenberg book, known by its START line, whose title page, contents and lists
are left out and whose parts are not chapters. Works on the decoded text line
by line; every Paragraph keeps its offsets into the text so that
`work.text[p.start:p.end] == p.text`. Header fields are read by `header`,
interface lines and Gutenberg boilerplate recognised by `chrome`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from narrate.errors import InputError
from narrate.ingest.chrome import chrome_key, is_book_credit, is_book_end, is_book_start, is_chrome, is_edge_chrome
from narrate.ingest.header import awaits, is_header_line, read_book_header, read_header
from narrate.model import Chapter, Metadata, Paragraph, Scene, Work

_WS = (
    " \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
)
"""Characters treated as whitespace, including the BOM and zero-width space."""

_QUOTES = "\"'“”„«»‘’‹›"
"""Quotation marks: a line holding one is never a scene-break marker."""

_CLOSING = ".!?…:;—-)*~" + _QUOTES
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

_NUMERAL = r"(?P<num>\d+|(?:the\s+)?[a-z]+(?:-[a-z]+)?)(?:\s*[:.\-–—|]+\s*(?P<title>\S.*)|\.)?"
_HEADING = re.compile(r"(?:chapter|ch\.|stave)\s+" + _NUMERAL, re.IGNORECASE)
_NAMED_HEADING = re.compile(r"(?P<title>(?:prologue|epilogue|interlude)(?:\s*[:.\-–—]\s*\S.*)?)", re.I)
_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})", re.I)
_PART = re.compile(r"(?:book|part|volume|vol\.)\s+" + _NUMERAL, re.IGNORECASE)
_ROMAN_HEADING = re.compile(r"(?P<num>[IVXLCDM]+)(?:\.(?:\s+(?P<title>\S.*))?)?")
_FRONT = re.compile(
    r"(?P<list>(?:table of )?contents|(?:list of )?illustrations|dedication|transcriber'?s notes?)"
    r"|(?:the )?(?:author'?s )?(?:preface|introduction|foreword)(?: to .+)?",
    re.IGNORECASE,
)
_ASIDE = re.compile(r"\[(?:illustration|frontispiece|transcriber)", re.IGNORECASE)
_AUTHOR_NOTE = re.compile(r"(?:a/n|an|author'?s? ?notes?)\s*[:\-–—]", re.I)
_TEXT_MARKER = re.compile(r"[\W_]*(?:scene|line|page|section|pov|time)[ -]?(?:break|change|skip)[\W_]*", re.I)

_ASIDE_REACH = 20
"""Most lines a bracketed aside ("[Illustration: ...]") spans before its closing bracket."""

_PROSE_WORDS = 12
"""Fewest words in a paragraph of prose (title pages and lists have fewer, or mostly capitals)."""

_KNOWN_LENGTH = 20
"""Fewest letters a title-page block needs to be recognised from the Gutenberg header."""

_HEADS = ("chapter", "part")
"""Kinds of book marks a table of contents lists."""

_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to"}
"""Words left in lower case inside a title."""

_END_NOTES = {"chapter end notes", "end notes", "work end notes", "notes:", "author's note:", "author's notes:"}
"""Labels that start the author's notes at the end of a chapter."""

_END_NOTES_REACH = 100
"""How many lines from the end of a chapter an end-notes label is looked for."""


@dataclass(frozen=True)
class _Line:
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
class _Section:
    """A chapter's lines before they become scenes."""

    number: int | None
    """Chapter number from the heading."""
    title: str
    """Chapter title."""
    head: tuple[_Line, ...]
    """Chapter-level header lines (chapter summary and notes)."""
    body: tuple[_Line, ...]
    """Body lines, chrome still in."""


def parse_text(source: Path, text: str) -> Work:
    """Split decoded `text` read from `source` into metadata, chapters, scenes and paragraphs."""
    lines = _mark_asides(_split_lines(text))
    if not any(line.bare for line in lines):
        raise _empty(source)
    span = _book_span(lines)
    fields, chapters = _read_book(text, lines, span) if span else _read_page(text, lines)
    if not chapters:
        raise _empty(source)
    fields.setdefault("title", source.stem)
    return Work(source=source, text=text, meta=Metadata(**fields), chapters=tuple(chapters))


def _read_page(text: str, lines: list[_Line]) -> tuple[dict[str, str], list[Chapter]]:
    """Header fields and chapters of a copied page (an AO3 chapter) or a short text."""
    header_end, sections = _layout(lines)
    fields = read_header(line.bare for line in lines[:header_end])
    chapters, notes = [], [fields.pop("notes", "")]
    for section in sections:
        body, end_notes = _trim(section.body)
        scenes = _scenes(text, body, book=False)
        head = read_header(line.bare for line in section.head)
        notes += [head.get("summary", ""), head.get("notes", ""), end_notes]
        if scenes:
            chapters.append(Chapter(section.number, section.title, scenes))
    fields["notes"] = "\n\n".join(n for n in notes if n)
    return fields, chapters


def _read_book(text: str, lines: list[_Line], span: tuple[int, int]) -> tuple[dict[str, str], list[Chapter]]:
    """Header fields and chapters of a Gutenberg book: its header, then the lines between START and END."""
    start, end = span
    header = [text[line.start : line.end] for line in lines[:start]]
    sections = _book_sections(lines[start + 1 : end], _plain(" ".join(header)))
    scenes = [(section, _scenes(text, section.body, book=True)) for section in sections]
    chapters = [Chapter(section.number, section.title, found) for section, found in scenes if found]
    return read_book_header(header), chapters


def _empty(source: Path) -> InputError:
    """The error for a file with nothing to narrate."""
    return InputError(f"{source}: empty chapter (no text to narrate)")


def _split_lines(text: str) -> list[_Line]:
    """Every line of `text` with its offsets."""
    lines, start = [], 0
    for raw in text.split("\n"):
        lines.append(_Line(start, start + len(raw), raw.strip(_WS)))
        start += len(raw) + 1
    return lines


def _mark_asides(lines: list[_Line]) -> list[_Line]:
    """`lines` with every bracketed illustration or transcriber's note ("[Illustration: ...]") marked aside."""
    marked = list(lines)
    for at, line in enumerate(lines):
        if _ASIDE.match(line.bare):
            for k in range(at, _aside_end(lines, at) + 1):
                marked[k] = replace(lines[k], aside=True)
    return marked


def _aside_end(lines: list[_Line], at: int) -> int:
    """Index of the line that closes the aside opened on lines[at] (`at` itself if none does soon)."""
    depth = 0
    for k in range(at, min(at + _ASIDE_REACH, len(lines))):
        depth += lines[k].bare.count("[") - lines[k].bare.count("]")
        if depth <= 0:
            return k
    return at


# --- layout: where the header ends and the chapters are ---------------------------------


def _layout(lines: list[_Line]) -> tuple[int, list[_Section]]:
    """The header's end index and the chapter sections after it."""
    headings = [i for i, line in enumerate(lines) if _heading(line.bare)]
    text_marker = next((i for i, line in enumerate(lines) if chrome_key(line.bare) in ("work text:", "work text")), None)
    starts = [i for i in (headings[:1] + [text_marker]) if i is not None]
    header_end = min(starts) if starts else _header_extent(lines)
    if header_end == 0 or not _is_header(lines[:header_end]):
        header_end = _title_line_end(lines)
    sections = []
    if not headings or headings[0] > header_end and _has_text(lines[header_end : headings[0]]):
        first = headings[0] if headings else len(lines)
        sections.append(_Section(None, "", (), tuple(lines[header_end:first])))
    for i, at in enumerate(headings):
        sections.append(_section(lines, at, headings[i + 1] if i + 1 < len(headings) else len(lines)))
    return header_end, sections


def _section(lines: list[_Line], at: int, end: int) -> _Section:
    """The chapter whose heading is lines[at], running to lines[end]."""
    number, title = _heading(lines[at].bare) or (None, "")
    rest = lines[at + 1 : end]
    marker = next((i for i, line in enumerate(rest) if chrome_key(line.bare) == "chapter text"), None)
    if marker is not None:
        head = tuple(rest[:marker])
        title = title or read_header(line.bare for line in head).get("title", "")
        return _Section(number, title, head, tuple(rest[marker + 1 :]))
    if not title and len(rest) > 1 and _title_like(rest[0].bare, sentence_end=".,;:!?…") and not rest[1].bare:
        return _Section(number, rest[0].bare, (), tuple(rest[1:]))
    return _Section(number, title, (), tuple(rest))


def _heading(bare: str) -> tuple[int | None, str] | None:
    """(number, title) when `bare` is a chapter heading line."""
    named = _NAMED_HEADING.fullmatch(bare)
    if named:
        return None, named["title"]
    match = _HEADING.fullmatch(bare)
    if not match:
        return None
    number = _number(match["num"])
    return None if number is None else (number, (match["title"] or "").strip())


def _number(token: str) -> int | None:
    """A chapter number written as digits, a Roman numeral or words ("twenty-one", "the first")."""
    token = re.sub(r"^the\s+", "", token, flags=re.IGNORECASE)
    if token.isdigit():
        return int(token)
    words = token.lower().split("-")
    if all(word in _NUMBER_WORDS for word in words):
        return sum(_NUMBER_WORDS[word] for word in words)
    if _ROMAN.fullmatch(token) and token.upper() == token:
        values = [{"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}[c] for c in token.upper()]
        return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return None


def _header_extent(lines: list[_Line]) -> int:
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
        elif not _title_like(line.bare, sentence_end=".,;:\"”…!?"):
            return i if anchors >= 2 else 0
    return 0


def _is_header(lines: list[_Line]) -> bool:
    """True when the lines before the body read as a header rather than as story text."""
    content = [line.bare for line in lines if line.bare]
    if any(is_header_line(bare) for bare in content):
        return True
    return len(content) <= 6 and all(_title_like(bare, sentence_end=".,;:\"”…") for bare in content)


def _title_line_end(lines: list[_Line]) -> int:
    """For a text with no header: the index after its first line if that is a title, else 0."""
    first = next((i for i, line in enumerate(lines) if line.bare), 0)
    following = lines[first + 1] if first + 1 < len(lines) else None
    if _title_like(lines[first].bare, sentence_end=".,;:\"”…") and (
        following is None or not following.bare or following.bare[-1] in ".!?\"”…"
    ):
        return first + 1
    return 0


def _title_like(bare: str, sentence_end: str) -> bool:
    """True for a short line that reads like a title rather than a sentence."""
    return (
        0 < len(bare) <= 100 and len(bare.split()) <= 15 and bare[-1] not in sentence_end
        and bare[0] not in _QUOTES and not _is_marker(bare) and _heading(bare) is None
    )  # fmt: skip


def _has_text(lines: list[_Line]) -> bool:
    """True when some line is story text (not blank, chrome or a marker)."""
    return any(line.bare and not is_chrome(line.bare) and not _is_marker(line.bare) for line in lines)


# --- markers and trimming -------------------------------------------------------------------


def _is_marker(bare: str) -> bool:
    """True for a scene-break marker line such as `***`, `oOo`, `x x x` or `§`."""
    if not bare or any(q in bare for q in _QUOTES):
        return False
    if _TEXT_MARKER.fullmatch(bare):
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


def _trim(body: tuple[_Line, ...]) -> tuple[tuple[_Line, ...], str]:
    """Body lines without head/tail chrome and end notes, and the end notes' text."""
    lines = list(body)
    while lines and (not lines[0].bare or is_edge_chrome(lines[0].bare)):
        lines.pop(0)
    _drop_tail_chrome(lines)
    notes = _take_end_notes(lines)
    _drop_tail_chrome(lines)
    return tuple(lines), notes


def _drop_tail_chrome(lines: list[_Line]) -> None:
    """Remove blank and interface lines from the end of `lines`."""
    while lines and (not lines[-1].bare or is_edge_chrome(lines[-1].bare)):
        lines.pop()


def _take_end_notes(lines: list[_Line]) -> str:
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


def _last_paragraph_start(lines: list[_Line]) -> int | None:
    """Index of the first line of the last blank-separated paragraph."""
    if not lines:
        return None
    i = len(lines) - 1
    while i > 0 and lines[i - 1].bare:
        i -= 1
    return i


# --- scenes and paragraphs ------------------------------------------------------------------


def _scenes(text: str, lines: tuple[_Line, ...], book: bool) -> tuple[Scene, ...]:
    """Group body lines into scenes of paragraphs (in a book: wrapped paragraphs, scenes broken only by markers)."""
    wrapped = book or _is_hard_wrapped(lines)
    scenes: list[tuple[Paragraph, ...]] = []
    paragraphs: list[Paragraph] = []
    block: list[_Line] = []
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
        if not line.aside and _is_marker(line.bare):
            _close(scenes, paragraphs)
        blanks = blanks + 1 if not line.bare else 0
    if block:
        paragraphs.append(_paragraph(text, block))
    _close(scenes, paragraphs)
    return tuple(Scene(n, paras) for n, paras in enumerate(scenes, 1))


def _is_text(line: _Line, book: bool) -> bool:
    """True for a line of story text: not blank, an aside or a marker (nor, on a page, chrome)."""
    return bool(line.bare) and not line.aside and not _is_marker(line.bare) and (book or not is_chrome(line.bare))


def _close(scenes: list[tuple[Paragraph, ...]], paragraphs: list[Paragraph]) -> None:
    """End the current scene (if it has paragraphs) and start a new one."""
    if paragraphs:
        scenes.append(tuple(paragraphs))
        paragraphs.clear()


def _paragraph(text: str, block: list[_Line]) -> Paragraph:
    """The paragraph made of consecutive lines `block`, trimmed of outer whitespace."""
    start, end = block[0].start, block[-1].end
    while text[start] in _WS:
        start += 1
    while text[end - 1] in _WS:
        end -= 1
    return Paragraph(text[start:end], start, end)


def _is_hard_wrapped(lines: tuple[_Line, ...]) -> bool:
    """True when paragraphs are wrapped over several lines: lines mostly full, or breaking mid-sentence."""
    lengths = sorted(len(line.bare) for line in lines if line.bare)
    pairs = [(a.bare, b.bare) for a, b in zip(lines, lines[1:]) if a.bare and b.bare]
    if len(pairs) < 2:
        return False
    width = lengths[int(0.95 * (len(lengths) - 1))]
    long_enough = sum(1 for a, _ in pairs if len(a) >= 0.6 * width)
    mid_sentence = sum(1 for a, b in pairs if a[-1] not in _CLOSING or b[0].islower())
    return width <= 100 and (long_enough >= 0.8 * len(pairs) or mid_sentence >= 0.5 * len(pairs))


# --- books: Project Gutenberg texts --------------------------------------------------------------


@dataclass(frozen=True)
class _Mark:
    """A line that opens a part of a book."""

    at: int
    """Index of the line among the book's lines."""
    kind: str
    """"chapter", "roman" (a bare numeral not yet checked), "part", "front" (a preface) or "list" (contents)."""
    number: int | None
    """Chapter or part number."""
    title: str
    """The title the line itself gives."""


def _book_span(lines: list[_Line]) -> tuple[int, int] | None:
    """(index of the START line, index of the END line) of a Gutenberg book; None for any other text."""
    start = next((i for i, line in enumerate(lines) if is_book_start(line.bare)), None)
    if start is None:
        return None
    return start, next((i for i in range(start + 1, len(lines)) if is_book_end(lines[i].bare)), len(lines))


def _book_sections(lines: list[_Line], known: str) -> list[_Section]:
    """A book's chapters and kept front matter in order, from the lines between START and END."""
    marks = _marks(lines)
    if not marks:
        return [_Section(None, "", (), _from_prose(lines, known) or tuple(lines))]
    ends = [mark.at for mark in marks[1:]] + [len(lines)]
    opening = _Section(None, "", (), _from_prose(lines[: marks[0].at], known))
    return [opening] + [_book_section(lines[mark.at + 1 : end], mark, known) for mark, end in zip(marks, ends)]


def _book_section(rest: list[_Line], mark: _Mark, known: str) -> _Section:
    """The section `mark` opens, `rest` being its lines after the mark (only a chapter keeps lines before prose)."""
    if mark.kind != "chapter":
        return _Section(None, mark.title, (), _from_prose(rest, known))
    if mark.title:
        return _Section(mark.number, mark.title, (), tuple(rest))
    title, body = _title_block(rest)
    return _Section(mark.number, title, (), body)


def _marks(lines: list[_Line]) -> list[_Mark]:
    """The lines opening chapters, parts, front matter and lists; entries of a table of contents left out."""
    found: list[_Mark] = []
    after = "blank"
    for at, line in enumerate(lines):
        mark = _mark(at, line.bare, after) if line.bare and not line.aside and after else None
        found += [mark] if mark else []
        after = "blank" if not line.bare or line.aside else "mark" if mark else ""
    return _without_contents(_parts_over_chapters(_numerals_as_chapters(found)), lines)


def _mark(at: int, bare: str, after: str) -> _Mark | None:
    """The mark line `bare` makes after a blank line or another mark (numerals and front matter: a blank)."""
    heading, part = _heading(bare), _PART.fullmatch(bare)
    roman, front = _ROMAN_HEADING.fullmatch(bare), _FRONT.fullmatch(bare.rstrip(" .:"))
    if heading:
        return _Mark(at, "chapter", heading[0], _tidy(heading[1]))
    if part and _number(part["num"]) is not None:
        return _Mark(at, "part", _number(part["num"]), _tidy(bare))
    if after != "blank":
        return None
    if roman and _number(roman["num"]) and (not roman["title"] or _title_like(roman["title"], ".!?…,;:")):
        return _Mark(at, "roman", _number(roman["num"]), _tidy(roman["title"] or ""))
    if front:
        return _Mark(at, "list" if front["list"] else "front", None, "" if front["list"] else _tidy(bare))
    return None


def _numerals_as_chapters(marks: list[_Mark]) -> list[_Mark]:
    """`marks` with bare numerals as chapters: only in a book without "Chapter" headings, counting I, II, III..."""
    worded = any(mark.kind == "chapter" and mark.number is not None for mark in marks)
    kept: list[_Mark] = []
    last = 0
    for mark in marks:
        if mark.kind == "roman":
            if worded or mark.number not in (1, last + 1):
                continue
            last = mark.number or 0
            mark = replace(mark, kind="chapter")
        kept.append(mark)
    return kept


def _parts_over_chapters(marks: list[_Mark]) -> list[_Mark]:
    """`marks` without part headings that no chapter heading follows (such lines stay text)."""
    kept: list[_Mark] = []
    following = ""
    for mark in reversed(marks):
        if mark.kind == "part" and following != "chapter":
            continue
        following = mark.kind if mark.kind in _HEADS else following
        kept.append(mark)
    return kept[::-1]


def _without_contents(marks: list[_Mark], lines: list[_Line]) -> list[_Mark]:
    """`marks` without the headings listed by each table of contents (up to where the book repeats the first)."""
    repeats = _next_alike(marks)
    kept: list[_Mark] = []
    listed_to = 0
    for k, mark in enumerate(marks):
        if k < listed_to and mark.kind in _HEADS:
            continue
        kept.append(mark)
        if mark.kind == "list" and k >= listed_to:
            listed_to = _listed_to(marks, k, repeats, lines)
    return kept


def _listed_to(marks: list[_Mark], k: int, repeats: dict[int, int], lines: list[_Line]) -> int:
    """Index of the mark where the book repeats the first heading the contents at marks[k] lists (k: it never does).

    Entries hold no prose, except perhaps the last: an untitled preface after the contents, which then
    becomes part of the contents' own section and is kept from its first prose on.
    """
    first = next((j for j in range(k + 1, len(marks)) if marks[j].kind in _HEADS), None)
    again = repeats.get(first) if first is not None else None
    if first is None or again is None:
        return k
    previous = first
    for j in range(first + 1, again):
        if marks[j].kind in _HEADS:
            if _from_prose(lines[marks[previous].at + 1 : marks[previous + 1].at], ""):
                return k
            previous = j
    return again


def _next_alike(marks: list[_Mark]) -> dict[int, int]:
    """For each heading mark's index, the index of the next mark with the same key."""
    following: dict[int, int] = {}
    seen: dict[tuple[str, int | None, str], int] = {}
    for j in range(len(marks) - 1, -1, -1):
        key = _key(marks[j])
        if key in seen:
            following[j] = seen[key]
        seen[key] = j
    return following


def _key(mark: _Mark) -> tuple[str, int | None, str]:
    """What a heading and its contents entry have in common."""
    return mark.kind, mark.number, "" if mark.number is not None else mark.title.casefold()


def _title_block(rest: list[_Line]) -> tuple[str, tuple[_Line, ...]]:
    """(title, body) of a chapter whose heading line has no title: the title is a short block right after it."""
    i = next((k for k, line in enumerate(rest) if line.bare and not line.aside), len(rest))
    j = next((k for k in range(i, len(rest)) if not rest[k].bare or rest[k].aside), len(rest))
    block = [line.bare for line in rest[i:j]]
    if block and j < len(rest) and _is_title(block):
        return _tidy(" ".join(block)), tuple(rest[j:])
    return "", tuple(rest)


def _is_title(block: list[str]) -> bool:
    """True for the lines of a chapter title: one short line, or up to three in capitals."""
    if len(block) == 1 and _title_like(block[0], ".!?…,;:"):
        return True
    capitals = not any(ch.islower() for line in block for ch in line) and any(ch.isalpha() for ch in block[0])
    return capitals and len(block) <= 3 and all(_title_like(line, "") for line in block)


def _from_prose(lines: Sequence[_Line], known: str) -> tuple[_Line, ...]:
    """`lines` from their first paragraph of prose on (none: empty); title page, lists and credits before it go."""
    start = 0
    for i in range(len(lines) + 1):
        if i < len(lines) and lines[i].bare and not lines[i].aside:
            continue
        if i > start and _is_prose([line.bare for line in lines[start:i]], known):
            return tuple(lines[start:])
        start = i + 1
    return ()


def _is_prose(block: list[str], known: str) -> bool:
    """True for a paragraph of story: quoted speech, or a dozen words mostly in lower case.

    Never a credit, nor a block the Gutenberg header (`known`, plain) already holds: a title and its subtitle.
    """
    plain = _plain(" ".join(block))
    if is_book_credit(block[0]) or len(plain) >= _KNOWN_LENGTH and plain in known:
        return False
    words = " ".join(block).split()
    lower = sum(1 for word in words if word.lstrip(_QUOTES + "([_*")[:1].islower())
    return block[0][0] in _QUOTES or len(words) >= _PROSE_WORDS and 2 * lower >= len(words)


def _plain(text: str) -> str:
    """`text` in lower case with everything but letters and digits removed, for loose comparison."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _tidy(title: str) -> str:
    """A heading's title without closing stops, and in title case if written in capitals."""
    title = title.strip(" .:")
    if any(ch.islower() for ch in title):
        return title
    return re.sub(r"[A-Z][A-Z'’]*", lambda word: _title_word(word[0], word.start() == 0), title)


def _title_word(word: str, first: bool) -> str:
    """One capitalised word of a title in title case (Roman numerals kept)."""
    if len(word) > 1 and _ROMAN.fullmatch(word):
        return word
    low = word.lower()
    return low if low in _SMALL_WORDS and not first else low.capitalize()
