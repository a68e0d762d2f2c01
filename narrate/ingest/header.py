"""Page headers read into Metadata fields: AO3 (labelled, or the bare copied layout) and Project Gutenberg."""

from __future__ import annotations

import re
from collections.abc import Iterable

from narrate.ingest.chrome import is_chrome, is_edge_chrome

_RATINGS = {
    "g": "General Audiences", "general": "General Audiences", "general audiences": "General Audiences",
    "t": "Teen And Up Audiences", "teen": "Teen And Up Audiences",
    "teen and up": "Teen And Up Audiences", "teen and up audiences": "Teen And Up Audiences",
    "m": "Mature", "mature": "Mature", "e": "Explicit", "explicit": "Explicit",
    "nr": "Not Rated", "not rated": "Not Rated",
}  # fmt: skip
"""AO3 rating abbreviations and names -> the spelled-out rating."""

_CATEGORIES = {"f/f", "f/m", "m/m", "gen", "multi", "other"}
"""AO3 categories."""

_LANGUAGES = {
    "english": "en", "español": "es", "français": "fr", "deutsch": "de", "italiano": "it",
    "русский": "ru", "日本語": "ja", "português brasileiro": "pt-BR", "português europeu": "pt-PT",
    "polski": "pl", "nederlands": "nl", "svenska": "sv", "한국어": "ko", "中文-普通话 國語": "zh",
}  # fmt: skip
"""AO3 language names -> BCP 47 codes."""

_FIELDS: dict[str, str | None] = {
    "rating": "rating", "ratings": "rating", "category": "category", "categories": "category",
    "fandom": "fandom", "fandoms": "fandom", "language": "language", "title": "title",
    "author": "author", "authors": "author", "creator": "author", "creators": "author",
    "archive warning": "warnings", "archive warnings": "warnings", "relationship": "relationships",
    "relationships": "relationships", "character": "characters", "characters": "characters",
    "additional tags": "tags", "freeform": "tags",
    "series": None, "collections": None, "stats": None, "published": "published", "updated": None,
    "completed": None, "words": None, "chapters": None, "comments": None, "kudos": None,
    "bookmarks": None, "hits": None,
}  # fmt: skip
"""Header labels whose value is one line -> Metadata field (None: read and ignored)."""

LIST_FIELDS = frozenset({"warnings", "relationships", "characters", "tags"})
"""Metadata fields that hold a list of tags (read as one comma-separated string)."""

_BLOCKS = {
    "summary": "summary", "chapter summary": "summary", "work summary": "summary",
    "notes": "notes", "note": "notes", "author's note": "notes", "author's notes": "notes",
    "chapter notes": "notes", "beginning notes": "notes", "work notes": "notes",
}  # fmt: skip
"""Header labels that start a block of free text -> Metadata field."""

_URL_LINE = re.compile(r"(?:posted originally on the archive of our own at\s+)?(?P<url>https?://\S+?)\.?", re.I)

_BOOK_LANGUAGES = {
    "english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it", "portuguese": "pt",
    "dutch": "nl", "swedish": "sv", "danish": "da", "norwegian": "no", "finnish": "fi", "latin": "la",
    "russian": "ru", "polish": "pl", "greek": "el", "chinese": "zh", "japanese": "ja", "esperanto": "eo",
}  # fmt: skip
"""Language names as a Gutenberg header writes them -> BCP 47 codes."""

_BOOK_FIELDS = {"title": "title", "author": "author", "authors": "author", "language": "language"}
"""Gutenberg header labels read -> Metadata field (every other label is ignored)."""

_BOOK_LABEL = re.compile(r"(?P<label>[A-Za-z][A-Za-z ]{0,30}?)\s*:\s*(?P<value>.*)")
_BOOK_NAME = re.compile(
    r"(?:the\s+)?project\s+gutenberg(?:'s|\s+e-?(?:book|text)\s+of)\s+(?P<title>.+?)(?:,\s+by\s+(?P<author>.+))?", re.I
)
_BOOK_NUMBER = re.compile(r"\[e-?(?:book|text)\s*#\s*(?P<number>\d+)\]", re.I)


def read_header(lines: Iterable[str]) -> dict[str, str]:
    """Metadata fields from stripped header lines (labelled AO3 blocks or the bare copied layout)."""
    reader = _HeaderReader()
    for bare in lines:
        reader.feed(bare)
    return reader.fields()


def is_header_line(bare: str) -> bool:
    """True for lines only a page header holds: labels, rating, category, source URL, chrome."""
    return bool(_label(bare) or _rating(bare) or _is_category(bare) or _URL_LINE.fullmatch(bare) or is_chrome(bare))


def awaits(bare: str) -> str:
    """What a label line with no inline value waits for: "block" (free text), "line" (one value) or ""."""
    label = _label(bare)
    if label is None or label[1]:
        return ""
    return "block" if label[2] else "line"


