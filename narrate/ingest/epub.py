"""EPUB 2 and 3: Project Gutenberg, Standard Ebooks, calibre output and AO3's Download > EPUB.

An EPUB is a zip archive. META-INF/container.xml names its package document
(the OPF): its Dublin Core metadata gives the Metadata (the main title, every
author, language, description, subjects, date, source URL, series), its
manifest lists the files and its spine gives the reading order (`linear="no"`
items are left out).

A chapter starts at each entry of the table of contents (the EPUB 3 navigation
document's `nav epub:type="toc"`, else the EPUB 2 NCX), entries flattened in
reading order, and runs to the next entry, across documents: an entry may point
into the middle of a document. Text before the first entry is front matter and
is not read; an entry with no text of its own (a part's title page) is not a
chapter. A chapter's leading headings are not spoken: it is titled by its
entry's label ("Chapter 3: The Mill" -> 3, "The Mill"; "IV" -> 4), or by those
headings when the label gives no title. Without a table of contents, each spine
document with text is a chapter.

Front and back matter are never read: elements whose epub:type says so (title
page, contents, imprint, colophon, copyright page, endnotes...), navigation,
Project Gutenberg's boilerplate (by its ids, or else everything before its
START line and after its END line), lists of links (a contents page), what the
guide or landmarks mark (unless a contents entry with another name starts
there), and entries whose label says so ("Contents", "Colophon", "The Full
Project Gutenberg License") or repeats the book's title. Notes and note
references are left out by `markup`, which lays the text out. Every XML file is
parsed without entity expansion or network access, damaged markup recovered,
and HTML's named entities (`&nbsp;`, common in XHTML) read as characters.

An AO3 EPUB is calibre's conversion of AO3's HTML download, split over several
files with its classes renamed: its bodies are put back together, the classes
AO3's markup had are restored from its fixed layout, and `ao3_html` reads it.
Damaged archives, missing parts and DRM are one-line InputErrors naming the file.
"""

from __future__ import annotations

import copy
import datetime
import html.entities
import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import lxml.html
from lxml import etree

from narrate.errors import InputError
from narrate.ingest.ao3_html import AO3_MARK, is_ao3, read_ao3
from narrate.ingest.chrome import is_book_end, is_book_start
from narrate.ingest.header import language_code
from narrate.ingest.markup import (
    BREAK,
    GUTENBERG_BOILERPLATE_IDS,
    Block,
    Heading,
    TextBuilder,
    blocks,
    classes,
    epub_types,
    inline_text,
    plain,
    tag_name,
)
from narrate.ingest.text import build_work_of, chapter_heading, is_marker, parse_number
from narrate.model import Metadata, Work

CONTAINER = "META-INF/container.xml"
"""Where every EPUB names its package document."""

ENCRYPTION = "META-INF/encryption.xml"
"""Where an EPUB lists its encrypted (or obfuscated) files."""

_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
"""Entities XML defines itself."""

_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")

_MATTER_TYPES = frozenset({
    "cover", "titlepage", "title-page", "halftitlepage", "halftitle", "fulltitle", "toc", "toc-brief", "landmarks",
    "page-list", "loi", "lot", "loa", "lov", "colophon", "imprint", "imprimatur", "copyright-page", "copyright",
    "endnotes", "rearnotes", "footnotes", "notes", "index", "bibliography", "dedication", "seriespage",
})  # fmt: skip
"""epub:type values (and guide types) of front and back matter that is not read."""

_MATTER_LABEL = re.compile(
    r"(?:(?:the\s+)?table\s+of\s+)?contents|cover(?:\s+page)?|title\s*page|half[\s-]*title(?:\s*page)?"
    r"|(?:un)?copyright(?:\s+page)?|colophon|imprint|(?:end|foot)?notes|index|dedication"
    r"|(?:list\s+of\s+)?illustrations|landmarks|also\s+by\b.*|.*\bproject\s+gutenberg\b.*|.*\blicen[cs]e",
    re.IGNORECASE,
)
"""Contents labels of front and back matter (checked against the whole label)."""

_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
"""Elements read as headings (and so are the parts of an `<hgroup>`)."""

_LINK_LIST_TAGS = {"body", "section", "div", "nav", "ol", "ul", "dl", "table", "p"}
"""Elements that can be a list of links (a contents page)."""

