"""Tests for narrate.ingest and its text reader: resolving names, decoding, header, chrome, chapters, scenes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from narrate.errors import InputError
from narrate.ingest import load, resolve
from narrate.model import Chapter, Work

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "input" / "chapter4.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def paragraphs(work: Work) -> list[str]:
    """Every paragraph text of every chapter, in order."""
    return [p.text for c in work.chapters for s in c.scenes for p in s.paragraphs]


def write(tmp_path: Path, text: str, name: str = "story.txt") -> Path:
    """Write `text` as UTF-8 to a file in tmp_path and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def assert_offsets(work: Work) -> None:
    """Every paragraph's offsets point at its text, in the text open() reads."""
    assert work.text == open(work.source, encoding="utf-8").read()
    for chapter in work.chapters:
        for scene in chapter.scenes:
            for p in scene.paragraphs:
                assert work.text[p.start : p.end] == p.text


# --- the sample chapter -----------------------------------------------------------------------


def test_sample_metadata() -> None:
    work = load(SAMPLE)
    meta = work.meta
    assert meta.title == "What We Chose"
    assert meta.fandom == "Naruto (Anime & Manga)"
    assert meta.category == "M/M"
    assert meta.rating == "General Audiences"
    assert meta.author == "author"
    assert meta.summary.startswith("When Sasuke returns with a warning")
    assert meta.summary.endswith("chooses to forget you.")
    assert meta.notes.startswith("Alternate Ver. Of Ashes in the Rain")
    assert work.slug == "what-we-chose"


def test_sample_structure() -> None:
    work = load(SAMPLE)
    assert len(work.chapters) == 1
    chapter = work.chapters[0]
    assert (chapter.number, chapter.title, chapter.heading) == (4, "", "Chapter 4")
    firsts = [scene.paragraphs[0].text for scene in chapter.scenes]
    assert firsts == [
        "They left at sunrise.",
        "The days blurred.",
        "They hadn’t spoken all morning.",
        "They saw the smoke first.",
        "The forest had stopped pretending to be quiet.",
    ]
    assert [scene.number for scene in chapter.scenes] == [1, 2, 3, 4, 5]
    assert chapter.scenes[-1].paragraphs[-1].text == "And they both knew it."
    assert_offsets(work)


def test_sample_chrome_dropped() -> None:
    texts = paragraphs(load(SAMPLE))
    for chrome in ("All Chapters Forward", "Forward", "Sign in to leave a review.", "Chapter 4", "Summary", "Note"):
        assert chrome not in texts
    assert not any("Naruto (Anime & Manga)" in t for t in texts)


# --- resolve ------------------------------------------------------------------------------------


def test_resolve_bare_name() -> None:
    assert resolve("chapter4", ROOT / "input") == ROOT / "input" / "chapter4.txt"


def test_resolve_existing_path_as_is() -> None:
    assert resolve(str(SAMPLE), Path("elsewhere")) == SAMPLE


def test_resolve_prefers_txt(tmp_path: Path) -> None:
    (tmp_path / "story.md").write_text("x")
    (tmp_path / "story.txt").write_text("x")
    assert resolve("story", tmp_path) == tmp_path / "story.txt"


def test_resolve_missing_lists_available(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "chapter4.txt")
    with pytest.raises(InputError) as info:
        resolve("chapter9", tmp_path)
    assert str(info.value) == f"{tmp_path / 'chapter9'}: no such chapter (available: chapter4)"


# --- decoding -----------------------------------------------------------------------------------


