"""Print speaker accuracy and quote-detection F1 on every labelled fixture.

    .venv/bin/python bench/attribution.py [-v] [FIXTURE.txt ...]

-v lists every wrong line. Fixtures: the sample chapter (input/chapter4.txt with
tests/fixtures/chapter4.labels.jsonl), tests/fixtures/attribution/*.txt (one
hard case each) and tests/fixtures/heldout*/*.txt (whole chapters).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from labels import score, scripts_of  # noqa: E402


def fixtures(args: list[str]) -> list[Path]:
    """The fixtures named on the command line, or all of them."""
    if args:
        return [Path(a) for a in args]
    sample = Path(tempfile.mkdtemp()) / "chapter4.txt"
    shutil.copy(ROOT / "input" / "chapter4.txt", sample)
    shutil.copy(ROOT / "tests" / "fixtures" / "chapter4.labels.jsonl", sample.with_suffix(".labels.jsonl"))
    fixtures = ROOT / "tests" / "fixtures"
    folders = ("attribution", "heldout", "heldout_b", "heldout_c", "heldout_d")
    return [sample, *(path for folder in folders for path in sorted((fixtures / folder).glob("*.txt")))]


def main() -> None:
    verbose = "-v" in sys.argv
    paths = fixtures([a for a in sys.argv[1:] if a != "-v"])
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
