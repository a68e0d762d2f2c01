"""Tests for narrate.ingest.chrome: recognising AO3 interface lines."""

from __future__ import annotations

import pytest

from narrate.ingest.chrome import chrome_key, is_chrome, is_edge_chrome


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
