"""Synthesis through worker processes and the content-addressed cache, with real engines."""

from __future__ import annotations

import hashlib
import os
import time
import wave
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from narrate.assemble import level_clip
from narrate.errors import ConfigError
from narrate.model import Cast, Line, Voice
from narrate.engines.base import get_engine
from narrate.synthesize import WORKER_NICENESS, EngineHosts, synthesize, synthesize_chapters

NARRATOR = Voice("espeak", "en-us+m3")
LINES = [
    Line("Rain hammered the lighthouse.", None, 1, 0),
    Line("You should not be out in this,", "Mara", 1, 1),
    Line("I had no choice.", "Tom", 1, 2),
    Line("Rain hammered the lighthouse.", None, 2, 3),  # said twice: synthesized once
]


def make_cast(tom: Voice = Voice("espeak", "en-gb+m1")) -> Cast:
    return Cast(Path("cast.toml"), NARRATOR, {"Mara": Voice("espeak", "en-us+f3"), "Tom": tom})


def cache_files(cache: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in cache.rglob("*.wav")}


@pytest.fixture(scope="module")
def hosts():
    with EngineHosts(jobs=2) as running:
        yield running


def test_every_line_becomes_a_real_clip_in_reading_order(hosts: EngineHosts, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    clips = synthesize(LINES, make_cast(), hosts, tmp_path, lambda done, total: seen.append((done, total)))
    assert [clip.line for clip in clips] == LINES
    for clip in clips:
        with wave.open(str(clip.path)) as audio:
            assert audio.getnchannels() == 1 and audio.getsampwidth() == 2
            assert abs(audio.getnframes() / audio.getframerate() - clip.duration) < 1e-6
        assert 0.5 < clip.duration < 6
    assert clips[0].path == clips[3].path
    assert len(cache_files(tmp_path)) == 3
    assert seen[-1][0] == seen[-1][1] == sum(len(line.text) for line in LINES[:3])


def test_rerun_synthesizes_nothing_and_a_new_voice_only_its_lines(hosts: EngineHosts, tmp_path: Path) -> None:
    first = synthesize(LINES, make_cast(), hosts, tmp_path)
    before = cache_files(tmp_path)
    again = synthesize(LINES, make_cast(), hosts, tmp_path)
    assert cache_files(tmp_path) == before and again == first
    recast = synthesize(LINES, make_cast(Voice("espeak", "en-gb+m1", rate=1.3)), hosts, tmp_path)
    added = set(cache_files(tmp_path)) - set(before)
    assert added == {recast[2].path}
    assert [clip.path for i, clip in enumerate(recast) if i != 2] == [clip.path for i, clip in enumerate(first) if i != 2]
    assert recast[2].duration < first[2].duration


def test_unknown_voice_is_a_config_error_from_the_worker(hosts: EngineHosts, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no-such-voice"):
        synthesize(LINES[:1], Cast(Path("c.toml"), Voice("espeak", "no-such-voice")), hosts, tmp_path)


def test_catalog_lists_every_engine_available_here(hosts: EngineHosts) -> None:
    catalog = hosts.catalog()
    assert "en_US-joe-medium" in {info.id for info in catalog["piper"]}
    assert {"male", "female"} <= {info.gender for info in catalog["espeak"]}
    assert "festival" not in catalog
    assert {"piper", "espeak"} <= set(catalog)


def test_a_damaged_cache_entry_is_spoken_again(hosts: EngineHosts, tmp_path: Path) -> None:
    (clip,) = synthesize(LINES[:1], make_cast(), hosts, tmp_path)
    clip.path.write_bytes(clip.path.read_bytes()[:30])  # a cut-off WAV, as a crash could leave
    (again,) = synthesize(LINES[:1], make_cast(), hosts, tmp_path)
    assert again.path == clip.path and again.duration == pytest.approx(clip.duration, abs=0.05)
    with wave.open(str(again.path)) as audio:
        assert audio.getnframes() > 0


def test_after_runs_on_every_clip_in_the_workers_spoken_or_found(hosts: EngineHosts, tmp_path: Path) -> None:
    clips = synthesize(LINES, make_cast(), hosts, tmp_path, after=level_clip)
    levelled = {path.name.split(".")[0]: path.stat().st_mtime_ns for path in tmp_path.rglob("*.s16")}
    assert set(levelled) == {clip.path.stem for clip in clips}  # each line levelled as it was spoken
    for path in tmp_path.rglob("*.s16"):
        path.unlink()  # found in the cache next time, the clips are levelled all the same
    synthesize(LINES, make_cast(), hosts, tmp_path, after=level_clip)
    assert {path.name.split(".")[0] for path in tmp_path.rglob("*.s16")} == set(levelled)


def cache_entry(cache: Path, voice: Voice, text: str) -> Path:
    """Where the synthesis cache keeps `text` spoken by `voice` (named as narrate.synthesize names it)."""
    digest = hashlib.sha256(f"{get_engine(voice.engine).cache_key(voice)}\0{text}".encode()).hexdigest()
    return cache / digest[:2] / f"{digest}.wav"


def hold(cache: Path, voice: Voice, text: str) -> Path:
    """Put a named pipe where the cache keeps `text` spoken by `voice`: the worker that looks the line up
    waits on it until `release`."""
    path = cache_entry(cache, voice, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


def release(held: Path, going: Callable[[], bool] = lambda: True, seconds: float = 120) -> None:
    """Once a worker reads the pipe `held` (while `going()`), write it a damaged WAV: the worker deletes it
    and speaks the line after all."""
    deadline = time.monotonic() + seconds
    while going() and time.monotonic() < deadline:
        try:
            writer = os.open(held, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # ENXIO: nobody reads it yet
            time.sleep(0.02)
            continue
        os.write(writer, b"not a WAV")
        os.close(writer)
        return
    raise AssertionError(f"no worker looked up {held.name} in the cache")


def test_each_chapter_comes_as_soon_as_its_own_lines_are_spoken(hosts: EngineHosts, tmp_path: Path) -> None:
    morning = Line("Morning came grey and still.", None, 2, 4)
    chapters = [LINES[:2], [LINES[2], morning], LINES[3:]]  # chapter 3 says chapter 1's first line again
    held = hold(tmp_path, NARRATOR, morning.text)  # chapter 2 cannot be finished until it is released
    seen: list[tuple[int, int]] = []
    spoken = synthesize_chapters(chapters, make_cast(), hosts, tmp_path, lambda done, total: seen.append((done, total)),
                                 after=level_clip)
    with ThreadPoolExecutor(1) as waiting:
        try:
            first = waiting.submit(next, spoken).result(timeout=120)
            assert held.is_fifo()  # chapter 1 came while a line of chapter 2 was still unspoken
        finally:
            release(held)
    rest = list(spoken)
    assert [[clip.line for clip in clips] for clips in [first, *rest]] == chapters
    assert rest[1][0].path == first[0].path and len(cache_files(tmp_path)) == 4  # said twice, spoken once
    with wave.open(str(held)) as audio:
        assert abs(audio.getnframes() / audio.getframerate() - rest[0][1].duration) < 1e-6
    assert {path.name.split(".")[0] for path in tmp_path.rglob("*.s16")} == {path.stem for path in cache_files(tmp_path)}
    assert seen[-1][0] == seen[-1][1] == sum(len(line.text) for line in [*LINES[:3], morning])


def test_workers_yield_the_cores_to_the_main_process(hosts: EngineHosts) -> None:
    own = os.nice(0)
    assert hosts.pool("espeak").submit(os.nice, 0).result() == min(19, own + WORKER_NICENESS)


def test_lines_go_to_the_workers_in_order_one_per_core_across_engines(tmp_path: Path) -> None:
    # Two engines, one core's worth of workers: each line is spoken only once the one before it is done,
    # so the cache files are finished in the order the lines were handed out, whichever engine spoke them.
    chapters = [[Line(f"Line {number} of chapter {chapter}, said at some length by the speaker.",
                      "Tom" if number % 2 else None, 1, number) for number in range(4)] for chapter in (1, 2)]
    mixed = Cast(Path("cast.toml"), Voice("piper", "en_US-joe-medium"), {"Tom": Voice("espeak", "en-gb+m1")})
    with EngineHosts(jobs=1) as one:
        spoken = [clip for clips in synthesize_chapters(chapters, mixed, one, tmp_path) for clip in clips]
    finished = sorted(spoken, key=lambda clip: clip.path.stat().st_mtime_ns)
    handed_out = [clip for chapter in (spoken[:4], spoken[4:])
                  for clip in sorted(chapter, key=lambda clip: -len(clip.line.text))]
    assert {clip.line.speaker for clip in spoken} == {"Tom", None}
    assert [clip.line for clip in finished] == [clip.line for clip in handed_out]
