"""Synthesis through worker processes and the content-addressed cache, with real engines."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from narrate.assemble import level_clip
from narrate.errors import ConfigError
from narrate.model import Cast, Line, Voice
from narrate.synthesize import EngineHosts, synthesize

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
