"""Print speaker accuracy: first on the PDNC development corpus (novels labelled by researchers), then on every
labelled fixture of our own.

    .venv/bin/python bench/attribution.py [-v] [--pdnc DIR | --no-pdnc] [--jobs N] [FIXTURE.txt ...]

The corpus (../shared/pdnc-dev by default, when it is there; see its README for the format and the terms:
evaluation and tuning only, nothing of it copied here) is scored as its README says: each gold span is paired
with the narrate quote that overlaps it most (covering at least half of it, one to one), and is right when that
quote's speaker is the gold speaker or one of its aliases, case-insensitively; a missed quote is wrong. Printed
per novel and by quote type (explicit, anaphoric, implicit), with quote detection's recall, precision and F1,
then micro over all spans, and detection again counting as found the pieces the corpus splits one speech into
around a quotation inside it ("'My dear,' said I, 'you ...'": spans of the speaker of the span the quote is
paired with, at least half inside that quote), which narrate reads as the one quote they are; then the characters, which rule decided the lines and the errors, the calibration
(quotes by confidence, and how often each bin is right) and each novel's accuracy beside its self-estimate (the
one `narrate script` prints) and its mean confidence. -v lists every wrong line of the fixtures. Fixtures: the
sample chapter (input/chapter4.txt with tests/fixtures/chapter4.labels.jsonl), tests/fixtures/attribution/*.txt
(one hard case each) and tests/fixtures/heldout*/*.txt (whole chapters).
"""

from __future__ import annotations

import argparse
import bisect
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from labels import score, scripts_of  # noqa: E402

PDNC = ROOT.parent / "shared" / "pdnc-dev"
"""Where the development corpus is on these machines."""

TYPES = ("explicit", "anaphoric", "implicit")
"""PDNC's quote types, reported one by one."""


