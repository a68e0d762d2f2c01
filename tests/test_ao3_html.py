"""Tests for narrate.ingest.ao3_html: AO3 HTML downloads (one chapter and several) and other HTML pages,
read back through `narrate script --format jsonl` and a full render (chapters, tags, feed)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import lxml.html
import podcastparser
import pytest
from mutagen.id3 import ID3
from mutagen.mp4 import MP4

from narrate import ffmpeg, pipeline
from narrate.errors import InputError
from narrate.ingest import load
from narrate.model import Work

AO3 = Path(__file__).resolve().parent / "fixtures" / "ao3"
WORD = re.compile(r"[\w’']+")
MARKUP = re.compile(r"<|>|&[a-z]+;|&#\d+;|\{|\}|font-family|Archive of Our Own|Please drop by|Posted originally")


def paragraphs(work: Work) -> list[str]:
    """Every paragraph text of every chapter, in order."""
    return [p.text for c in work.chapters for s in c.scenes for p in s.paragraphs]


def story_words(path: Path) -> list[str]:
    """The words of the chapter texts as lxml itself reads them: every innermost div.userstuff in #chapters."""
    root = lxml.html.parse(str(path)).getroot()
    texts = root.xpath('//div[@id="chapters"]//div[contains(@class, "userstuff")][not(.//div)]')
    return [word for div in texts for word in WORD.findall(" ".join(div.itertext()))]


def test_single_chapter_download_metadata() -> None:
    meta = load(AO3 / "lighthouse.html").meta
    assert (meta.title, meta.author, meta.fandom) == ("The Lighthouse Keeper", "quietwillow", "Original Work")
    assert (meta.rating, meta.category, meta.language) == ("General Audiences", "F/F", "en")
    assert meta.warnings == ("No Archive Warnings Apply",)
    assert meta.relationships == ("Mara Quill/Ines Duarte",)
    assert meta.characters == ("Mara Quill", "Ines Duarte")  # the parenthesised fandom removed
    assert meta.tags == ("Fluff", "Storms", "Lighthouses")
    assert (meta.published, meta.source_url) == ("2024-02-11", "https://archiveofourown.org/works/40001")
    assert meta.summary == "A storm, a lamp that will not light, and two keepers who have not spoken in a year."
    assert meta.notes == 'Written for the "Weather" prompt. Thank you to my beta!'
    assert meta.end_notes == "Comments are loved <3"


def test_single_chapter_download_text() -> None:
    work = load(AO3 / "lighthouse.html")
    assert len(work.chapters) == 1
    chapter = work.chapters[0]
    assert chapter.heading == "The Lighthouse Keeper"  # one untitled chapter is named after the work
    assert [len(scene.paragraphs) for scene in chapter.scenes] == [4, 1, 2]  # "* * *" and <hr> break scenes
    texts = paragraphs(work)
    assert texts[1] == "\"You’re late,\" said Ines. She did not turn from the lamp. \"The wick won’t take.\""
    assert texts[3] == "Last winter, Ines thought, was a long time ago."  # emphasis is plain text
    assert texts[4].split("\n") == [
        "Hours later the lamp burned steady, and the two of them sat on the iron stair with their backs to the wall.",
        "Neither of them spoke.", "Neither of them needed to.",
    ]  # fmt: skip
    assert not any(MARKUP.search(text) for text in texts)
    assert WORD.findall(" ".join(texts)) == story_words(AO3 / "lighthouse.html")


def test_multi_chapter_download() -> None:
    work = load(AO3 / "wheel.html")
    meta = work.meta
    assert (meta.author, meta.authors) == ("bronner, lake_writes", ("bronner", "lake_writes"))
    assert (meta.fandom, meta.rating) == ("A Wheel Inside a Wheel, Mill Towns", "Mature")
    assert meta.warnings == ("Graphic Depictions Of Violence", "Major Character Death")
    assert meta.characters == ("Dietrich Bronner", "Tom Lake", "Old Hanna")
    assert (meta.series, meta.series_part) == ("Wheels", 2)
    assert meta.summary == "The mill wheel turns, and so do they.\n\nA story in three turns."
    assert meta.end_notes == "Thank you for reading all three turns."
    assert [c.heading for c in work.chapters] == ["Chapter 1: The Mill", "Chapter 2", "Chapter 3: Homecoming"]
    first, second, third = work.chapters
    assert (first.summary, first.notes, first.end_notes) == (
        "In which the wheel stops.", "Mind the tags.", "Next chapter on Sunday.")
    assert (second.summary, second.notes, second.end_notes) == ("", "", "")
    assert third.summary == "The last turn."
    assert len(second.scenes) == 2  # the centred "~~~"
    texts = paragraphs(work)
    assert not any(MARKUP.search(text) for text in texts)
    assert WORD.findall(" ".join(texts)) == story_words(AO3 / "wheel.html")
    for text in (meta.summary, meta.notes, first.summary, first.notes, first.end_notes, meta.end_notes):
        assert text not in work.text  # summaries and notes are not in the text narrate speaks


