"""End to end with the real engines: a small chapter in, tagged MP3 and M4B out, read back independently."""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import feedparser
import imageio_ffmpeg
import pytest
import tomlkit
import webvtt
from conftest import dialogue
from test_synthesize import hold, release
from mutagen.id3 import ID3
from mutagen.mp4 import MP4
from PIL import Image

from narrate import ffmpeg, pipeline
from narrate.engines.kokoro import KokoroEngine
from narrate.model import Voice

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[pipeline.Folders, list[Path]]:
    """input/lantern.txt (two scenes, two characters) rendered with the default cast, and its MP3 and M4B
    (the feed and transcripts render writes too are test_publish's)."""
    root = tmp_path_factory.mktemp("project")
    folders = pipeline.Folders(root / "input", root / "voices", root / "output", root / "cache")
    folders.input.mkdir()
    shutil.copy(FIXTURES / "lantern.txt", folders.input / "lantern.txt")
    written = pipeline.render("lantern", folders, jobs=2)
    return folders, [path for path in written if path.suffix in (".mp3", ".m4b")]


def scene_break_silences(path: Path) -> list[tuple[float, float]]:
    """(start, end) of every stretch of at least 2 s quieter than -50 dBFS, found by ffmpeg."""
    stderr = ffmpeg.run(["-i", path, "-af", "silencedetect=noise=-50dB:d=2", "-f", "null", "-"], "detect silence")
    starts = [float(value) for value in re.findall(r"silence_start: ([\d.]+)", stderr)]
    ends = [float(value) for value in re.findall(r"silence_end: ([\d.]+)", stderr)]
    return list(zip(starts, ends))


def chapter_starts(path: Path) -> list[float]:
    """Chapter start times as ffmpeg's demuxers read them."""
    out = subprocess.run([ffmpeg.executable(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
                         capture_output=True, text=True, check=True).stdout
    found = re.findall(r"^TIMEBASE=(\d+)/(\d+)\nSTART=(\d+)", out, re.MULTILINE)
    return [int(start) * int(num) / int(den) for num, den, start in found]


def test_both_files_have_one_chapter_per_scene_starting_in_the_scene_break(rendered) -> None:
    folders, paths = rendered
    assert [path.name for path in paths] == ["lantern.mp3", "lantern.m4b"]
    for path in paths:
        silences = [span for span in scene_break_silences(path) if span[0] > 3]  # skip the opening's pause
        starts = chapter_starts(path)
        assert len(starts) == 2 and starts[0] == 0
        assert len(silences) == 1
        quiet_from, quiet_to = silences[0]
        assert quiet_to - quiet_from >= 2.0
        assert quiet_from - 0.05 <= starts[1] <= quiet_to + 0.05


def test_loudness_and_true_peak_meet_the_podcast_standard(rendered) -> None:
    for path in rendered[1]:
        measured = ffmpeg.measure(path)
        assert -17.0 <= measured.integrated <= -15.0, path
        assert measured.true_peak <= -1.0, path


def test_tags_name_the_work_chapter_and_author_with_a_cover(rendered) -> None:
    mp3, m4b = rendered[1]
    tags = ID3(mp3)
    assert tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]) == "Chapter 2: The Storm" and str(tags["TALB"]) == "The Lantern Keeper"
    assert str(tags["TPE1"]) == "quietquill" and str(tags["TCON"]) == "Audiobook" and str(tags["TRCK"]) == "2"
    assert tags.getall("COMM")[0].text == ["A keeper and a traveller wait out a storm."]
    assert min(Image.open(io.BytesIO(tags.getall("APIC")[0].data)).size) >= 1400
    mp4 = MP4(m4b)
    assert mp4.tags["©alb"] == ["The Lantern Keeper"] and mp4.tags["stik"] == [2]
    assert [chapter.title for chapter in mp4.chapters] == ["Scene 1: Rain hammered the lighthouse.",
                                                           "Scene 2: Morning came grey and still."]


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="Debian's ffprobe is not installed (CI installs it)")
def test_debian_ffprobe_agrees(rendered) -> None:
    for path in rendered[1]:
        command = ["ffprobe", "-v", "error", "-show_chapters", "-show_format", "-of", "json", str(path)]
        probed = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
        assert len(probed["chapters"]) == 2
        assert float(probed["chapters"][-1]["end_time"]) == pytest.approx(float(probed["format"]["duration"]), abs=0.01)
        assert {key.lower(): value for key, value in probed["format"]["tags"].items()}["album"] == "The Lantern Keeper"


