"""How long `narrate script` takes on a 150,000-word novel, against reading it.

    .venv/bin/python bench/script_speed.py [--words 150000] [--runs 3]

Builds a novel of about --words words from the labelled passages in
tests/fixtures/attribution (their chapters repeated with fresh numbers, names
and all), then times, in the same run and on the same machine:

  baseline  a Python process that reads the file and counts its words with a regex
  script    `narrate script NOVEL --format jsonl` (ingest, parse, attribute, estimate)

and prints each (best of --runs) and the ratio script / baseline. Both include
starting Python; the ratio is what to compare between machines.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSAGES = ROOT / "tests" / "fixtures" / "attribution"
BASELINE = "import re, sys; print(len(re.findall(r'\\w+', open(sys.argv[1], encoding='utf-8').read())))"


def novel(words: int) -> str:
    """A long book: the fixture passages' bodies as numbered chapters until `words` is reached."""
    bodies = [p.read_text(encoding="utf-8").split("\n", 2)[2] for p in sorted(PASSAGES.glob("*.txt"))]
    chapters, count = [], 0
    while count < words:
        body = bodies[len(chapters) % len(bodies)]
        chapters.append(f"Chapter {len(chapters) + 1}\n\n{body.strip()}\n")
        count += len(body.split())
    return "A Long Book\n\nby Bench Mark\n\n" + "\n".join(chapters)


def best(command: list[str], runs: int) -> float:
    """The fastest of `runs` wall-clock timings of `command` (its output discarded)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "novel.txt"
        text = novel(args.words)
        path.write_text(text, encoding="utf-8")
        narrate = str(Path(sys.executable).with_name("narrate"))
        baseline = best([sys.executable, "-c", BASELINE, str(path)], args.runs)
        script = best([narrate, "script", str(path), "--format", "jsonl"], args.runs)
    print(f"novel: {len(text.split()):,} words, {text.count('Chapter ')} chapters")
    print(f"baseline (read + count words): {baseline:6.2f} s")
    print(f"narrate script --format jsonl: {script:6.2f} s")
    print(f"ratio: {script / baseline:.1f}x")


if __name__ == "__main__":
    main()
