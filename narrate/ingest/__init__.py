"""Ingest: find an input file, decode it, and hand it to the format reader.

`resolve` turns what the user typed into a path; `load` turns a path into a
Work. Decoding lives here (it is the same for every text format), and so does
the choice of reader: a Project Gutenberg book is read by `book`, any other
text (an AO3 page, a short text) by `text`. Their headers are read by
`header`, interface lines and Gutenberg boilerplate recognised by `chrome`.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from narrate.errors import InputError
from narrate.ingest.book import parse_book
from narrate.ingest.text import parse_text
from narrate.model import Work

TEXT_SUFFIXES = (".txt", ".text", ".md", "")
"""Suffixes read as plain text, in order of preference when resolving a name."""

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
    text = _decode(path)
    book = parse_book(path, text)
    return book if book is not None else parse_text(path, text)


def _decode(path: Path) -> str:
    """The text of `path` as `open(path, encoding="utf-8").read()` would give it."""
    data = _read_bytes(path)
    text = _decode_bytes(path, data)
    if _looks_binary(text):
        raise _not_text(path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _suffix_rank(path: Path) -> tuple[int, str]:
    """Sort key preferring text suffixes in TEXT_SUFFIXES order."""
    suffix = path.suffix.lower()
    rank = TEXT_SUFFIXES.index(suffix) if suffix in TEXT_SUFFIXES else len(TEXT_SUFFIXES)
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
    return InputError(f"{path}: not a text file (expected UTF-8 or Windows-1252 text)")