def test_cast_file_lists_everyone_with_distinct_voices(rendered) -> None:
    folders, _ = rendered
    cast = tomlkit.parse((folders.voices / "the-lantern-keeper.toml").read_text())
    voices = [cast["narrator"], *cast["characters"].values()]
    assert set(cast["characters"]) == {"Mara", "Tom"}
    assert len({voice["voice"] for voice in voices}) == 3
    assert cast["narrator"]["engine"] == "piper"
    genders = {info.id: info.gender for info in KokoroEngine().list_voices()}  # the text says Tom is a he, no more
    assert {name: (voice["engine"], genders.get(voice["voice"])) for name, voice in cast["characters"].items()} \
        == {"Mara": ("kokoro", genders[cast["characters"]["Mara"]["voice"]]), "Tom": ("kokoro", "male")}


def test_recasting_one_character_synthesizes_and_levels_only_their_lines(rendered) -> None:
    folders, paths = rendered
    before = set(folders.cache.rglob("*.wav"))
    levelled = set(folders.cache.rglob("*.s16"))
    assert {path.name.split(".")[0] for path in levelled} == {path.stem for path in before}
    pipeline.render("lantern", folders, jobs=2)
    assert set(folders.cache.rglob("*.wav")) == before  # nothing changed: nothing synthesized
    cast_file = folders.voices / "the-lantern-keeper.toml"
    edited = re.sub(r'(\[characters\.Tom\][^\[]*?engine = )"\w+"(\s*voice = )"[^"]*"',
                    r'\1"espeak"\2"en-gb-scotland+m2"', cast_file.read_text())
    cast_file.write_text(edited)
    pipeline.render("lantern", folders, jobs=2)
    script = pipeline.load_scripts("lantern", folders)[0]
    tom_lines = {segment.text for segment in script.segments if segment.speaker == "Tom"}
    spoken = set(folders.cache.rglob("*.wav")) - before
    assert len(spoken) == len(tom_lines) == 2
    # the other lines' levelled audio is reused: only Tom's lines are levelled anew (twice when the chapter
    # misses the loudness target and gets a correction, as a chapter this short can)
    anew = set(folders.cache.rglob("*.s16")) - levelled
    assert {path.name.split(".")[0] for path in anew} == {path.stem for path in spoken}
    assert 'voice = "en-gb-scotland+m2"' in cast_file.read_text()


def test_a_render_with_nothing_changed_rewrites_only_the_feed(rendered) -> None:
    folders, paths = rendered
    pipeline.render("lantern", folders, jobs=2)  # whatever earlier tests changed, this render is current
    stamps = {path: path.stat().st_mtime_ns for path in folders.output.rglob("*") if path.is_file()}
    written = pipeline.render("lantern", folders, jobs=2, base_url="https://example.org/books/")
    feed = folders.output / "the-lantern-keeper" / "feed.xml"
    assert written == [feed]
    changed = {path for path, stamp in stamps.items() if path.stat().st_mtime_ns != stamp}
    assert changed == {feed} and "https://example.org/books/lantern.mp3" in feed.read_text(encoding="utf-8")
    (folders.voices / "the-lantern-keeper.toml").write_text(
        (folders.voices / "the-lantern-keeper.toml").read_text().replace("rate = 1.0", "rate = 1.05", 1))
    assert paths[0] in pipeline.render("lantern", folders, jobs=2)  # a changed voice renders again


# --- attribution across the file: estimate, review, fix -----------------------------------------

def test_speaker_estimate_counts_every_quote_and_hides_only_tagged_ones(ferry: pipeline.Folders) -> None:
    estimate = pipeline.speaker_estimate(pipeline.load_scripts("ferry", ferry), ferry)
    quotes = dialogue(pipeline.load_scripts("ferry", ferry))
    assert estimate.quotes == len(quotes)
    assert 0 < estimate.tagged < estimate.quotes and 0 <= estimate.recovered <= estimate.tagged
    assert not ferry.voices.exists()  # estimating writes nothing