def novel_score(folder: Path) -> dict:
    """Counts for one PDNC novel: spans and right ones per type and per deciding rule, quotes found and paired,
    seconds taken."""
    from narrate import pipeline
    from narrate.attribute import attribute

    started = time.perf_counter()
    decided: dict[int, str] = {}
    with tempfile.TemporaryDirectory() as empty:
        folders = pipeline.Folders(Path(empty), Path(empty))
        work, corrections = pipeline.load_input(str(folder / "text.txt"), folders)
        scripts = attribute(pipeline.parsed(work), corrections, decided=decided)
        seconds = time.perf_counter() - started
        estimate = pipeline.speaker_estimate(scripts, folders).accuracy
    quotes = [s for script in scripts for s in script.segments if s.kind == "dialogue"]
    found = [(s.start, s.end, s.speaker or "") for s in quotes]
    confidence = [s.confidence for s in quotes]
    gold = [json.loads(line) for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    pairs = _paired(gold, found)
    characters = json.loads((folder / "characters.json").read_text(encoding="utf-8"))["characters"]
    name_words = _name_words(characters)
    spans, right, named, by_rule, right_by_rule = Counter(), Counter(), Counter(), Counter(), Counter()
    calibration: list[tuple[float, bool]] = []
    for index, span in enumerate(gold):
        kind = span["type"] if span["type"] in TYPES else "unknown"
        said = found[pairs[index]][2] if index in pairs else ""
        is_named = by_names(said, span, name_words)
        spans[kind] += 1
        right[kind] += by_corpus_names(said, span)
        named[kind] += is_named
        rule = decided.get(quotes[pairs[index]].start, "?") if index in pairs else "(quote missed)"
        by_rule[rule] += 1
        right_by_rule[rule] += is_named
        if index in pairs:
            calibration.append((confidence[pairs[index]], is_named))
    return {"novel": folder.name, "spans": dict(spans), "right": dict(right), "named": dict(named),
            "by rule": dict(by_rule), "right by rule": dict(right_by_rule),
            "people": _people(scripts, gold, characters, name_words), "calibration": calibration, "confidence": sum(c for c, _ in calibration) / max(len(calibration), 1),
            "estimate": estimate, "found": len(found), "paired": len(pairs), "pieces": _pieces(gold, found, pairs),
            "seconds": seconds}


def by_corpus_names(said: str, span: dict) -> bool:
    """True when the speaker narrate gave (`said`) is the gold span's speaker or one of its corpus aliases."""
    return said.strip().casefold() in {span["speaker"].casefold(), *(alias.casefold() for alias in span["aliases"])}


def by_names(said: str, span: dict, name_words: dict[str, frozenset[str]]) -> bool:
    """`by_corpus_names`, or every word of `said` is a word of the gold speaker's names and of no other character's
    (`name_words`, from `_name_words`): the names the text uses for them that the corpus does not list ("Jake" of
    "Jake Barnes"; "May Welland" of "Miss Welland", listed as "May Wellend")."""
    words = _words(said.strip())
    return by_corpus_names(said, span) or bool(words) and [c for c, held in name_words.items() if words <= held] == [span["speaker"]]


MANY = 5
"""Characters with at least this many gold spans are checked for splits and gender."""


def _people(scripts: list, gold: list[dict], characters: list[dict], name_words: dict[str, frozenset[str]]) -> dict[str, int]:
    """How narrate's characters match the corpus's characters with at least `MANY` spans: how many of those it
    found under a name the text uses, how many it split into several characters, how many of the found ones with a
    known gender it gave the right gender (the gender of its character with most lines)."""
    lines: Counter[str] = Counter()
    genders: dict[str, str] = {}
    for script in scripts:
        for character in script.characters:
            lines[character.name] += character.lines
            genders.setdefault(character.name, character.gender)
    spoken = Counter(span["speaker"] for span in gold)
    counts = Counter()
    for character in characters:
        if character["special"] or spoken[character["name"]] < MANY:
            continue
        as_span = {"speaker": character["name"], "aliases": character["aliases"]}
        ours = [name for name in lines if by_names(name, as_span, name_words)]
        counts["characters"] += 1
        counts["found"] += bool(ours)
        counts["split"] += len(ours) > 1
        if ours and character["gender"] in ("male", "female"):
            counts["gendered"] += 1
            counts["gender right"] += genders[max(ours, key=lines.__getitem__)] == character["gender"]
    return dict(counts)


_TITLES = {"mr", "mrs", "miss", "ms", "dr", "sir", "lady", "lord", "mme", "mlle", "m", "the", "rev", "captain", "major"}
"""Words left out when a name is compared with the corpus's names."""


def _words(name: str) -> frozenset[str]:
    """A name's words without titles, in lower case."""
    return frozenset(word for word in name.casefold().replace(".", " ").split() if word not in _TITLES)


def _name_words(characters: list[dict]) -> dict[str, frozenset[str]]:
    """Each character -> every word of its names (titles left out)."""
    return {c["name"]: frozenset().union(*(_words(name) for name in (c["name"], *c["aliases"]))) for c in characters}


def _paired(gold: list[dict], found: list[tuple[int, int, str]]) -> dict[int, int]:
    """Gold span index -> found quote index: each gold span with the quote overlapping it most, covering at least
    half of it, one to one (both lists sorted by start; a sweep, not all pairs)."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    first = 0
    for index, span in enumerate(gold):
        while first < len(found) and found[first][1] <= span["start"]:
            first += 1
        best, best_overlap = None, 0
        for at in range(first, len(found)):
            start, end, _ = found[at]
            if start >= span["end"]:
                break
            overlap = min(end, span["end"]) - max(start, span["start"])
            if at not in used and overlap > best_overlap:
                best, best_overlap = at, overlap
        if best is not None and 2 * best_overlap >= span["end"] - span["start"]:
            pairs[index] = best
            used.add(best)
    return pairs


def _pieces(gold: list[dict], found: list[tuple[int, int, str]], pairs: dict[int, int]) -> int:
    """How many unpaired gold spans lie at least half inside a quote that is paired with a span of the same
    speaker: pieces of one speech the corpus splits around a quotation inside it."""
    speaker = {at: gold[index]["speaker"] for index, at in pairs.items()}
    ends = [end for _, end, _ in found]
    count = 0
    for index, span in enumerate(gold):
        at = bisect.bisect_right(ends, span["start"])  # the first quote ending after the span starts
        if index in pairs or at == len(found) or speaker.get(at) != span["speaker"]:
            continue
        start, end, _ = found[at]
        count += 2 * (min(end, span["end"]) - max(start, span["start"])) >= span["end"] - span["start"]
    return count


def print_pdnc(folder: Path, jobs: int) -> None:
    """Score every novel of the corpus in `folder` and print the table."""
    novels = sorted(path for path in folder.iterdir() if (path / "gold.jsonl").exists())
    with ProcessPoolExecutor(jobs) as pool:
        results = list(pool.map(novel_score, novels))
    print(f"PDNC development corpus ({folder}): speaker accuracy over every gold span (a missed quote is wrong);")
    print("acc: the speaker is the gold name or a corpus alias; named: or a name only that character's names hold")
    header = f"{'novel':34} {'spans':>6} {'acc':>6} {'named':>6} " + " ".join(f"{kind[:8]:>8}" for kind in TYPES)
    print(header + f" {'recall':>7} {'prec':>6} {'F1':>6} {'secs':>6}")
    totals, rights, nameds = Counter(), Counter(), Counter()
    found = paired = pieces = 0
    for result in results:
        spans, right, named = Counter(result["spans"]), Counter(result["right"]), Counter(result["named"])
        totals += spans
        rights += right
        nameds += named
        found += result["found"]
        paired += result["paired"]
        pieces += result["pieces"]
        print(f"{result['novel']:34} {spans.total():6} {right.total() / spans.total():6.1%} "
              f"{named.total() / spans.total():6.1%} "
              + " ".join(f"{right[kind] / max(spans[kind], 1):8.1%}" for kind in TYPES)
              + f" {_detection(result['paired'], spans.total(), result['paired'], result['found'])} {result['seconds']:6.0f}")
    print(f"{'micro, all novels':34} {totals.total():6} {rights.total() / totals.total():6.1%} "
          f"{nameds.total() / totals.total():6.1%} "
          + " ".join(f"{rights[kind] / max(totals[kind], 1):8.1%}" for kind in TYPES)
          + f" {_detection(paired, totals.total(), paired, found)}")
    print(f"{'spans by type':34} {'':6} {'':6} {'':6} " + " ".join(f"{totals[kind]:8}" for kind in TYPES))
    print(f"{'detection, a speech split by the corpus read whole':61} {'':17} "
          f"{_detection(paired + pieces, totals.total(), paired, found)}")
    print()
    print_people(results)
    print_rules(results)
    print_calibration([pair for result in results for pair in result["calibration"]])
    print("what narrate expects of itself: the self-estimate `narrate script` prints, and the mean confidence")
    print(f"{'novel':34} {'named':>6} {'estimate':>9} {'off':>6} {'mean confidence':>16}")
    for result in results:
        named = Counter(result["named"]).total() / Counter(result["spans"]).total()
        print(f"{result['novel']:34} {named:6.1%} {result['estimate']:9.1%} {result['estimate'] - named:+6.1%} "
              f"{result['confidence']:16.1%}")
    print()


def print_people(results: list[dict]) -> None:
    """The characters table: found, split and gendered right, per novel and over all."""
    print(f"characters with at least {MANY} gold spans: found under a name the text uses, split into several, gender right")
    print(f"{'novel':34} {'chars':>6} {'found':>6} {'split':>6} {'gender':>7}")
    total = Counter()
    for result in results:
        people = Counter(result["people"])
        total += people
        print(_people_row(result["novel"], people))
    print(_people_row("all novels", total))
    print()


def _people_row(label: str, people: Counter) -> str:
    """One row of the characters table."""
    found = max(people["found"], 1)
    return (f"{label:34} {people['characters']:6} {people['found']:6} {people['split'] / found:6.1%} "
            f"{people['gender right'] / max(people['gendered'], 1):7.1%}")


def print_rules(results: list[dict]) -> None:
    """Which evidence decided the lines and their errors: per rule, the lines it decided, how often rightly (by
    names), and its share of all the wrong lines."""
    lines = sum((Counter(result["by rule"]) for result in results), Counter())
    right = sum((Counter(result["right by rule"]) for result in results), Counter())
    wrong = lines.total() - right.total()
    print("what decided each line, and each error: lines by the rule that decided them, right (named), share of errors")
    print(f"{'rule':22} {'lines':>7} {'right':>7} {'errors':>7}")
    for rule, count in lines.most_common():
        print(f"{rule:22} {count:7} {right[rule] / count:7.1%} {(count - right[rule]) / max(wrong, 1):7.1%}")
    print()


BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01)
"""Confidence bins of the calibration table."""


def print_calibration(pairs: list[tuple[float, bool]]) -> None:
    """How often quotes at each confidence are right (by the named rule): calibrated when the two agree."""
    print("calibration: quotes found, by the confidence narrate gave them, and how often they are right (named)")
    print(f"{'confidence':>12} {'quotes':>7} {'mean':>6} {'right':>6}")
    for low, high in zip(BINS, BINS[1:]):
        inside = [(c, r) for c, r in pairs if low <= c < high]
        if inside:
            mean = sum(c for c, _ in inside) / len(inside)
            print(f"{low:5.2f}-{min(high, 1):4.2f} {len(inside):9} {mean:6.1%} {sum(r for _, r in inside) / len(inside):6.1%}")
    print()


def _detection(recalled: int, gold: int, matched: int, found: int) -> str:
    """Quote detection's recall (`recalled` of `gold` spans), precision (`matched` of `found` quotes) and F1 as
    printed columns."""
    recall, precision = recalled / max(gold, 1), matched / max(found, 1)
    f1 = 2 * recall * precision / max(recall + precision, 1e-9)
    return f"{recall:7.1%} {precision:6.1%} {f1:6.1%}"


def fixtures(args: list[str]) -> list[Path]:
    """The fixtures named on the command line, or all of them."""
    if args:
        return [Path(a) for a in args]
    sample = Path(tempfile.mkdtemp()) / "chapter4.txt"
    shutil.copy(ROOT / "input" / "chapter4.txt", sample)
    shutil.copy(ROOT / "tests" / "fixtures" / "chapter4.labels.jsonl", sample.with_suffix(".labels.jsonl"))
    fixtures = ROOT / "tests" / "fixtures"
    folders = ("attribution", "heldout", "heldout_b", "heldout_c", "heldout_d", "heldout_e")
    return [sample, *(path for folder in folders for path in sorted((fixtures / folder).glob("*.txt")))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-v", action="store_true", help="list every wrong line of the fixtures")
    parser.add_argument("--pdnc", type=Path, default=PDNC, help="the PDNC development corpus folder")
    parser.add_argument("--no-pdnc", action="store_true", help="only our own fixtures")
    parser.add_argument("--jobs", type=int, default=2, help="novels scored at once")
    parser.add_argument("fixture", nargs="*", help="fixtures to score (default: all)")
    options = parser.parse_args()
    if not options.no_pdnc and not options.fixture and options.pdnc.is_dir():
        print_pdnc(options.pdnc, options.jobs)
    verbose = options.v
    paths = fixtures(options.fixture)
    total_right = total = 0
    print(f"{'fixture':28} {'quotes':>6} {'right':>6} {'acc':>6} {'F1':>6}")
    for path in paths:
        if not path.with_suffix(".labels.jsonl").exists():
            continue
        result = score(scripts_of(path), path)
        total_right += result.right
        total += result.labels
        print(f"{path.stem:28} {result.labels:6} {result.right:6} {result.accuracy:6.1%} {result.f1:6.1%}")
        if verbose:
            for quote, got, gold in result.wrong:
                print(f"    {gold:>14} <- {got!s:14} {quote[:70]}")
    print(f"{'all':28} {total:6} {total_right:6} {total_right / max(total, 1):6.1%}")


if __name__ == "__main__":
    main()
