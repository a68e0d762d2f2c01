"""Tests for narrate.ingest.chrome: recognising AO3 interface lines and Project Gutenberg boilerplate."""

from __future__ import annotations

import pytest

from narrate.ingest.chrome import chrome_key, is_book_credit, is_book_end, is_book_start, is_chrome, is_edge_chrome


def test_chrome_key_normalises_case_arrows_and_counts() -> None:
    assert chrome_key("  ← Previous   Chapter ") == "previous chapter"
    assert chrome_key("Comments: 1,204") == "comments"
    assert chrome_key("Kudos (12)") == "kudos"


@pytest.mark.parametrize("line", ["All Chapters Forward", "Sign in to leave a review.", "Work Text:", "Comments:"])
def test_chrome_anywhere(line: str) -> None:
    assert is_chrome(line) and is_edge_chrome(line)


@pytest.mark.parametrize("line", ["Forward", "Share", "Kudos: 40", "4 guests left kudos on this work!"])
def test_chrome_only_at_the_edges(line: str) -> None:
    assert is_edge_chrome(line) and not is_chrome(line)


@pytest.mark.parametrize("line", ["They left at sunrise.", "Forward, he said.", ""])
def test_story_lines(line: str) -> None:
    assert not is_chrome(line) and not is_edge_chrome(line)


@pytest.mark.parametrize(
    "line",
    ["*** START OF THE PROJECT GUTENBERG EBOOK A CHRISTMAS CAROL ***",
     "*** START OF THIS PROJECT GUTENBERG EBOOK PRIDE AND PREJUDICE ***",
     "***START OF THE PROJECT GUTENBERG EBOOK 1342***",
     "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*",
     "*END THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*"],
)  # fmt: skip
def test_book_start(line: str) -> None:
    assert is_book_start(line) and not is_book_end(line)


@pytest.mark.parametrize(
    "line",
    ["***START**THE SMALL PRINT!**FOR PUBLIC DOMAIN ETEXTS**START***", "START: FULL LICENSE",
     "The Project Gutenberg eBook of A Christmas Carol", "They started at the start of the project."],
)  # fmt: skip
def test_not_book_start(line: str) -> None:
    assert not is_book_start(line)


@pytest.mark.parametrize(
    "line",
    ["*** END OF THE PROJECT GUTENBERG EBOOK A CHRISTMAS CAROL ***",
     "*** END OF THIS PROJECT GUTENBERG EBOOK PRIDE AND PREJUDICE ***",
     "End of the Project Gutenberg EBook of Pride and Prejudice, by Jane Austen",
     "End of Project Gutenberg's Pride and Prejudice, by Jane Austen",
     "End of the Project Gutenberg Etext of A Scandal in Bohemia"],
)  # fmt: skip
def test_book_end(line: str) -> None:
    assert is_book_end(line) and not is_book_start(line)


@pytest.mark.parametrize("line", ["THE END", "End of the chapter.", "It was the end of the project."])
def test_not_book_end(line: str) -> None:
    assert not is_book_end(line)


@pytest.mark.parametrize(
    "line",
    ["Produced by Anonymous Volunteers, and David Widger", "E-text prepared by Judith Boss",
     "Transcribed from the 1843 Chapman and Hall edition by David Price",
     "This etext was prepared by An Anonymous Volunteer",
     "Note: Project Gutenberg also has an HTML version of this file"],
)  # fmt: skip
def test_book_credit(line: str) -> None:
    assert is_book_credit(line)


@pytest.mark.parametrize("line", ["PRIDE AND PREJUDICE", "By Jane Austen", "Marley was dead: to begin with."])
def test_not_book_credit(line: str) -> None:
    assert not is_book_credit(line)