def test_records_add_the_line_id_and_chapter_to_each_segment(ferry: pipeline.Folders) -> None:
    scripts = pipeline.load_scripts("ferry", ferry)
    records = pipeline.records(scripts)
    assert len(records) == len(scripts[0].segments)
    assert all(r["chapter"] == 1 for r in records)
    assert [r["id"] for r in records] == [s.id for s in scripts[0].segments]


# Resume after kill -9, and runs at once

NARRATE = str(Path(sys.executable).with_name("narrate"))
ESPEAK_VOICES = ["en-us", "en-gb", "en-us+m3", "en-us+f3", "en-gb+m2", "en-us+f2"]
SLACK = 0.5
"""Seconds two measures of one file's duration may differ by."""


def espeak_project(root: Path, name: str, text: str | None = None) -> dict[str, str]:
    """A project in `root` holding input/<name>.txt (`text`, or else fixtures/<name>.txt) cast all on espeak,
    distinct voices; its environment (a cache of its own)."""
    (root / "input").mkdir()
    (root / "input" / f"{name}.txt").write_text(text or (FIXTURES / f"{name}.txt").read_text(encoding="utf-8"),
                                                encoding="utf-8")
    env = {**os.environ, "NARRATE_CACHE_DIR": str(root / "cache")}
    run_narrate(root, env, "cast", name)
    path = cast_path(root)
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    for index, table in enumerate([document["narrator"], *document["characters"].values()]):
        table.update({"engine": "espeak", "voice": ESPEAK_VOICES[index % len(ESPEAK_VOICES)], "pitch": 0.0})
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    return env


def cast_path(root: Path) -> Path:
    """The project's one cast file (not its lexicon)."""
    return next(path for path in (root / "voices").glob("*.toml") if not path.name.endswith(".lexicon.toml"))


def recast(root: Path, pitch: float) -> None:
    """Give the first character of the cast file `pitch`, so the next render speaks their lines anew."""
    path = cast_path(root)
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    next(iter(document["characters"].values()))["pitch"] = pitch
    path.write_text(tomlkit.dumps(document), encoding="utf-8")


def start_narrate(root: Path, env: dict[str, str], *args: str) -> subprocess.Popen:
    """`narrate ARGS` started in `root`, leading a process group of its own (its workers and ffmpeg join it)."""
    return subprocess.Popen([NARRATE, *args], cwd=root, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def finish(process: subprocess.Popen) -> None:
    """Wait for a narrate run; it must succeed."""
    _, err = process.communicate(timeout=180)
    assert process.returncode == 0, f"narrate exited {process.returncode}: {err.decode(errors='replace')}"


def run_narrate(root: Path, env: dict[str, str], *args: str) -> float:
    """Run `narrate ARGS` to the end in `root`; it must succeed. Returns its wall time, seconds."""
    began = time.perf_counter()
    finish(start_narrate(root, env, *args))
    return time.perf_counter() - began


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the run and every process of its group at once, as a crash or power loss would; wait until
    none of them runs any more."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()
    deadline = time.monotonic() + 10
    while group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.01)


