"""Learn the weights of narrate's speaker scorer (narrate/attribute/scorer.py) on the PDNC development corpus.

    .venv/bin/python bench/train_scorer.py [--pdnc DIR] [--jobs N] [--write | --calibrate] [--no-report]

Every paragraph narrate attributes by weighing candidates (no speech tag names its speaker) is paired with the
corpus's speaker of its first quote (as bench/attribution.py pairs quotes); a candidate is right when its name is
the speaker's name, a corpus alias or a name only that speaker's names hold. A conditional logit (softmax over a
paragraph's candidates, L2-regularised) is fitted on the paragraphs some candidate gets right. Printed: the
accuracy of the fitted weights on each novel when that novel was left out of the fitting (so on text the weights
never saw), then the weights fitted on all novels. --write puts those into scorer.py's WEIGHTS and their
calibration into CALIBRATION; --calibrate refits only CALIBRATION, for the WEIGHTS scorer.py has. The weights
feed back into what the reader remembers (who spoke last), so fit, write and fit again until they settle.
Nothing of the corpus is written anywhere but the weights.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from attribution import PDNC, _name_words, _paired, by_names  # noqa: E402

from narrate.attribute.scorer import CLIP, MAX_TURNS, NOBODY, WEIGHTS  # noqa: E402

NARRATOR = "narrator"
"""The feature marking the first-person narrator as a candidate (speakers._evidence)."""

SCORER = ROOT / "narrate" / "attribute" / "scorer.py"
FIXTURES = [ROOT / "input" / "chapter4.txt", *sorted((ROOT / "tests" / "fixtures" / "attribution").glob("*.txt"))]
"""Our own labelled fan-fiction-style passages, fitted beside the corpus (the heldout* folders stay unseen)."""
_FIXTURE_WEIGHT = 6.0
"""How many corpus paragraphs one of our passages' paragraphs counts as (their style is the one users bring)."""
_L2 = 0.0005
"""Regularisation: pulls the weights towards PRIOR (rare evidence keeps its designed strength)."""
PRIOR = {
    "rule monologue": 3.0, "rule introduction": 3.0, "rule beat": 2.5, "rule pronoun beat": 2.0, "rule voice": 2.0,
    "rule reaction": 2.5, "rule addressed": 1.5, "rule previous": 1.2, "rule pronoun previous": 1.0,
    "rule turn": 1.0, "rule guess": 0.3, NOBODY: -1.5,
    **{f"{g} tag, rule {rule}": weight for g in ("male", "female")
       for rule, weight in (("pronoun tag", 2.0), ("alternating pronoun", 1.5))},
    "role tag, rule role tag": 2.0,
}  # fmt: skip
"""The rules' designed strengths (log-odds), where the fitting starts and what it is pulled back to."""

Paragraph = tuple[int, list[tuple[dict[str, float], bool]]]
"""A paragraph: how many paragraphs of turn-taking came before it, and its candidates' features, each marked
whether it is the corpus's speaker."""


