"""Tests for narrate.ingest.book: Project Gutenberg books, with their boilerplate or without it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from narrate.errors import InputError
from narrate.ingest import load
from narrate.ingest.book import parse_book
from narrate.model import Work
from test_ingest import FIXTURES, SAMPLE, assert_offsets, paragraphs, paragraphs_of, write

NOVELS = FIXTURES / "novels"
START = "*** START OF THE PROJECT GUTENBERG EBOOK A BOOK ***"
END = "*** END OF THE PROJECT GUTENBERG EBOOK A BOOK ***"
PROSE = "It was a dark night and the wind blew from the north over the moors, and nobody was out."


def book(tmp_path: Path, name: str, newline: str = "\n") -> Work:
    """Load a copy of fixture novels/`name` written with `newline` line ends, checking its offsets."""
    path = tmp_path / name
    path.write_bytes((NOVELS / name).read_bytes().replace(b"\n", newline.encode()))
    work = load(path)
    assert_offsets(work)
    return work


def load_book(tmp_path: Path, body: str) -> Work:
    """Load `body` wrapped in Gutenberg START and END lines, checking its offsets."""
    work = load(write(tmp_path, f"Title: A Book\n\n{START}\n\n{body}\n\n{END}\nThe licence.\n"))
    assert_offsets(work)
    return work


def headings(work: Work) -> list[tuple[int | None, str]]:
    """(number, title) of every chapter."""
    return [(c.number, c.title) for c in work.chapters]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_book_metadata_from_gutenberg_header(tmp_path: Path, newline: str) -> None:
    meta = book(tmp_path, "carol.txt", newline).meta
    assert (meta.title, meta.author, meta.language) == ("A Christmas Carol", "Charles Dickens", "en")
    assert meta.source_url == "https://www.gutenberg.org/ebooks/46"
    assert (meta.fandom, meta.summary, meta.notes, meta.category, meta.rating) == ("", "", "", "", "")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_book_boilerplate_never_narrated(tmp_path: Path, newline: str) -> None:
    for name in ("carol.txt", "pride.txt", "bohemia.txt", "emma.txt", "proposal.txt"):
        texts = paragraphs(book(tmp_path, name, newline))
        assert not any("Gutenberg" in t or "SMALL PRINT" in t or "Produced by" in t for t in texts), name
        assert not any("licen" in t.lower() or "copyright" in t.lower() for t in texts), name


def test_book_front_matter_and_staves(tmp_path: Path) -> None:
    work = book(tmp_path, "carol.txt")
    assert headings(work) == [
        (None, "Preface"), (1, "Marley's Ghost"), (2, "The First of the Three Spirits"),
        (3, "The Second of the Three Spirits"),
    ]  # fmt: skip
    preface, stave_one = (paragraphs_of(c) for c in work.chapters[:2])
    assert preface[0].startswith("I have endeavoured") and preface[-1] == "December, 1843."
    assert stave_one[0].startswith("Marley was dead: to begin with.")
    texts = paragraphs(work)
    for front in ("A CHRISTMAS CAROL", "IN PROSE", "A Ghost Story of Christmas", "by Charles Dickens", "CONTENTS"):
        assert front not in texts
    assert not any("STAVE" in t or "[Illustration" in t or "Three Spirits" in t for t in texts)
    assert texts[-1] == "THE END"


def test_book_illustrations_and_scene_markers(tmp_path: Path) -> None:
    work = book(tmp_path, "carol.txt")
    stave_two, stave_three = work.chapters[2], work.chapters[3]
    assert [p.text for p in stave_two.scenes[0].paragraphs][1:] == [
        '"Are you the Spirit, sir, whose coming was foretold to me?" asked\nScrooge.', '"I am!"',
    ]  # fmt: skip
    assert [len(s.paragraphs) for s in stave_three.scenes] == [1, 2]


def test_book_scenes_break_only_at_markers(tmp_path: Path) -> None:
    work = load_book(tmp_path, f"CHAPTER I\n\n{PROSE}\n\n\n\n{PROSE}\n\n* * *\n\nAfter.")
    assert [[p.text for p in s.paragraphs] for s in work.chapters[0].scenes] == [[PROSE, PROSE], ["After."]]


def test_book_older_boilerplate_and_contents(tmp_path: Path) -> None:
    work = book(tmp_path, "pride.txt")
    assert (work.meta.title, work.meta.author) == ("Pride and Prejudice", "Jane Austen")
    assert headings(work) == [(1, ""), (2, ""), (3, "")]
    assert paragraphs_of(work.chapters[0])[0].startswith("It is a truth universally acknowledged")
    assert paragraphs(work)[-1].endswith("any satisfactory description of Mr. Bingley.")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_book_hard_wrapped_paragraphs(tmp_path: Path, newline: str) -> None:
    first = book(tmp_path, "pride.txt", newline).chapters[0]
    texts = paragraphs_of(first)
    assert len(texts) == 5
    assert texts[3] == (
        'Mr. Bennet replied that he had not. His wife went on at once with\n'
        '"But it is, for Mrs. Long has just been here, and she told me all about\nit."'
    )  # fmt: skip


def test_book_small_print_etext_with_numeral_headings(tmp_path: Path) -> None:
    work = book(tmp_path, "bohemia.txt")
    assert (work.meta.title, work.meta.author) == ("A Scandal in Bohemia", "Arthur Conan Doyle")
    assert headings(work) == [(1, ""), (2, ""), (3, "")]
    assert paragraphs_of(work.chapters[0])[0].startswith("To Sherlock Holmes she is always THE woman.")
    assert paragraphs_of(work.chapters[1])[-1] == "L."  # a signature, not chapter 50
    assert "A SCANDAL IN BOHEMIA" not in paragraphs(work)


def test_book_volumes_restart_chapter_numbers(tmp_path: Path) -> None:
    work = book(tmp_path, "emma.txt")
    assert headings(work) == [(1, ""), (2, ""), (1, ""), (2, "")]
    firsts = [paragraphs_of(c)[0].split(",")[0] for c in work.chapters]
    assert firsts == [
        "Emma Woodhouse", "Mr. Weston was a native of Highbury",
        "Emma and Harriet had been walking together one morning", "Miss Bates",
    ]  # fmt: skip
    assert not any("VOLUME" in t or "ROYAL HIGHNESS" in t for t in paragraphs(work))


def test_book_without_chapter_headings(tmp_path: Path) -> None:
    work = book(tmp_path, "proposal.txt")
    assert (work.meta.title, work.slug) == ("A Modest Proposal", "a-modest-proposal")
    assert headings(work) == [(None, "A Modest Proposal")]
    texts = paragraphs(work)
    assert len(texts) == 3
    assert texts[0].startswith("It is a melancholy object") and texts[-1].endswith("the least objection.")


@pytest.mark.parametrize(
    ("heading", "number", "title"),
    [("CHAPTER I.", 1, ""), ("CHAPTER I", 1, ""), ("Chapter 1", 1, ""), ("CHAPTER XXIII. The Title", 23, "The Title"),
     ("CHAPTER I.--THE OLD HOUSE", 1, "The Old House"), ("CHAPTER I\nTHE OLD HOUSE", 1, "The Old House"),
     ("CHAPTER I.\n\nDown the Rabbit-Hole", 1, "Down the Rabbit-Hole"), ("Chapter the First", 1, ""),
     ("STAVE ONE.\n\n\nMARLEY'S GHOST.", 1, "Marley's Ghost"), ("I.", 1, ""), ("I", 1, ""),
     ("I. The Period", 1, "The Period"), ("PROLOGUE", None, "Prologue")],
)  # fmt: skip
def test_book_chapter_headings(tmp_path: Path, heading: str, number: int | None, title: str) -> None:
    work = load_book(tmp_path, f"A BOOK\n\nby Someone\n\n{heading}\n\n{PROSE}\n\n\"Short line.\"")
    assert headings(work) == [(number, title)]
    assert paragraphs(work) == [PROSE, '"Short line."']


@pytest.mark.parametrize("part", ["BOOK ONE", "PART II", "VOLUME I", "Book the First--Recalled to Life", "Part 2: Home"])
def test_book_part_headings_are_not_chapters(tmp_path: Path, part: str) -> None:
    work = load_book(tmp_path, f"{part}\n\nCHAPTER I\n\n{PROSE}\n\n{part}\n\n\nCHAPTER II\n\n{PROSE}")
    assert headings(work) == [(1, ""), (2, "")]
    assert paragraphs(work) == [PROSE, PROSE]


def test_book_part_line_without_chapters_is_text(tmp_path: Path) -> None:
    work = load_book(tmp_path, f"CHAPTER I\n\n{PROSE}\n\nPART TWO\n\n{PROSE}")
    assert paragraphs(work) == [PROSE, "PART TWO", PROSE]


def test_book_part_with_its_own_prose(tmp_path: Path) -> None:
    work = load_book(tmp_path, f"PART ONE\n\nTHE ARRIVAL\n\n{PROSE}\n\nCHAPTER I\n\n{PROSE}")
    assert headings(work) == [(None, "Part One"), (1, "")]
    assert paragraphs(work) == [PROSE, PROSE]


def test_book_untitled_preface_after_contents_is_a_chapter_of_its_own(tmp_path: Path) -> None:
    contents = "CONTENTS\n\nCHAPTER I. The Start\nCHAPTER II. The End"
    work = load_book(tmp_path, f"{contents}\n\n{PROSE}\n\nCHAPTER I. The Start\n\nOne.\n\nCHAPTER II. The End\n\nTwo.")
    assert [(c.number, c.title, paragraphs_of(c)) for c in work.chapters] == [
        (None, work.meta.title, [PROSE]), (1, "The Start", ["One."]), (2, "The End", ["Two."]),
    ]  # fmt: skip


def test_book_contents_of_unrecognised_headings_keeps_the_body(tmp_path: Path) -> None:
    contents = "CONTENTS\n\nThe Beginning ..... 1\nThe Middle ..... 5"
    work = load_book(tmp_path, f"{contents}\n\nTHE BEGINNING\n\n{PROSE}\n\nMore.")
    assert paragraphs(work) == [PROSE, "More."]


def test_book_without_end_line(tmp_path: Path) -> None:
    work = load(write(tmp_path, f"Title: A Book\n\n{START}\n\nCHAPTER I\n\n{PROSE}\n"))
    assert (work.meta.title, headings(work), paragraphs(work)) == ("A Book", [(1, "")], [PROSE])


def test_book_with_nothing_to_narrate(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"story\.txt: empty chapter \(no text to narrate\)$"):
        load(write(tmp_path, f"Title: A Book\n\n{START}\n\n{END}\nThe licence, at length.\n"))


def test_book_ingest_is_linear(tmp_path: Path) -> None:
    source = (NOVELS / "pride.txt").read_text(encoding="utf-8")
    header, rest = source.split("Contents", 1)
    chapter = rest.split("\n\nChapter 1\n", 1)[1].split("\n\nChapter 2", 1)[0]
    count = 150_000 // len(chapter.split()) + 1
    seconds = []
    for chapters in (count // 4, count):
        text = header + "".join(f"\n\nChapter {n}\n\n{chapter}" for n in range(1, chapters + 1)) + f"\n{END}\n"
        path = write(tmp_path, text, f"novel{chapters}.txt")
        started = time.perf_counter()
        work = load(path)
        seconds.append(time.perf_counter() - started)
        assert [c.number for c in work.chapters] == list(range(1, chapters + 1))
    assert len(work.text.split()) >= 150_000
    assert seconds[1] < 10 * seconds[0] + 0.05  # 4x the text: ~4x the time (quadratic would be ~16x)


# --- books without their Gutenberg boilerplate ----------------------------------------------------


def stripped(tmp_path: Path, name: str) -> Work:
    """Load fixture novels/`name` cut to the lines between its START and END lines, checking its offsets."""
    lines = (NOVELS / name).read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("*** START"))
    end = next(i for i, line in enumerate(lines) if line.startswith("*** END"))
    work = load(write(tmp_path, "\n".join(lines[start + 1 : end]), f"stripped_{name}"))
    assert_offsets(work)
    return work


@pytest.mark.parametrize("name", ["carol.txt", "emma.txt", "pride.txt"])
def test_book_without_boilerplate_reads_like_the_whole_book(tmp_path: Path, name: str) -> None:
    whole, cut = book(tmp_path, name), stripped(tmp_path, name)
    assert [(c.number, c.title, paragraphs_of(c)) for c in cut.chapters] == [
        (c.number, c.title, paragraphs_of(c)) for c in whole.chapters
    ]
    assert cut.meta.title == whole.meta.title  # from the title page, credits skipped, capitals tidied


VOLUMES = (
    " VOLUME I\n\n CHAPTER I.\n CHAPTER II.\n\n VOLUME II\n\n CHAPTER I.",
    f"VOLUME I\n\nCHAPTER I.\n\n{PROSE}\n\nCHAPTER II.\n\n{PROSE}\n\nVOLUME II\n\nCHAPTER I.\n\n{PROSE}",
    [(1, ""), (2, ""), (1, "")],
)
"""A contents listing volumes and chapters, the chapters, and their (number, title)."""

TITLED = (
    " CHAPTER I.   The Start\n   In which it starts.\n CHAPTER II.  The End\n   In which it ends.",
    f"CHAPTER I.\n\nTHE START\n\n{PROSE}\n\nCHAPTER II.\n\nTHE END\n\n{PROSE}",
    [(1, "The Start"), (2, "The End")],
)
"""A contents with a line under each entry, the chapters, and their (number, title)."""


@pytest.mark.parametrize(("contents", "chapters", "expected"), [VOLUMES, TITLED])
def test_book_without_boilerplate_contents_are_not_chapters(
    tmp_path: Path, contents: str, chapters: str, expected: list[tuple[int | None, str]]
) -> None:
    work = load(write(tmp_path, f"A BOOK\n\nCONTENTS\n\n{contents}\n\n\n{chapters}\n"))
    assert (work.meta.title, headings(work)) == ("A Book", expected)
    assert paragraphs(work) == [PROSE] * len(expected)
    assert_offsets(work)


def test_page_is_not_a_book() -> None:
    for path in (SAMPLE, FIXTURES / "winter_nets.txt", FIXTURES / "tea_party.txt"):
        assert parse_book(path, path.read_text(encoding="utf-8")) is None
