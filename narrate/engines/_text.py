"""Text clean-up for engines that read through espeak-ng's text rules, and sentence grouping."""

from __future__ import annotations

import re

UNSPOKEN_MARKS = str.maketrans({"*": " ", "~": " ", "_": " ", "`": "'", "\u00a0": " "})
"""Emphasis marks espeak-ng would read aloud ("asterisk", "tilde") and odd spaces/quotes."""

NUMBER_RANGE = re.compile(r"(?<=\d)\s*[\u2012\u2013]\s*(?=\d)")
"""A figure or en dash between numbers ("1990–1995"), read as "to"."""

SENTENCE = re.compile(r"\S.*?(?:[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s|$)|$)", re.DOTALL)
"""One sentence: up to terminal punctuation and any closing quotes or brackets."""


def speakable(text: str) -> str:
    """`text` without marks that would be read aloud, number ranges spoken with "to"."""
    return NUMBER_RANGE.sub(" to ", text.translate(UNSPOKEN_MARKS))


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
