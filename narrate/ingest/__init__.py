"""Ingest: find an input file, decode it, and hand it to the format reader.

`resolve` turns what the user typed into a path; `load` turns a path into a
Work. The choice of reader lives here: an EPUB is read by `epub`, an HTML file
(an AO3 download, or any page) by `ao3_html`, both laying their text out with
`markup`; a Project Gutenberg text by `book`, any other text (a copied AO3
page, a short text) by `text`. Decoding text lives here too (it is the same
for every text format). Headers are read by `header`, interface lines and
Gutenberg boilerplate recognised by `chrome`. Formats narrate cannot read
(MOBI, AZW3, PDF, DOCX) get an answer saying which it can.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from narrate.errors import InputError
from narrate.ingest.ao3_html import read_html
from narrate.ingest.book import parse_book
from narrate.ingest.epub import read_epub
from narrate.ingest.text import parse_text
from narrate.model import Work

READABLE_SUFFIXES = (".txt", ".text", ".md", "", ".html", ".htm", ".xhtml", ".epub")
"""Suffixes narrate reads, in order of preference when resolving a name."""

_UNREADABLE = {
    ".mobi": "MOBI", ".azw": "Kindle (AZW)", ".azw3": "Kindle (AZW3)", ".kfx": "Kindle (KFX)", ".pdf": "PDF",
    ".docx": "Word (DOCX)", ".doc": "Word (DOC)", ".odt": "OpenDocument (ODT)", ".rtf": "RTF",
}  # fmt: skip
"""Formats narrate does not read, by suffix."""

_SIGNATURES = (
    (b"%PDF-", "PDF"), (b"{\\rtf", "RTF"), (b"\xd0\xcf\x11\xe0", "Word (DOC)"),
)  # fmt: skip
"""Leading bytes of formats narrate does not read, whatever the file is called."""

_ALTERNATIVES = ("narrate reads EPUB, HTML and plain text; on AO3, Download > EPUB or HTML; "
                 "elsewhere, save or convert the book as EPUB")
"""What to do with a file in a format narrate does not read."""

_CONTROL_LIMIT = 0.01
"""Share of control characters above which a decoded file is called binary."""


def resolve(name: str, input_dir: Path) -> Path:
    """The file the user means by `name`: an existing path, or input_dir/name.* (.txt first)."""
    given = Path(name)
    if given.is_file():
        return given
    direct = input_dir / given.name
    if direct.is_file():
        return direct
    candidates = sorted((p for p in input_dir.glob(f"{given.name}.*") if p.is_file()), key=_suffix_rank)
    if candidates:
        return candidates[0]
    available = sorted({p.stem for p in input_dir.glob("*.*") if p.is_file() and not p.name.startswith(".")})
    listing = ", ".join(available) if available else f"none in {input_dir}/"
    raise InputError(f"{input_dir / given.name}: no such chapter (available: {listing})")


def load(path: Path) -> Work:
    """Read `path` and return the Work it holds (metadata, chapters, scenes, paragraphs)."""
    data = _read_bytes(path)
    kind = _format(path, data)
    if kind == "epub":
        return read_epub(path, data)
    if kind == "html":
        return read_html(path, data)
    text = _decode(path, data)
    book = parse_book(path, text)
    return book if book is not None else parse_text(path, text)


def _format(path: Path, data: bytes) -> str:
    """"epub", "html" or "text", from the file's first bytes and its suffix; InputError for formats narrate
    does not read."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data.startswith(b"PK\x03\x04"):
        if b"mimetypeapplication/epub+zip" in data[:100] or path.suffix.lower() == ".epub":
            return "epub"
        named = "Word (DOCX)" if b"word/" in data[:4096] else _UNREADABLE.get(path.suffix.lower(), "a zip archive")
        raise InputError(f"{path}: {named} is not a format narrate reads ({_ALTERNATIVES})")
    if data[60:68] in (b"BOOKMOBI", b"TEXtREAd"):
        raise InputError(f"{path}: {_UNREADABLE.get(path.suffix.lower(), 'MOBI')} is not a format narrate reads "
                         f"({_ALTERNATIVES})")
    for signature, named in _SIGNATURES:
        if data.startswith(signature):
            raise InputError(f"{path}: {named} is not a format narrate reads ({_ALTERNATIVES})")
    if path.suffix.lower() in _UNREADABLE:
        raise InputError(f"{path}: {_UNREADABLE[path.suffix.lower()]} is not a format narrate reads ({_ALTERNATIVES})")
    if path.suffix.lower() == ".epub":
        raise InputError(f"{path}: not an EPUB (an EPUB is a zip archive; this file is not one); "
                         f"download or save the book again")
    markup = head.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in data[:4096].lower()
    return "html" if markup or path.suffix.lower() in (".html", ".htm", ".xhtml") else "text"


def _decode(path: Path, data: bytes) -> str:
    """The text of `path` (whose bytes are `data`) as `open(path, encoding="utf-8").read()` would give it."""
    text = _decode_bytes(path, data)
    if _looks_binary(text):
        raise _not_text(path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _suffix_rank(path: Path) -> tuple[int, str]:
    """Sort key preferring the suffixes narrate reads, in READABLE_SUFFIXES order."""
    suffix = path.suffix.lower()
    rank = READABLE_SUFFIXES.index(suffix) if suffix in READABLE_SUFFIXES else len(READABLE_SUFFIXES)
    return rank, path.name


def _read_bytes(path: Path) -> bytes:
    """The raw bytes of `path`, with OS errors turned into InputError."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, expected a text file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _decode_bytes(path: Path, data: bytes) -> str:
    """Decode as UTF-8 (BOM kept), UTF-16 with a BOM, or Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _not_text(path) from None
    if b"\x00" in data:
        raise _not_text(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise _not_text(path) from None


def _looks_binary(text: str) -> bool:
    """True when control characters (other than tab, newline, CR, form feed) are common."""
    if not text:
        return False
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f\v" or ch == "\x7f")
    return controls / len(text) > _CONTROL_LIMIT


def _not_text(path: Path) -> InputError:
    """The error for a file that is not text."""
    return InputError(f"{path}: not a text file (narrate reads UTF-8 or Windows-1252 text, HTML and EPUB)")
