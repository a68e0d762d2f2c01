"""Markup: the paragraphs and scene breaks of an (X)HTML element, and the plain text narrate builds from them.

HTML and EPUB input are read with lxml; `blocks` walks an element in document
order and returns its paragraphs (whitespace collapsed, a single `<br>` kept as
a line break, two or more ending the paragraph) with `BREAK` where a scene
breaks (`<hr>`, or a paragraph that is only a marker such as `* * *`).
`TextBuilder` lays the chapters out as plain text (headings, paragraphs
separated by blank lines, `* * *` at scene breaks): that text is `Work.text`,
and every offset narrate reports for HTML or EPUB input points into it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lxml import etree

from narrate.ingest.text import is_marker
from narrate.model import Chapter, Paragraph, Scene

BREAK = None
"""A scene break among the blocks."""


@dataclass(frozen=True)
class Heading:
    """A heading asked for by `blocks`, where it stands among the paragraphs."""

    text: str
    """The heading's text on one line."""


Block = str | Heading | None
"""A paragraph's text, a heading, or BREAK."""

BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
"""Elements that start and end a paragraph."""

SKIPPED_TAGS = frozenset("head script style title img svg math rt rp noscript template object iframe".split())
"""Elements whose content is never read."""

GUTENBERG_BOILERPLATE_IDS = frozenset({"pg-header", "pg-footer", "pg-machine-header", "pg-start-separator",
                                       "pg-end-separator"})
"""Ids of Project Gutenberg's boilerplate sections in its HTML and EPUB books."""

_NOTE_TYPES = {"noteref", "footnote", "endnote", "rearnote", "pagebreak"}
"""epub:type values of references and notes that break the reading."""

_SPACES = re.compile(r"[^\S\n]+")
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def tag_name(element: etree._Element) -> str:
    """The element's tag without its namespace, in lower case ("" for comments, processing instructions and the
    odd names a damaged file's recovery can make)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    try:
        return etree.QName(tag).localname.lower()
    except ValueError:
        return ""


def classes(element: etree._Element) -> set[str]:
    """The element's class names."""
    return set((element.get("class") or "").split())


def epub_types(element: etree._Element) -> set[str]:
    """The element's epub:type values (EPUB 3), also when an HTML parser kept the attribute's name as written."""
    return set((element.get(_EPUB_TYPE) or element.get("epub:type") or "").split())


def blocks(element: etree._Element, skip: Iterable[etree._Element] = (),
           headings: Iterable[etree._Element] = ()) -> list[Block]:
    """The paragraphs and scene breaks of `element` in reading order, leaving out the elements in `skip`; each
    element in `headings` is one Heading block."""
    walker = _Walker(set(skip), set(headings))
    walker.walk(element)
    walker.flush()
    return walker.found


def plain(element: etree._Element) -> str:
    """The text of `element` as paragraphs separated by blank lines (for summaries and notes)."""
    return "\n\n".join(block for block in blocks(element) if isinstance(block, str))


def inline_text(element: etree._Element) -> str:
    """The text of `element` on one line, whitespace collapsed (a `<br>` is a space)."""
    return " ".join(_joined_text(element, " ").split())


def heading_text(element: etree._Element) -> str:
    """A heading's text on one line, its lines ("CHAPTER I.<br/>The Ferry") joined as sentences."""
    lines = [" ".join(line.split()) for line in _joined_text(element, "\n").split("\n")]
    said = ""
    for line in filter(None, lines):
        said = f"{said}{' ' if not said or said[-1] in '.:!?' else '. '}{line}" if said else line
    return said


def _joined_text(element: etree._Element, line_break: str) -> str:
    """The text inside `element`, its children's in order, `line_break` for each `<br>`."""
    parts = [element.text or ""]
    for child in element:
        name = tag_name(child)
        parts += [line_break if name == "br" else _joined_text(child, line_break) if name else "", child.tail or ""]
    return "".join(parts)


class _Walker:
    """Collects blocks while walking a tree."""

    def __init__(self, skip: set[etree._Element], headings: set[etree._Element]) -> None:
        self.skip = skip
        self.headings = headings
        self.found: list[Block] = []
        self.buffer: list[str] = []

    def walk(self, element: etree._Element) -> None:
        """Read `element`, its children and the text after it."""
        name = tag_name(element)
        if element in self.skip or name in SKIPPED_TAGS or epub_types(element) & _NOTE_TYPES or not name:
            self._text(element.tail)
            return
        if element in self.headings:
            self.flush()
            self.found.append(Heading(heading_text(element)))
        elif name == "hr":
            self.flush()
            self.found.append(BREAK)
        elif name == "br":
            self.buffer.append("\n")
        else:
            opens = name in BLOCK_TAGS
            if opens:
                self.flush()
            self._text(element.text)
            for child in element:
                self.walk(child)
            if opens:
                self.flush()
        self._text(element.tail)

    def _text(self, text: str | None) -> None:
        if text:
            self.buffer.append(text.replace("\n", " "))

    def flush(self) -> None:
        """End the paragraph being read: its text (split at doubled line breaks) becomes blocks."""
        raw, self.buffer = "".join(self.buffer), []
        for part in re.split(r"[^\S\n]*\n(?:[^\S\n]*\n)+", raw):
            lines = [" ".join(line.split()) for line in part.split("\n")]
            text = "\n".join(line for line in lines if line)
            if not text:
                continue
            if is_marker(text):
                self.found.append(BREAK)
            else:
                self.found.append(text)


class TextBuilder:
    """Lays chapters out as plain text and makes their Paragraphs point into it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    @property
    def text(self) -> str:
        """Everything laid out so far."""
        return "".join(self.parts)

    def line(self, text: str) -> int:
        """Add `text` as a block of its own (a heading); return its offset."""
        if self.parts:
            self._add("\n\n")
        at = self.length
        self._add(text)
        return at

    def chapter(self, number: int | None, title: str, found: Iterable[Block], **notes: str) -> Chapter | None:
        """The Chapter of `found` blocks under the heading (number, title), laid out; None if it has no text."""
        heading = ": ".join(part for part in (f"Chapter {number}" if number is not None else "", title) if part)
        scenes = list(_scenes(found))
        if not scenes:
            return None
        if heading:
            self.line(heading)
        laid: list[Scene] = []
        for number_in_chapter, paragraphs in enumerate(scenes, 1):
            if laid:
                self.line("* * *")
            laid.append(Scene(number_in_chapter, tuple(self._paragraph(text) for text in paragraphs)))
        return Chapter(number, title, tuple(laid), **notes)

    def _paragraph(self, text: str) -> Paragraph:
        at = self.line(text)
        return Paragraph(text, at, at + len(text))

    def _add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)


def _scenes(found: Iterable[Block]) -> Iterator[list[str]]:
    """Runs of paragraphs between breaks (empty runs dropped)."""
    scene: list[str] = []
    for block in found:
        if block is BREAK:
            if scene:
                yield scene
            scene = []
        elif isinstance(block, str):
            scene.append(block)
    if scene:
        yield scene