def test_bom_kept_at_offset_zero(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffA Title\n\n“Hello,” she said.\n".encode())
    work = load(path)
    assert work.text[0] == "\ufeff"
    assert work.meta.title == "A Title"
    assert paragraphs(work) == ["“Hello,” she said."]
    assert_offsets(work)


def test_line_ends_normalised_like_open(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"First line of the story.\r\n\r\nSecond one.\rThird one.\r\n")
    work = load(path)
    assert "\r" not in work.text
    assert paragraphs(work) == ["First line of the story.", "Second one.", "Third one."]
    assert_offsets(work)


def test_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "cp.txt"
    path.write_bytes("“Don’t,” he said. Caf\u00e9 — closed.\n".encode("cp1252"))
    work = load(path)
    assert paragraphs(work) == ["\u201cDon\u2019t,\u201d he said. Café — closed."]


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes("“Hi,” she said.\r\n".encode("utf-16"))
    assert paragraphs(load(path)) == ["“Hi,” she said."]


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"abc\x00def", b"\x81\x8d\x8f\x90\x9d"])
def test_binary_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=r"x\.txt: not a text file \(narrate reads UTF-8 or Windows-1252 text, HTML and EPUB\)$"):
        load(path)


@pytest.mark.parametrize("text", ["", "   \n\n\t\n", "\ufeff\n", "Forward\nSign in to leave a review.\n"])
def test_empty_chapter(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text, "x.txt")
    with pytest.raises(InputError, match=r"x\.txt: empty chapter \(no text to narrate\)$"):
        load(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load(tmp_path / "nope.txt")


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        load(tmp_path)


# --- headers --------------------------------------------------------------------------------------


def test_labelled_ao3_page() -> None:
    work = load(FIXTURES / "winter_nets.txt")
    meta = work.meta
    assert (meta.title, meta.author) == ("Winter Nets", "driftwood_writer")
    assert meta.fandom == "Original Work, Folklore & Fairy Tales"
    assert (meta.category, meta.rating, meta.language) == ("Gen", "Teen And Up Audiences", "en")
    assert meta.summary == "Three friends wait out the first storm of winter."
    chapter = work.chapters[0]
    assert (meta.notes, chapter.end_notes) == ("", "Thanks for reading! The last chapter comes next week.")
    assert (chapter.number, chapter.title, chapter.heading) == (2, "First Snow", "Chapter 2: First Snow")
    assert len(chapter.scenes) == 3
    texts = paragraphs(work)
    assert texts[0].startswith("Wren was mending a net")
    assert texts[-1] == "Wren put the net aside. He had heard that tone before."
    assert "Forward" in texts  # a story line that looks like chrome, mid-body, is kept
    assert_offsets(work)


def test_ao3_download_layout(tmp_path: Path) -> None:
    text = (
        "Sea Glass\nPosted originally on the Archive of Our Own at https://archiveofourown.org/works/1.\n\n"
        "Rating:\tExplicit\nFandom:\tA Show, Another Show\nLanguage:\tEnglish\nStats:\n\tPublished: 2020-01-01\n\n"
        "Sea Glass\nby someone_else\n\nSummary\n\nA short summary.\n\nNotes\n\nA short note.\n\n"
        "Chapter 1\n\nThe tide went out.\n"
    )
    work = load(write(tmp_path, text))
    meta = work.meta
    assert (meta.title, meta.author, meta.rating) == ("Sea Glass", "someone_else", "Explicit")
    assert meta.fandom == "A Show, Another Show"
    assert meta.source_url == "https://archiveofourown.org/works/1"
    assert (meta.summary, meta.notes) == ("A short summary.", "A short note.")
    assert paragraphs(work) == ["The tide went out."]


def test_header_without_chapter_heading(tmp_path: Path) -> None:
    text = (
        "Tide\n\nSome Fandom\nM/M\nG\nTide\nwriter\nSummary\nA summary. Two sentences.\nNote\nA note.\n"
        "All Chapters Forward\n\nThey left at sunrise.\n\n“Go,” he said.\n\nForward\nSign in to leave a review."
    )
    work = load(write(tmp_path, text))
    meta = work.meta
    assert (meta.title, meta.author, meta.fandom, meta.rating) == ("Tide", "writer", "Some Fandom", "General Audiences")
    assert (meta.summary, meta.notes) == ("A summary. Two sentences.", "A note.")
    assert (work.chapters[0].number, work.chapters[0].title) == (None, "Tide")  # one untitled chapter: the work's
    assert paragraphs(work) == ["They left at sunrise.", "“Go,” he said."]


def test_one_shot_work_text(tmp_path: Path) -> None:
    text = "Rating:\nMature\nFandom:\nX\nSome Title\nsomeone\nSummary:\nShort.\nWork Text:\nOnce upon a time.\n"
    work = load(write(tmp_path, text))
    assert (work.meta.title, work.meta.author, work.meta.rating) == ("Some Title", "someone", "Mature")
    assert paragraphs(work) == ["Once upon a time."]


@pytest.mark.parametrize(
    ("line", "rating"),
    [("G", "General Audiences"), ("T", "Teen And Up Audiences"), ("M", "Mature"), ("E", "Explicit"),
     ("NR", "Not Rated"), ("Not Rated", "Not Rated"), ("Explicit", "Explicit")],
)  # fmt: skip
def test_rating_spelled_out(tmp_path: Path, line: str, rating: str) -> None:
    text = f"Tide\n\nSome Fandom\nF/F\n{line}\nTide\nwriter\nChapter 1\n\nThe tide went out.\n"
    work = load(write(tmp_path, text))
    assert (work.meta.rating, work.meta.category, work.meta.fandom) == (rating, "F/F", "Some Fandom")
    assert work.meta.author == "writer"


@pytest.mark.parametrize(
    ("heading", "number", "title"),
    [("Chapter 4", 4, ""), ("Chapter 4: The Lake", 4, "The Lake"), ("Chapter 4 - The Lake", 4, "The Lake"),
     ("Chapter Four", 4, ""), ("CHAPTER IV", 4, ""), ("Chapter 12. Home", 12, "Home"),
     ("Chapter 4\nThe Lake\nChapter Text", 4, "The Lake"), ("Prologue", None, "Prologue")],
)  # fmt: skip
def test_chapter_headings(tmp_path: Path, heading: str, number: int | None, title: str) -> None:
    work = load(write(tmp_path, f"{heading}\n\nThe water was cold.\n"))
    chapter = work.chapters[0]
    assert (chapter.number, chapter.title) == (number, title)
    assert paragraphs(work) == ["The water was cold."]


def test_plain_novel_with_hard_wrapped_paragraphs() -> None:
    work = load(FIXTURES / "tea_party.txt")
    assert work.meta.title == "Alice's Adventures in Wonderland"
    assert (work.meta.author, work.meta.fandom, work.meta.rating) == ("", "", "")
    chapter = work.chapters[0]
    assert (chapter.number, chapter.title) == (7, "A Mad Tea-Party")
    texts = paragraphs(work)
    assert len(texts) == 10
    assert texts[0].startswith("There was a table") and texts[0].endswith("talking over its head.")
    assert texts[0].count("\n") == 3
    assert_offsets(work)


def test_one_paragraph_per_line() -> None:
    work = load(FIXTURES / "harbour.txt")
    assert work.meta.title == "Harbour Lights"
    scenes = work.chapters[0].scenes
    assert [len(s.paragraphs) for s in scenes] == [6, 3]
    assert scenes[0].paragraphs[1].text == "“Anyone home?” she called."
    assert_offsets(work)


def test_no_header_title_from_file_stem(tmp_path: Path) -> None:
    work = load(write(tmp_path, "The rain had not stopped for days.\n\nNobody minded.\n", "rainy.txt"))
    assert work.meta.title == "rainy"
    assert paragraphs(work) == ["The rain had not stopped for days.", "Nobody minded."]


def test_several_chapters(tmp_path: Path) -> None:
    work = load(write(tmp_path, "Book\n\nChapter 1\n\nOne.\n\nChapter 2: Two\n\nTwo.\n"))
    assert [(c.number, c.title, paragraphs_of(c)) for c in work.chapters] == [(1, "", ["One."]), (2, "Two", ["Two."])]


def paragraphs_of(chapter: Chapter) -> list[str]:
    """Paragraph texts of one chapter."""
    return [p.text for s in chapter.scenes for p in s.paragraphs]


@pytest.mark.parametrize("aside", ["[Illustration]", "[Illustration: A cat\n    on a wall]", "[Illustration: unclosed"])
def test_illustration_lines_not_narrated(tmp_path: Path, aside: str) -> None:
    work = load(write(tmp_path, f"Chapter 1\n\nBefore.\n\n{aside}\n\nAfter.\n"))
    assert [[p.text for p in s.paragraphs] for s in work.chapters[0].scenes] == [["Before.", "After."]]


# --- scenes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "marker",
    ["***", "* * *", "~~~", "oOo", "OoO", "§", "— — —", "---", "###", "o0o", "x x x", "+++", "<>", "~*~*~", "xXx",
     "-x-", "Scene Break", "[II]", "[3]"],
)  # fmt: skip
def test_scene_break_markers(tmp_path: Path, marker: str) -> None:
    work = load(write(tmp_path, f"Chapter 1\n\nBefore the break.\n\n{marker}\n\nAfter the break.\n"))
    scenes = work.chapters[0].scenes
    assert [[p.text for p in s.paragraphs] for s in scenes] == [["Before the break."], ["After the break."]]


