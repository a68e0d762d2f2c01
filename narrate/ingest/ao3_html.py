"""HTML: Archive of Our Own downloads (Download > HTML), and any other HTML page.

An AO3 download holds `<div id="preface">` (the "Posted originally on the
Archive of Our Own at URL" message, the tags as `<dt>`/`<dd>` pairs, the `<h1>`
title, the byline, the summary and notes), `<div id="chapters">` (per chapter
a `<div class="meta group">` with its `<h2 class="heading">` and its summary
and notes, the text in `<div class="userstuff">`, then its end notes), and
`<div id="afterword">`. A work's page saved from the browser holds the same
in other classes: `<dl class="work meta group">` for the tags, `<div
id="workskin">` with `<h2 class="title">`, the byline, summary and notes
modules, and in `#chapters` a `<div class="chapter">` per chapter (its
`<h3 class="title">`, preface modules, `<div class="userstuff">` text and end
notes); the site's menus, kudos and comments lie outside all of them.
`read_ao3` reads either structure by its classes in document order, so it also
reads the bodies of an AO3 EPUB put back together (see `epub`). Any other HTML
page is one chapter per chapter heading, titled by its `<h1>` or `<title>`.
Text is laid out by `markup`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import lxml.html
from lxml import etree

from narrate.errors import InputError
from narrate.ingest.header import language_code
from narrate.ingest.markup import (
    BREAK,
    GUTENBERG_BOILERPLATE_IDS,
    Block,
    Heading,
    TextBuilder,
    blocks,
    classes,
    inline_text,
    plain,
    tag_name,
)
from narrate.ingest.text import build_work_of, chapter_heading, tag_list
from narrate.model import Chapter, Metadata, Work

AO3_MARK = "archive of our own"
"""Words in an AO3 download's preface message (and its EPUB publisher)."""

_RATINGS_LABELS = {"rating", "ratings"}
_TUPLE_LABELS = {
    "archive warning": "warnings", "archive warnings": "warnings", "relationship": "relationships",
    "relationships": "relationships", "character": "characters", "characters": "characters",
    "additional tags": "tags", "additional tag": "tags", "freeform": "tags", "freeforms": "tags",
}  # fmt: skip
"""Preface labels whose value is a list of tags -> Metadata field."""
_TEXT_LABELS = {"category": "category", "categories": "category", "fandom": "fandom", "fandoms": "fandom"}
"""Preface labels whose value is kept as one comma-separated string -> Metadata field."""

_SERIES = re.compile(r"part\s+(?P<part>\d+)\s+of\s+(?P<series>.+?)\s*(?:next work\b.*)?$", re.I)
_PUBLISHED = re.compile(r"published:\s*(?P<date>\d{4}-\d{2}-\d{2})", re.I)
_NOTE_LABELS = {"summary": "summary", "notes": "notes", "chapter summary": "summary", "chapter notes": "notes",
                "end notes": "end_notes", "chapter end notes": "end_notes", "work notes": "end_notes"}
"""Labels of the blockquotes in a preface or chapter meta group -> field."""


_CHARSET = re.compile(rb"<meta[^>]+charset", re.IGNORECASE)
"""A page's declaration of its encoding."""


def read_html(source: Path, data: bytes) -> Work:
    """The Work in the HTML file `source`, whose bytes are `data` (UTF-8 when the page declares no encoding and its
    bytes are UTF-8: a page saved by hand, which lxml would otherwise read as Latin-1)."""
    parser = None if _CHARSET.search(data[:4096]) or not _utf8(data) else lxml.html.HTMLParser(encoding="utf-8")
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise InputError(f"{source}: not readable as HTML ({error})") from None
    if is_ao3(root):
        return read_ao3(source, root)
    return read_page(source, root)


