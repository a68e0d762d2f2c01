"""AO3 page chrome: the interface lines copied along with a chapter's text."""

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