_LINK_LIST_LINKS = 3
"""Fewest links in a list of links."""

_LINKED_SHARE = 1 / 3
"""Least share of a list of links' text that is in its links (a contents table links the number, not the title)."""

_NUMERAL_LABEL = re.compile(r"(?P<num>\d{1,3}|[IVXLCDM]+)\.?(?:\s*[:.\-–—]\s*(?P<title>\S.*))?")
"""A label that is a chapter number, perhaps with a title: "IV", "12.", "III: Salt"."""

_LARGEST_NUMERAL = 999
"""Largest chapter number a bare numeral label stands for (a title such as "MIX" is no number)."""

_UNSEPARATED_HEADING = re.compile(r"chapter\s+(?P<num>\d+|[IVXLCDM]+)\s+(?P<title>.{1,80})", re.IGNORECASE)
"""A chapter heading whose title, in capitals, follows its number without a stop ("CHAPTER IV MR. BOUNDERBY")."""

_PROSE_WORDS = 40
"""Fewest words text that no contents entry starts needs, before its first chapter heading, to be read as a
chapter (not a title page)."""

_ENTRY_MARK = re.compile("\ue000e(\\d+)\ue001")
"""Where a contents entry starts, in the blocks of a document (see `_entry_mark`)."""

_AO3_GROUP_LABELS = {"chapter summary", "chapter notes", "chapter end notes"}
"""Labels that open a chapter's meta group in an AO3 download."""

_DAMAGED = "a damaged EPUB"


@dataclass(frozen=True)
class _Item:
    """A file the package's manifest lists."""

    path: str
    """Its name in the zip archive."""
    media_type: str
    """Its media type."""
    properties: frozenset[str]
    """Its EPUB 3 properties ("nav", "cover-image"...)."""


@dataclass(frozen=True)
class _Package:
    """What the package document says: metadata, files, reading order and navigation."""

    metadata: etree._Element
    """Its `<metadata>` element."""
    items: dict[str, _Item]
    """Manifest items by id."""
    spine: tuple[str, ...]
    """The documents read, in order (linear ones only)."""
    ncx: str
    """The NCX's name in the zip archive ("" when there is none)."""
    guide: tuple[tuple[str, str, frozenset[str]], ...]
    """(document, anchor, types) of each EPUB 2 guide reference."""


@dataclass(frozen=True)
class _Entry:
    """A place the table of contents (or the spine, when there is none) points at."""

    label: str
    """The entry's text ("" for a spine document)."""
    path: str
    """The document it points into."""
    anchor: str
    """The id it points at ("" for the document's start)."""


@dataclass
class _Range:
    """The blocks from one entry to the next."""

    entry: int
    """Index of the entry (-1: before the first)."""
    found: list[Block]
    """Paragraphs, headings and breaks in reading order."""


def read_epub(source: Path, data: bytes) -> Work:
    """The Work in the EPUB `source`, whose bytes are `data`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise InputError(f"{source}: {_DAMAGED} (truncated or not a zip archive); download it again") from None
    with archive:
        epub = _Archive(source, archive)
        package = _package(epub)
        meta = _metadata(package.metadata, source)
        documents = [(path, _document(epub, path)) for path in package.spine]
        if _published_by_ao3(package.metadata):
            tree = _ao3_tree([root for _, root in documents])
            if is_ao3(tree):
                return read_ao3(source, tree, known=meta)
        entries, landmarks = _contents(epub, package)
    return _read_book(source, meta, documents, entries, landmarks)


# --- the archive -----------------------------------------------------------------------------------------------


class _Archive:
    """The EPUB's zip archive: its members read and parsed, damage and DRM reported as InputErrors."""

    def __init__(self, source: Path, archive: zipfile.ZipFile) -> None:
        """The EPUB `archive`, read from `source`, with what it encrypts."""
        self.source = source
        self.archive = archive
        self.names = {name.casefold(): name for name in archive.namelist()}
        self.encrypted: set[str] = set()  # nothing is refused while encryption.xml itself is read
        self.encrypted = self._encrypted()

    def has(self, path: str) -> bool:
        """True when the archive holds `path` (letter case aside)."""
        return path.casefold() in self.names

    def read(self, path: str) -> bytes:
        """The bytes of member `path`, which must exist; InputError for an encrypted or damaged member."""
        if path in self.encrypted:
            raise InputError(f"{self.source}: DRM-protected EPUB; narrate cannot read it")
        try:
            return self.archive.read(self.names[path.casefold()])
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError, ValueError):
            raise InputError(f"{self.source}: {_DAMAGED} ({path} cannot be unpacked); download it again") from None

    def xml(self, path: str) -> etree._Element | None:
        """The root element of member `path` parsed as XML (HTML's named entities allowed); None if it is not XML."""
        return _parse_xml(self.read(path))

    def _encrypted(self) -> set[str]:
        """Names of the members META-INF/encryption.xml lists (fonts only, when a book merely obfuscates them)."""
        if not self.has(ENCRYPTION):
            return set()
        root = _parse_xml(self.read(ENCRYPTION))
        if root is None:
            return set()
        references = (element.get("URI", "") for element in root.iter() if tag_name(element) == "cipherreference")
        return {_resolve("", uri) for uri in references if uri}


