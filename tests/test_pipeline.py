"""End to end with the real engines: a small chapter in, tagged MP3 and M4B out, read back independently."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import tomlkit
from mutagen.id3 import ID3
from mutagen.mp4 import MP4
from PIL import Image

from conftest import dialogue
from narrate import ffmpeg, pipeline

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
    assert len({tuple(voice.values()) for voice in voices}) == 3
    assert cast["narrator"]["engine"] == "piper"


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
    assert len(set(folders.cache.rglob("*.wav")) - before) == len(tom_lines) == 2
    assert len(set(folders.cache.rglob("*.s16")) - levelled) == 2  # the other lines' levelled audio is reused
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