def group_alive(group: int) -> bool:
    """Whether any process of process group `group` is still running (zombies do not count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(pgrp) == group and state != "Z":
            return True
    return False


def outputs(root: Path) -> dict[str, Path]:
    """Every file under output/ that is not hidden (no part of its path starts with "."), by relative path."""
    folder = root / "output"
    return {str(path.relative_to(folder)): path for path in sorted(folder.rglob("*"))
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)}


def hidden(folder: Path) -> set[str]:
    """Relative paths of the hidden files and folders under `folder`."""
    return {str(path.relative_to(folder)) for path in folder.rglob(".*")}


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def decoded_seconds(path: Path) -> float:
    """How long `path` lasts when ffmpeg decodes all of it; fails on any decoding error."""
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a:0",
               "-ac", "1", "-ar", "8000", "-f", "s16le", "-"]
    done = subprocess.run(command, capture_output=True, check=False)
    errors = done.stderr.decode(errors="replace").strip()
    assert done.returncode == 0 and not errors, f"{path.name} does not decode: {errors[-300:]}"
    return len(done.stdout) / 16000


def check_mp3(path: Path, chapters: int) -> float:
    """An MP3 with `chapters` CHAP frames that decodes for as long as its last chapter says; its seconds."""
    tags = ID3(path)
    ends = sorted(frame.end_time for frame in tags.getall("CHAP"))
    assert len(ends) == chapters and tags.getall("CTOC"), f"{path.name}: {len(ends)} CHAP frames, not {chapters}"
    seconds = decoded_seconds(path)
    assert abs(seconds - ends[-1] / 1000) <= SLACK, f"{path.name} lasts {seconds:.2f} s; its chapters, {ends[-1]} ms"
    return seconds


def check_m4b(path: Path, chapters: int) -> float:
    """An M4B with `chapters` chapters that decodes for as long as its header says; its seconds."""
    mp4 = MP4(path)
    assert len(mp4.chapters) == chapters, f"{path.name}: {len(mp4.chapters)} chapters, not {chapters}"
    seconds = decoded_seconds(path)
    header = mp4.info.length
    assert abs(seconds - header) <= SLACK, f"{path.name} lasts {seconds:.2f} s; its header says {header:.2f}"
    return seconds


def check_feed(feed: Path, mp3: Path) -> None:
    """A well-formed feed listing one episode, whose enclosure length is the MP3's size now."""
    parsed = feedparser.parse(feed.read_bytes())
    assert not parsed.bozo, f"{feed.name}: {parsed.get('bozo_exception')}"
    assert len(parsed.entries) == 1, f"{feed.name} lists {len(parsed.entries)} episodes"
    length, size = int(parsed.entries[0].enclosures[0].length), mp3.stat().st_size
    assert length == size, f"{feed.name}: enclosure length {length}, {mp3.name} has {size} bytes"


def check_file(path: Path, good: dict[str, int | float]) -> None:
    """One output file is whole and like the good render's `good` (chapters, cues, seconds); a reader's
    error on it fails the check too, naming the file."""
    try:
        read_back(path, good)
    except AssertionError:
        raise
    except Exception as error:  # mutagen, json, webvtt and PIL raise their own errors on damaged files
        raise AssertionError(f"{path.name} unreadable: {type(error).__name__} {error}") from error


def read_back(path: Path, good: dict[str, int | float]) -> None:
    """Read one output file with an independent reader and compare it with `good`."""
    if path.suffix in (".mp3", ".m4b"):
        seconds = (check_mp3 if path.suffix == ".mp3" else check_m4b)(path, good["chapters"])
        expected = good[f"seconds{path.suffix}"]  # each against its own: the M4B pads each line to AAC frames
        assert abs(seconds - expected) <= SLACK, f"{path.name} lasts {seconds:.2f} s, not {expected:.2f}"
    elif path.suffix in (".vtt", ".srt"):
        cues = webvtt.read(str(path)) if path.suffix == ".vtt" else webvtt.from_srt(str(path))
        assert len(cues.captions) == good["cues"], f"{path.name}: {len(cues.captions)} cues, not {good['cues']}"
    elif path.name.endswith(".chapters.json"):
        assert len(json.loads(path.read_text(encoding="utf-8"))["chapters"]) == good["chapters"], path.name
    elif path.name == "episodes.json":
        assert len(json.loads(path.read_text(encoding="utf-8"))["episodes"]) == 1, path.name
    elif path.suffix == ".jpg":
        with Image.open(path) as image:
            image.load()
    else:
        assert path.name == "feed.xml", f"unexpected output {path}"


def check_outputs(root: Path, name: str, expected: set[str], good: dict[str, int | float],
                  whole: dict[str, set[str]]) -> None:
    """Every output file is there, none is new, and each is one already known whole (by digest, in `whole`)
    or checked whole now (then added); the feed's enclosure is the MP3's size, unless the run was killed between
    the two renames that put the new MP3 and then its feed in place (the MP3 is new and the feed a whole one
    from before: the episode record, renamed last, is old too, so the next run renders the chapter again)."""
    found = outputs(root)
    assert set(found) == expected, f"output files now {sorted(found)}, before {sorted(expected)}"
    new = set()
    for relative, path in found.items():
        sha = digest(path)
        if sha not in whole.setdefault(relative, set()):
            check_file(path, good)
            whole[relative].add(sha)
            new.add(relative)
    feed = next(relative for relative in found if relative.endswith("/feed.xml"))
    try:
        check_feed(found[feed], root / "output" / f"{name}.mp3")
    except AssertionError:
        if f"{name}.mp3" not in new or feed in new:
            raise


