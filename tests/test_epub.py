"""Tests for narrate.ingest.epub: an AO3 EPUB (calibre's real output), Project Gutenberg, Standard Ebooks and an
EPUB 2 with only an NCX, each zipped from tests/fixtures/epub/<name>/ at test time; chapters, titles, front and
back matter, metadata, offsets, damaged and DRM-protected files, and `narrate script` on an EPUB."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import feedparser
import pytest
from mutagen.id3 import ID3

from narrate import ffmpeg
from narrate.errors import InputError
from narrate.ingest import load
from narrate.ingest.ao3_html import read_html
from narrate.ingest.epub import read_epub
from narrate.model import Work

EPUBS = Path(__file__).resolve().parent / "fixtures" / "epub"
NARRATE = str(Path(sys.executable).with_name("narrate"))
MARKUP = re.compile(r"<|>|&[A-Za-z]+;|&#\d+;|\{|\}|\ue000|\ue001")
"""What no paragraph may hold: tags, entities, stylesheet text, the reader's own marks."""


def zipped(name: str, drop: tuple[str, ...] = (), files: dict[str, bytes] | None = None) -> bytes:
    """The EPUB tests/fixtures/epub/`name`/ as zip bytes: `mimetype` first and stored, the rest deflated; the
    members in `drop` left out, `files` (name -> bytes) added or replacing members."""
    folder = EPUBS / name
    members = {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
               if path.is_file()}  # fmt: skip
    members.update(files or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", members.pop("mimetype"), compress_type=zipfile.ZIP_STORED)
        for member, data in members.items():
            if member not in drop:
                archive.writestr(member, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def fixture_text(name: str, member: str) -> str:
    """The text of `member` of the fixture EPUB `name`."""
    return (EPUBS / name / member).read_text(encoding="utf-8")


def read(name: str, drop: tuple[str, ...] = (), files: dict[str, bytes] | None = None) -> Work:
    """The Work read from the fixture EPUB `name` (see `zipped`)."""
    return read_epub(Path(f"{name}.epub"), zipped(name, drop, files))


def paragraphs(work: Work) -> list[str]:
    """Every paragraph text of every chapter, in order."""
    return [p.text for c in work.chapters for s in c.scenes for p in s.paragraphs]


def chapter_text(work: Work, index: int) -> str:
    """The paragraphs of chapter `index` joined by spaces."""
    return " ".join(p.text for s in work.chapters[index].scenes for p in s.paragraphs)


def assert_clean(work: Work) -> None:
    """Every paragraph points at itself in the extracted text and holds no markup, entity or stylesheet text."""
    for chapter in work.chapters:
        for scene in chapter.scenes:
            for p in scene.paragraphs:
                assert work.text[p.start : p.end] == p.text
                assert p.text and not MARKUP.search(p.text), p.text
    assert not MARKUP.search(work.text)


def headings(work: Work) -> list[tuple[int | None, str]]:
    """(number, title) of every chapter."""
    return [(chapter.number, chapter.title) for chapter in work.chapters]


def damaged(data: bytes) -> str:
    """The one-line message read_epub gives for the EPUB bytes `data`."""
    with pytest.raises(InputError) as caught:
        read_epub(Path("book.epub"), data)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


# --- AO3: calibre's conversion of an AO3 HTML download ---------------------------------------------------------


def test_ao3_chapters_with_titles_summaries_and_end_notes() -> None:
    work = read("ao3")
    assert headings(work) == [(1, "The Weir"), (2, "The Sluice"), (3, "Morning")]
    assert [c.summary for c in work.chapters] == ["Rain on the hills.", "", "After the flood."]
    assert [c.end_notes for c in work.chapters] == ["The weir is based on a real one.", "One more to go.", ""]
    assert chapter_text(work, 0).startswith("It had rained on the hills for three days when Dietrich Bronner")
    assert "“It’s higher than last spring,” said Mara Lind" in chapter_text(work, 0)
    assert [len(s.paragraphs) for s in work.chapters[1].scenes] == [2, 1]  # "* * *" breaks the scene
    assert chapter_text(work, 2).endswith("Dietrich only nodded, too tired for words.")
    assert_clean(work)


def test_ao3_metadata_from_the_preface_and_package() -> None:
    meta = read("ao3").meta
    assert (meta.title, meta.author, meta.fandom, meta.language) == ("The Mill Race", "millwright", "Some Fandom", "en")
    assert (meta.rating, meta.category) == ("Teen And Up Audiences", "Gen")
    assert meta.warnings == ("No Archive Warnings Apply",)
    assert meta.relationships == ("Dietrich Bronner & Mara Lind",)
    assert meta.characters == ("Dietrich Bronner", "Mara Lind")  # "(Some Fandom)" removed
    assert meta.tags == ("Friendship", "Floods")
    assert (meta.series, meta.series_part, meta.published) == ("Millwork", 2, "2022-09-04")
    assert meta.source_url == "https://archiveofourown.org/works/61234"
    assert meta.summary == "The river rises, and the mill has to be saved."
    assert meta.notes == "Written for a prompt about weather."
    assert meta.end_notes == "Thank you for reading about the mill."


def test_ao3_preface_and_afterword_are_not_read() -> None:
    text = " ".join(paragraphs(read("ao3")))
    for matter in ("Posted originally", "Archive of Our Own", "Teen And Up", "Rating", "Chapter Summary",
                   "Rain on the hills", "Chapter End Notes", "Thank you for reading", "drop by the archive",
                   "See the end of", "The Mill Race", "millwright"):
        assert matter not in text


def test_ao3_epub_reads_like_the_html_download_it_was_made_from() -> None:
    epub, page = read("ao3"), read_html(Path("mill-race.html"), (EPUBS / "mill-race.html").read_bytes())
    assert epub.meta == page.meta
    assert epub.text == page.text
    assert epub.chapters == page.chapters


def test_ao3_split_whose_ids_survive_only_on_the_first_fragment() -> None:
    """A calibre that drops a repeated id: the fragments of #preface, #chapters and #afterword after the first
    have none, and still join the section they continue (so no chapter's end notes become the work's)."""
    changed = {
        member: fixture_text("ao3", member).replace(f'<div id="{section}" ', "<div ").encode()
        for member, section in (("mill-race_split_001.html", "preface"), ("mill-race_split_003.html", "chapters"),
                                ("mill-race_split_004.html", "chapters"))
    }  # fmt: skip
    work, whole = read("ao3", files=changed), read("ao3")
    assert b'id="chapters"' not in changed["mill-race_split_003.html"]
    assert work.meta == whole.meta
    assert work.chapters == whole.chapters


def test_ao3_heading_in_the_authors_text_stays_text() -> None:
    chapter_two = fixture_text("ao3", "mill-race_split_003.html").replace(
        '<div class="calibre1"><p class="message">The sluice gate',
        '<div class="calibre1"><h2 class="calibre8">The Night Shift</h2><p class="message">The sluice gate')
    work = read("ao3", files={"mill-race_split_003.html": chapter_two.encode()})
    assert headings(work) == [(1, "The Weir"), (2, "The Sluice"), (3, "Morning")]
    assert chapter_text(work, 1).startswith("The Night Shift The sluice gate had not moved in a decade.")


def test_ao3_publisher_without_ao3_markup_is_read_as_a_book() -> None:
    work = read("ncx", files={"OEBPS/content.opf": fixture_text("ncx", "OEBPS/content.opf").replace(
        "<dc:subject>Bells</dc:subject>", "<dc:publisher>Archive of Our Own</dc:publisher>").encode()})
    assert headings(work)[0] == (1, "The Bell")


# --- Project Gutenberg -----------------------------------------------------------------------------------------


def test_gutenberg_chapters_from_anchors_in_shared_documents() -> None:
    work = read("gutenberg")
    assert headings(work) == [(1, "The Crossing"), (2, "Fog"), (3, "The Far Bank"), (4, "Home Again")]
    assert chapter_text(work, 0).startswith("The ferry left the landing at dusk")
    assert "“You will not get across tonight,” said the miller’s wife" in chapter_text(work, 0)
    assert [len(s.paragraphs) for s in work.chapters[1].scenes] == [1, 1]  # <hr class="tb"/>
    assert chapter_text(work, 2) == ("On the far bank a boy was waiting with a second lantern, waving it slowly "
                                     "from side to side. Abel steered for the moving light, and the boy caught "
                                     "the rope as the ferry bumped against the jetty.")  # across two documents
    assert chapter_text(work, 3).startswith("They crossed back together in the morning")
    assert_clean(work)


def test_gutenberg_boilerplate_title_page_contents_and_licence_are_not_read() -> None:
    work = read("gutenberg")
    text = " ".join(paragraphs(work))
    for matter in ("Project Gutenberg", "START OF THE", "END OF THE", "LICENSE", "This ebook is for the use",
                   "THE LANTERN FERRY", "BY MARY ASHDOWN", "LONDON", "CONTENTS", "CHAPTER I.", "THE CROSSING",
                   "Release date", "Updated editions"):
        assert matter not in text
    assert "Gutenberg" not in work.text and "CONTENTS" not in work.text


def test_gutenberg_boilerplate_without_its_ids_ends_at_its_start_and_end_lines() -> None:
    """An older Gutenberg EPUB: the header and licence are plain `<div>`s, and here no contents either."""
    files = {}
    for member in ("OEBPS/98765-h-0.htm.xhtml", "OEBPS/98765-h-2.htm.xhtml"):
        page = re.sub(r'<section class="pg-boilerplate pgheader" id="pg-(header|footer)" lang="en">', "<div>",
                      fixture_text("gutenberg", member))
        files[member] = re.sub(r' id="pg-[a-z-]+"', "", page).replace("</section>", "</div>").encode()
    package = fixture_text("gutenberg", "OEBPS/content.opf").replace(' properties="nav"', "")
    files["OEBPS/content.opf"] = package.replace(' toc="ncx"', "").replace("toc.ncx", "none.ncx").encode()
    work = read("gutenberg", files=files)
    # one chapter per document with text, each cut again at the headings inside it; the last document opens
    # mid-chapter, and that part of chapter III stands alone, titled by the running head over it
    assert headings(work) == [(1, "THE CROSSING"), (2, "FOG"), (3, "THE FAR BANK"), (None, "The Lantern Ferry"),
                              (4, "HOME AGAIN")]
    text = " ".join(paragraphs(work))
    assert "The ferry left the landing at dusk" in text and "HOME AGAIN" not in text
    assert text.endswith("the fog had lifted and the river shone. THE END")
    for matter in ("Gutenberg", "This ebook is for the use", "START OF", "END OF", "LICENSE", "Updated editions",
                   "BY MARY ASHDOWN"):
        assert matter not in text
    assert_clean(work)


def test_gutenberg_metadata() -> None:
    meta = read("gutenberg").meta
    assert (meta.title, meta.author, meta.language) == ("The Lantern Ferry", "Mary Ashdown", "en")  # no illustrator
    assert meta.tags == ("Ferries -- Fiction", "Rivers -- Fiction")
    assert meta.published == "2021-05-01"
    assert meta.source_url == "https://www.gutenberg.org/files/98765/98765-h/98765-h.htm"  # dc:source first
    assert (meta.summary, meta.series, meta.series_part) == ("", "", None)


# --- Standard Ebooks -------------------------------------------------------------------------------------------


def test_standard_ebooks_chapters_in_parts() -> None:
    work = read("standard")
    assert headings(work) == [(1, "The Marsh"), (2, ""), (3, "Salt")]  # parts' title pages are not chapters
    assert [chapter.heading for chapter in work.chapters] == ["Chapter 1: The Marsh", "Chapter 2", "Chapter 3: Salt"]
    assert [len(s.paragraphs) for s in work.chapters[0].scenes] == [2, 1]
    assert paragraphs(work)[3] == "The water came in over the salt pans faster than a horse could trot."  # noteref
    assert chapter_text(work, 2).endswith("Dear Father, I am safe and I am coming home by the high road.")
    assert_clean(work)


def test_standard_ebooks_front_and_back_matter_are_not_read() -> None:
    text = " ".join(paragraphs(read("standard")))
    for matter in ("Standard Ebooks", "Imprint", "volunteers", "Table of Contents", "Low Tide", "High Water",
                   "Shallow pools", "Endnotes", "Colophon", "published in 1899", "Uncopyright", "May you do good",
                   "Titlepage", "The Salt Road", "Jane Doe", "The Marsh", "Salt ", "↩"):
        assert matter not in text


def test_standard_ebooks_metadata() -> None:
    meta = read("standard").meta
    assert meta.title == "The Salt Road"  # the main title, not the subtitle listed first
    assert (meta.author, meta.language) == ("Jane Doe", "en-GB")  # not the transcriber
    assert meta.summary == "A salt merchant’s daughter crosses the marsh & finds her way home."
    assert meta.tags == ("Salt industry and trade -- Fiction",)
    assert (meta.series, meta.series_part) == ("The Marsh Books", 1)
    assert meta.published == "2022-06-14"
    assert meta.source_url == "https://www.gutenberg.org/ebooks/54321"


# --- EPUB 2 with only an NCX -----------------------------------------------------------------------------------


def test_ncx_chapters_nested_entries_and_anchors() -> None:
    work = read("ncx")
    assert headings(work) == [(1, "The Bell"), (2, "The Tower"), (None, "Interlude: The Keeper"), (3, "The Rope")]
    assert chapter_text(work, 1).endswith("made the ropes swing.")  # the interlude starts mid-document
    assert chapter_text(work, 2) == ("The keeper of the tower had been dead for ten years, but nobody had told "
                                     "the pigeons.")
    assert chapter_text(work, 3).startswith("In the morning they rang the bell together")  # title from its <h2>
    assert_clean(work)


def test_ncx_html_entities_become_characters() -> None:
    first = paragraphs(read("ncx"))[:3]
    assert first[0].endswith("three hundred years — and in all that time it had never once been silent on a "
                             "Sunday.")
    assert first[1] == "“It’s cracked,” said Ann… “Listen to it.”"
    assert first[2] == "Tom listened. The note was sour, like milk left out in the sun & the heat."


def test_ncx_cover_title_page_contents_and_copyright_are_not_read() -> None:
    text = " ".join(paragraphs(read("ncx")))
    for matter in ("The Bell Tower", "Wrenfield", "Ann Hale & Tom Reed", "Contents", "Chapter One", "Copyright",
                   "All rights reserved"):
        assert matter not in text


def test_ncx_metadata() -> None:
    meta = read("ncx").meta
    assert (meta.title, meta.author, meta.language) == ("The Bell Tower", "Ann Hale, Tom Reed", "fr")  # no editor
    assert meta.published == "2019-11-05"  # the publication event, not the modification
    assert meta.summary == "Two bell-ringers & a storm.\n\nOne night."  # escaped HTML, markup stripped
    assert meta.tags == ("Bells", "Storms")
    assert meta.source_url == "https://example.org/books/the-bell-tower"  # the identifier that is a URL


def test_without_contents_each_document_is_a_chapter_titled_by_its_headings() -> None:
    package = fixture_text("ncx", "OEBPS/content.opf")
    package = re.sub(r'<reference href="Text/(title|contents)\.xhtml"[^>]*/>', "", package).replace(' toc="ncx"', "")
    package = package.replace('<item href="toc.ncx" id="ncx" media-type="application/x-dtbncx+xml"/>', "")
    work = read("ncx", drop=("OEBPS/toc.ncx",), files={"OEBPS/content.opf": package.encode()})
    assert headings(work) == [(1, "The Bell"), (2, "The Tower"), (3, "The Rope")]  # "Chapter One<br/>The Bell"
    assert "Interlude: The Keeper" in paragraphs(work)  # a heading inside a chapter is read
    text = " ".join(paragraphs(work))
    assert "Wrenfield" not in text  # the title page repeats the book's title
    assert "Chapter Two: The Tower" not in text  # the contents page is a list of links
    assert "All rights reserved" not in text  # the guide marks the copyright page
    assert_clean(work)


def minimal_epub(body: str, entries: list[tuple[str, str]]) -> bytes:
    """An EPUB 2 in calibre's way: one document holding `body`, an NCX with `entries` (label, anchor)."""
    points = "".join(f'<navPoint id="p{k}" playOrder="{k}"><navLabel><text>{label}</text></navLabel>'
                     f'<content src="index.html{anchor}"/></navPoint>' for k, (label, anchor) in enumerate(entries, 1))
    files = {
        "mimetype": b"application/epub+zip",
        "META-INF/container.xml": b'<?xml version="1.0"?><container version="1.0" '
        b'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="content.opf" '
        b'media-type="application/oebps-package+xml"/></rootfiles></container>',
        "content.opf": b'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0" '
        b'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Bells</dc:title>'
        b'<dc:language>en</dc:language><dc:identifier id="id">x</dc:identifier></metadata><manifest>'
        b'<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
        b'<item id="text" href="index.html" media-type="application/xhtml+xml"/></manifest>'
        b'<spine toc="ncx"><itemref idref="text"/></spine></package>',
        "toc.ncx": f'<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
        f"<navMap>{points}</navMap></ncx>".encode(),
        "index.html": f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{body}</body></html>'.encode(),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, data in files.items():
            archive.writestr(member, data)
    return buffer.getvalue()


BELLS = [("I", "The Bell", "The bell rang at noon."), ("II", "The Tower", "The tower stood."),
         ("III", "The Rope", "The rope held.")]
"""Three short chapters: numeral, title, text."""


def test_one_entry_contents_is_cut_at_paragraphs_that_read_as_chapter_headings() -> None:
    """calibre's conversion of a plain-text novel: one contents entry ("Start"), chapter headings left as
    paragraphs, some without a stop after the number."""
    body = "<p>BELLS</p>" + "".join(f"<p class='calibre2'>CHAPTER {numeral}{'.' if numeral != 'II' else ''} "
                                    f"{title.upper() if numeral == 'II' else title}</p><p class='calibre1'>{text}</p>"
                                    for numeral, title, text in BELLS)
    work = read_epub(Path("bells.epub"), minimal_epub(body, [("Start", "")]))
    assert headings(work) == [(1, "The Bell"), (2, "THE TOWER"), (3, "The Rope")]
    assert paragraphs(work) == ["The bell rang at noon.", "The tower stood.", "The rope held."]


def test_chapters_before_the_first_contents_entry_are_read() -> None:
    """A contents that starts at chapter III: chapters I and II, before it, are read as their headings name them,
    the title page before them is not."""
    body = "<p>BELLS</p><p>by Someone</p>" + "".join(
        f"<h2 id='c{numeral}'>CHAPTER {numeral}. {title}</h2><p>{text}</p>" for numeral, title, text in BELLS)
    work = read_epub(Path("bells.epub"), minimal_epub(body, [("CHAPTER III. The Rope", "#cIII")]))
    assert headings(work) == [(1, "The Bell"), (2, "The Tower"), (3, "The Rope")]
    assert paragraphs(work) == ["The bell rang at noon.", "The tower stood.", "The rope held."]


# --- through narrate ----------------------------------------------------------------------------------------


def test_load_reads_an_epub_file(tmp_path: Path) -> None:
    path = tmp_path / "bell.epub"
    path.write_bytes(zipped("ncx"))
    work = load(path)
    assert (work.source, work.meta.title, len(work.chapters)) == (path, "The Bell Tower", 4)
    assert_clean(work)


def test_script_jsonl_of_an_epub(tmp_path: Path) -> None:
    path = tmp_path / "mill-race.epub"
    path.write_bytes(zipped("ao3"))
    result = subprocess.run([NARRATE, "script", str(path), "--format", "jsonl"], capture_output=True, text=True,
                            timeout=600, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    text = load(path).text
    assert len(records) > 10
    for record in records:
        assert text[record["start"] : record["end"]] == record["text"]
        assert not MARKUP.search(record["text"])
    speakers = {record["speaker"] for record in records if record["kind"] == "dialogue"}
    assert {"Dietrich Bronner", "Mara Lind"} & speakers


def test_render_of_an_ao3_epub(tmp_path: Path, cache_dir: Path) -> None:
    """`narrate NAME` on an EPUB, as a user runs it: an episode per chapter, titled, with chapter marks."""
    (tmp_path / "input").mkdir()
    (tmp_path / "input" / "mill-race.epub").write_bytes(zipped("ao3"))
    result = subprocess.run([NARRATE, "mill-race", "--jobs", "2", "--quiet"], capture_output=True, text=True,
                            timeout=900, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    work = load(tmp_path / "input" / "mill-race.epub")
    output = tmp_path / "output"
    for number, chapter in enumerate(work.chapters, 1):
        mp3 = output / f"mill-race-{number}.mp3"
        assert str(ID3(mp3)["TIT2"]) == chapter.heading
        assert str(ID3(mp3)["TALB"]) == "The Mill Race"
        for path in (mp3, mp3.with_suffix(".m4b")):
            probed = subprocess.run([ffmpeg.executable(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
                                    capture_output=True, text=True, check=True).stdout
            assert probed.count("[CHAPTER]") == len(chapter.scenes)
    feed = feedparser.parse(str(output / work.slug / "feed.xml"))
    assert sorted(entry.title for entry in feed.entries) == sorted(chapter.heading for chapter in work.chapters)


def test_a_megabyte_novel_reads_well_under_a_second() -> None:
    paragraph = "<p>" + "The river ran brown and quick beneath the old ferry, and the rope creaked. " * 6 + "</p>"
    numbers = {"OEBPS/Text/part1.xhtml": range(1, 31), "OEBPS/Text/part2.xhtml": range(31, 61)}
    files = {path: ('<html xmlns="http://www.w3.org/1999/xhtml"><body>' + "".join(
        f'<div><h2><a id="c{n}"></a>CHAPTER {n}.<br/>A TITLE</h2>{paragraph * 45}</div>' for n in chapters)
        + "</body></html>").encode() for path, chapters in numbers.items()}  # fmt: skip
    nav = "".join(f'<li><a href="Text/part{1 + (n > 30)}.xhtml#c{n}">Chapter {n}</a></li>' for n in range(1, 61))
    files["OEBPS/nav.xhtml"] = ('<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
                                f'<body><nav epub:type="toc"><ol>{nav}</ol></nav></body></html>').encode()
    files["OEBPS/content.opf"] = (
        b'<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata/><manifest>'
        b'<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        b'<item id="p1" href="Text/part1.xhtml" media-type="application/xhtml+xml"/>'
        b'<item id="p2" href="Text/part2.xhtml" media-type="application/xhtml+xml"/>'
        b'</manifest><spine><itemref idref="p1"/><itemref idref="p2"/></spine></package>')
    assert sum(len(data) for data in files.values()) > 1_000_000
    data = zipped("ncx", files=files)
    started = time.perf_counter()
    work = read_epub(Path("novel.epub"), data)
    assert time.perf_counter() - started < 1.0
    assert headings(work) == [(n, "A TITLE") for n in range(1, 61)]  # the label's number, the heading's title
    assert sum(len(scene.paragraphs) for chapter in work.chapters for scene in chapter.scenes) == 60 * 45


# --- damaged, DRM-protected and empty EPUBs ---------------------------------------------------------------------


def test_truncated_zip_is_a_damaged_epub() -> None:
    data = zipped("ncx")
    expected = "book.epub: a damaged EPUB (truncated or not a zip archive); download it again"
    assert damaged(data[: len(data) // 2]) == expected
    assert damaged(b"PK\x03\x04 not really a zip") == expected


def test_missing_container_is_named() -> None:
    assert damaged(zipped("ncx", drop=("META-INF/container.xml",))) == (
        "book.epub: a damaged EPUB (META-INF/container.xml, which names its contents, is missing); download it again")


def test_missing_or_broken_package_document_is_named() -> None:
    assert damaged(zipped("ncx", drop=("OEBPS/content.opf",))) == (
        "book.epub: a damaged EPUB (its package document OEBPS/content.opf is missing); download it again")
    assert damaged(zipped("ncx", files={"OEBPS/content.opf": b"\x00\x01 not xml"})) == (
        "book.epub: a damaged EPUB (its package document OEBPS/content.opf is not XML); download it again")


def test_missing_spine_item_is_named() -> None:
    assert damaged(zipped("ncx", drop=("OEBPS/Text/chapter 02.xhtml",))) == (
        "book.epub: a damaged EPUB (OEBPS/Text/chapter 02.xhtml, listed in its spine, is missing from the archive); "
        "download it again")


def test_corrupt_member_is_named() -> None:
    data = bytearray(zipped("standard"))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("epub/text/chapter-1.xhtml")
    compressed = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[compressed + 10 : compressed + 30] = b"\xff" * 20
    assert damaged(bytes(data)) == ("book.epub: a damaged EPUB (epub/text/chapter-1.xhtml cannot be unpacked); "
                                    "download it again")


ENCRYPTION = """<?xml version="1.0" encoding="UTF-8"?>
<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
  <enc:EncryptedData>
    <enc:EncryptionMethod Algorithm="{algorithm}"/>
    <enc:CipherData><enc:CipherReference URI="{uri}"/></enc:CipherData>
  </enc:EncryptedData>
</encryption>"""


def test_drm_encrypted_text_is_refused() -> None:
    encryption = ENCRYPTION.format(algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc",
                                   uri="OEBPS/Text/chapter01.xhtml")
    data = zipped("ncx", files={"META-INF/encryption.xml": encryption.encode(), "META-INF/rights.xml": b"<rights/>"})
    assert damaged(data) == "book.epub: DRM-protected EPUB; narrate cannot read it"


def test_obfuscated_fonts_are_not_drm() -> None:
    encryption = ENCRYPTION.format(algorithm="http://www.idpf.org/2008/embedding", uri="OEBPS/Fonts/Serif.otf")
    work = read("ncx", files={"META-INF/encryption.xml": encryption.encode(), "OEBPS/Fonts/Serif.otf": b"font"})
    assert len(work.chapters) == 4


def test_epub_without_text_is_one_line_error() -> None:
    image = fixture_text("ncx", "OEBPS/Text/cover.xhtml").encode()
    text_files = ("chapter01.xhtml", "chapter 02.xhtml", "chapter03.xhtml", "copyright.xhtml")
    data = zipped("ncx", files={f"OEBPS/Text/{name}": image for name in text_files})
    assert damaged(data) == ("book.epub: an EPUB with no text to narrate (only images, or only title pages and "
                             "notes); narrate reads books whose text is text, not pictures of pages")


def test_damaged_markup_is_recovered() -> None:
    chapter = fixture_text("ncx", "OEBPS/Text/chapter03.xhtml").replace(
        "<p>In the morning they rang", "<p>In the morning <:M>they</:M> rang").replace("</body>", "")
    work = read("ncx", files={"OEBPS/Text/chapter03.xhtml": chapter.encode()})
    assert chapter_text(work, 3).startswith("In the morning they rang the bell together")


def test_unparsable_chapter_reads_as_empty_not_as_a_traceback() -> None:
    work = read("ncx", files={"OEBPS/Text/chapter03.xhtml": b"\xff\xfe\x00garbage<<<&&&", "OEBPS/toc.ncx": b""})
    assert [chapter.number for chapter in work.chapters] == [1, 2]  # no contents: each document with text
    assert_clean(work)