def _utf8(data: bytes) -> bool:
    """True when `data` is valid UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def is_ao3(root: etree._Element) -> bool:
    """True when `root` holds an AO3 download or work page: its preface message, its tags list or its work skin."""
    for element in root.iter():
        if tag_name(element) == "p" and "message" in classes(element) and AO3_MARK in inline_text(element).lower():
            return True
        if tag_name(element) == "dl" and _is_tag_list(element) or element.get("id") == "workskin":
            return True
    return False


def _is_tag_list(element: etree._Element) -> bool:
    """True for the `<dl>` of a work's tags: a download's `class="tags"`, a work page's `class="work meta"`."""
    kinds = classes(element)
    return "tags" in kinds or {"work", "meta"} <= kinds


@dataclass
class _Part:
    """A chapter being read: its heading, notes and blocks."""

    heading: str = ""
    notes: dict[str, list[str]] = field(default_factory=dict)
    found: list[Block] = field(default_factory=list)


def read_ao3(source: Path, root: etree._Element, known: Metadata | None = None) -> Work:
    """The Work of an AO3 download's tree `root`; `known` (an EPUB's package metadata) fills what the preface
    does not say."""
    fields = _preface_fields(root)
    parts = list(_parts(root))
    if not any(part.found for part in parts):
        raise InputError(f"{source}: an AO3 download without its chapters (no <div class=\"userstuff\"> "
                         f"with text in <div id=\"chapters\">); download the work again")
    meta = _metadata(fields, known, source)
    builder = TextBuilder()
    chapters = []
    for place, part in enumerate(parts, 1):
        number, title = _numbered(part.heading)
        if len(parts) > 1 and number is None and not title:
            number = place
        notes = {key: "\n\n".join(values) for key, values in part.notes.items()}
        chapter = builder.chapter(number, title, part.found, **notes)
        if chapter is not None:
            chapters.append(chapter)
    return build_work_of(source, builder.text, meta, chapters)


def _numbered(heading: str) -> tuple[int | None, str]:
    """(number, title) of an AO3 chapter heading ("Chapter 3: The River", "Chapter 3", or a title)."""
    if not heading:
        return None, ""
    parsed = chapter_heading(heading)
    return parsed if parsed is not None else (None, heading)


def _preface_fields(root: etree._Element) -> dict[str, object]:
    """Metadata fields from the preface: message URL, tags, title, byline, summary and notes, and the afterword's
    end notes."""
    fields: dict[str, object] = {}
    for element in root.iter():
        name, kinds = tag_name(element), classes(element)
        if name == "p" and "message" in kinds and "source_url" not in fields:
            links = [link.get("href", "") for link in element.iter() if tag_name(link) == "a"]
            works = [href for href in links if "/works/" in href]
            if works:
                fields["source_url"] = works[0]
        elif name == "dl" and _is_tag_list(element) and "tags_read" not in fields:
            fields["tags_read"] = True
            fields.update(_tag_fields(element))
        elif _is_title(element) and "title" not in fields:
            fields["title"] = inline_text(element)
        elif name in ("div", "h3") and "byline" in kinds and "author" not in fields:
            fields["author"] = _byline(element)
    fields.pop("tags_read", None)
    for key, text in _work_notes(root):
        fields.setdefault(key, text)
    return fields


def _is_title(element: etree._Element) -> bool:
    """True for the work's title: a download's `<h1>` in its preface, a work page's `<h2 class="title">`."""
    name = tag_name(element)
    if name == "h2" and "title" in classes(element):
        return True
    return name == "h1" and any(ancestor.get("id") == "preface" for ancestor in element.iterancestors())