def novel_paragraphs(folder: Path) -> list[Paragraph]:
    """The scored paragraphs of one novel, each candidate marked right or wrong."""
    from narrate import pipeline
    from narrate.attribute import attribute

    with tempfile.TemporaryDirectory() as empty:
        work, corrections = pipeline.load_input(str(folder / "text.txt"), pipeline.Folders(Path(empty), Path(empty)))
    evidence: list = []
    scripts = attribute(pipeline.parsed(work), corrections, evidence=evidence)
    found = [(s.start, s.end, "") for script in scripts for s in script.segments if s.kind == "dialogue"]
    gold = [json.loads(line) for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    quote_gold = {found[at][0]: gold[index] for index, at in _paired(gold, found).items()}
    name_words = _name_words(json.loads((folder / "characters.json").read_text(encoding="utf-8"))["characters"])
    paragraphs = []
    for segments, candidates, turns in evidence:
        first = next(s for s in segments if s.kind == "dialogue")
        span = quote_gold.get(first.start)
        if span is None:
            continue
        paragraphs.append((turns, [(features, by_names(name, span, name_words)) for name, features in candidates.items()]))
    return paragraphs


class Matrix:
    """Paragraphs as one feature matrix: a row per candidate, with its paragraph's number and rightness."""

    def __init__(self, paragraphs: list[Paragraph], names: list[str]) -> None:
        index = {name: k for k, name in enumerate(names)}
        rows = [(k, features, right) for k, (_, p) in enumerate(paragraphs) for features, right in p]
        self.x = np.zeros((len(rows), len(names)))
        for row, (_, features, _) in enumerate(rows):
            for name, value in features.items():
                if name in index:
                    self.x[row, index[name]] = value
        self.group = np.array([k for k, _, _ in rows], dtype=int)
        self.right = np.array([right for _, _, right in rows], dtype=float)
        self.count = len(paragraphs)

    def best(self, scores: np.ndarray) -> np.ndarray:
        """The row of each paragraph's best-scored candidate (the first of equals); a paragraph's rows are adjacent."""
        bounds = np.r_[np.flatnonzero(np.r_[True, self.group[1:] != self.group[:-1]]), len(self.group)]
        return np.array([start + int(np.argmax(scores[start:end])) for start, end in zip(bounds, bounds[1:])])

    def probabilities(self, weights: np.ndarray) -> np.ndarray:
        """Each candidate's softmax probability within its paragraph."""
        scores = self.x @ weights
        top = np.full(self.count, -np.inf)
        np.maximum.at(top, self.group, scores)
        odds = np.exp(scores - top[self.group])
        return odds / np.bincount(self.group, odds, self.count)[self.group]


def fit(paragraphs: list[Paragraph], names: list[str], ours: list[Paragraph] = ()) -> np.ndarray:
    """Weights maximising the regularised log-probability of the right candidates (full-batch gradient ascent),
    our own passages' paragraphs counting _FIXTURE_WEIGHT times."""
    kept = [p for p in paragraphs if any(right for _, right in p[1])]
    own = [p for p in ours if any(right for _, right in p[1])]
    usable = Matrix(kept + own, names)
    counts = np.array([1.0] * len(kept) + [_FIXTURE_WEIGHT] * len(own))[usable.group]
    prior = np.array([PRIOR.get(name, 0.0) for name in names])
    weights = prior.copy()
    total = len(kept) + _FIXTURE_WEIGHT * len(own)
    for _ in range(3000):
        p = usable.probabilities(weights)
        q = p * usable.right
        q /= np.bincount(usable.group, q, usable.count)[usable.group]
        gradient = usable.x.T @ ((q - p) * counts) / total - _L2 * (weights - prior)
        gradient[names.index(NOBODY)] = 0.0
        weights += 4.0 * gradient
    return weights


def calibration(paragraphs: list[Paragraph], names: list[str], weights: np.ndarray) -> dict[str, tuple[float, ...]]:
    """Platt scaling per kind of paragraph (untagged, "he/she said", "said the girl"): (slope, intercept, per turn,
    narrator) mapping the log-odds of the best candidate's probability, the turn-taking run before it and whether
    it is the first-person narrator, to how often it is right, over every paragraph (right candidate or not)."""
    matrix = Matrix(paragraphs, names)
    p = matrix.probabilities(weights)
    narrator = matrix.x[:, names.index(NARRATOR)] if NARRATOR in names else np.zeros(len(p))
    kinds: dict[str, tuple[list, list]] = {"untagged": ([], []), "pronoun tag": ([], []), "role tag": ([], [])}
    for (turns, paragraph), best in zip(paragraphs, matrix.best(p)):
        prefixes = {name.split(", ")[0] for features, _ in paragraph for name in features}
        kind = "role tag" if "role tag" in prefixes else "pronoun tag" if prefixes & {"male tag", "female tag"} else "untagged"
        clipped = min(CLIP, max(1 - CLIP, p[best]))
        kinds[kind][0].append((np.log(clipped / (1 - clipped)), 1.0, min(turns, MAX_TURNS), narrator[best]))
        kinds[kind][1].append(matrix.right[best])
    fitted = {}
    for kind, (rows_x, rows_y) in kinds.items():
        x, y = np.array(rows_x), np.array(rows_y)
        coefficients = _platt(x, y)
        if coefficients[0] < 0:  # surer picks never get a lower confidence: the probability then says nothing
            x[:, 0] = 0.0
            coefficients = _platt(x, y)
        fitted[kind] = tuple(round(float(c), 3) for c in coefficients)
    return fitted


def _platt(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Logistic regression of rightness `y` on the rows of `x` (log-odds, 1, turns, narrator) by gradient ascent."""
    coefficients = np.array([1.0, 0.0, 0.0, 0.0])
    for _ in range(3000):
        q = 1 / (1 + np.exp(-(x @ coefficients)))
        coefficients += 0.3 * x.T @ (y - q) / len(y)
    return coefficients


def accuracy(paragraphs: list[Paragraph], names: list[str], weights: np.ndarray) -> tuple[int, int]:
    """(right, all) paragraphs when each takes its best-scored candidate (the first of equals)."""
    matrix = Matrix(paragraphs, names)
    return int(matrix.right[matrix.best(matrix.x @ weights)].sum()), matrix.count


def fixture_paragraphs(path: Path) -> list[Paragraph]:
    """The scored paragraphs of one of our labelled passages, each candidate marked right or wrong."""
    from labels import _acceptable

    from narrate.attribute import attribute
    from narrate.ingest import load
    from narrate.parse import parse

    work = load(path)
    evidence: list = []
    attribute([parse(work, chapter) for chapter in work.chapters], evidence=evidence)
    labels_path = path.with_suffix(".labels.jsonl")
    if path.name == "chapter4.txt":
        labels_path = ROOT / "tests" / "fixtures" / "chapter4.labels.jsonl"
    labels = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    names_file = path.with_suffix(".names.json")
    names = json.loads(names_file.read_text(encoding="utf-8")) if names_file.exists() else {}
    paragraphs = []
    for segments, candidates, turns in evidence:
        first = next(s for s in segments if s.kind == "dialogue")
        label = next((l for l in labels if first.start < l["end"] and l["start"] < first.end), None)
        if label is not None:
            paragraphs.append((turns, [(features, _acceptable(replace(first, speaker=name), label["speaker"], names))
                                       for name, features in candidates.items()]))
    return paragraphs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pdnc", type=Path, default=PDNC)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="write the fitted weights into scorer.py")
    parser.add_argument("--calibrate", action="store_true", help="refit and write only the calibration of the weights")
    parser.add_argument("--no-report", action="store_true", help="skip the left-out novels' table (one fit, not 24)")
    options = parser.parse_args()
    novels = sorted(path for path in options.pdnc.iterdir() if (path / "gold.jsonl").exists())
    with ProcessPoolExecutor(options.jobs) as pool:
        corpus = dict(zip((n.name for n in novels), pool.map(novel_paragraphs, novels)))
        ours = [p for ps in pool.map(fixture_paragraphs, FIXTURES) for p in ps]
    names = sorted({NOBODY} | {name for ps in [*corpus.values(), ours] for _, p in ps for f, _ in p for name in f})
    total_right = total = 0

    current = np.array([WEIGHTS.get(name, 0.0) for name in names])
    if options.calibrate:
        _write_calibration(calibration([p for ps in corpus.values() for p in ps], names, current))
        return
    now_right = 0
    print(f"{'left-out novel':34} {'paragraphs':>10} {'oracle':>7} {'now':>7} {'fitted':>7}")
    for novel, paragraphs in ({} if options.no_report else corpus).items():
        rest = [p for other, ps in corpus.items() if other != novel for p in ps]
        right, count = accuracy(paragraphs, names, fit(rest, names, ours))
        now, _ = accuracy(paragraphs, names, current)
        oracle = sum(any(r for _, r in p) for _, p in paragraphs)
        total_right += right
        now_right += now
        total += count
        print(f"{novel:34} {count:10} {oracle / max(count, 1):7.1%} {now / max(count, 1):7.1%} {right / max(count, 1):7.1%}")
    print(f"{'all, each left out':34} {total:10} {'':7} {now_right / max(total, 1):7.1%} {total_right / max(total, 1):7.1%}")
    weights = fit([p for ps in corpus.values() for p in ps], names, ours)
    own_right, own = accuracy(ours, names, weights)
    print(f"{'our own passages (fitted)':34} {own:10} {'':7} {'':7} {own_right / max(own, 1):7.1%}")
    literal = ", ".join(f'"{n}": {w:.2f}' for n, w in zip(names, weights))
    print(f"WEIGHTS = {{{literal}}}")
    if options.write:
        source = SCORER.read_text(encoding="utf-8")
        body = "\n".join(f'    "{n}": {w:.2f},' for n, w in zip(names, weights))
        source = re.sub(r"WEIGHTS: dict\[str, float\] = \{.*?\n\}", f"WEIGHTS: dict[str, float] = {{\n{body}\n}}", source,
                        flags=re.DOTALL)
        SCORER.write_text(source, encoding="utf-8")
        _write_calibration(calibration([p for ps in corpus.values() for p in ps], names, weights))


def _write_calibration(fitted: dict[str, tuple[float, ...]]) -> None:
    """Put `fitted` into scorer.py's CALIBRATION."""
    print(f"CALIBRATION = {fitted}")
    source = re.sub(r"CALIBRATION = \{.*?\}\n", f"CALIBRATION = {fitted!r}\n".replace("'", '"'), SCORER.read_text(encoding="utf-8"))
    SCORER.write_text(source, encoding="utf-8")


if __name__ == "__main__":
    main()
