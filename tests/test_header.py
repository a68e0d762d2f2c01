"""Tests for narrate.ingest.header: reading AO3 page headers and Gutenberg headers into Metadata fields."""

from __future__ import annotations

import pytest

from narrate.ingest.header import awaits, is_header_line, read_book_header, read_header


def test_labelled_fields_and_blocks() -> None:
    lines = [
        "Rating:", "Teen", "Category:\tGen", "Fandom:", "Original Work", "Language: English",
        "Relationships: A/B", "Title: Winter Nets", "Author: by driftwood", "",
        "Summary:", "One sentence.Two sentences.", "", "Notes:", "A note.",
    ]  # fmt: skip
    assert read_header(lines) == {
        "rating": "Teen And Up Audiences", "category": "Gen", "fandom": "Original Work", "language": "en",
        "title": "Winter Nets", "author": "driftwood", "summary": "One sentence. Two sentences.", "notes": "A note.", "relationships": "A/B",
    }  # fmt: skip


def test_bare_copied_layout() -> None:
    lines = ["Tide", "", "Fandom One", "Fandom Two", "M/M", "E", "Tide", "writer", "https://archiveofourown.org/works/1."]
    assert read_header(lines) == {
        "title": "Tide", "fandom": "Fandom One, Fandom Two", "category": "M/M", "rating": "Explicit",
        "author": "writer", "source_url": "https://archiveofourown.org/works/1",
    }  # fmt: skip


def test_chrome_ends_a_block_and_is_skipped() -> None:
    assert read_header(["Summary", "A summary.", "Kudos (12)", "Stray line."])["summary"] == "A summary."


@pytest.mark.parametrize("line", ["Rating:", "Summary", "Words: 1,024", "G", "F/M, Gen", "https://x.org/1", "Work Text:"])
def test_header_lines(line: str) -> None:
    assert is_header_line(line)


@pytest.mark.parametrize("line", ["They left at sunrise.", "Summary of the day: none", "Forward", ""])
def test_story_lines_are_not_header_lines(line: str) -> None:
    assert not is_header_line(line)


@pytest.mark.parametrize(
    ("line", "opens"),
    [("Summary:", "block"), ("Notes", "block"), ("Rating:", "line"), ("Stats:", "line"),
     ("Rating: Mature", ""), ("Summary: Short.", ""), ("G", ""), ("Fandom", "")],
)  # fmt: skip
def test_awaits(line: str, opens: str) -> None:
    assert awaits(line) == opens


GUTENBERG_HEADER = """The Project Gutenberg eBook of A Christmas Carol

This ebook is for the use of anyone anywhere in the United States and
most other parts of the world at no cost and with almost no restrictions
whatsoever.

Title: A Christmas Carol

Author: Charles Dickens

Illustrator: John Leech

Release date: August 11, 2004 [eBook #46]
                Most recently updated: October 15, 2023

Language: English

Credits: Produced by Jose Menendez
"""


def test_book_header_fields() -> None:
    assert read_book_header(GUTENBERG_HEADER.splitlines()) == {
        "title": "A Christmas Carol", "author": "Charles Dickens", "language": "en",
        "source_url": "https://www.gutenberg.org/ebooks/46",
    }  # fmt: skip


def test_book_header_continuation_lines() -> None:
    lines = ["Title: Frankenstein", "       or, The Modern Prometheus", "", "Title: ignored", "Author: Mary Shelley",
             "        Percy Bysshe Shelley", "Language: French", "Release Date: 1993 [EBook #84]"]  # fmt: skip
    assert read_book_header(lines) == {
        "title": "Frankenstein", "author": "Mary Shelley, Percy Bysshe Shelley",
        "language": "fr", "source_url": "https://www.gutenberg.org/ebooks/84",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("line", "fields"),
    [("The Project Gutenberg Etext of A Scandal in Bohemia, by Arthur Conan Doyle",
      {"title": "A Scandal in Bohemia", "author": "Arthur Conan Doyle"}),
     ("Project Gutenberg's Pride and Prejudice, by Jane Austen",
      {"title": "Pride and Prejudice", "author": "Jane Austen"}),
     ("The Project Gutenberg EBook of Emma", {"title": "Emma"})],
)  # fmt: skip
def test_book_header_title_from_first_line(line: str, fields: dict[str, str]) -> None:
    assert read_book_header([line, "", "Copyright laws are changing all over the world."]) == fields


def test_book_header_labels_win_over_first_line() -> None:
    lines = ["The Project Gutenberg EBook of Emma, by J. A.", "", "Title: Emma, a Novel"]
    assert read_book_header(lines) == {"title": "Emma, a Novel"}
    lines = ["The Project Gutenberg EBook of Emma, by J. A.", "", "Author: Jane Austen"]
    assert read_book_header(lines) == {"title": "Emma", "author": "Jane Austen"}


def test_book_header_unknown_language_kept_as_named() -> None:
    assert read_book_header(["Language: Klingon"]) == {"language": "Klingon"}
