"""The cast file's [sounds]: real renders of a tiny chapter with an intro, an outro and a scene-break sound made
by ffmpeg, the MP3s decoded back with ffmpeg and their chapters and transcripts read with mutagen and webvtt."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import webvtt
from mutagen.id3 import ID3

from narrate import ffmpeg, pipeline
from narrate.assemble import (
    GRID,
    MASTER_RATE,
    SOUND_LEVEL,
    SOUND_ROOM,
    AssembleSettings,
    decode_sound,
)
from narrate.cast import load_sounds
from narrate.errors import ConfigError

LAMP = "Title: The Lamp\n\n“Hello,” said Anna.\n\n“Hi,” Ben said.\n\n* * *\n\nThe lamp went out. Nobody moved.\n"
"""A chapter of two scenes: the opening, four short lines, a scene break, one line."""

CAST = """\
[narrator]
engine = "espeak"
voice = "en-us"

[characters.Anna]
engine = "espeak"
voice = "en-gb"

[characters.Ben]
engine = "espeak"
voice = "en-us+m3"
"""
"""The Lamp's cast, all espeak (fast)."""

RATE = 44100
"""The MP3's sample rate, and the rate it is decoded at here."""

FRAME = 1152 / RATE
"""One MP3 frame, seconds."""

SETTINGS = AssembleSettings()


def make_sound(path: Path, frequency: float, seconds: float, *options: str) -> Path:
    """A sine tone made by ffmpeg, in the format `path`'s suffix names (`options`: its rate, channels...)."""
    ffmpeg.run(["-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}", *options, "-y", path],
               f"make {path.name}")
    return path


@pytest.fixture(scope="module")
def sounds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of sounds: tone.mp3 (440 Hz, 2 s, 48 kHz), chime.flac (660 Hz, 2 s, stereo 44.1 kHz), bell.wav
    (330 Hz, 1.5 s, 16 kHz) and a text file named noise.mp3."""
    folder = tmp_path_factory.mktemp("sounds")
    make_sound(folder / "tone.mp3", 440, 2, "-ar", "48000")
    make_sound(folder / "chime.flac", 660, 2, "-ar", "44100", "-ac", "2")
    make_sound(folder / "bell.wav", 330, 1.5, "-ar", "16000")
    (folder / "noise.mp3").write_text("not audio at all\n", encoding="utf-8")
    return folder


@dataclass(frozen=True)
class Render:
    """A render of LAMP, read back."""

    folders: pipeline.Folders
    """Its project."""
    samples: np.ndarray
    """The MP3 decoded by ffmpeg: mono, -1..1, at RATE."""
    marks: list[tuple[float, float]]
    """The MP3's chapters (ID3 CHAP frames), seconds."""
    cues: list[tuple[float, float]]
    """The WebVTT transcript's cues, seconds."""

    @property
    def mp3(self) -> Path:
        """The MP3."""
        return self.folders.output / "lamp.mp3"

    @property
    def seconds(self) -> float:
        """How long the MP3 decodes to."""
        return len(self.samples) / RATE


def project(root: Path, cache: Path, sounds: Path, table: str = "") -> pipeline.Folders:
    """A project in `root` holding LAMP, its cast with `table` added (any sounds it names copied beside it)."""
    folders = pipeline.Folders(root / "input", root / "voices", root / "output", cache)
    for folder in (folders.input, folders.voices):
        folder.mkdir(parents=True)
    (folders.input / "lamp.txt").write_text(LAMP, encoding="utf-8")
    (folders.voices / "the-lamp.toml").write_text(CAST + table, encoding="utf-8")
    for sound in sounds.iterdir():
        if f'"{sound.name}"' in table:
            shutil.copy(sound, folders.voices / sound.name)
    return folders


