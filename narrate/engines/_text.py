"""Text clean-up for engines that read through espeak-ng's text rules, sentence grouping, and the words
narrate.lexicon marks with how they are said."""

from __future__ import annotations

import re
from collections.abc import Callable

UNSPOKEN_MARKS = str.maketrans({"*": " ", "~": " ", "_": " ", "`": "'", "\u00a0": " "})
"""Emphasis marks espeak-ng would read aloud ("asterisk", "tilde") and odd spaces/quotes."""

NUMBER_RANGE = re.compile(r"(?<=\d)\s*[\u2012\u2013]\s*(?=\d)")
"""A figure or en dash between numbers ("1990–1995"), read as "to"."""

SENTENCE = re.compile(r"\S.*?(?:[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s|$)|$)", re.DOTALL)
"""One sentence: up to terminal punctuation and any closing quotes or brackets."""


READER = re.compile(r"(?<![\w/])[Yy]/[Nn](?![\w/])")
"""A reader-insert story's "Y/N" (your name), said as its two letters rather than "why slash en" (a lexicon entry
for "Y/N" can give it a name)."""


def speakable(text: str) -> str:
    """`text` without marks that would be read aloud, number ranges spoken with "to", "Y/N" as two letters."""
    return READER.sub("Y N", NUMBER_RANGE.sub(" to ", text.translate(UNSPOKEN_MARKS)))


def sentence_groups(text: str, max_words: int) -> list[str]:
    """`text` cut at sentence ends into pieces of at most `max_words` words each."""
    groups: list[list[str]] = [[]]
    for sentence in SENTENCE.findall(text):
        words = sentence.split()
        while words:
            room = max_words - len(groups[-1])
            if room <= 0 or (groups[-1] and len(words) > room):
                groups.append([])
                room = max_words
            groups[-1].extend(words[:room])
            words = words[room:]
    return [" ".join(group) for group in groups if group]


PRONOUNCED = re.compile("\u27e6(?P<ipa>[^\u27e6\u27e7|]*)\\|(?P<say>[^\u27e6\u27e7]*)\u27e7")
"""A word the lexicon says: ⟦IPA|respelling⟧ in the text an engine is given (see narrate.lexicon)."""


def pronounced(ipa: str, say: str) -> str:
    """The mark for a word said as `ipa` by engines that take phonemes and as `say` by the others."""
    return f"\u27e6{ipa}|{say}\u27e7"


def respelled(text: str) -> str:
    """`text` with every marked word written as its respelling (for engines that take no phonemes)."""
    return PRONOUNCED.sub(lambda match: match["say"], text)


def with_phonemes(text: str, written: Callable[[str], str]) -> str:
    """`text` with every marked word replaced by `written(ipa)`, the engine's own way of taking phonemes."""
    return PRONOUNCED.sub(lambda match: written(match["ipa"]), text)


def pieces(text: str) -> list[tuple[str, bool]]:
    """`text` as (piece, is phonemes) in order: the plain text between marked words, and their IPA."""
    found, at = [], 0
    for match in PRONOUNCED.finditer(text):
        found += [(text[at : match.start()], False), (match["ipa"], True)]
        at = match.end()
    return [*found, (text[at:], False)]