def _tag_fields(tags: etree._Element) -> dict[str, object]:
    """Metadata fields from the preface's `<dl class="tags">`."""
    fields: dict[str, object] = {}
    label = ""
    for item in tags:
        name = tag_name(item)
        if name == "dt":
            label = inline_text(item).rstrip(":").strip().casefold()
            continue
        if name != "dd":
            continue
        links = [inline_text(link) for link in item.iter() if tag_name(link) == "a"]
        values = [value for value in (links or [v.strip() for v in inline_text(item).split(",")]) if value]
        if label in _RATINGS_LABELS:
            fields["rating"] = ", ".join(values)
        elif label in _TUPLE_LABELS:
            fields[_TUPLE_LABELS[label]] = tag_list(",".join(values), _TUPLE_LABELS[label] == "characters")
        elif label in _TEXT_LABELS:
            fields[_TEXT_LABELS[label]] = ", ".join(values)
        elif label == "language":
            fields["language"] = language_code(inline_text(item))
        elif label == "series":
            series = _SERIES.search(inline_text(item).split(",")[0])
            if series:
                fields["series"], fields["series_part"] = series["series"], int(series["part"])
        elif label == "stats":
            published = _PUBLISHED.search(inline_text(item))
            if published:
                fields["published"] = published["date"]
    return fields


def _byline(byline: etree._Element) -> str:
    """The authors a byline names (its rel="author" links, else its text without "by")."""
    authors = [inline_text(link) for link in byline.iter() if tag_name(link) == "a" and link.get("rel") == "author"]
    return ", ".join(authors) or re.sub(r"^by\s+", "", inline_text(byline), flags=re.I)


def _work_notes(root: etree._Element) -> Iterator[tuple[str, str]]:
    """(field, text) of each "Summary"/"Notes"/"End Notes" label and the blockquote after it outside the chapters
    (in the preface and the afterword)."""
    for element in root.iter():
        if not _inside(element, "chapters"):
            note = _note(element)
            if note is not None:
                yield note


def _note(label: etree._Element) -> tuple[str, str] | None:
    """(field, text) when `label` is a note's label (a download's `<p>Summary</p>`, a work page's
    `<h3 class="heading">Notes:</h3>`) followed by its blockquote; a note in an "end notes" module is an end note."""
    if tag_name(label) not in ("p", "h3"):
        return None
    key = inline_text(label).rstrip(":").casefold()
    quote = label.getnext()
    if key not in _NOTE_LABELS or quote is None or tag_name(quote) != "blockquote":
        return None
    parent = label.getparent()
    ending = parent is not None and {"end", "notes"} <= classes(parent)
    return ("end_notes" if ending else _NOTE_LABELS[key]), plain(quote)


def _inside(element: etree._Element, div_id: str) -> bool:
    """True when `element` is within the element with id `div_id`."""
    return any(ancestor.get("id") == div_id for ancestor in element.iterancestors())


def _parts(root: etree._Element) -> Iterator[_Part]:
    """The chapters of an AO3 tree in order: a chapter starts at each `<h2 class="heading">` (in its meta
    group); its text is every innermost `<div class="userstuff">` up to the next; its meta groups give its
    summary, notes and end notes."""
    part = _Part()
    skipped: set[etree._Element] = set()
    for element in root.iter():
        if element in skipped or any(ancestor in skipped for ancestor in element.iterancestors()):
            continue
        name, kinds = tag_name(element), classes(element)
        heading = _chapter_heading(element)
        if heading is not None:
            if part.found or part.heading:
                yield part
            part = _Part(inline_text(heading))
        if name == "div" and kinds & {"meta", "preface"} and _in_chapters(element):
            skipped.add(element)
            for key, text in filter(None, map(_note, element.iter())):
                part.notes.setdefault(key, []).append(text)
        elif _is_text(element):
            skipped.add(element)
            found = blocks(element, skip=_headings(element) + _groups(element))
            part.found += [BREAK, *found] if part.found else found
    if part.found or part.heading:
        yield part


def _chapter_heading(element: etree._Element) -> etree._Element | None:
    """The chapter heading that `element` is or whose meta group it is: a download's `<h2 class="heading">`, a
    work page's `<h3 class="title">`."""
    name, kinds = tag_name(element), classes(element)
    if name == "h2" and "heading" in kinds and "toc-heading" not in kinds or name == "h3" and "title" in kinds:
        return element
    if name == "div" and kinds & {"meta", "preface"}:
        return next((inner for inner in element.iterdescendants() if _chapter_heading(inner) is not None), None)
    return None