def render(folders: pipeline.Folders) -> Render:
    """Render LAMP in `folders` with one worker and read the MP3, its chapters and the transcript back."""
    pipeline.render("lamp", folders, jobs=1)
    mp3 = folders.output / "lamp.mp3"
    pcm = subprocess.run([ffmpeg.executable(), "-nostdin", "-v", "error", "-i", str(mp3), "-f", "s16le", "-ac", "1",
                          "-ar", str(RATE), "-"], capture_output=True, check=True).stdout
    chapters = sorted(ID3(mp3).getall("CHAP"), key=lambda chapter: chapter.start_time)
    captions = webvtt.read(str(folders.output / "the-lamp" / "lamp.vtt")).captions
    return Render(folders, np.frombuffer(pcm, "<i2") / 32768.0,
                  [(chapter.start_time / 1000, chapter.end_time / 1000) for chapter in chapters],
                  [(seconds(caption.start), seconds(caption.end)) for caption in captions])


def seconds(timestamp: str) -> float:
    """A WebVTT timestamp ("00:01:02.345") in seconds."""
    hours, minutes, rest = timestamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory, sounds: Path) -> dict[str, Render]:
    """LAMP rendered without sounds, with only a level, with an intro, with a scene-break sound and with an
    outro, sharing one cache."""
    cache = tmp_path_factory.mktemp("cache")
    tables = {
        "plain": "",
        "level only": "\n[sounds]\nlevel = -10.0\n",
        "intro": '\n[sounds]\nintro = "tone.mp3"\n',
        "scene break": '\n[sounds]\nscene_break = "chime.flac"\n',
        "outro": '\n[sounds]\noutro = "bell.wav"\n',
    }
    return {name: render(project(tmp_path_factory.mktemp(name.replace(" ", "-")), cache, sounds, table))
            for name, table in tables.items()}


def loud(samples: np.ndarray, start: float, end: float) -> list[float]:
    """Where, in seconds from 0, the 5 ms frames of `samples` between `start` and `end` rise above -45 dBFS (well
    over the room tone at -70)."""
    step = round(0.005 * RATE)
    first = round(start * RATE)
    count = (round(end * RATE) - first) // step
    frames = samples[first : first + count * step].reshape(count, step)
    power = np.mean(np.square(frames), axis=1)
    return [(first + index * step) / RATE for index in np.flatnonzero(power > 10 ** (-45 / 10))]


def ends_the_file(end: float, render: Render) -> bool:
    """Whether a chapter ending at `end` seconds ends with the MP3: at its length as players report it, which
    counts the encoder's delay and padding (under three frames) too."""
    return render.seconds <= end <= render.seconds + 3 * FRAME


def dominant_frequency(samples: np.ndarray, start: float, end: float) -> float:
    """The strongest frequency, Hz, of `samples` between `start` and `end` seconds."""
    window = samples[round(start * RATE) : round(end * RATE)]
    spectrum = np.abs(np.fft.rfft(window * np.hanning(len(window)), 8 * len(window)))
    return float(np.fft.rfftfreq(8 * len(window), 1 / RATE)[np.argmax(spectrum)])


def loudness(samples: np.ndarray, start: float, end: float, wav: Path) -> float:
    """Integrated loudness, LUFS, of `samples` between `start` and `end` seconds, written to `wav` and measured by
    ffmpeg."""
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(np.round(samples[round(start * RATE) : round(end * RATE)] * 32767).astype("<i2").tobytes())
    return ffmpeg.integrated(wav)


def shifts(moved: list[tuple[float, float]], before: list[tuple[float, float]]) -> list[float]:
    """How far each start and end of `moved` lies after the same one of `before`, in turn."""
    return [now - was for pair, old in zip(moved, before, strict=True) for now, was in zip(pair, old, strict=True)]


def test_without_sounds_the_mp3_is_byte_for_byte_what_it_was(renders, sounds: Path) -> None:
    plain, level_only = renders["plain"], renders["level only"]
    for name in ("lamp.mp3", "lamp.m4b", "the-lamp/lamp.vtt", "the-lamp/lamp.chapters.json"):
        assert (plain.folders.output / name).read_bytes() == (level_only.folders.output / name).read_bytes(), name
    # nor does a [sounds] table that names no sound change what decides that a render is up to date
    cast_file = plain.folders.voices / "the-lamp.toml"
    cast_file.write_text(cast_file.read_text(encoding="utf-8") + "\n[sounds]\nlevel = -3.0\n", encoding="utf-8")
    assert pipeline.render("lamp", plain.folders, jobs=1) == [plain.folders.output / "the-lamp" / "feed.xml"]