@pytest.mark.parametrize("line", ["...", "…", "“…”", "Ooo", "x", "Forward", "Share", "?!", "[sic]", "I"])
def test_story_lines_that_are_not_markers(tmp_path: Path, line: str) -> None:
    work = load(write(tmp_path, f"Chapter 1\n\nBefore.\n\n{line}\n\nAfter.\n"))
    scenes = work.chapters[0].scenes
    assert len(scenes) == 1
    assert [p.text for p in scenes[0].paragraphs] == ["Before.", line, "After."]


@pytest.mark.parametrize(("gap", "scenes"), [("\n\n", 1), ("\n\n\n", 2), ("\n \n\t\n", 2), ("\n\n\n\n\n\n", 2)])
def test_blank_runs(tmp_path: Path, gap: str, scenes: int) -> None:
    work = load(write(tmp_path, f"Chapter 1\n\nBefore.{gap}After.\n"))
    assert len(work.chapters[0].scenes) == scenes
    assert paragraphs(work) == ["Before.", "After."]


def test_hard_wrapped_page_with_verse_keeps_paragraphs(tmp_path: Path) -> None:
    text = (
        "Chapter 1\n\nMr. Bennet replied that he had not. His wife went on at once with\n"
        '"But it is, for Mrs. Long has just been here, and she told me all about\nit."\n\n'
        "    Twinkle, twinkle, little bat!\n    How I wonder what you're at!\n    Up above the world you fly,\n\n"
        '"You want to tell me, and I have no objection to hearing it."\n'
    )
    work = load(write(tmp_path, text))
    assert [t.count("\n") for t in paragraphs(work)] == [2, 2, 0]
    assert_offsets(work)


