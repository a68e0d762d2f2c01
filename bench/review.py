"""What a user's review buys: speaker accuracy before and after fixing the quotes narrate is least sure of.

    .venv/bin/python bench/review.py [--share 0.05] [--pdnc DIR | --no-pdnc] [--jobs N]

For every labelled fixture of our own (as bench/attribution.py finds them) and, when it is there, every novel of
the PDNC development corpus: attribute, take the `--share` of quotes with the lowest confidence (the order
`narrate script --review` lists them in), give each its labelled speaker as `narrate fix` would, attribute
again, and score both runs. Printed per text: quotes, fixes, accuracy before and after, and how many lines that
were right before went wrong after (a fix should never do that).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from attribution import PDNC, _name_words, _paired, by_names, fixtures  # noqa: E402
from labels import _acceptable  # noqa: E402

from narrate.attribute import attribute  # noqa: E402
from narrate.ingest import load  # noqa: E402
from narrate.model import Corrections, Script, Segment  # noqa: E402
from narrate.parse import parse  # noqa: E402


def least_sure(scripts: list[Script], share: float) -> list[Segment]:
    """The `share` of quotes with the lowest confidence, least sure first (reading order among equals)."""
    quotes = [s for script in scripts for s in script.segments if s.kind == "dialogue"]
    return sorted(quotes, key=lambda s: s.confidence)[: math.ceil(share * len(quotes))]


def reviewed(
    path: Path, gold: dict[int, str], share: float, named: Callable[[list[Script]], dict[str, str]] = lambda _: {}
) -> tuple[list[Script], list[Script], int]:
    """The text at `path` attributed, then attributed again after fixing its least sure quotes with the `gold`
    speaker of their first character offset (quotes without one are left as they are), and the fixes made. A user
    fixes a line with the name narrate's cast gives that speaker: `named` maps gold speakers to it, from the first
    run."""
    work = load(path)
    parsed = [parse(work, chapter) for chapter in work.chapters]
    first = attribute(parsed)
    cast = named(first)
    lines = {s.id: cast.get(gold[s.start], gold[s.start]) for s in least_sure(first, share) if s.start in gold}
    with tempfile.TemporaryDirectory() as empty:
        second = attribute(parsed, Corrections(Path(empty) / "speakers.toml", lines))
    return first, second, len(lines)


def cast_names(scripts: list[Script], gold: dict[int, str], right: Callable[[Segment], bool]) -> dict[str, str]:
    """Gold speaker -> the name narrate's cast most often gives their lines where it names them `right`ly: the name
    a user picks when fixing a line ("Noor", where the labels say "Noor Haddad")."""
    given: dict[str, Counter[str]] = {}
    for s in (s for script in scripts for s in script.segments if s.kind == "dialogue"):
        if s.start in gold and s.speaker and right(s):
            given.setdefault(gold[s.start], Counter())[s.speaker] += 1
    return {speaker: names.most_common(1)[0][0] for speaker, names in given.items()}


def fixture_result(path: Path, share: float) -> dict:
    """Before/after counts for one of our labelled fixtures."""
    labels_path = path.with_suffix(".labels.jsonl")
    labels = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    names_file = path.with_suffix(".names.json")
    names = json.loads(names_file.read_text(encoding="utf-8")) if names_file.exists() else {}
    work = load(path)
    quotes = [s for chapter in work.chapters for s in parse(work, chapter).segments if s.kind == "dialogue"]
    gold = {}
    for quote in quotes:
        label = next((l for l in labels if quote.start < l["end"] and l["start"] < quote.end), None)
        if label is not None:
            gold[quote.start] = label["speaker"]
    first, second, fixes = reviewed(
        path, gold, share, lambda scripts: cast_names(scripts, gold, lambda s: _acceptable(s, gold[s.start], names))
    )

    def right(scripts: list[Script]) -> set[int]:
        return {s.start for script in scripts for s in script.segments
                if s.kind == "dialogue" and s.start in gold and _acceptable(s, gold[s.start], names)}

    return _result(path.stem, len(labels), right(first), right(second), fixes)


def novel_result(folder: Path, share: float) -> dict:
    """Before/after counts for one PDNC novel (scored as bench/attribution.py scores it, by names)."""
    spans = [json.loads(line) for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    name_words = _name_words(json.loads((folder / "characters.json").read_text(encoding="utf-8"))["characters"])
    work = load(folder / "text.txt")
    quotes = [s for chapter in work.chapters for s in parse(work, chapter).segments if s.kind == "dialogue"]
    pairs = _paired(spans, [(s.start, s.end, "") for s in quotes])
    gold = {quotes[at].start: spans[index] for index, at in pairs.items()}

    def named(s: Segment) -> bool:
        return by_names(s.speaker or "", gold[s.start], name_words)

    speakers = {start: span["speaker"] for start, span in gold.items()}
    first, second, fixes = reviewed(folder / "text.txt", speakers, share, lambda scripts: cast_names(scripts, speakers, named))

    def right(scripts: list[Script]) -> set[int]:
        found = set()
        for script in scripts:
            for s in script.segments:
                span = gold.get(s.start) if s.kind == "dialogue" else None
                if span and by_names(s.speaker or "", span, name_words):
                    found.add(s.start)
        return found

    return _result(folder.name, len(spans), right(first), right(second), fixes)


def _result(name: str, labels: int, before: set[int], after: set[int], fixes: int) -> dict:
    """One row of the table."""
    return {"name": name, "labels": labels, "fixes": fixes, "before": len(before), "after": len(after),
            "broken": len(before - after)}


def print_table(title: str, results: list[dict]) -> None:
    """Rows and a total."""
    print(title)
    print(f"{'text':34} {'quotes':>6} {'fixes':>6} {'before':>7} {'after':>7} {'broken':>7}")
    for row in [*results, {"name": "all", **{k: sum(r[k] for r in results) for k in ("labels", "fixes", "before", "after", "broken")}}]:
        print(f"{row['name']:34} {row['labels']:6} {row['fixes']:6} {row['before'] / row['labels']:7.1%} "
              f"{row['after'] / row['labels']:7.1%} {row['broken']:7}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--share", type=float, default=0.05, help="share of quotes fixed, least sure first")
    parser.add_argument("--pdnc", type=Path, default=PDNC, help="the PDNC development corpus folder")
    parser.add_argument("--no-pdnc", action="store_true", help="only our own fixtures")
    parser.add_argument("--jobs", type=int, default=2, help="texts worked on at once")
    options = parser.parse_args()
    paths = [path for path in fixtures([]) if path.with_suffix(".labels.jsonl").exists()]
    with ProcessPoolExecutor(options.jobs) as pool:
        if not options.no_pdnc and options.pdnc.is_dir():
            novels = sorted(path for path in options.pdnc.iterdir() if (path / "gold.jsonl").exists())
            print_table(f"PDNC development corpus, {options.share:.0%} least sure fixed",
                        list(pool.map(novel_result, novels, [options.share] * len(novels))))
        print_table(f"our fixtures, {options.share:.0%} least sure fixed",
                    list(pool.map(fixture_result, paths, [options.share] * len(paths))))


if __name__ == "__main__":
    main()