def read_book_header(lines: Iterable[str]) -> dict[str, str]:
    """Metadata fields from the raw lines of a Gutenberg header: Title, Author, Language and the eBook number."""
    values: dict[str, list[str]] = {}
    field, named, number = None, None, None
    for raw in lines:
        bare = raw.strip()
        if field and bare and raw[0].isspace():
            values[field].append(bare)
            continue
        label = _BOOK_LABEL.fullmatch(bare)
        field = _BOOK_FIELDS.get(label["label"].casefold()) if label and label["value"] else None
        field = None if field in ("title", "language") and field in values else field
        if field and label:
            values.setdefault(field, []).append(label["value"])
        named = named or _BOOK_NAME.fullmatch(bare)
        number = number or _BOOK_NUMBER.search(bare)
    fields = {key: _book_value(key, parts) for key, parts in values.items()}
    if named and "title" not in fields:
        fields = {key: value for key, value in named.groupdict().items() if value} | fields
    if number:
        fields["source_url"] = f"https://www.gutenberg.org/ebooks/{number['number']}"
    return fields


def _book_value(field: str, parts: list[str]) -> str:
    """One Gutenberg header field from its lines: authors listed, a title without its subtitle lines."""
    if field == "language":
        return language_code(parts[0])
    return ", ".join(parts) if field == "author" else parts[0]


def language_code(name: str) -> str:
    """The BCP 47 code for a language name (AO3's own names or English ones), or the name itself."""
    key = name.casefold()
    return _LANGUAGES.get(key) or _BOOK_LANGUAGES.get(key) or name


class _HeaderReader:
    """Reads header lines one at a time into Metadata fields."""

    def __init__(self) -> None:
        """Start with nothing read."""
        self.values: dict[str, list[str]] = {}
        self.pending: str | None = None
        self.block: str | None = None
        self.repeat_seen = False
        self.expect_author = False

    def feed(self, bare: str) -> None:
        """Take one stripped line."""
        if not bare or is_edge_chrome(bare):
            if bare:
                self.block = None
            return
        label = _label(bare)
        if label:
            self._start(*label)
        elif self.pending is not None:
            self._add(self.pending, bare)
            self.pending = None
        elif self.block is not None:
            self._add(self.block, bare)
        else:
            self._unlabelled(bare)

    def fields(self) -> dict[str, str]:
        """The fields read so far, as Metadata keyword arguments."""
        out = {key: (", " if key in LIST_FIELDS | {"fandom"} else "\n").join(vals)
               for key, vals in self.values.items() if key != "skip"}
        if "rating" in out:
            out["rating"] = _rating(out["rating"]) or out["rating"]
        if "language" in out:
            out["language"] = language_code(out["language"])
        for key in ("summary", "notes"):
            if key in out:
                out[key] = re.sub(r"(?<=[a-z][.!?])(?=[A-Z])", " ", out[key])
        if "author" in out:
            out["author"] = re.sub(r"^by\s+", "", out["author"], flags=re.I)
        return out

    def _start(self, field: str, value: str, is_block: bool) -> None:
        """Begin a labelled field or block."""
        self.block = field if is_block else None
        self.pending = None
        if value:
            self._add(field, value)
        elif not is_block:
            self.pending = field

    def _add(self, field: str, value: str) -> None:
        """Record one value line for `field`."""
        if field == "title" and "title" in self.values:
            return
        self.values.setdefault(field, []).append(value)

    def _unlabelled(self, bare: str) -> None:
        """Place a line with no label by its shape and position (the bare copied layout)."""
        url = _URL_LINE.fullmatch(bare)
        title = self.values.get("title", [""])[0]
        if url:
            self._add("source_url", url["url"])
        elif not title:
            self.expect_author = bool(self.values.keys() - {"source_url"})
            self._add("title", bare)
        elif _rating(bare) and "rating" not in self.values:
            self._add("rating", bare)
        elif _is_category(bare) and "category" not in self.values:
            self._add("category", bare)
        elif bare.casefold() == title.casefold() and not self.repeat_seen:
            self.repeat_seen = self.expect_author = True
        elif (self.expect_author or bare.lower().startswith("by ")) and "author" not in self.values:
            self._add("author", bare)
            self.expect_author = False
        elif not self.repeat_seen and "author" not in self.values:
            self._add("fandom", bare)


def _label(bare: str) -> tuple[str, str, bool] | None:
    """(field, inline value, is block) when `bare` is a header label line."""
    key = bare.rstrip(":").strip().casefold()
    if key in _BLOCKS or key in _FIELDS and bare.endswith(":"):
        return _label_entry(key, "")
    match = re.fullmatch(r"([A-Za-z][A-Za-z' ]{0,24}?)\s*(?::\s*|\t+)(.+)", bare)
    if match and match[1].casefold() in (_BLOCKS.keys() | _FIELDS.keys()):
        return _label_entry(match[1].casefold(), match[2].strip())
    return None


def _label_entry(key: str, value: str) -> tuple[str, str, bool]:
    """The (field, value, is block) triple for a known label key."""
    if key in _BLOCKS:
        return _BLOCKS[key], value, True
    return _FIELDS[key] or "skip", value, False


def _rating(bare: str) -> str:
    """The spelled-out AO3 rating `bare` names, or ""."""
    return _RATINGS.get(bare.casefold().strip(" ."), "")


def _is_category(bare: str) -> bool:
    """True for an AO3 category line such as "M/M" or "F/M, Gen"."""
    items = [item for item in re.split(r"[,\s]+", bare.casefold()) if item]
    return bool(items) and all(item in _CATEGORIES for item in items)
