"""Gold labels for attribution fixtures: loading them and scoring a script against them.

A fixture NAME.txt comes with NAME.labels.jsonl (one quote per line: start, end,
text, speaker) and, for the newer ones, NAME.names.json (each speaker -> every
name the text uses for them). A predicted speaker is right when it is one of
the names the text uses for the labelled character.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from narrate.attribute import attribute
from narrate.ingest import load
from narrate.model import Script, Segment
from narrate.parse import parse


@dataclass(frozen=True)
class Score:
    """How a script compares with the gold labels."""

    labels: int
    """Labelled quotes."""
    found: int
    """Labelled quotes some dialogue segment overlaps."""
    right: int
    """Labelled quotes whose overlapping segment has an acceptable speaker."""
    predicted: int
    """Dialogue segments in the script."""
    matched: int
    """Dialogue segments that overlap a labelled quote."""
    wrong: tuple[tuple[str, str | None, str], ...]
    """(quote, predicted speaker, gold speaker) for each miss."""

    @property
    def accuracy(self) -> float:
        """Share of labelled quotes with the right speaker."""
        return self.right / self.labels if self.labels else 1.0

    @property
    def f1(self) -> float:
        """Quote detection F1 (recall over labels, precision over predicted segments)."""
        recall = self.found / self.labels if self.labels else 1.0
        precision = self.matched / self.predicted if self.predicted else 1.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def scripts_of(path: Path) -> list[Script]:
    """Every chapter of `path`, parsed and attributed."""
    work = load(path)
    return attribute([parse(work, chapter) for chapter in work.chapters])


def score(scripts: list[Script], path: Path, labels_path: Path | None = None) -> Score:
    """Compare attributed `scripts` of fixture `path` with its labels (NAME.labels.jsonl beside it by default)."""
    labels_path = labels_path or path.with_suffix(".labels.jsonl")
    labels = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    names_file = path.with_suffix(".names.json")
    names = json.loads(names_file.read_text(encoding="utf-8")) if names_file.exists() else {}
    dialogue = [s for script in scripts for s in script.segments if s.kind == "dialogue"]
    found = right = 0
    wrong = []
    for label in labels:
        overlapping = [s for s in dialogue if s.start < label["end"] and label["start"] < s.end]
        if not overlapping:
            wrong.append((label["text"], "(not found)", label["speaker"]))
            continue
        found += 1
        if _acceptable(overlapping[0], label["speaker"], names):
            right += 1
        else:
            wrong.append((label["text"], overlapping[0].speaker, label["speaker"]))
    matched = sum(1 for s in dialogue if any(s.start < l["end"] and l["start"] < s.end for l in labels))
    return Score(len(labels), found, right, len(dialogue), matched, tuple(wrong))


def _acceptable(segment: Segment, gold: str, names: dict[str, list[str]]) -> bool:
    """True when the segment's speaker is a name the text uses for the `gold` character (in any case)."""
    said = (segment.speaker or "").casefold()
    return said in {name.casefold() for name in [gold, *names.get(gold, [])]}