def test_offsets_point_into_the_extracted_text() -> None:
    work = load(AO3 / "wheel.html")
    for chapter in work.chapters:
        for scene in chapter.scenes:
            for paragraph in scene.paragraphs:
                assert work.text[paragraph.start : paragraph.end] == paragraph.text
    assert work.text.startswith("Chapter 1: The Mill\n\nThe wheel had stopped at noon.")
    assert "\n\n* * *\n\n" in work.text


def test_script_jsonl_of_a_download(tmp_path: Path) -> None:
    path = tmp_path / "wheel.html"
    shutil.copy(AO3 / "wheel.html", path)
    result = subprocess.run([sys.executable, "-m", "narrate", "script", str(path), "--format", "jsonl"],
                            capture_output=True, text=True, check=True)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    text = subprocess.run([sys.executable, "-m", "narrate", "script", str(path), "--format", "source"],
                          capture_output=True, text=True, check=True).stdout  # what the offsets point into
    assert text == load(path).text
    assert {record["chapter"] for record in records} == {1, 2, 3}
    for record in records:
        assert text[record["start"] : record["end"]] == record["text"]
        assert not MARKUP.search(record["text"])
    speakers = {record["speaker"] for record in records if record["kind"] == "dialogue"}
    assert {"Dietrich Bronner", "Tom Lake"} <= speakers  # the Character tags name the people the text calls Tom


def test_saved_work_page_leaves_the_site_out() -> None:
    work = load(AO3 / "saved-page.html")
    meta = work.meta
    assert (meta.title, meta.author, meta.rating) == ("Sea Glass", "someone_else", "Teen And Up Audiences")
    assert (meta.characters, meta.series, meta.series_part) == (("Wren Calloway", "Ada Marsh"), "Tidelines", 3)
    assert (meta.published, meta.summary) == ("2022-07-01", "Two sisters and a beach.")
    assert meta.notes == "Thanks for reading."
    assert meta.end_notes == "The end of the series, for now."
    assert [c.heading for c in work.chapters] == ["Chapter 1: Low Tide", "Chapter 2: High Tide"]
    first = work.chapters[0]
    assert (first.summary, first.end_notes) == ("The tide goes out.", "Chapter two soon.")
    assert paragraphs(work) == [
        "Wren Calloway walked the tideline with a bucket.", '"Anything?" Ada called from the dunes.',
        '"Green glass," said Wren. "Always green."', "The water came back in the afternoon.",
        '"Blue," Ada said, holding it up. "Finally."',
    ]  # menus, "Chapter Text", kudos and readers' comments are not the story


@pytest.mark.parametrize(("category", "mara"), [("F/F", "female"), ("F/F, M/M", "unknown")])
def test_an_f_f_relationship_gives_its_people_female_voices(tmp_path: Path, category: str, mara: str) -> None:
    html = (AO3 / "lighthouse.html").read_text(encoding="utf-8").replace(">F/F</a>", f">{category}</a>")
    path = tmp_path / "lighthouse.html"
    path.write_text(html.replace("Mara", "Oriel"), encoding="utf-8")  # a first name name lists give to both
    scripts = pipeline.load_scripts(str(path), pipeline.Folders(tmp_path, tmp_path / "voices"))
    genders = {character.name: character.gender for script in scripts for character in script.characters}
    assert genders == {"Ines Duarte": "female", "Oriel Quill": mara}  # the text never says "she" of her