# --- formats narrate does not read -----------------------------------------------------------------------


def _docx() -> bytes:
    """A minimal Word document: a zip holding word/document.xml."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "data", "named"), [
    ("story.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
    ("story.mobi", bytes(60) + b"BOOKMOBI" + bytes(200), "MOBI"),
    ("story.azw3", bytes(60) + b"BOOKMOBI" + bytes(200), "Kindle (AZW3)"),
    ("story.docx", _docx(), "Word (DOCX)"),
    ("story", b"%PDF-1.4\n", "PDF"),  # known by its first bytes, whatever it is called
])  # fmt: skip
def test_unreadable_formats_say_what_narrate_reads(tmp_path: Path, name: str, data: bytes, named: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as raised:
        load(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: {named} is not a format narrate reads")
    assert "EPUB" in message and "HTML" in message and "\n" not in message


def test_a_file_called_epub_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "book.epub"
    path.write_text("just some text", encoding="utf-8")
    with pytest.raises(InputError, match=r"book\.epub: not an EPUB \(an EPUB is a zip archive"):
        load(path)


def test_resolve_finds_html_and_epub_by_name(tmp_path: Path) -> None:
    (tmp_path / "fic.html").write_text("<html><body><p>Hi.</p></body></html>", encoding="utf-8")
    (tmp_path / "novel.epub").write_bytes(b"PK\x03\x04")
    assert resolve("fic", tmp_path) == tmp_path / "fic.html"
    assert resolve("novel", tmp_path) == tmp_path / "novel.epub"
