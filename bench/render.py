"""Rendering speed and memory against the engines' own speed, measured side by side in one run.

    .venv/bin/python bench/render.py [--chapter input/chapter4.txt]

Each narrate run is `narrate NAME --quiet` in a fresh project with its own
empty synthesis cache (cold) unless said otherwise; times are wall clock,
memory is the peak of the summed resident memory of the run's whole process
tree (sampled every 20 ms). Printed:

  a  cold render with every voice on espeak, against espeak speaking the same
     words in one call plus one MP3 encode of that audio, with narrate's MP3
     settings                                                   (target <= 2.0)
  b  cold render with the default cast (piper's Joe narrates, kokoro voices the
     characters), against the engines' own floor: each engine speaking its own
     lines alone, line by line as a render must, in one process on every core,
     one engine after the other, the time of both summed        (target <= 1.15)
     and the peak memory of the render's process tree    (target <= 2.5 GB)
  c  the render again, nothing changed, against (b)'s cold time (target <= 2%)
  d  the render again after the busiest character's voice changed, against
     their engine speaking their lines alone (in (b)'s floor) plus 10% of (b)'s
     cold time                                                  (target <= 1.0)
  e  peak memory of a cold render of a ten-chapter work against that of two of
     its chapters, every voice on espeak (target <= 1.3): the first and the one
     with the longest line. From two chapters on, the workers speak the next
     chapter while one is encoded, a fixed cost of publishing chapters as they
     are done; the figures of one chapter alone are printed too: the first, and
     the one with the longest line (levelling holds one line at a time, so the
     longest line sets the peak)
  f  time from the start of a cold render of a ten-chapter work until its
     chapter 1 is in the feed (feed.xml polled every 50 ms), against a cold
     render of chapter 1 alone; with the default cast, and every voice on
     espeak                                                     (target <= 1.3)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from xml.etree import ElementTree

import tomlkit

ROOT = Path(__file__).resolve().parent.parent
PASSAGES = ROOT / "tests" / "fixtures" / "attribution"
NARRATE = str(Path(sys.executable).with_name("narrate"))
ESPEAK_VOICES = ["en-us", "en-gb", "en-us+m3", "en-us+f3", "en-gb+m2", "en-us+f2", "en-gb-scotland", "en-us+m5"]
BASELINE = """
import sys, subprocess, wave
from narrate.engines.base import get_engine
from narrate.model import Voice
from narrate import ffmpeg
from narrate.export import MP3_BITRATE, MP3_QUALITY, MP3_RATE
engine, voice, text, out = sys.argv[1], sys.argv[2], open(sys.argv[3], encoding="utf-8").read(), sys.argv[4]
audio = get_engine(engine).synthesize(text, Voice(engine, voice))
with wave.open(out + ".wav", "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(audio.sample_rate); w.writeframes(audio.pcm)
if engine == "espeak":
    ffmpeg.run(["-i", out + ".wav", "-ar", str(MP3_RATE), "-c:a", "libmp3lame", "-b:a", MP3_BITRATE,
                "-compression_level", str(MP3_QUALITY), "-f", "mp3", "-y", out], "encode")  # as narrate encodes
print(audio.duration)
"""


def tree_rss(root: int) -> int:
    """Resident bytes of process `root` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, str]:
    """(wall seconds, peak tree memory in bytes, stdout) of running `command`."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, err = process.communicate()
    done.set()
    sampler.join()
    if process.returncode:
        sys.exit(f"{' '.join(command)} failed: {err.strip()}")
    return time.perf_counter() - start, peak, out


def project(chapter: Path, folder: Path) -> tuple[Path, dict[str, str]]:
    """A fresh project holding `chapter`, and an environment with its own empty cache."""
    (folder / "input").mkdir(parents=True)
    shutil.copy(chapter, folder / "input" / chapter.name)
    return folder, {**os.environ, "NARRATE_CACHE_DIR": str(folder / "cache")}


ENGINE_FLOOR = """
import json, sys, time
from narrate.engines.base import get_engine
from narrate.model import Voice
speech, took = 0.0, []
for engine, voice, rate, pitch, lines in json.load(open(sys.argv[1], encoding="utf-8")):
    start = time.perf_counter()
    speech += sum(get_engine(engine).synthesize(line, Voice(engine, voice, rate, pitch)).duration for line in lines)
    took.append(time.perf_counter() - start)