def good_render(root: Path, name: str) -> dict[str, int | float]:
    """Check a finished render's outputs from scratch; its chapters, cues and seconds."""
    found = outputs(root)
    m4b = MP4(found[f"{name}.m4b"])
    vtt = next(path for path in found.values() if path.name == f"{name}.vtt")
    good = {"chapters": len(m4b.chapters), "cues": len(webvtt.read(str(vtt)).captions),
            "seconds.mp3": check_mp3(found[f"{name}.mp3"], len(m4b.chapters)),
            "seconds.m4b": check_m4b(found[f"{name}.m4b"], len(m4b.chapters))}
    assert good["chapters"] >= 1 and good["cues"] >= 1
    for path in found.values():
        check_file(path, good)
    check_feed(next(path for path in found.values() if path.name == "feed.xml"), found[f"{name}.mp3"])
    return good


def failures(when: str, check: Callable[..., object], *args: object) -> list[str]:
    """What `check(*args)` found wrong (a failed check, or a reader that could not read a file), as one line
    saying `when`; nothing if it passed."""
    try:
        check(*args)
    except Exception as error:  # mutagen, json, webvtt and PIL raise their own errors on damaged files
        said = (str(error).strip().splitlines() or [""])[0]
        return [f"{when}: {said if isinstance(error, AssertionError) else f'{type(error).__name__} {said}'}"]
    return []


def leftovers(root: Path, allowed: set[str]) -> list[str]:
    """Hidden files and folders in output/ other than `allowed`, and temporary files in the cache."""
    return ([f"left in output/: {name}" for name in sorted(hidden(root / "output") - allowed)]
            + [f"left in the cache: {path.relative_to(root)}" for path in sorted((root / "cache").rglob("*.tmp"))])


def test_killed_runs_never_damage_outputs_and_the_next_run_finishes(tmp_path: Path) -> None:
    env = espeak_project(tmp_path, "ferry")
    run_narrate(tmp_path, env, "ferry", "--quiet")
    recast(tmp_path, -6.0)
    full = run_narrate(tmp_path, env, "ferry", "--quiet")  # a render of one recast character, like each round's
    good = good_render(tmp_path, "ferry")
    expected, allowed = set(outputs(tmp_path)), hidden(tmp_path / "output")
    whole = {relative: {digest(path)} for relative, path in outputs(tmp_path).items()}
    chance, problems = random.Random(5), []
    for number in range(1, 21):
        recast(tmp_path, -6.0 + 0.7 * number)  # a new pitch each round: its lines are spoken anew
        process = start_narrate(tmp_path, env, "ferry", "--quiet")
        time.sleep(chance.uniform(0, full))
        kill_group(process)
        problems += failures(f"after kill {number}", check_outputs, tmp_path, "ferry", expected, good, whole)
        if number % 4 == 0:  # the next run finishes, and its outputs are right
            run_narrate(tmp_path, env, "ferry", "--quiet")
            good = good_render(tmp_path, "ferry")
            for relative, path in outputs(tmp_path).items():
                whole[relative].add(digest(path))
    problems += leftovers(tmp_path, allowed)  # killed runs' temporary files are cleaned up by later runs
    assert not problems, "\n".join(problems)