def test_download_without_chapters_is_one_line_error(tmp_path: Path) -> None:
    html = (AO3 / "wheel.html").read_text(encoding="utf-8")
    broken = tmp_path / "broken.html"
    broken.write_text(html[: html.index('<div id="chapters"')] + "</body></html>", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.html: an AO3 download without its chapters .*download the work"):
        load(broken)


def test_language_tag_becomes_a_language_code(tmp_path: Path) -> None:
    html = (AO3 / "lighthouse.html").read_text(encoding="utf-8").replace("<dd>English</dd>", "<dd>Français</dd>")
    path = tmp_path / "phare.html"
    path.write_text(html, encoding="utf-8")
    assert load(path).meta.language == "fr"


def test_other_html_page_splits_at_chapter_headings(tmp_path: Path) -> None:
    page = tmp_path / "book.html"
    page.write_text(
        "<html lang='en'><head><title>Two Rooms</title><style>p {color: red}</style></head><body>"
        "<h1>Two Rooms</h1><section id='pg-header'><p>The Project Gutenberg eBook of Two Rooms</p></section>"
        "<h2>Chapter I. The First Room</h2><p>It was small.</p><p>It was &ldquo;warm&rdquo;.</p>"
        "<h2>Chapter II. The Second Room</h2><p>It was large.</p><script>var x = 1;</script></body></html>",
        encoding="utf-8",
    )
    work = load(page)
    assert work.meta.title == "Two Rooms"
    assert [c.heading for c in work.chapters] == ["Chapter 1: The First Room", "Chapter 2: The Second Room"]
    assert paragraphs(work) == ["It was small.", "It was “warm”.", "It was large."]


def test_page_without_headings_is_one_chapter_named_after_it(tmp_path: Path) -> None:
    page = tmp_path / "note.html"
    page.write_text("<html><head><title>A Note</title></head><body><p>One line.</p></body></html>", encoding="utf-8")
    work = load(page)
    assert [c.heading for c in work.chapters] == ["A Note"]
    assert paragraphs(work) == ["One line."]


@pytest.mark.parametrize(
    ("head", "encoding", "expected"),
    [
        ("", "utf-8", "“Tell Noor,” Priya said. Café."),  # saved by hand, no declared encoding: UTF-8
        ('<meta charset="windows-1252">', "cp1252", "“Tell Noor,” Priya said. Café."),  # a declared encoding wins
        ("", "latin-1", "Café."),  # not UTF-8 and undeclared: read as Latin-1, as browsers do
    ],
)
def test_a_page_is_read_in_its_encoding(tmp_path: Path, head: str, encoding: str, expected: str) -> None:
    page = tmp_path / "saved.html"
    body = expected if encoding != "latin-1" else "Café."
    page.write_bytes(f"<html><head>{head}<title>Saved</title></head><body><p>{body}</p></body></html>".encode(encoding))
    assert paragraphs(load(page)) == [expected]


def test_empty_page_is_an_empty_chapter(tmp_path: Path) -> None:
    page = tmp_path / "blank.html"
    page.write_text("<html><head><title>Blank</title></head><body><p>&nbsp;</p></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match=r"blank\.html: empty chapter"):
        load(page)


# --- a full render ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory, session_cache: Path) -> pipeline.Folders:
    """wheel.html rendered with the default cast, summaries and notes read aloud."""
    root = tmp_path_factory.mktemp("wheel")
    folders = pipeline.Folders(root / "input", root / "voices", root / "output", session_cache)
    folders.input.mkdir()
    shutil.copy(AO3 / "wheel.html", folders.input / "wheel.html")
    pipeline.render("wheel", folders, jobs=2, notes=True)
    return folders


def test_render_writes_an_episode_per_chapter_with_its_title(wheel: pipeline.Folders) -> None:
    names = sorted(path.name for path in wheel.output.glob("*.mp3"))
    assert names == ["wheel-1.mp3", "wheel-2.mp3", "wheel-3.mp3"]
    assert (wheel.voices / "a-wheel-inside-a-wheel.toml").exists()  # the cast file is named after the work
    tags = ID3(wheel.output / "wheel-1.mp3")
    assert str(tags["TIT2"]) == "Chapter 1: The Mill"
    assert (str(tags["TALB"]), str(tags["TPE1"])) == ("A Wheel Inside a Wheel", "bronner, lake_writes")
    raw = ID3(wheel.output / "wheel-1.mp3", translate=False)  # the ID3v2.3 frames as written
    assert (raw.version, str(raw["TYER"]), str(raw["TDAT"])) == ((2, 3, 0), "2021", "1403")
    assert str(tags["TDRC"]) == "2021-03-14"
    extras = {frame.desc: str(frame) for frame in tags.getall("TXXX")}
    assert extras["Characters"] == "Dietrich Bronner, Tom Lake, Old Hanna"
    assert extras["Archive Warnings"] == "Graphic Depictions Of Violence, Major Character Death"
    assert (extras["Series"], extras["Chapter Summary"]) == ("Wheels, part 2", "In which the wheel stops.")
    assert extras["Chapter Notes"] == "Mind the tags.\n\nNext chapter on Sunday."
    assert tags["WOAS"].url == "https://archiveofourown.org/works/50002"
    m4b = MP4(wheel.output / "wheel-3.m4b")
    assert (m4b["©nam"], m4b["©day"]) == (["Chapter 3: Homecoming"], ["2021-03-14"])


def chapter_titles(path: Path) -> list[str]:
    """The chapter titles of an MP3 or M4B as ffmpeg's demuxers read them."""
    out = subprocess.run([ffmpeg.executable(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
                         capture_output=True, text=True, check=True).stdout
    return re.findall(r"^\[CHAPTER\](?:\n(?!title=).*)*\ntitle=(.*)$", out, re.MULTILINE)


def test_render_chapter_marks_in_both_files(wheel: pipeline.Folders) -> None:
    for suffix in (".mp3", ".m4b"):
        titles = chapter_titles(wheel.output / f"wheel-2{suffix}")
        assert [title.split(":")[0] for title in titles] == ["Scene 1", "Scene 2"]  # the "~~~" scene break
        assert titles[0].startswith("Scene 1: Old Hanna came down") and titles[1].startswith("Scene 2: By evening")
        assert chapter_titles(wheel.output / f"wheel-1{suffix}")[-1].startswith("Scene 2: Chapter end notes")


def test_render_feed_carries_the_works_tags(wheel: pipeline.Folders) -> None:
    path = wheel.output / "a-wheel-inside-a-wheel" / "feed.xml"
    feed = feedparser.parse(str(path))
    assert feed.feed.title == "A Wheel Inside a Wheel"
    assert feed.feed.link == "https://archiveofourown.org/works/50002"
    with path.open("rb") as xml:
        podcast = podcastparser.parse(path.as_uri(), xml)
    assert podcast["explicit"] is True  # rated Mature
    assert all(episode["explicit"] for episode in podcast["episodes"])
    keywords = {tag.term for tag in feed.feed.tags}
    assert {"Dietrich Bronner", "Angst", "Mill Towns"} <= keywords
    titles = [entry.title for entry in feed.entries]
    assert sorted(titles) == ["Chapter 1: The Mill", "Chapter 2", "Chapter 3: Homecoming"]
    first = next(entry for entry in feed.entries if entry.title == "Chapter 1: The Mill")
    assert first.summary.startswith("In which the wheel stops.\n\nChapter notes: Mind the tags.\n\nNext chapter on")
    assert "Characters: Dietrich Bronner, Tom Lake, Old Hanna" in first.summary


def test_render_reads_notes_aloud_when_asked(wheel: pipeline.Folders) -> None:
    cues = (wheel.output / "a-wheel-inside-a-wheel" / "wheel-1.vtt").read_text(encoding="utf-8")
    spoken = " ".join(line for line in cues.splitlines() if line and "-->" not in line)
    assert "A Wheel Inside a Wheel. Part 2 of Wheels. Chapter 1: The Mill. By bronner and lake_writes." in spoken
    assert ("Fandom: A Wheel Inside a Wheel, Mill Towns. Rating: Mature. Archive warnings: Graphic Depictions Of "
            "Violence, Major Character Death. Relationships: Dietrich Bronner/Tom Lake.") in spoken
    for note in ("The mill wheel turns, and so do they.", "In which the wheel stops.", "Mind the tags.",
                 "Next chapter on Sunday."):
        assert note in spoken
    last = (wheel.output / "a-wheel-inside-a-wheel" / "wheel-3.vtt").read_text(encoding="utf-8")
    assert "Thank you for reading all three turns." in last
    assert "The mill wheel turns" not in last  # the work's summary opens the first chapter only
    assert "A Wheel Inside a Wheel. Chapter 3: Homecoming. By bronner and lake_writes." in last


PREFACE = ('<html><body><div id="preface"><p class="message">Posted originally on the '
           '<a href="https://archiveofourown.org/">Archive of Our Own</a> at '
           '<a href="https://archiveofourown.org/works/7">https://archiveofourown.org/works/7</a>.</p>'
           '<div class="meta"><dl class="tags"><dt>Language:</dt><dd>English</dd></dl><h1>Variant</h1>'
           '<div class="byline">by <a rel="author" href="x">someone</a></div></div></div>')
"""An AO3 preface with little in it, for the layouts of #chapters below."""


@pytest.mark.parametrize(("chapters", "expected"), [
    ('<div id="chapters" class="userstuff"><p>One.</p><div class="chat"><p>Two.</p></div></div>',
     [("Variant", ["One.", "Two."])]),  # a one-chapter text straight in #chapters, an author's own div in it
    ('<div id="chapters" class="userstuff"><h2 class="heading">Chapter 1: A</h2><div class="userstuff"><p>One.</p>'
     '</div><h2 class="heading">Chapter 2</h2><div class="userstuff"><h3>Part two</h3><p>Two.</p></div></div>',
     [("Chapter 1: A", ["One."]), ("Chapter 2", ["Part two", "Two."])]),  # headings without meta groups
])  # fmt: skip
def test_layouts_of_the_chapters(tmp_path: Path, chapters: str, expected: list[tuple[str, list[str]]]) -> None:
    path = tmp_path / "variant.html"
    path.write_text(PREFACE + chapters + "</body></html>", encoding="utf-8")
    work = load(path)
    assert work.meta.source_url == "https://archiveofourown.org/works/7"
    found = [(c.heading, [p.text for s in c.scenes for p in s.paragraphs]) for c in work.chapters]
    assert found == expected
