"""Tests for narrate.attribute: character discovery and who says each quote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narrate.attribute import attribute
from narrate.ingest import load
from narrate.model import Script
from narrate.parse import parse

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "input" / "chapter4.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LABELS = FIXTURES / "chapter4.labels.jsonl"


def attributed(path: Path) -> Script:
    """Load, parse and attribute the first chapter of `path`."""
    work = load(path)
    return attribute([parse(work, work.chapters[0])])[0]


def attributed_text(tmp_path: Path, body: str) -> Script:
    """Attribute a one-chapter story whose body is `body`."""
    path = tmp_path / "story.txt"
    path.write_text(f"Chapter 1\n\n{body}\n", encoding="utf-8")
    return attributed(path)


def speakers(script: Script) -> list[tuple[str, str | None]]:
    """(quote, speaker) for every dialogue segment."""
    return [(s.text, s.speaker) for s in script.segments if s.kind == "dialogue"]


def score(script: Script, labels: list[dict]) -> tuple[int, list[dict]]:
    """How many labelled quotes got the labelled speaker; the labels no dialogue segment overlaps."""
    dialogue = [s for s in script.segments if s.kind == "dialogue"]
    right, missing = 0, []
    for label in labels:
        found = [s for s in dialogue if s.start < label["end"] and label["start"] < s.end]
        if not found:
            missing.append(label)
        elif found[0].speaker == label["speaker"]:
            right += 1
    return right, missing


# --- the sample chapter against independent labels -------------------------------------------


@pytest.mark.skipif(not LABELS.exists(), reason="gold labels not written yet")
def test_sample_against_gold_labels() -> None:
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    right, missing = score(attributed(SAMPLE), labels)
    print(f"\nchapter4 speaker accuracy: {right}/{len(labels)} = {right / len(labels):.1%}")
    assert missing == []
    assert right / len(labels) >= 0.9


@pytest.mark.skipif(not LABELS.exists(), reason="gold labels not written yet")
def test_sample_with_other_names_scores_the_same(tmp_path: Path) -> None:
    renames = {"Naruto": "Haruki", "Sasuke": "Kazuma", "Yamato": "Hideki"}  # same lengths: offsets hold
    text = SAMPLE.read_text(encoding="utf-8")
    for old, new in renames.items():
        text = text.replace(old, new)
    path = tmp_path / "renamed.txt"
    path.write_text(text, encoding="utf-8")
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for label in labels:
        label["speaker"] = renames.get(label["speaker"], label["speaker"])
    right, missing = score(attributed(path), labels)
    assert missing == []
    assert right / len(labels) >= 0.9


def test_sample_characters() -> None:
    script = attributed(SAMPLE)
    names = [c.name for c in script.characters]
    assert names[:3] == ["Naruto", "Sasuke", "Yamato"]
    assert "the man" in names
    assert all(c.gender == "male" for c in script.characters)
    dialogue = [s for s in script.segments if s.kind == "dialogue"]
    assert sum(c.lines for c in script.characters) == len(dialogue)
    assert [c.lines for c in script.characters] == sorted((c.lines for c in script.characters), reverse=True)
    assert all(s.speaker in names and 0 < s.confidence <= 1 for s in dialogue)
    assert all(s.speaker is None for s in script.segments if s.kind == "narration")


# --- rules, on fixture passages written for them ---------------------------------------------


def test_ferry_rules() -> None:
    script = attributed(FIXTURES / "ferry.txt")
    assert speakers(script) == [
        ("You’re late,", "Joren"),  # "X said"
        ("I’m early,", "Mira"),  # "said X"
        ("You’re just earlier.", "Mira"),  # same paragraph
        ("Get in,", "Joren"),  # "he said": latest male subject
        ("Where are we going?", "Mira"),  # "she asked": latest female subject
        ("Across.", "Joren"),  # action beat
        ("That isn’t an answer.", "Mira"),  # turn-taking
        ("It’s the only one I have.", "Joren"),  # turn-taking
        ("Then I’ll take it.", "Mira"),  # narration about Mira just before
        ("Who goes there at this hour?", "the old man"),  # an unplaced voice, named later
        ("Travellers,", "Joren"),  # "X called back"
        ("Travellers don’t come by night.", "the old man"),  # role-noun beat
        ("We do,", "Mira"),
        ("We have a letter for the keeper. It was written by my mother, who kept this crossing for thirty years.", "Mira"),
        ("She said you would remember her.", "Mira"),  # speech running over paragraphs
        ("I remember,", "the old man"),  # role-noun tag
        ("Your mother pulled me out of this river.", "the old man"),
        ("I owed her my life.", "the old man"),  # the listener swallowed; the speaker goes on
        ("Then help us now.", "Mira"),  # "Mira’s hands tightened"
    ]
    genders = {c.name: c.gender for c in script.characters}
    assert genders == {"Mira": "female", "Joren": "male", "the old man": "male"}


def test_confidence_follows_evidence() -> None:
    by_text = {s.text: s.confidence for s in attributed(FIXTURES / "ferry.txt").segments if s.kind == "dialogue"}
    name_tag, pronoun_tag, beat, turn = by_text["You’re late,"], by_text["Get in,"], by_text["Across."], by_text["That isn’t an answer."]
    assert name_tag > pronoun_tag > turn
    assert name_tag > beat > turn
    assert by_text["It’s the only one I have."] <= turn


def test_pronoun_tags_in_a_back_and_forth() -> None:
    script = attributed(FIXTURES / "winter_nets.txt")
    assert speakers(script) == [
        ("Are you coming?", "Tomas"),
        ("In a minute,", "Wren"),
        ("You said that an hour ago.", "Tomas"),
        ("And I meant it then, too.", "Wren"),
        ("Fine,", "Tomas"),
        ("Fine,", "Wren"),  # "he said" straight after Tomas: the other man answers
        ("Both of you, out,", "Sela"),  # "she said": the only woman
        ("The boat won’t wait.", "Sela"),
    ]


def test_public_domain_tea_party() -> None:
    script = attributed(FIXTURES / "tea_party.txt")
    assert [speaker for _, speaker in speakers(script)] == [
        "March Hare", "Alice", "March Hare", "Alice", "March Hare", "Alice", "Alice", "Hatter", "Alice", "Alice",
        "Hatter",
    ]  # fmt: skip
    assert {c.name for c in script.characters} == {"Alice", "March Hare", "Hatter"}


def test_one_paragraph_per_line() -> None:
    assert speakers(attributed(FIXTURES / "harbour.txt")) == [
        ("Anyone home?", "Ana"),
        ("Leo?", "Ana"),
        ("Up here,", "Leo"),
        ("Don’t come up yet.", "Leo"),
        ("Happy birthday,", "Leo"),
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Kell was tired, and he looked it.\n\nKell’s voice was low. “Go home.”", "Kell"),
        ("Kell was tired, and he looked it.\n\nThe girl stepped forward. “No.”", "the girl"),
        ("Dara looked at Kell. She had waited long enough.\n\n“Now,” she whispered.", "Dara"),
        ("Kell was tired, and he looked it.\n\n“Enough,” muttered Kell.", "Kell"),
        ("Kell was tired, and he looked it.\n\nThe woman did not move.\n\n“Leave.”", "the woman"),
        ("Kell was tired, and he looked it.\n\nBran stood up and he stretched. “Time,” he said.", "Bran"),
    ],
)
def test_single_rules(tmp_path: Path, body: str, expected: str) -> None:
    assert [speaker for _, speaker in speakers(attributed_text(tmp_path, body))] == [expected]


def test_no_names_in_the_code() -> None:
    package = ROOT / "narrate"
    code = "\n".join(p.read_text(encoding="utf-8") for p in (package / "attribute").glob("*.py"))
    code += (package / "parse.py").read_text(encoding="utf-8")
    for name in ("Naruto", "Sasuke", "Yamato", "Sakura", "Mira", "Joren", "Alice", "Hatter"):
        assert name not in code