def worker_processes(parent: int) -> list[int]:
    """The pids of the worker processes (spawned pools) that `parent` started."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent and b"multiprocessing.spawn" in command:
            found.append(int(stat.parent.name))
    return found


def test_a_run_whose_main_process_is_killed_leaves_no_worker_behind(tmp_path: Path) -> None:
    env = espeak_project(tmp_path, "ferry")
    process = start_narrate(tmp_path, env, "ferry", "--quiet")
    deadline = time.monotonic() + 60
    while not (workers := worker_processes(process.pid)) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert workers, "narrate started no worker processes"
    os.kill(process.pid, signal.SIGKILL)  # the main process alone, as the out-of-memory killer would
    process.communicate()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    kill_group(process)


def test_two_runs_at_once_on_the_same_work_both_finish_intact(tmp_path: Path) -> None:
    env = espeak_project(tmp_path, "ferry")
    run_narrate(tmp_path, env, "ferry", "--quiet")
    allowed = hidden(tmp_path / "output")
    recast(tmp_path, 3.0)
    runs = [start_narrate(tmp_path, env, "ferry", "--quiet") for _ in range(2)]
    for process in runs:
        finish(process)
    good_render(tmp_path, "ferry")
    episodes = json.loads((tmp_path / "output" / "the-ferry" / "episodes.json").read_text(encoding="utf-8"))
    assert [episode["name"] for episode in episodes["episodes"]] == ["ferry"]
    assert not leftovers(tmp_path, allowed)


def cached_wavs(cache: Path) -> dict[Path, tuple[int, int]]:
    """Every WAV in the synthesis cache, each checked complete with the wave module: (inode, mtime in ns)."""
    found = {}
    for path in cache.rglob("*.wav"):
        with wave.open(str(path), "rb") as clip:
            frames = clip.getnframes()
            assert frames > 0 and len(clip.readframes(frames)) == frames * clip.getsampwidth() * clip.getnchannels()
        found[path] = (path.stat().st_ino, path.stat().st_mtime_ns)
    return found


def test_a_run_killed_during_synthesis_resumes_where_it_stopped(tmp_path: Path) -> None:
    env = espeak_project(tmp_path, "ferry")
    cache = tmp_path / "cache"
    process = start_narrate(tmp_path, env, "ferry", "--quiet")
    deadline = time.monotonic() + 60
    while len(list(cache.rglob("*.wav"))) < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    kill_group(process)
    spoken = cached_wavs(cache)
    run_narrate(tmp_path, env, "ferry", "--quiet")
    vtt = webvtt.read(str(tmp_path / "output" / "the-ferry" / "ferry.vtt"))
    lines = {(cue.voice, cue.text) for cue in vtt.captions}
    assert 0 < len(spoken) < len(lines)
    final = cached_wavs(cache)
    assert len(final) == len(lines)
    assert {path: final.get(path) for path in spoken} == spoken  # the lines spoken before the kill were kept
    good_render(tmp_path, "ferry")


def test_every_chapter_of_a_file_becomes_an_episode_of_its_own(tmp_path: Path) -> None:
    ferry = (FIXTURES / "ferry.txt").read_text(encoding="utf-8")
    second = ferry.split("Chapter 1", 1)[1].replace("Mira", "Tova")  # other words: other lines to speak
    env = espeak_project(tmp_path, "crossing", f"{ferry}\nChapter 2\n{second}")
    assert "Tova" in tomlkit.parse(cast_path(tmp_path).read_text(encoding="utf-8"))["characters"]  # chapter 2's
    run_narrate(tmp_path, env, "crossing", "--quiet")
    show = tmp_path / "output" / "the-ferry"
    assert sorted(outputs(tmp_path)) == sorted([
        "crossing-1.mp3", "crossing-1.m4b", "crossing-2.mp3", "crossing-2.m4b", "the-ferry/cover.jpg",
        "the-ferry/episodes.json", "the-ferry/feed.xml",
        *(f"the-ferry/crossing-{n}.{kind}" for n in (1, 2) for kind in ("chapters.json", "vtt", "srt"))])
    for number in (1, 2):
        cues = webvtt.read(str(show / f"crossing-{number}.vtt")).captions
        assert cues[0].text == f"The Ferry. Chapter {number}."
        assert ("Tova" in " ".join(cue.text for cue in cues)) == (number == 2)
        check_mp3(tmp_path / "output" / f"crossing-{number}.mp3", len(MP4(tmp_path / "output" / f"crossing-{number}.m4b").chapters))
    feed = feedparser.parse((show / "feed.xml").read_bytes())
    assert [entry.title for entry in feed.entries] == ["Chapter 1", "Chapter 2"]
    again = subprocess.run([NARRATE, "crossing"], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert "up to date" in again.stdout and ".mp3" not in again.stdout


def feed_titles(feed: Path) -> list[str]:
    """The titles of the episodes `feed` lists now (none while there is no feed)."""
    return [entry.title for entry in feedparser.parse(feed.read_bytes()).entries] if feed.is_file() else []


def test_a_chapter_is_published_before_the_later_chapters_are_spoken(tmp_path: Path) -> None:
    ferry = (FIXTURES / "ferry.txt").read_text(encoding="utf-8")
    body = ferry.split("Chapter 1", 1)[1]
    text = ferry + "".join(f"\nChapter {number}\n{body.replace('Mira', name)}"
                           for number, name in ((2, "Tova"), (3, "Ilse")))
    env = espeak_project(tmp_path, "crossing", text)
    folders = pipeline.Folders(tmp_path / "input", tmp_path / "voices", tmp_path / "output", tmp_path / "cache")
    last = pipeline.opening(pipeline.load_scripts("crossing", folders)[-1])[0]  # said in chapter 3 alone
    narrator = tomlkit.parse(cast_path(tmp_path).read_text(encoding="utf-8"))["narrator"]
    voice = Voice("espeak", str(narrator["voice"]), float(narrator.get("rate", 1.0)), float(narrator.get("pitch", 0.0)))
    held = hold(folders.cache, voice, last.text)  # chapter 3 cannot be finished until it is released
    feed = folders.output / "the-ferry" / "feed.xml"
    process = start_narrate(tmp_path, env, "crossing", "--quiet")
    try:
        deadline = time.monotonic() + 150
        while "Chapter 1" not in feed_titles(feed) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert feed_titles(feed)[:1] == ["Chapter 1"], "chapter 1 was not published while chapter 3 waited on a line"
        assert held.is_fifo() and process.poll() is None  # that line is still unspoken, the run still going
        release(held, lambda: process.poll() is None)
        finish(process)
    finally:
        if process.returncode is None:
            kill_group(process)
    assert feed_titles(feed) == ["Chapter 1", "Chapter 2", "Chapter 3"]
    with wave.open(str(held), "rb") as spoken:
        assert spoken.getnframes() > 0
    assert (folders.output / "crossing-1.mp3").stat().st_mtime_ns <= held.stat().st_mtime_ns
    for number in (1, 2, 3):
        mp3 = folders.output / f"crossing-{number}.mp3"
        check_mp3(mp3, len(MP4(mp3.with_suffix(".m4b")).chapters))


# --- folders that cannot be written: one line naming the folder, exit code 6, earlier files as they were --

LAMP = "Title: The Lamp\n\n“Hello,” said Anna.\n\n“Hi,” Ben said.\n"
"""A chapter of two short lines: a render takes about a second."""

FILE_SIZE_LIMIT = 100_000
"""Bytes a file may grow to under RLIMIT_FSIZE: more than a line of LAMP in the cache, less than its MP3 with the
cover in its tags."""


def narrate_result(root: Path, env: dict[str, str], *args: str, file_size_limit: int | None = None
                   ) -> subprocess.CompletedProcess[str]:
    """`narrate ARGS` run to the end in `root`, its files limited to `file_size_limit` bytes if given (writing past
    it fails with EFBIG, SIGXFSZ being ignored)."""
    def limit() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run([NARRATE, *args], cwd=root, env=env, capture_output=True, text=True, timeout=180,
                          check=False, preexec_fn=limit if file_size_limit else None)


def assert_refused(result: subprocess.CompletedProcess[str], folder: str, reason: str) -> None:
    """The run stopped with exit code 6 and one line naming `folder` and `reason`: no file in progress, no traceback."""
    assert (result.returncode, result.stderr) == (6, f"narrate: error: cannot write to {Path(folder)}: {reason}\n")


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, hidden ones too, by relative path: its bytes."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture()
def tmpfs() -> Iterator[Callable[[Path], None]]:
    """Mounts an empty tmpfs on a folder (made if missing) until the test ends; skips the test where mounting is not
    permitted (not root, or a container without CAP_SYS_ADMIN)."""
    mounted: list[Path] = []

    def mount(folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        command = ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)]
        if shutil.which("mount") is None or subprocess.run(command, capture_output=True, check=False).returncode:
            pytest.skip("mounting a tmpfs is not permitted here")
        mounted.append(folder)

    yield mount
    for folder in mounted:
        subprocess.run(["umount", str(folder)], check=True)


def remount(folder: Path, options: str) -> None:
    """Change the options of the tmpfs on `folder`: "ro", "size=..."."""
    subprocess.run(["mount", "-o", f"remount,{options}", str(folder)], check=True)


@pytest.mark.parametrize("blocker", ["output", "output/the-lamp"])
def test_a_file_where_an_output_folder_goes_stops_the_render_before_any_line_is_spoken(tmp_path: Path,
                                                                                     blocker: str) -> None:
    env = espeak_project(tmp_path, "lamp", LAMP)
    (tmp_path / blocker).parent.mkdir(exist_ok=True)
    (tmp_path / blocker).write_bytes(b"in the way")
    assert_refused(narrate_result(tmp_path, env, "lamp", "--jobs", "1"), blocker, "it is not a folder")
    assert not list((tmp_path / "cache").rglob("*.wav"))
    assert (tmp_path / blocker).read_bytes() == b"in the way"


@pytest.mark.skipif(os.name == "nt", reason="no tmpfs or RLIMIT_FSIZE on Windows")
@pytest.mark.parametrize("how", ["tmpfs", "file size limit"])
def test_a_full_output_folder_stops_the_render_and_leaves_the_earlier_outputs(tmp_path: Path, tmpfs, how: str) -> None:
    output = tmp_path / "output"
    if how == "tmpfs":
        tmpfs(output)
    env = espeak_project(tmp_path, "lamp", LAMP)
    assert narrate_result(tmp_path, env, "lamp", "--jobs", "1", "--quiet").returncode == 0
    before = files_under(output)
    assert len(before["lamp.mp3"]) > FILE_SIZE_LIMIT
    recast(tmp_path, 2.0)  # the next render speaks and encodes anew
    if how == "tmpfs":
        usage = os.statvfs(output)
        remount(output, f"size={(usage.f_blocks - usage.f_bfree) * usage.f_frsize + 16384}")
        result = narrate_result(tmp_path, env, "lamp", "--jobs", "1", "--quiet")
        assert_refused(result, "output", "it is full (no space left on device)")
    else:
        result = narrate_result(tmp_path, env, "lamp", "--jobs", "1", "--quiet", file_size_limit=FILE_SIZE_LIMIT)
        assert_refused(result, "output", "a file there would be too large (file too large)")
    assert files_under(output) == before


def test_a_read_only_output_folder_stops_the_render_and_leaves_its_files(tmp_path: Path, tmpfs) -> None:
    output = tmp_path / "output"
    tmpfs(output)
    env = espeak_project(tmp_path, "lamp", LAMP)
    assert narrate_result(tmp_path, env, "lamp", "--jobs", "1", "--quiet").returncode == 0
    before = files_under(output)
    remount(output, "ro")
    nothing_new = narrate_result(tmp_path, env, "lamp", "--jobs", "1", "--quiet")  # rewrites only the feed
    assert_refused(nothing_new, "output/the-lamp", "it is read-only")
    recast(tmp_path, 2.0)
    assert_refused(narrate_result(tmp_path, env, "lamp", "--jobs", "1", "--quiet"), "output", "it is read-only")
    assert files_under(output) == before


def test_a_read_only_voices_folder_stops_a_run_that_adds_to_the_cast_and_leaves_the_file(tmp_path: Path,
                                                                                        tmpfs) -> None:
    voices = tmp_path / "voices"
    tmpfs(voices)
    env = espeak_project(tmp_path, "lamp", LAMP)
    before = files_under(voices)
    remount(voices, "ro")
    (tmp_path / "input" / "lamp.txt").write_text(LAMP + "\n“Bye,” said Cid.\n", encoding="utf-8")  # a newcomer
    for args in (("cast", "lamp"), ("lamp", "--jobs", "1", "--quiet")):
        assert_refused(narrate_result(tmp_path, env, *args), "voices", "it is read-only")
    assert files_under(voices) == before
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize(("authors", "said"), [
    (("quietwillow",), "quietwillow"), (("bronner", "lake_writes"), "bronner and lake_writes"),
    (("A", "B", "Quill (quillwrites)"), "A, B and Quill"),
])  # fmt: skip
def test_authors_are_said_as_a_list_without_their_account_names(authors: tuple[str, ...], said: str) -> None:
    assert pipeline.spoken_list(authors) == said