def _parse_xml(data: bytes) -> etree._Element | None:
    """The root element of `data` parsed as XML (no entity expansion, no network, damaged markup recovered), with
    HTML's named entities (`&nbsp;`) read as their characters; None when nothing in it is XML."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        root = etree.fromstring(_NAMED_ENTITY.sub(_numeric_entity, data), parser)
    except (etree.LxmlError, ValueError):
        return None
    if root is not None and parser.error_log:
        _rename_invalid_tags(root)
    return root


def _rename_invalid_tags(root: etree._Element) -> None:
    """Make every element that recovering from damaged markup gave a tag no XML name can have (":M") a `<span>`."""
    for element in root.iter():
        if isinstance(element.tag, str):
            try:
                etree.QName(element.tag)
            except ValueError:
                element.tag = "span"


def _numeric_entity(match: re.Match[bytes]) -> bytes:
    """An HTML named entity as numeric character references (XML's own entities kept, unknown ones dropped)."""
    name = match[1].decode("ascii")
    if name in _XML_ENTITIES:
        return match[0]
    characters = html.entities.html5.get(name + ";", "")
    return "".join(f"&#{ord(character)};" for character in characters).encode("ascii")


def _resolve(base: str, href: str) -> str:
    """The archive name that `href` (URL-encoded, relative to the folder `base`) points at, without its anchor."""
    path = unquote(href.split("#", 1)[0]).strip()
    return posixpath.normpath(posixpath.join(base, path)).lstrip("/") if path else ""


def _anchor(href: str) -> str:
    """The anchor (fragment id) of `href`, "" when it has none."""
    return unquote(href.split("#", 1)[1]) if "#" in href else ""


# --- the package -----------------------------------------------------------------------------------------------


def _package(epub: _Archive) -> _Package:
    """The package document that META-INF/container.xml names."""
    source = epub.source
    if not epub.has(CONTAINER):
        raise InputError(f"{source}: {_DAMAGED} ({CONTAINER}, which names its contents, is missing); "
                         f"download it again")
    container = epub.xml(CONTAINER)
    rootfiles = [e.get("full-path", "") for e in container.iter() if tag_name(e) == "rootfile"] if (
        container is not None) else []
    path = next((_resolve("", name) for name in rootfiles if name), "")
    if not path:
        raise InputError(f"{source}: {_DAMAGED} ({CONTAINER} names no package document); download it again")
    if not epub.has(path):
        raise InputError(f"{source}: {_DAMAGED} (its package document {path} is missing); download it again")
    root = epub.xml(path)
    if root is None or tag_name(root) != "package":
        raise InputError(f"{source}: {_DAMAGED} (its package document {path} is not XML); download it again")
    base = posixpath.dirname(path)
    found: dict[str, list[etree._Element]] = {}
    for element in root.iter():
        found.setdefault(tag_name(element), []).append(element)
    items = {element.get("id", ""): _Item(_resolve(base, element.get("href", "")), element.get("media-type", ""),
                                          frozenset((element.get("properties") or "").split()))
             for element in found.get("item", [])}  # fmt: skip
    spine = found.get("spine", [etree.Element("spine")])[0]
    toc = items.get(spine.get("toc", ""))
    ncx = toc or next((item for item in items.values() if item.media_type == "application/x-dtbncx+xml"), None)
    guide = tuple((_resolve(base, element.get("href", "")), _anchor(element.get("href", "")),
                   frozenset(element.get("type", "").lower().split())) for element in found.get("reference", []))
    metadata = found.get("metadata", [etree.Element("metadata")])[0]
    return _Package(metadata, items, _spine(epub, spine, items), ncx.path if ncx else "", guide)


def _spine(epub: _Archive, spine: etree._Element, items: dict[str, _Item]) -> tuple[str, ...]:
    """The names of the spine's linear documents in order; InputError naming one the archive lacks."""
    paths = []
    for itemref in spine:
        item = items.get(itemref.get("idref", "")) if tag_name(itemref) == "itemref" else None
        if item is None or itemref.get("linear", "yes").strip().lower() == "no" or not item.path:
            continue
        if not epub.has(item.path):
            raise InputError(f"{epub.source}: {_DAMAGED} ({item.path}, listed in its spine, is missing from "
                             f"the archive); download it again")
        if "svg" not in item.media_type and item.path not in paths:
            paths.append(item.path)
    return tuple(paths)


def _document(epub: _Archive, path: str) -> etree._Element:
    """The root element of the spine document `path` (an empty `<html>` when it holds no XML)."""
    root = epub.xml(path)
    return root if root is not None else etree.Element("html")


# --- metadata --------------------------------------------------------------------------------------------------


def _metadata(metadata: etree._Element, source: Path) -> Metadata:
    """The Metadata the package's Dublin Core (and calibre's or EPUB 3's series) gives; titled after the file
    when it has no title."""
    found: dict[str, list[etree._Element]] = {}
    refines: dict[tuple[str, str], str] = {}
    named: dict[str, str] = {}
    for element in metadata.iter():
        name = tag_name(element)
        if name == "meta" and element.get("refines"):
            refines[(element.get("refines", "").lstrip("#"), element.get("property", ""))] = inline_text(element)
        elif name == "meta":
            named[element.get("name") or element.get("property") or ""] = element.get("content") or inline_text(element)
        elif name:
            found.setdefault(name, []).append(element)
    series, part = _series(metadata, refines, named)
    return Metadata(
        title=_main_title(found.get("title", []), refines) or source.stem,
        author=", ".join(dict.fromkeys(_authors(found.get("creator", []), refines))),
        summary=_description(found.get("description", [])),
        language=next((language_code(text) for text in map(inline_text, found.get("language", [])) if text), "en"),
        source_url=_source_url(found.get("source", []), found.get("identifier", [])),
        tags=tuple(dict.fromkeys(text for text in map(inline_text, found.get("subject", [])) if text)),
        series=series,
        series_part=part,
        published=_published(found.get("date", [])),
    )


def _main_title(titles: list[etree._Element], refines: dict[tuple[str, str], str]) -> str:
    """The main title: the one EPUB 3 calls "main", else the first."""
    main = [title for title in titles if refines.get((title.get("id", ""), "title-type")) == "main"]
    return next((text for text in map(inline_text, main + titles) if text), "")


def _authors(creators: list[etree._Element], refines: dict[tuple[str, str], str]) -> list[str]:
    """The creators that are authors: role "aut" (EPUB 2's opf:role or EPUB 3's refining meta) or no role."""
    authors = []
    for creator in creators:
        role = creator.get("{http://www.idpf.org/2007/opf}role") or refines.get((creator.get("id", ""), "role"), "")
        if role.strip().lower() in ("", "aut") and inline_text(creator):
            authors.append(inline_text(creator))
    return authors


def _description(descriptions: list[etree._Element]) -> str:
    """The first description as plain paragraphs (it often holds escaped HTML)."""
    text = next((element.xpath("string()").strip() for element in descriptions), "")
    if not text:
        return ""
    try:
        return plain(lxml.html.fragment_fromstring(text, create_parent="div"))
    except (etree.LxmlError, ValueError):
        return " ".join(text.split())


def _source_url(sources: list[etree._Element], identifiers: list[etree._Element]) -> str:
    """Where the text came from: the first dc:source, else the first dc:identifier, that is a web address."""
    for element in sources + identifiers:
        text = re.sub(r"^url:", "", inline_text(element), flags=re.IGNORECASE)
        if re.match(r"https?://\S+$", text):
            return text
    return ""


def _published(dates: list[etree._Element]) -> str:
    """The publication date as ISO 8601 (YYYY-MM-DD, or the year and month alone when that is all it says);
    EPUB 2's publication event first, calibre's "undefined" year 101 ignored."""
    event = "{http://www.idpf.org/2007/opf}event"
    ordered = sorted(dates, key=lambda date: {"publication": 0, None: 1}.get(date.get(event), 2))
    for date in ordered:
        match = re.match(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", inline_text(date))
        if not match or int(match[1]) <= 101:
            continue
        try:
            datetime.date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
        except ValueError:
            continue
        return "-".join(part for part in match.groups() if part)
    return ""


def _series(metadata: etree._Element, refines: dict[tuple[str, str], str],
            named: dict[str, str]) -> tuple[str, int | None]:
    """(series, place in it) from calibre's series metadata or an EPUB 3 collection of type series."""
    if named.get("calibre:series"):
        return named["calibre:series"], _whole_number(named.get("calibre:series_index", ""))
    for element in metadata.iter():
        if tag_name(element) == "meta" and element.get("property") == "belongs-to-collection" and inline_text(element):
            key = element.get("id", "")
            if refines.get((key, "collection-type"), "series") == "series":
                return inline_text(element), _whole_number(refines.get((key, "group-position"), ""))
    return "", None


def _whole_number(text: str) -> int | None:
    """`text` as a whole number ("2", "2.0"), None when it is not one."""
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


# --- the table of contents -------------------------------------------------------------------------------------


def _contents(epub: _Archive, package: _Package) -> tuple[list[_Entry], dict[tuple[str, str], frozenset[str]]]:
    """The contents entries in reading order (from the navigation document, else the NCX) and the guide's and
    landmarks' types by (document, anchor)."""
    landmarks = {(path, anchor): types for path, anchor, types in package.guide}
    nav = next((item.path for item in package.items.values() if "nav" in item.properties), "")
    root = epub.xml(nav) if nav and epub.has(nav) else None
    navs = [element for element in root.iter() if tag_name(element) == "nav"] if root is not None else []
    untyped = next((element for element in navs if not epub_types(element)), None)
    toc = next((element for element in navs if "toc" in epub_types(element)), untyped)
    for element in navs:
        if "landmarks" in epub_types(element):
            for link in _links(element):
                href = link.get("href", "")
                landmarks[(_resolve(posixpath.dirname(nav), href) or nav, _anchor(href))] = frozenset(epub_types(link))
    if toc is not None:
        entries = [_entry(nav, inline_text(link), link.get("href", "")) for link in _links(toc)]
        if entries:
            return entries, landmarks
    if package.ncx and epub.has(package.ncx):
        return _ncx_entries(epub, package.ncx), landmarks
    return [], landmarks


def _links(element: etree._Element) -> list[etree._Element]:
    """The `<a href>` elements within `element`, in document order (nested lists flattened)."""
    return [link for link in element.iter() if tag_name(link) == "a" and link.get("href")]


def _entry(base_file: str, label: str, href: str) -> _Entry:
    """The entry `label` for `href`, which is relative to the file `base_file`."""
    return _Entry(label, _resolve(posixpath.dirname(base_file), href) or base_file, _anchor(href))


def _ncx_entries(epub: _Archive, path: str) -> list[_Entry]:
    """The EPUB 2 NCX's navPoints in reading order (nested ones flattened)."""
    root = epub.xml(path)
    entries = []
    for point in root.iter() if root is not None else ():
        if tag_name(point) != "navpoint":
            continue
        label = next((inline_text(child) for child in point if tag_name(child) == "navlabel"), "")
        src = next((child.get("src", "") for child in point if tag_name(child) == "content"), "")
        if src:
            entries.append(_entry(path, label, src))
    return entries


# --- reading a book --------------------------------------------------------------------------------------------


def _read_book(source: Path, meta: Metadata, documents: list[tuple[str, etree._Element]], entries: list[_Entry],
               landmarks: dict[tuple[str, str], frozenset[str]]) -> Work:
    """The Work of a book's spine `documents`, a chapter starting at each contents entry (at each document when
    no entry points into the spine)."""
    spine = {path for path, _ in documents}
    entries = [entry for entry in entries if entry.path in spine]
    if not entries:
        entries = [_Entry("", path, "") for path, _ in documents]
    kept = {k for k, entry in enumerate(entries) if not _is_matter_label(entry.label, meta.title, entries)}
    named = {(entries[k].path, entries[k].anchor) for k in kept if entries[k].label}
    found: list[Block] = []
    for path, root in documents:
        matter = {anchor for (where, anchor), types in landmarks.items()
                  if where == path and types & _MATTER_TYPES and (path, anchor) not in named}
        here = [(k, entry.anchor) for k, entry in enumerate(entries) if entry.path == path]
        found += _marked_blocks(root, here, matter)
    ranges = _ranges(found)
    listed = [part for part in ranges if part.entry in kept]
    parts: list[tuple[int | None, str, list[Block]]] = []
    for part in ranges:
        if part.entry not in kept and part.entry >= 0:
            continue
        label = entries[part.entry].label if part.entry >= 0 else ""
        headings, text = _leading_headings(part.found)
        number, title = _title(label, headings)
        if not label and len(entries) > 1 and _loose(title) == _loose(meta.title):
            continue  # a title page, in a book without contents
        if any(isinstance(block, str) for block in text):
            unlisted = part.entry < 0 or len(listed) == 1
            parts += _by_heading_paragraphs((number, title, text), listed=part.entry >= 0, named=unlisted)
    builder = TextBuilder()
    chapters = [chapter for number, title, text in parts if (chapter := builder.chapter(number, title, text))]
    if not chapters:
        raise InputError(f"{source}: an EPUB with no text to narrate (only images, or only title pages and notes); "
                         f"narrate reads books whose text is text, not pictures of pages")
    return build_work_of(source, builder.text, meta, chapters)


def _by_heading_paragraphs(part: tuple[int | None, str, list[Block]], listed: bool,
                           named: bool) -> list[tuple[int | None, str, list[Block]]]:
    """A chapter (number, title, blocks) cut at the paragraphs and headings inside it that read as numbered chapter
    headings ("CHAPTER I. Mrs. Rachel Lynde is Surprised": a contents that misses chapters, or calibre's
    conversion of a plain-text novel); with `named` (the book's contents say little), at "Prologue" and
    "Epilogue" too. Text that no contents entry starts (not `listed`) is read only after such a heading; text
    before the first heading is the chapter itself when its entry is one of several, else a title page unless it
    is prose."""
    found = part[2]
    starts = [k for k, block in enumerate(found) if _heading_line(block, named) is not None]
    if not starts:
        return [part] if listed else []
    before = found[: starts[0]]
    prose = sum(len(block.split()) for block in before if isinstance(block, str))
    own = listed and not named  # the lead is the entry's own chapter, not a preface the contents do not name
    cut = [(part[0], part[1], before) if own else (None, "", before)] if prose and own or prose >= _PROSE_WORDS else []
    for start, end in zip(starts, [*starts[1:], len(found)], strict=True):
        number, title = _heading_line(found[start], named) or (None, "")
        cut.append((number, title, found[start + 1 : end]))
    return cut


def _heading_line(block: Block, named: bool) -> tuple[int | None, str] | None:
    """(number, title) when `block` is a paragraph or heading reading as a numbered chapter heading (with `named`,
    or as "Prologue", "Epilogue"...), else None."""
    text = " ".join((block.text if isinstance(block, Heading) else block or "").split())
    heading = chapter_heading(text) if text else None
    unseparated = _UNSEPARATED_HEADING.fullmatch(text) if heading is None else None
    if unseparated and unseparated["title"].isupper() and parse_number(unseparated["num"]) is not None:
        heading = parse_number(unseparated["num"]), unseparated["title"]
    return heading if heading is not None and (named or heading[0] is not None) else None


def _is_matter_label(label: str, title: str, entries: list[_Entry]) -> bool:
    """True for a contents label naming front or back matter, or repeating the book's title (a title page) when
    the book has other entries."""
    bare = " ".join(label.split()).strip(" .:")
    if _MATTER_LABEL.fullmatch(bare):
        return True
    return len(entries) > 1 and bool(bare) and _loose(bare) == _loose(title)


def _loose(text: str) -> str:
    """`text` in lower case with everything but letters and digits removed, for loose comparison."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _marked_blocks(root: etree._Element, entries: list[tuple[int, str]], matter: set[str]) -> list[Block]:
    """The blocks of one document, headings as Heading blocks, front and back matter left out (and `matter`, the
    anchors the guide or landmarks mark), with the start of each of its `entries` (index, anchor) marked."""
    body = next((element for element in root.iter() if tag_name(element) == "body"), root)
    ids = _ids(root) if entries or matter else {}
    marked = (ids.get(anchor) if anchor else body for anchor in matter)
    skip = _matter(body) | {element for element in marked if element is not None}
    headings = {element for element in body.iter() if tag_name(element) in _HEADING_TAGS or (
        element.getparent() is not None and tag_name(element.getparent()) == "hgroup")}
    outside = skip | headings
    for index, anchor in entries:
        _mark_start(root, body, ids.get(anchor, body) if anchor else body, index, outside)
    return blocks(root, skip=skip, headings=headings)


def _ids(root: etree._Element) -> dict[str, etree._Element]:
    """The elements of a document by id (or by the name of an old `<a name>`), the first of each."""
    ids: dict[str, etree._Element] = {}
    for element in root.iter():
        key = tag_name(element) and (element.get("id") or (element.get("name") if tag_name(element) == "a" else ""))
        if key:
            ids.setdefault(key, element)
    return ids


def _matter(body: etree._Element) -> set[etree._Element]:
    """The elements of `body` that are not read: front and back matter by epub:type, navigation, Gutenberg's
    boilerplate and lists of links."""
    skipped = set()
    sizes: dict[etree._Element, tuple[int, int, int]] = {}
    for element in reversed(list(body.iter())):
        name = tag_name(element)
        if not name:
            continue
        letters, linked, links = _letters(element.text), 0, 0
        for child in element:
            child_letters, child_linked, child_links = sizes.pop(child, (0, 0, 0))
            letters += child_letters + _letters(child.tail)
            linked, links = linked + child_linked, links + child_links
        if name == "a" and element.get("href"):
            linked, links = letters, links + 1
        sizes[element] = (letters, linked, links)
        if (epub_types(element) & _MATTER_TYPES or name == "nav" or element.get("id") in GUTENBERG_BOILERPLATE_IDS
                or "pg-boilerplate" in classes(element)
                or name in _LINK_LIST_TAGS and links >= _LINK_LIST_LINKS and _LINKED_SHARE * letters <= linked):
            skipped.add(element)
    return skipped


def _letters(text: str | None) -> int:
    """How many characters other than whitespace `text` has."""
    return len("".join(text.split())) if text else 0


def _mark_start(root: etree._Element, body: etree._Element, target: etree._Element, index: int,
                outside: set[etree._Element]) -> None:
    """Mark where entry `index` starts: just before `target`, or before the outermost element of `outside` (left
    out, or a heading) holding it, so that the mark is read on its own; before the body for the document's start."""
    for ancestor in [target, *target.iterancestors()]:
        if ancestor in outside:
            target = ancestor
        if ancestor is body:
            break
    mark = etree.Element("span")
    mark.text = _entry_mark(index)
    if target is root:
        mark.tail, root.text = root.text, None
        root.insert(0, mark)
    else:
        target.addprevious(mark)


def _entry_mark(index: int) -> str:
    """The text that marks where entry `index` starts: private-use characters around a word (never a marker)."""
    return f"\ue000e{index}\ue001"


def _ranges(found: list[Block]) -> list[_Range]:
    """The blocks of the whole book cut at each entry's mark, in reading order; a Project Gutenberg START line
    drops the text before it, its END line ends the book (when its boilerplate is not marked as such)."""
    parts = [_Range(-1, [])]
    for block in found:
        if not isinstance(block, str):
            parts[-1].found.append(block)
            continue
        if is_book_end(block):
            break
        if is_book_start(block):
            for part in parts:
                part.found.clear()
            continue
        pieces = _ENTRY_MARK.split(block)
        for k, piece in enumerate(pieces):
            if k % 2:
                parts.append(_Range(int(piece), []))
            elif piece.strip():
                parts[-1].found.append(BREAK if len(pieces) > 1 and is_marker(piece.strip()) else piece.strip())
    return parts


def _leading_headings(found: list[Block]) -> tuple[list[str], list[Block]]:
    """(the texts of the leading headings, the blocks after them) of an entry's blocks; later headings are text."""
    start, headings = 0, []
    while start < len(found) and not isinstance(found[start], str):
        block = found[start]
        if isinstance(block, Heading) and block.text:
            headings.append(block.text)
        start += 1
    text = [block.text if isinstance(block, Heading) else block for block in found[start:]]
    return headings, [block for block in text if block is BREAK or block]


def _title(label: str, headings: list[str]) -> tuple[int | None, str]:
    """(number, title) of a chapter: its contents label's, the title from its leading `headings` when the label
    gives none, both from the headings when there is no label."""
    number, title = _heading(label) if label else (None, "")
    if headings and not title:
        heading_number, title = _heading(": ".join(headings))
        number = number if label else heading_number
    return number, title


def _heading(text: str) -> tuple[int | None, str]:
    """(number, title) of a label or heading: "Chapter 3: The Mill", "CHAPTER III.", "IV: The Fen", "Prologue";
    any other text is the title."""
    text = " ".join(text.split()).strip(" :")
    parsed = chapter_heading(text)
    if parsed is not None:
        return parsed
    numeral = _NUMERAL_LABEL.fullmatch(text)
    number = parse_number(numeral["num"]) if numeral else None
    if numeral and number and number <= _LARGEST_NUMERAL:
        return number, (numeral["title"] or "").strip()
    return None, text


# --- AO3 -------------------------------------------------------------------------------------------------------


def _published_by_ao3(metadata: etree._Element) -> bool:
    """True when the package's publisher is the Archive of Our Own."""
    publishers = (inline_text(element) for element in metadata.iter() if tag_name(element) == "publisher")
    return any(AO3_MARK in publisher.lower() for publisher in publishers)


def _ao3_tree(roots: list[etree._Element]) -> etree._Element:
    """The bodies of an AO3 EPUB's documents as one tree laid out as AO3's HTML download: a section calibre
    split over several files (its wrapper repeated, with or without its id) is joined again, and the classes
    calibre renamed are restored."""
    tree = etree.Element("div")
    for root in roots:
        body = next((element for element in root.iter() if tag_name(element) == "body"), root)
        for child in body:
            if not tag_name(child):
                continue
            previous = tree[-1] if len(tree) else None
            if previous is not None and _continues(previous, child):
                previous.extend(copy.deepcopy(list(child)))
            else:
                tree.append(copy.deepcopy(child))
    for section in tree:
        if section.get("id") == "preface":
            _restore_preface(section)
        elif section.get("id") == "chapters":
            _restore_chapters(section)
    return tree


def _continues(previous: etree._Element, element: etree._Element) -> bool:
    """True when `element`, first in its document, is the rest of `previous`, last before it: the same wrapper
    with the same id, or with none where `previous` has one."""
    same = element.get("id") == previous.get("id") or (element.get("id") is None and previous.get("id") is not None)
    return tag_name(element) == tag_name(previous) and same


def _restore_preface(preface: etree._Element) -> None:
    """Give the preface's tags list, Archive message and byline the classes AO3 gave them."""
    for element in preface.iter():
        name = tag_name(element)
        if name == "dl":
            _add_classes(element, "tags")
        elif name == "p" and AO3_MARK in inline_text(element).lower():
            _add_classes(element, "message")
        elif name == "a" and element.get("rel") == "author" and element.getparent() is not None:
            _add_classes(element.getparent(), "byline")


def _restore_chapters(chapters: etree._Element) -> None:
    """Give each part of `<div id="chapters">` its AO3 class: a meta group (one that opens with the chapter's
    `<h2 class="heading">`, or holds its notes) or, after it, the chapter's text (`userstuff`), whatever that holds."""
    after_heading = False
    for group in chapters:
        if tag_name(group) != "div" or not inline_text(group):
            continue
        first = next((element for element in group if tag_name(element)), None)
        label = next((inline_text(element) for element in group.iter() if tag_name(element) == "p"), "")
        if not after_heading and first is not None and tag_name(first) == "h2":
            _add_classes(group, "meta", "group")
            first.set("class", "heading")
            after_heading = True
        elif not after_heading and label.rstrip(":").casefold() in _AO3_GROUP_LABELS:
            _add_classes(group, "meta", "group")
        else:
            _add_classes(group, "userstuff")
            after_heading = False


def _add_classes(element: etree._Element, *names: str) -> None:
    """Add class `names` to `element`."""
    have = (element.get("class") or "").split()
    element.set("class", " ".join(have + [name for name in names if name not in have]))
