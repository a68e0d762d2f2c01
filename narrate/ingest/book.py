"""Project Gutenberg books: chapters among the boilerplate, title page, contents and front matter.

A book is known by its START line (the Gutenberg header above it gives the
metadata) or, with the boilerplate stripped, by a table of contents whose
headings the text then repeats. Its title page, contents and lists are left
out, its parts are not chapters, its paragraphs are hard-wrapped and its scenes
break only at markers. Lines, headings and scenes are read as in `text`, the
Gutenberg header by `header`, boilerplate recognised by `chrome`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from narrate.ingest.chrome import is_book_credit, is_book_end, is_book_start
from narrate.ingest.header import read_book_header
from narrate.ingest.text import (
    NUMERAL, QUOTES, ROMAN, Line, Section, build_work, chapter_heading, group_scenes, parse_number, split_lines,
    title_like, title_line_end,
)  # fmt: skip
from narrate.model import Chapter, Work

_PART = re.compile(r"(?:book|part|volume|vol\.)\s+" + NUMERAL, re.IGNORECASE)
_ROMAN_HEADING = re.compile(r"(?P<num>[IVXLCDM]+)(?:\.(?:\s+(?P<title>\S.*))?)?")
_FRONT = re.compile(
    r"(?P<list>(?:table of )?contents|(?:list of )?illustrations|dedication|transcriber'?s notes?)"
    r"|(?:the )?(?:author'?s )?(?:preface|introduction|foreword)(?: to .+)?",
    re.IGNORECASE,
)

_PROSE_WORDS = 12
"""Fewest words in a paragraph of prose (title pages and lists have fewer, or mostly capitals)."""

_KNOWN_LENGTH = 20
"""Fewest letters a title-page block needs to be recognised from the Gutenberg header."""

_HEADS = ("chapter", "part")
"""Kinds of book marks a table of contents lists."""

_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to"}
"""Words left in lower case inside a title."""


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


def parse_book(source: Path, text: str) -> Work | None:
    """The Work in decoded `text` read from `source` if it is a Project Gutenberg book, else None.

    A book without its START line is one only if it has a table of contents that the text repeats.
    """
    lines = split_lines(text)
    start = next((i for i, line in enumerate(lines) if is_book_start(line.bare)), -1)
    end = next((i for i in range(start + 1, len(lines)) if is_book_end(lines[i].bare)), len(lines))
    body = lines[start + 1 : end]
    found = _found_marks(body)
    marks = _without_contents(found, body)
    if start < 0 and len(marks) == len(found):
        return None
    header = [text[line.start : line.end] for line in lines[: max(start, 0)]]
    fields = read_book_header(header) if start >= 0 else _title_page_title(body, marks[0].at)
    return build_work(source, text, fields, _chapters(text, body, marks, _plain(" ".join(header))))


def _title_page_title(lines: list[Line], end: int) -> dict[str, str]:
    """For a book without its Gutenberg header: the title its first line (after credits) gives, if any."""
    first = next((i for i, line in enumerate(lines[:end]) if line.bare and not is_book_credit(line.bare)), end)
    if first < end and title_line_end(lines[first:]):
        return {"title": _tidy(lines[first].bare)}
    return {}


def _chapters(text: str, lines: list[Line], marks: list[_Mark], known: str) -> list[Chapter]:
    """The chapters (with text) that `marks` open in a book's `lines`."""
    sections = [(section, group_scenes(text, section.body, book=True)) for section in _sections(lines, marks, known)]
    return [Chapter(section.number, section.title, found) for section, found in sections if found]


def _sections(lines: list[Line], marks: list[_Mark], known: str) -> list[Section]:
    """A book's chapters and kept front matter in order, opened by `marks` (`known`: its header, plain)."""
    if not marks:
        return [Section(None, "", (), _from_prose(lines, known) or tuple(lines))]
    ends = [mark.at for mark in marks[1:]] + [len(lines)]
    opening = Section(None, "", (), _from_prose(lines[: marks[0].at], known))
    return [opening] + [_section(lines[mark.at + 1 : end], mark, known) for mark, end in zip(marks, ends)]


def _section(rest: list[Line], mark: _Mark, known: str) -> Section:
    """The section `mark` opens, `rest` being its lines after the mark (only a chapter keeps lines before prose)."""
    if mark.kind != "chapter":
        return Section(None, mark.title, (), _from_prose(rest, known))
    if mark.title:
        return Section(mark.number, mark.title, (), tuple(rest))
    title, body = _title_block(rest)
    return Section(mark.number, title, (), body)


def _found_marks(lines: list[Line]) -> list[_Mark]:
    """The lines opening chapters, parts, front matter and lists (entries of a table of contents still in)."""
    found: list[_Mark] = []
    after = "blank"
    for at, line in enumerate(lines):
        mark = _mark(at, line.bare, after) if line.bare and not line.aside and after else None
        found += [mark] if mark else []
        after = "blank" if not line.bare or line.aside else "mark" if mark else ""
    return _parts_over_chapters(_numerals_as_chapters(found))


def _mark(at: int, bare: str, after: str) -> _Mark | None:
    """The mark line `bare` makes after a blank line or another mark (numerals and front matter: a blank)."""
    heading, part = chapter_heading(bare), _PART.fullmatch(bare)
    roman, front = _ROMAN_HEADING.fullmatch(bare), _FRONT.fullmatch(bare.rstrip(" .:"))
    if heading:
        return _Mark(at, "chapter", heading[0], _tidy(heading[1]))
    if part and parse_number(part["num"]) is not None:
        return _Mark(at, "part", parse_number(part["num"]), _tidy(bare))
    if after != "blank":
        return None
    if roman and parse_number(roman["num"]) and (not roman["title"] or title_like(roman["title"], ".!?…,;:")):
        return _Mark(at, "roman", parse_number(roman["num"]), _tidy(roman["title"] or ""))
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


def _without_contents(marks: list[_Mark], lines: list[Line]) -> list[_Mark]:
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


def _listed_to(marks: list[_Mark], k: int, repeats: dict[int, int], lines: list[Line]) -> int:
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


def _title_block(rest: list[Line]) -> tuple[str, tuple[Line, ...]]:
    """(title, body) of a chapter whose heading line has no title: the title is a short block right after it."""
    i = next((k for k, line in enumerate(rest) if line.bare and not line.aside), len(rest))
    j = next((k for k in range(i, len(rest)) if not rest[k].bare or rest[k].aside), len(rest))
    block = [line.bare for line in rest[i:j]]
    if block and j < len(rest) and _is_title(block):
        return _tidy(" ".join(block)), tuple(rest[j:])
    return "", tuple(rest)


def _is_title(block: list[str]) -> bool:
    """True for the lines of a chapter title: one short line, or up to three in capitals."""
    if len(block) == 1 and title_like(block[0], ".!?…,;:"):
        return True
    capitals = not any(ch.islower() for line in block for ch in line) and any(ch.isalpha() for ch in block[0])
    return capitals and len(block) <= 3 and all(title_like(line, "") for line in block)


def _from_prose(lines: Sequence[Line], known: str) -> tuple[Line, ...]:
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
    lower = sum(1 for word in words if word.lstrip(QUOTES + "([_*")[:1].islower())
    return block[0][0] in QUOTES or len(words) >= _PROSE_WORDS and 2 * lower >= len(words)


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
    if len(word) > 1 and ROMAN.fullmatch(word):
        return word
    low = word.lower()
    return low if low in _SMALL_WORDS and not first else low.capitalize()