def _in_chapters(element: etree._Element) -> bool:
    """True for a meta group that belongs to a chapter (not the work's preface or afterword)."""
    if element.get("id") in ("preface", "afterword") or "afterword" in classes(element):
        return False
    return not any(ancestor.get("id") in ("preface", "afterword") for ancestor in element.iterancestors()) and (
        "preface" not in classes(element) or _inside(element, "chapters"))


def _is_text(element: etree._Element) -> bool:
    """True for a `<div class="userstuff">` holding chapter text: not a note, not around another text div."""
    if tag_name(element) != "div" or "userstuff" not in classes(element):
        return False
    if any(ancestor.get("id") in ("preface", "afterword") for ancestor in element.iterancestors()):
        return False
    return not any(tag_name(inner) == "div" and "userstuff" in classes(inner) for inner in element.iterdescendants())


def _groups(text: etree._Element) -> list[etree._Element]:
    """AO3's meta groups inside a text div (a one-chapter download whose text sits directly in #chapters)."""
    return [inner for inner in text.iterdescendants() if tag_name(inner) == "div" and "meta" in classes(inner)]


def _headings(text: etree._Element) -> list[etree._Element]:
    """Elements of a text div that are AO3's own headings, not the author's text ("Chapter Text", the title)."""
    return [element for element in text.iter()
            if tag_name(element) in ("h1", "h2", "h3") and classes(element) & {"landmark", "toc-heading", "heading"}]


def _metadata(fields: dict[str, object], known: Metadata | None, source: Path) -> Metadata:
    """Metadata from the preface `fields`, falling back on `known`, then on the file name for the title."""
    base = known or Metadata(title=source.stem)
    values = {key: value for key, value in fields.items() if value}
    return replace(base, **values)  # type: ignore[arg-type]


# --- any other HTML page ------------------------------------------------------------------------------------

_HEADINGS = ("h1", "h2", "h3")


def read_page(source: Path, root: etree._Element) -> Work:
    """An HTML page that is not an AO3 download: titled by its `<title>` or first `<h1>`, a chapter at each
    chapter heading (or one chapter)."""
    title = next((inline_text(e) for e in root.iter() if tag_name(e) == "title" and inline_text(e)), "")
    first = next((inline_text(e) for e in root.iter() if tag_name(e) == "h1" and inline_text(e)), "")
    skip = [e for e in root.iter() if e.get("id") in GUTENBERG_BOILERPLATE_IDS]
    body = next((e for e in root.iter() if tag_name(e) == "body"), root)
    builder = TextBuilder()
    chapters: list[Chapter] = []
    for heading, found in _split_at_headings(body, skip):
        number, name = _numbered(heading)
        chapter = builder.chapter(number, name, found)
        if chapter is not None:
            chapters.append(chapter)
    meta = Metadata(title=first or title or source.stem, language=_page_language(root))
    return build_work_of(source, builder.text, meta, chapters)


def _split_at_headings(body: etree._Element, skip: list[etree._Element]) -> Iterator[tuple[str, list[Block]]]:
    """(heading, blocks) per chapter: a chapter starts at each h1-h3 that reads as a chapter heading."""
    starts = [e for e in body.iter() if tag_name(e) in _HEADINGS and chapter_heading(inline_text(e))]
    skip = skip + [e for e in _title_headings(body) if e not in starts]
    if not starts:
        yield "", blocks(body, skip=skip)
        return
    heading, current = "", list[Block]()
    for block in blocks(body, skip=skip, headings=starts):
        if isinstance(block, Heading):
            if current or heading:
                yield heading, current
            heading, current = block.text, []
        elif heading or block is not None:
            current.append(block)
    yield heading, current


def _title_headings(body: etree._Element) -> list[etree._Element]:
    """The page's h1 (its title), left out of a page read as one chapter."""
    return [e for e in body.iter() if tag_name(e) == "h1"][:1]


def _page_language(root: etree._Element) -> str:
    """The page's declared language (its `lang` attribute), English if none."""
    declared = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "en"
    return declared.strip() or "en"
