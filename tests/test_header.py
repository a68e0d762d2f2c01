"""Tests for narrate.ingest.header: reading AO3 page headers into Metadata fields."""

from __future__ import annotations

import pytest

from narrate.ingest.header import awaits, is_header_line, read_header


def test_labelled_fields_and_blocks() -> None:
    lines = [
        "Rating:", "Teen", "Category:\tGen", "Fandom:", "Original Work", "Language: English",
        "Relationships: A/B", "Title: Winter Nets", "Author: by driftwood", "",
        "Summary:", "One sentence.Two sentences.", "", "Notes:", "A note.",
    ]  # fmt: skip
    assert read_header(lines) == {
        "rating": "Teen And Up Audiences", "category": "Gen", "fandom": "Original Work", "language": "en",
        "title": "Winter Nets", "author": "driftwood", "summary": "One sentence. Two sentences.", "notes": "A note.",
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