def test_an_intro_plays_first_under_the_speech_and_moves_everything_after_it_by_its_length(renders, tmp_path) -> None:
    plain, intro = renders["plain"], renders["intro"]
    assert 2.0 <= intro.seconds - plain.seconds <= 2.1
    assert dominant_frequency(intro.samples, 0.2, 1.8) == pytest.approx(440, abs=2)
    first, last = min(intro.cues, key=lambda cue: cue[0] - cue[1])  # the longest line
    speech = loudness(intro.samples, first, last, tmp_path / "speech.wav")
    assert loudness(intro.samples, 0.2, 1.8, tmp_path / "tone.wav") - speech == pytest.approx(SOUND_LEVEL, abs=1.0)
    # the speech starts the tone's length later, padded to whole frames of the master (under one MP3 frame)
    onset, was = loud(intro.samples, 2.05, 5)[0], loud(plain.samples, 0, 3)[0]
    assert 2.0 - 0.005 <= onset - was <= 2.0 + FRAME
    moves = shifts(intro.cues, plain.cues) + shifts(intro.marks, plain.marks)[1:]  # but the first mark's start, 0
    assert intro.marks[0][0] == 0.0  # the intro is in the first scene's chapter
    assert 2.0 <= moves[0] < 2.0 + GRID / MASTER_RATE + 0.001  # the tone, padded to whole frames of the master
    assert moves == [pytest.approx(moves[0], abs=0.0011)] * len(moves)  # each time rounded to the millisecond
    assert ffmpeg.measure(intro.mp3).true_peak <= -1.0


def test_a_scene_break_sound_plays_centred_in_the_scene_break_grown_to_fit_it(renders) -> None:
    plain, chime = renders["plain"], renders["scene break"]
    (_, before), (after, _) = chime.cues[4], chime.cues[5]  # "Ben said." ... the break ... "The lamp went out."
    heard = loud(chime.samples, before + 0.05, after - 0.05)
    sound_from, sound_to = heard[0], heard[-1] + 0.005
    assert sound_to - sound_from == pytest.approx(2.0, abs=0.03)
    assert dominant_frequency(chime.samples, sound_from + 0.2, sound_to - 0.2) == pytest.approx(660, abs=2)
    ahead, behind = sound_from - before, after - sound_to
    assert ahead >= SOUND_ROOM - 0.03 and behind >= SOUND_ROOM - 0.03 and abs(ahead - behind) <= FRAME + 0.01
    # 2.5 s could not hold a 2 s sound with half a second either side: the pause grew to 3 s, and the rest moved
    growth = (after - before) - (plain.cues[5][0] - plain.cues[4][1])
    assert growth == pytest.approx(2.0 + 2 * SOUND_ROOM - SETTINGS.scene, abs=2 * FRAME)
    assert chime.cues[:5] == plain.cues[:5] and chime.marks[0][0] == 0.0
    moves = shifts(chime.cues[5:], plain.cues[5:]) + shifts(chime.marks, plain.marks)[1:3]  # the 2nd mark's start
    assert moves == [pytest.approx(growth, abs=0.0011)] * len(moves)
    assert ends_the_file(chime.marks[1][1], chime)  # and the end (the last line's stretch padded anew)


def test_an_outro_plays_after_the_last_line_and_the_tail(renders) -> None:
    plain, bell = renders["plain"], renders["outro"]
    assert 1.5 <= bell.seconds - plain.seconds <= 1.6
    assert bell.cues == plain.cues and bell.marks[0] == plain.marks[0] and bell.marks[1][0] == plain.marks[1][0]
    assert ends_the_file(bell.marks[1][1], bell)
    last = bell.cues[-1][1]
    heard = loud(bell.samples, last + 0.05, bell.seconds)
    assert heard[0] - last == pytest.approx(SETTINGS.tail, abs=FRAME + 0.01)  # the tail's room tone, then the bell
    assert bell.seconds - heard[-1] < 0.05
    assert dominant_frequency(bell.samples, heard[0] + 0.2, heard[-1] - 0.2) == pytest.approx(330, abs=2)


