"""publish: two rendered chapters of one work read back as a podcast by feedparser, podcastparser,
webvtt-py, ffmpeg and PIL."""

from __future__ import annotations

import fcntl
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import numpy as np
import podcastparser
import pytest
import webvtt
from conftest import dialogue
from mutagen.mp3 import MP3
from PIL import Image

from narrate import ffmpeg, pipeline
from narrate.errors import AudioError
from narrate.model import NARRATOR
from narrate.publish import DEFAULT_BASE_URL, EPISODES, feed_xml, load_show

SLUG = "the-lantern-keeper"
NARRATE = str(Path(sys.executable).with_name("narrate"))
FRAME = 0.01
"""Seconds per frame when looking for speech in the decoded MP3 (441 samples exactly)."""


def feed_path(folders: pipeline.Folders) -> Path:
    return folders.output / SLUG / "feed.xml"


def decoded(mp3: Path) -> np.ndarray:
    """The MP3 decoded by ffmpeg: mono float samples at 44.1 kHz."""
    raw = subprocess.run([ffmpeg.executable(), "-v", "error", "-i", str(mp3), "-f", "s16le", "-ac", "1",
                          "-ar", "44100", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, "<i2") / 32768.0


def frame_levels(samples: np.ndarray) -> np.ndarray:
    """RMS of each FRAME of `samples`, dBFS."""
    size = round(FRAME * 44100)
    assert size == FRAME * 44100  # a rounded frame would drift against the clock
    frames = samples[: len(samples) // size * size].reshape(-1, size)
    return 10 * np.log10(np.maximum((frames**2).mean(axis=1), 1e-20))


def seconds(stamp: str) -> float:
    hours, minutes, rest = stamp.replace(",", ".").split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def test_feedparser_reads_both_chapters_in_order_as_serial_episodes(published: pipeline.Folders) -> None:
    parsed = feedparser.parse(feed_path(published).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.title == "The Lantern Keeper"
    assert parsed.feed.itunes_type == "serial"
    assert parsed.feed.author == "quietquill"
    titles = [entry.title for entry in parsed.entries]
    assert titles == ["Chapter 1: Before the Storm", "Chapter 2: The Storm"]
    assert [entry.itunes_episode for entry in parsed.entries] == ["1", "2"]
    for entry, name in zip(parsed.entries, ["prologue", "lantern"], strict=True):
        mp3 = published.output / f"{name}.mp3"
        (enclosure,) = entry.enclosures
        assert enclosure.href == f"{DEFAULT_BASE_URL}{name}.mp3"
        assert int(enclosure.length) == mp3.stat().st_size
        assert enclosure.type == "audio/mpeg"
        assert int(entry.itunes_duration) == round(MP3(mp3).info.length)
        assert entry.published_parsed is not None  # RFC 2822
        assert entry.summary.startswith("A keeper and a traveller wait out a storm.")
        assert entry.podcast_chapters["url"] == f"{DEFAULT_BASE_URL}{SLUG}/{name}.chapters.json"
        assert entry.podcast_transcript["url"] == f"{DEFAULT_BASE_URL}{SLUG}/{name}.vtt"
    assert len({entry.id for entry in parsed.entries}) == 2


def test_feed_declares_the_namespaces_cover_explicitness_and_people(published: pipeline.Folders) -> None:
    xml = feed_path(published).read_text(encoding="utf-8")
    assert 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"' in xml
    assert 'xmlns:podcast="https://podcastindex.org/namespace/1.0"' in xml
    assert "<itunes:explicit>false</itunes:explicit>" in xml  # General Audiences
    assert '<podcast:person role="author" group="writing">quietquill</podcast:person>' in xml
    assert xml.count('<podcast:person role="narrator" group="cast">en_US-joe-medium (piper)</podcast:person>') == 2
    parsed = feedparser.parse(xml)
    cover = parsed.feed.image.href
    assert cover == f"{DEFAULT_BASE_URL}{SLUG}/cover.jpg"
    image = Image.open(io.BytesIO((published.output / SLUG / "cover.jpg").read_bytes()))
    assert image.format == "JPEG" and image.width == image.height and 1400 <= image.width <= 3000


def test_podcastparser_sees_enclosures_chapters_transcripts_and_people(published: pipeline.Folders) -> None:
    with feed_path(published).open("rb") as feed:
        show = podcastparser.parse(f"{DEFAULT_BASE_URL}{SLUG}/feed.xml", feed)
    assert show["title"] == "The Lantern Keeper"
    assert show["type"] == "serial"
    assert show["cover_url"] == f"{DEFAULT_BASE_URL}{SLUG}/cover.jpg"
    episodes = sorted(show["episodes"], key=lambda episode: episode["number"])
    assert [episode["number"] for episode in episodes] == [1, 2]
    for episode, name in zip(episodes, ["prologue", "lantern"], strict=True):
        (enclosure,) = episode["enclosures"]
        assert enclosure == {"url": f"{DEFAULT_BASE_URL}{name}.mp3", "mime_type": "audio/mpeg",
                             "file_size": (published.output / f"{name}.mp3").stat().st_size}
        assert episode["chapters_json_url"] == f"{DEFAULT_BASE_URL}{SLUG}/{name}.chapters.json"
        assert episode["transcript_url"] == f"{DEFAULT_BASE_URL}{SLUG}/{name}.vtt"
        assert [person["role"] for person in episode["persons"]] == ["narrator"]


def test_vtt_cues_carry_the_speaker_the_script_gives_each_line(published: pipeline.Folders) -> None:
    script = pipeline.load_scripts("lantern", published)[0]
    expected = [NARRATOR] + [segment.speaker or NARRATOR for segment in script.segments]
    cues = webvtt.read(str(published.output / SLUG / "lantern.vtt"))
    assert [cue.voice for cue in cues] == expected
    assert "Tom" in expected and "Mara" in expected
    assert cues[0].text.startswith("The Lantern Keeper. Chapter 2: The Storm.")
    said = [cue.text for cue in cues if cue.voice != NARRATOR]
    assert said == [" ".join(segment.text.split()) for segment in dialogue([script])]


def test_srt_has_the_same_cues_with_dialogue_labelled(published: pipeline.Folders) -> None:
    vtt = webvtt.read(str(published.output / SLUG / "lantern.vtt"))
    srt = webvtt.from_srt(str(published.output / SLUG / "lantern.srt"))
    assert [(cue.start, cue.end) for cue in srt] == [(cue.start, cue.end) for cue in vtt]
    for plain, voiced in zip(srt, vtt, strict=True):
        assert plain.text == (voiced.text if voiced.voice == NARRATOR else f"{voiced.voice}: {voiced.text}")


@pytest.mark.parametrize("name", ["lantern", "prologue"])
def test_cue_times_match_the_speech_in_the_encoded_mp3_within_50_ms(published: pipeline.Folders, name: str) -> None:
    levels = frame_levels(decoded(published.output / f"{name}.mp3"))
    cues = [(seconds(cue.start), seconds(cue.end)) for cue in webvtt.read(str(published.output / SLUG / f"{name}.vtt"))]
    ends = [0.0] + [end for _, end in cues]
    starts = [start for start, _ in cues[1:]] + [len(levels) * FRAME]
    for index, (start, end) in enumerate(cues):  # each cue's window reaches halfway into the pauses around it
        earlier, later = (ends[index] + start) / 2, (end + starts[index]) / 2
        window = slice(round(earlier / FRAME), round(later / FRAME))
        loud = np.flatnonzero(levels[window] > -60) * FRAME + round(earlier / FRAME) * FRAME  # room tone: -70 dBFS
        assert len(loud), (start, end)
        assert abs(loud[0] - start) <= 0.05, ("speech starts", loud[0], "cue starts", start)
        assert abs(loud[-1] + FRAME - end) <= 0.05, ("speech ends", loud[-1] + FRAME, "cue ends", end)


def test_chapters_json_matches_the_chapters_in_the_mp3(published: pipeline.Folders) -> None:
    document = json.loads((published.output / SLUG / "lantern.chapters.json").read_text(encoding="utf-8"))
    assert document["version"] == "1.2.0"
    chapters = document["chapters"]
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json",
                            str(published.output / "lantern.mp3")], capture_output=True, text=True, check=True)
    in_mp3 = json.loads(probe.stdout)["chapters"]
    assert [chapter["title"] for chapter in chapters] == [chapter["tags"]["title"] for chapter in in_mp3]
    assert [chapter["startTime"] for chapter in chapters] == pytest.approx(
        [float(chapter["start_time"]) for chapter in in_mp3], abs=0.002)
    assert len(chapters) == 2 and chapters[1]["title"].startswith("Scene 2")
    starts = [chapter["startTime"] for chapter in chapters]
    assert starts == sorted(starts) and starts[0] == 0


def test_rendering_again_keeps_guids_and_first_publication_dates(published: pipeline.Folders,
                                                                 tmp_path: Path) -> None:
    before = feedparser.parse(feed_path(published).read_bytes())
    copy = copy_project(published, tmp_path)
    (copy.voices / "the-lantern-keeper.toml").write_text(  # a change, so the audio is made again
        (copy.voices / "the-lantern-keeper.toml").read_text().replace("rate = 1.0", "rate = 1.05", 1))
    written = pipeline.render("lantern", copy, jobs=2, base_url="https://example.org/books/")
    assert copy.output / "lantern.mp3" in written
    after = feedparser.parse(feed_path(copy).read_bytes())
    assert [entry.id for entry in after.entries] == [entry.id for entry in before.entries]
    assert [entry.published for entry in after.entries] == [entry.published for entry in before.entries]
    assert after.entries[1].enclosures[0].href == "https://example.org/books/lantern.mp3"


def test_explicit_follows_the_ao3_rating(published: pipeline.Folders) -> None:
    show = load_show(published.output / SLUG, SLUG)
    for rating, explicit in [("Mature", "true"), ("Explicit", "true"), ("Not Rated", "true"),
                             ("Teen And Up Audiences", "false")]:
        rated = type(show)(show.slug, type(show.meta)(**{**show.meta.__dict__, "rating": rating}), show.episodes)
        xml = feed_xml(rated, published.output, DEFAULT_BASE_URL).decode()
        assert xml.count(f"<itunes:explicit>{explicit}</itunes:explicit>") == 3  # the channel and both items


def test_an_episode_whose_audio_is_gone_is_left_out(published: pipeline.Folders, tmp_path: Path) -> None:
    show = load_show(published.output / SLUG, SLUG)
    (tmp_path / "lantern.mp3").write_bytes((published.output / "lantern.mp3").read_bytes())
    parsed = feedparser.parse(feed_xml(show, tmp_path, DEFAULT_BASE_URL))
    assert [entry.title for entry in parsed.entries] == ["Chapter 2: The Storm"]


def test_a_damaged_episode_list_is_one_line_naming_it(tmp_path: Path) -> None:
    (tmp_path / EPISODES).write_text("{not json", encoding="utf-8")
    with pytest.raises(AudioError, match=r"episodes\.json: not a narrate episode list .*render the work"):
        load_show(tmp_path, SLUG)


def copy_project(published: pipeline.Folders, root: Path) -> pipeline.Folders:
    """A copy of the published project in `root`, sharing its synthesis cache."""
    copy = pipeline.Folders(root / "input", root / "voices", root / "output", published.cache)
    for source, target in zip((published.input, published.voices, published.output),
                              (copy.input, copy.voices, copy.output), strict=True):
        subprocess.run(["cp", "-a", str(source), str(target)], check=True)
    return copy


def test_a_render_waits_for_another_updating_the_same_feed_and_both_episodes_stay(
        published: pipeline.Folders, tmp_path: Path) -> None:
    copy = copy_project(published, tmp_path)
    text = (copy.input / "lantern.txt").read_text(encoding="utf-8")
    (copy.input / "epilogue.txt").write_text(text.replace("Chapter 2: The Storm", "Chapter 3: After", 1),
                                             encoding="utf-8")
    episodes = copy.output / SLUG / EPISODES
    env = {**os.environ, "NARRATE_CACHE_DIR": str(copy.cache)}
    with (copy.output / SLUG / ".episodes.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as another render publishing at this moment holds it
        process = subprocess.Popen([NARRATE, "epilogue", "--quiet"], cwd=tmp_path, env=env)
        deadline = time.monotonic() + 300
        staged = copy.output / SLUG
        while not list(staged.glob(".epilogue.srt.*")) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
        assert process.poll() is None  # its audio and transcripts are staged; it waits to add the episode
        assert "epilogue" not in episodes.read_text(encoding="utf-8")
        assert not (copy.output / "epilogue.mp3").exists()  # nothing of it is in place before its feed is
        fcntl.flock(lock, fcntl.LOCK_UN)
    assert process.wait(timeout=300) == 0
    parsed = feedparser.parse(feed_path(copy).read_bytes())
    assert [entry.title for entry in parsed.entries] == [
        "Chapter 1: Before the Storm", "Chapter 2: The Storm", "Chapter 3: After"]
