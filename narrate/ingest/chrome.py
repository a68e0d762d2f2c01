"""Page chrome: AO3 interface lines copied along with a chapter, and Project Gutenberg boilerplate."""

from __future__ import annotations

import re

_STRONG_CHROME = {
    "all chapters forward", "chapter text", "work text:", "work text", "sign in to leave a review.",
    "(see the end of the chapter for notes.)", "(see the end of the chapter for more notes.)",
    "(see the end of the work for notes.)", "(see the end of the work for more notes.)",
    "previous chapter", "next chapter", "entire work", "chapter index", "full-page index",
    "leave kudos", "post comment", "mark for later", "hide comments", "work header",
    "chapter by chapter", "back to top", "comments:", "kudos:", "share work", "bookmark work",
}  # fmt: skip
"""AO3 interface lines dropped wherever they stand as a whole line."""

_WEAK_CHROME = {
    "forward", "back", "share", "kudos", "comments", "comment", "bookmark", "bookmarks",
    "actions", "top", "next", "previous", "prev", "subscribe", "download", "hits", "reply",
    "all chapters", "chapters", "work", "edit", "delete", "thread", "print",
}  # fmt: skip
"""Interface words dropped only at the head or tail of the page."""

_KUDOS = re.compile(r"left kudos on this work!?$|guests? left kudos|^kudos \(\d+\)$", re.I)

_BOOK_START = re.compile(r"\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG|\*END\*?\s*THE SMALL PRINT", re.I)
_BOOK_END = re.compile(r"\**\s*END OF (?:THE |THIS )?PROJECT GUTENBERG", re.I)
_BOOK_CREDIT = re.compile(
    r"(?:produced|prepared|transcribed|digitized|scanned|proofread|e-?text prepared"
    r"|this (?:e-?text|e-?book|file) was)\b"
    r"|.*(?:project gutenberg|gutenberg\.org|pgdp\.net|https?://)",
    re.I,
)


def chrome_key(bare: str) -> str:
    """`bare` normalised for comparison with known interface lines."""
    key = re.sub(r"[←→↑↓«»‹›]", "", bare.casefold())
    key = re.sub(r"\s*[(:]?\s*\d[\d,]*\s*\)?$", "", key.strip())
    return " ".join(key.split())


def is_chrome(bare: str) -> bool:
    """True for an AO3 interface line dropped wherever it stands."""
    return chrome_key(bare) in _STRONG_CHROME


def is_edge_chrome(bare: str) -> bool:
    """True for an interface line dropped at the head or tail of the page."""
    key = chrome_key(bare)
    return key in _STRONG_CHROME or key in _WEAK_CHROME or bool(_KUDOS.search(bare))



def is_book_start(bare: str) -> bool:
    """True for the Gutenberg line after which the book begins ("*** START OF THE PROJECT GUTENBERG EBOOK ...")."""
    return bool(_BOOK_START.match(bare))


def is_book_end(bare: str) -> bool:
    """True for the Gutenberg line where the book has ended ("*** END OF THE PROJECT GUTENBERG EBOOK ...")."""
    return bool(_BOOK_END.match(bare))


def is_book_credit(bare: str) -> bool:
    """True for a transcriber's credit or a Gutenberg notice ahead of a book ("Produced by ...")."""
    return bool(_BOOK_CREDIT.match(bare))