def test_changing_a_sound_or_its_level_renders_again(tmp_path: Path, cache_dir: Path, sounds: Path) -> None:
    folders = project(tmp_path, cache_dir, sounds, '\n[sounds]\nintro = "tone.mp3"\n')
    mp3, feed = folders.output / "lamp.mp3", folders.output / "the-lamp" / "feed.xml"
    assert mp3 in pipeline.render("lamp", folders, jobs=1)
    assert pipeline.render("lamp", folders, jobs=1) == [feed]  # nothing changed
    cast_file = folders.voices / "the-lamp.toml"
    cast_file.write_text(cast_file.read_text(encoding="utf-8") + "level = -9.0\n", encoding="utf-8")
    assert mp3 in pipeline.render("lamp", folders, jobs=1)
    make_sound(folders.voices / "tone.mp3", 523, 2, "-ar", "48000")  # other bytes under the same name
    assert mp3 in pipeline.render("lamp", folders, jobs=1)
    assert pipeline.render("lamp", folders, jobs=1) == [feed]


@pytest.mark.parametrize(("table", "message"), [
    ('intro = "intro.mp3"', '[sounds] intro = "intro.mp3": no such file ({voices}/intro.mp3)'),
    ('outro = "noise.mp3"', '[sounds] outro = "noise.mp3": not audio ffmpeg can decode'),
    ('intro = "tone.mp3"\nscene-break = "tone.mp3"',
     "[sounds] unknown key 'scene-break' (valid: intro, outro, scene_break, level)"),
    ('scene_break = ""', '[sounds] needs scene_break = "..." (a non-empty string)'),
    ('intro = "tone.mp3"\nlevel = 6', "[sounds] level = 6 is out of range (a number from -30.0 to 0.0)"),
])  # fmt: skip
def test_a_wrong_sound_is_one_line_naming_the_key_and_the_file(tmp_path: Path, sounds: Path, table: str,
                                                              message: str) -> None:
    folders = project(tmp_path, tmp_path / "cache", sounds, f"\n[sounds]\n{table}\n")
    cast_file = folders.voices / "the-lamp.toml"
    with pytest.raises(ConfigError) as raised:
        load_sounds(cast_file)
    assert str(raised.value) == f"{cast_file}: {message.format(voices=folders.voices)}"


def test_the_command_stops_on_a_wrong_sound_with_exit_code_3_before_speaking(tmp_path: Path, sounds: Path) -> None:
    folders = project(tmp_path, tmp_path / "cache", sounds, '\n[sounds]\nintro = "noise.mp3"\n')
    env = {**os.environ, "NARRATE_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run([str(Path(sys.executable).with_name("narrate")), "lamp", "--quiet"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    cast_file = Path("voices") / "the-lamp.toml"
    assert (result.returncode, result.stderr) == (
        3, f'narrate: error: {cast_file}: [sounds] intro = "noise.mp3": not audio ffmpeg can decode\n')
    assert not list((tmp_path / "cache").rglob("*.wav")) and not folders.output.exists()


def test_decoding_needs_no_ffmpeg_or_ffprobe_on_the_path(sounds: Path) -> None:
    script = ("import sys; from pathlib import Path; from narrate.assemble import decode_sound; "
              "sys.stdout.write(str(len(decode_sound(Path(sys.argv[1])))))")
    done = subprocess.run([sys.executable, "-W", "error", "-c", script, str(sounds / "tone.mp3")],
                          env={"PATH": "", "HOME": os.environ.get("HOME", "/")}, capture_output=True, text=True,
                          check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert int(done.stdout) == 2 * 2 * MASTER_RATE  # 2 s of 16-bit samples at the master's rate


def test_a_sound_is_resampled_without_folding_high_frequencies_down(tmp_path: Path) -> None:
    path = make_sound(tmp_path / "high.wav", 15000, 1, "-ar", "48000")  # above the master's Nyquist frequency
    pcm = decode_sound(path)
    assert pcm is not None and len(pcm) == 2 * MASTER_RATE
    samples = np.frombuffer(pcm, "<i2") / 32768.0
    assert 10 * np.log10(np.mean(np.square(samples[1000:-1000])) + 1e-20) < -60