print(json.dumps({"speech": speech, "took": took}))
"""
"""Speaks [[engine, voice, rate, pitch, lines], ...] (one engine's), line by line as a render must, in this one
process; prints the seconds of speech and how long each voice's lines took."""


def lines_by_voice(folder: Path, name: str) -> dict[tuple[str, str, float, float], list[str]]:
    """Every line the render spoke (from its transcript), by voice of the cast file."""
    document = tomlkit.parse(cast_file(folder).read_text(encoding="utf-8"))
    voices = {"Narrator": document["narrator"], **document["characters"]}
    vtt = next((folder / "output").glob(f"*/{name}.vtt")).read_text(encoding="utf-8").splitlines()
    spoken: dict[tuple[str, str, float, float], list[str]] = {}
    for line in vtt:
        if line.startswith("<v "):
            speaker, text = line[3:].split(">", 1)
            table = voices[speaker]
            key = (str(table["engine"]), str(table["voice"]), float(table["rate"]), float(table["pitch"]))
            spoken.setdefault(key, []).append(text)
    return spoken


def engine_floor(folder: Path, name: str, root: Path,
                 env: dict[str, str]) -> tuple[dict[str, tuple[float, float]], dict[str, float]]:
    """Engine -> (seconds, seconds of speech) of that engine speaking every line the render gave it, alone;
    and voice id -> the seconds its lines took there (model loading aside)."""
    by_engine: dict[str, list[list[object]]] = {}
    for (engine, voice, rate, pitch), texts in lines_by_voice(folder, name).items():
        by_engine.setdefault(engine, []).append([engine, voice, rate, pitch, texts])
    floor, per_voice = {}, {}
    for engine, items in by_engine.items():
        job = root / f"floor-{engine}.json"
        job.write_text(json.dumps(items), encoding="utf-8")
        seconds, _, out = timed([sys.executable, "-c", ENGINE_FLOOR, str(job)], root, env)
        spoken = json.loads(out)
        floor[engine] = (seconds, spoken["speech"])
        per_voice.update({str(item[1]): took for item, took in zip(items, spoken["took"], strict=True)})
    return floor, per_voice


def spoken_text(folder: Path, name: str, env: dict[str, str]) -> str:
    """Every word a render speaks, from its transcript (opening included), one line per cue."""
    vtt = next((folder / "output").glob(f"*/{name}.vtt"))
    cues = [line.split(">", 1)[1] for line in vtt.read_text(encoding="utf-8").splitlines() if line.startswith("<v ")]
    return "\n".join(cues)


def shares(folder: Path, name: str) -> dict[str, float]:
    """Each speaker's share of the spoken audio, from the transcript's cue times."""
    vtt = next((folder / "output").glob(f"*/{name}.vtt")).read_text(encoding="utf-8").splitlines()
    seconds: dict[str, float] = {}
    for stamp, text in zip(vtt, vtt[1:]):
        if " --> " in stamp and text.startswith("<v "):
            start, end = (sum(float(part) * 60**i for i, part in enumerate(reversed(t.split(":"))))
                          for t in stamp.split(" --> "))
            speaker = text[3:].split(">", 1)[0]
            seconds[speaker] = seconds.get(speaker, 0.0) + end - start
    total = sum(seconds.values())
    return {speaker: value / total for speaker, value in seconds.items()}


def cast_file(folder: Path) -> Path:
    return next(path for path in (folder / "voices").glob("*.toml") if not path.name.endswith(".lexicon.toml"))


def all_espeak(folder: Path, name: str, env: dict[str, str]) -> None:
    """Write the cast file of `name` with every voice on espeak, each one different."""
    timed([NARRATE, "cast", name], folder, env)
    path = cast_file(folder)
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    tables = [document["narrator"], *document["characters"].values()]
    for index, table in enumerate(tables):
        table.update({"engine": "espeak", "voice": ESPEAK_VOICES[index % len(ESPEAK_VOICES)], "pitch": 0.0})
    path.write_text(tomlkit.dumps(document), encoding="utf-8")


def bodies() -> list[str]:
    """The first ten labelled passages from the test fixtures, without their headings."""
    paths = sorted(PASSAGES.glob("*.txt"))[:10]
    return [path.read_text(encoding="utf-8").split("\n", 2)[2].strip() for path in paths]


def book(chapters: list[str]) -> str:
    """A work whose chapters are `chapters`."""
    return "Ten Tales\n\nby Bench Mark\n\n" + "\n".join(
        f"Chapter {number}\n\n{body}\n" for number, body in enumerate(chapters, 1))


def longest_line(body: str) -> int:
    """Characters in the longest paragraph of `body`."""
    return max(len(paragraph) for paragraph in body.split("\n\n"))


def book_memory(root: Path, label: str, chapters: list[str]) -> tuple[float, int, int]:
    """(seconds, peak bytes, words) of a cold all-espeak render of a work made of `chapters`."""
    text = book(chapters)
    source = root / f"{label}.txt"
    source.write_text(text, encoding="utf-8")
    folder, env = project(source, root / label)
    all_espeak(folder, source.stem, env)
    seconds, memory, _ = timed([NARRATE, source.stem, "--quiet"], folder, env)
    return seconds, memory, len(text.split())


def first_episode(root: Path, label: str, chapters: list[str], espeak: bool) -> tuple[float, float]:
    """(seconds until chapter 1 is in the work's feed, seconds of the whole run) of a cold render of a work made
    of `chapters`, all on espeak or with the default cast, from the start of the run; the feed is read every
    50 ms while it goes."""
    source = root / f"{label}.txt"
    source.write_text(book(chapters), encoding="utf-8")
    folder, env = project(source, root / label)
    if espeak:
        all_espeak(folder, source.stem, env)
    seen: list[float] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set() and not seen:
            for feed in (folder / "output").glob("*/feed.xml"):
                try:
                    titles = [item.findtext("title") for item in ElementTree.parse(feed).iter("item")]
                except (OSError, ElementTree.ParseError):
                    continue  # replaced as it was read: the next look sees the new one
                if "Chapter 1" in titles:
                    seen.append(time.perf_counter() - start)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    start = time.perf_counter()
    watcher.start()
    seconds, _, _ = timed([NARRATE, source.stem, "--quiet"], folder, env)
    done.set()
    watcher.join()
    if not seen:
        sys.exit(f"{label}: chapter 1 never appeared in the feed")
    return seen[0], seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapter", type=Path, default=ROOT / "input" / "chapter4.txt")
    chapter = parser.parse_args().chapter.resolve()
    name = chapter.stem
    with tempfile.TemporaryDirectory(prefix="narrate-bench-") as scratch:
        root = Path(scratch)
        print(f"chapter: {chapter}, {len(chapter.read_text(encoding='utf-8').split())} words; {os.cpu_count()} cores")

        # b: default cast, cold
        folder, env = project(chapter, root / "default")
        cold, memory, _ = timed([NARRATE, name, "--quiet"], folder, env)
        floor, per_voice = engine_floor(folder, name, root, env)
        alone = sum(seconds for seconds, _ in floor.values())
        parts = ", ".join(f"{engine} {seconds:.1f} s ({speech:.0f} s of speech)"
                          for engine, (seconds, speech) in floor.items())
        print(f"b  cold render, default cast   {cold:7.1f} s   engines alone {alone:6.1f} s ({parts})   "
              f"ratio {cold / alone:.2f}  (target <= 1.15)")
        print(f"   peak memory                 {memory / 2**30:7.2f} GB  (target <= 2.5 GB)")

        # c: nothing changed
        again, _, _ = timed([NARRATE, name, "--quiet"], folder, env)
        print(f"c  re-run, nothing changed     {again:7.1f} s   {again / cold:6.1%} of (b) cold  (target <= 2%)")

        # d: one character's voice changed
        share = shares(folder, name)
        character = max((speaker for speaker in share if speaker != "Narrator"), key=share.__getitem__)
        path = cast_file(folder)
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
        document["characters"][character]["pitch"] = float(document["characters"][character]["pitch"]) + 0.5
        path.write_text(tomlkit.dumps(document), encoding="utf-8")
        changed, _, _ = timed([NARRATE, name, "--quiet"], folder, env)
        own = per_voice[str(document["characters"][character]["voice"])]
        budget = own + 0.10 * cold
        print(f"d  re-run, {character}'s voice changed {changed:5.1f} s   budget {budget:5.1f} s "
              f"({own:.1f} s of their engine alone + 10% of cold)   ratio {changed / budget:.2f}  (target <= 1.0)")

        # a: every voice on espeak, cold
        folder, env = project(chapter, root / "espeak")
        text = root / "spoken.txt"
        all_espeak(folder, name, env)
        cold_espeak, _, _ = timed([NARRATE, name, "--quiet"], folder, env)
        text.write_text(spoken_text(folder, name, env), encoding="utf-8")
        floor_espeak, _, _ = timed([sys.executable, "-c", BASELINE, "espeak", "en-us", str(text),
                                    str(root / "espeak.mp3")], root, env)
        print(f"a  cold render, all espeak     {cold_espeak:7.1f} s   espeak + one MP3 encode {floor_espeak:5.1f} s"
              f"   ratio {cold_espeak / floor_espeak:.2f}  (target <= 2.0)")

        # e: memory, one chapter against ten
        chapters = bodies()
        longest = max(range(len(chapters)), key=lambda index: longest_line(chapters[index]))
        _, first, _ = book_memory(root, "first", chapters[:1])
        _, widest, _ = book_memory(root, "widest", [chapters[longest]])
        _, two, _ = book_memory(root, "two", [chapters[0], chapters[longest or 1]])
        ten_time, ten, ten_words = book_memory(root, "ten", chapters)
        print(f"e  peak memory, all espeak     ten chapters {ten / 2**20:5.0f} MB ({ten_words} words, {ten_time:.1f} s);"
              f" chapter 1 alone {first / 2**20:.0f} MB, chapter {longest + 1} (longest line) alone "
              f"{widest / 2**20:.0f} MB ({ten / widest:.2f}), chapters 1 and {(longest or 1) + 1} {two / 2**20:.0f} MB"
              f"   ratio {ten / two:.2f}  (target <= 1.3)")

        # f: chapter 1 of ten published as soon as it is done
        for cast, espeak in (("default cast", False), ("all espeak", True)):
            _, alone = first_episode(root, f"alone-{espeak}", chapters[:1], espeak)
            first_of_ten, ten_seconds = first_episode(root, f"tenfold-{espeak}", chapters, espeak)
            print(f"f  chapter 1 in the feed, {cast:12} after {first_of_ten:5.1f} s of ten chapters "
                  f"({ten_seconds:.1f} s in all); chapter 1 alone {alone:.1f} s   ratio {first_of_ten / alone:.2f}"
                  "  (target <= 1.3)")


if __name__ == "__main__":
    main()
