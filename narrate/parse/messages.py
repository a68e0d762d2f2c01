"""Messages: the lines of a text thread or group chat, each the words of its sender.

A thread is written one message per line, the sender's name and a colon
first: "**Bea:** are you coming tonight", "Noor: she is 100% bailing",
"[10:42] bigbrainbea: lol", "Bea (10:42 PM): omw". A paragraph is a thread
when every line of it is such a line and the senders are marked out (bold or
italics, or a time), or it has two lines or more, or a thread is one or two
paragraphs before it or the next, or the paragraph before speaks of phones
("Her phone buzzed." / "Bea: see you at 8"): a lone "Note: ..." is prose.
Each message is a span like a quotation's (its "marks" the space before it and
the end of its line); the sender's name stays narration, and the message's
segment carries it (`Segment.sender`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from narrate.parse.marks import Span
from narrate.parse.speech import speaks_of_phones

_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?"
"""A time of day: 10:42, 10:42:07, 10:42 PM."""
_MESSAGE_LINE = re.compile(
    rf"[ \t]*(?P<time>\[?{_CLOCK}\]?[ \t]*)?(?P<mark>\*\*|__|\*|_)?"
    r"(?P<name>[A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*)?|[a-z][\w.-]*)(?P=mark)?"
    rf"(?P<stamp>[ \t]*[(\[]{_CLOCK}[)\]])?:(?P=mark)?"
    r"[ \t]+(?P<message>[^\s“”\"].*?)[ \t]*"
)
"""A message line: an optional time, the sender (maybe in bold or italics, maybe with the time after), a colon,
the message."""

_NOT_SENDERS = frozenset(
    "chapter part book note notes warning warnings summary p.s ps re subject to from cc date time tw cw edit "
    "update author an title language credits illustrator translator rating fandom fandoms relationship "
    "relationships characters category categories tags series stats published updated completed words chapters "
    "kudos bookmarks hits comments status".split()
) | {"archive warning", "archive warnings", "additional tags", "release date", "posting date", "last updated"}
"""Words before a colon that head prose or a work's details, not a message ("Chapter 3: Read Receipts", "Note: ...",
"Rating: Teen And Up", "Author: Jane Austen")."""


def threads(texts: Sequence[str]) -> list[list[tuple[Span, str]]]:
    """For each paragraph of `texts`, the spans of its messages and their senders if it is a thread, else []."""
    lines = [_message_lines(text) for text in texts]
    found: list[list[tuple[Span, str]]] = []
    for k, matches in enumerate(lines):
        thread = bool(matches) and (
            all(m["mark"] or m["time"] or m["stamp"] for m in matches) or len(matches) > 1
            or any(0 <= j < len(lines) and lines[j] for j in (k - 2, k - 1, k + 1))
            or k > 0 and speaks_of_phones(texts[k - 1])
        )  # fmt: skip
        found.append([((m.start("message") - 1, m.end("message")), m["name"]) for m in matches] if thread else [])
    return found


def _message_lines(text: str) -> list[re.Match[str]]:
    """The message lines of a paragraph when every line of it is one, else []."""
    found = []
    for line in re.finditer(r"[^\n]+", text):
        match = _MESSAGE_LINE.fullmatch(text, line.start(), line.end())
        if match is None or match["name"].lower().rstrip(".") in _NOT_SENDERS:
            return []
        found.append(match)
    return found
