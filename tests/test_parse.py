"""Tests for narrate.parse: narration / dialogue spans with offsets into the source."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrate.ingest import load
from narrate.model import Script
from narrate.parse import parse, script_records

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "input" / "chapter4.txt"


def parsed(tmp_path: Path, body: str) -> Script:
    """Parse a one-chapter file whose body is `body`."""
    path = tmp_path / "story.txt"
    path.write_text(f"Chapter 1\n\n{body}\n", encoding="utf-8")
    work = load(path)
    return parse(work, work.chapters[0])


def pieces(script: Script) -> list[tuple[str, str]]:
    """(kind initial, text) of every segment."""
    return [(s.kind[0], s.text) for s in script.segments]


def test_sample_offsets_and_counts() -> None:
    work = load(SAMPLE)
    script = parse(work, work.chapters[0])
    assert all(work.text[s.start : s.end] == s.text for s in script.segments)
    assert sum(s.kind == "dialogue" for s in script.segments) == 122
    assert all(s.speaker is None and s.confidence == 1.0 for s in script.segments)
    assert all(any(ch.isalnum() for ch in s.text) for s in script.segments if s.kind == "narration")
    starts = [s.start for s in script.segments]
    assert starts == sorted(starts)


def test_sample_paragraph_and_scene_numbers() -> None:
    work = load(SAMPLE)
    chapter = work.chapters[0]
    script = parse(work, chapter)
    flat = [(scene.number, p) for scene in chapter.scenes for p in scene.paragraphs]
    for segment in script.segments:
        scene, paragraph = flat[segment.paragraph]
        assert segment.scene == scene
        assert paragraph.start <= segment.start < segment.end <= paragraph.end
    assert {s.scene for s in script.segments} == {1, 2, 3, 4, 5}


def test_sample_quote_split_by_tag() -> None:
    work = load(SAMPLE)
    script = parse(work, work.chapters[0])
    texts = [(s.kind[0], s.text) for s in script.segments]
    at = texts.index(("d", "I think,"))
    assert texts[at : at + 3] == [
        ("d", "I think,"),
        ("n", "Naruto said, quiet now,"),
        ("d", "you’re the only thing that ever felt real to me."),
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("“A,” he said, “B.”", [("d", "A,"), ("n", "he said,"), ("d", "B.")]),
        ('"Yes," she said. "No."', [("d", "Yes,"), ("n", "she said."), ("d", "No.")]),
        ("Sasuke didn’t look up. “We’re not far enough yet.”", [("n", "Sasuke didn’t look up."), ("d", "We’re not far enough yet.")]),
        ("“I don’t think it’s theirs,” she said, ‘quoting’ nobody.", [("d", "I don’t think it’s theirs,"), ("n", "she said, ‘quoting’ nobody.")]),
        ("'Tis the season, isn't it.", [("n", "'Tis the season, isn't it.")]),
        ("He called it “home” and laughed.", [("n", "He called it “home” and laughed.")]),
        ("They named the dog “Bear”.", [("n", "They named the dog “Bear”.")]),
        ("He said “no” and left.", [("n", "He said"), ("d", "no"), ("n", "and left.")]),
        ("“Wait.” — “What?”", [("d", "Wait."), ("d", "What?")]),
        ("“Go,” , he said.", [("d", "Go,"), ("n", "he said.")]),
        ("“”", []),
        ("Then: “No.”", [("n", "Then:"), ("d", "No.")]),
    ],
)
def test_split(tmp_path: Path, body: str, expected: list[tuple[str, str]]) -> None:
    script = parsed(tmp_path, body)
    assert pieces(script) == expected
    assert all(script.work.text[s.start : s.end] == s.text for s in script.segments)


def test_speech_over_several_paragraphs(tmp_path: Path) -> None:
    script = parsed(tmp_path, "“It began in spring,” she said. “The river rose.\n\n“Then it fell.”\n\nNobody spoke.")
    assert [(s.paragraph, s.kind[0], s.text) for s in script.segments] == [
        (0, "d", "It began in spring,"),
        (0, "n", "she said."),
        (0, "d", "The river rose."),
        (1, "d", "Then it fell."),
        (2, "n", "Nobody spoke."),
    ]


def test_scene_numbers(tmp_path: Path) -> None:
    script = parsed(tmp_path, "One.\n\n* * *\n\n“Two.”\n\nThree.")
    assert [(s.scene, s.paragraph, s.kind[0]) for s in script.segments] == [(1, 0, "n"), (2, 1, "d"), (2, 2, "n")]


def test_script_records(tmp_path: Path) -> None:
    script = parsed(tmp_path, "“Hi,” he said.")
    records = script_records(script)
    assert records == [
        {"kind": "dialogue", "speaker": None, "text": "Hi,", "start": 12, "end": 15, "confidence": 1.0, "scene": 1},
        {"kind": "narration", "speaker": None, "text": "he said.", "start": 17, "end": 25, "confidence": 1.0, "scene": 1},
    ]
    assert script.work.text[12:15] == "Hi,"
