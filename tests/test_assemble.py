"""assemble: real WAV clips at several rates and levels in, the master streamed to a WAV and read back with numpy and ffmpeg."""

from __future__ import annotations

import itertools
import math
import wave
from pathlib import Path

import numpy as np
import pytest

from narrate import ffmpeg
from narrate.assemble import (
    ATTACK,
    EDGE_KEEP,
    EDGE_OFFSET,
    GRID,
    MASTER_RATE,
    SOUND_LEVEL,
    SOUND_ROOM,
    AssembleSettings,
    Sounds,
    _k_weighting,
    _layout,
    _limiter_dips,
    _limiter_gain,
    _master_loudness,
    _TruePeaks,
    assemble,
    level_clip,
    regrid,
    samples,
    stretch_samples,
)
from narrate.errors import AudioError
from narrate.model import NARRATOR, Chapter, Clip, Line, Master

CHAPTER = Chapter(4, "The River", ())


def write_wav(path: Path, samples: np.ndarray, rate: int, width: int = 2) -> Path:
    """Write float samples in -1..1 as a mono PCM WAV of `width` bytes per sample."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(width)
        out.setframerate(rate)
        if width == 1:
            out.writeframes((samples * 127 + 128).astype(np.uint8).tobytes())
        else:
            out.writeframes(np.round(samples * 32767).astype("<i2").tobytes())
    return path


def speechlike(rate: int, seconds: float, level_db: float, pitch: float, seed: int = 0) -> np.ndarray:
    """A voice-like signal: a harmonic buzz with vibrato, syllable and word envelopes, RMS `level_db`."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(rate * seconds)) / rate
    f0 = pitch * (1 + 0.05 * np.sin(2 * np.pi * 0.8 * t + rng.uniform(0, 6)))
    phase = 2 * np.pi * np.cumsum(f0) / rate
    buzz = sum(np.sin(k * phase) / k for k in range(1, min(30, int(0.4 * rate / pitch))))
    syllables = 0.5 - 0.5 * np.cos(2 * np.pi * rng.uniform(3.5, 5.5) * t)
    words = 0.5 + 0.5 * np.tanh(4 * np.sin(2 * np.pi * 0.7 * t + rng.uniform(0, 6)))
    fade = np.minimum(1, np.minimum(t, t[-1] - t) / 0.01)
    signal = buzz * syllables * words * fade
    return np.clip(signal / np.sqrt(np.mean(signal**2)) * 10 ** (level_db / 20), -1, 1)


def tone(rate: int, seconds: float, frequency: float, level_db: float) -> np.ndarray:
    """A steady sine with 10 ms fades."""
    t = np.arange(round(rate * seconds)) / rate
    fade = np.minimum(1, np.minimum(t, t[-1] - t) / 0.01)
    return 10 ** (level_db / 20) * math.sqrt(2) * np.sin(2 * np.pi * frequency * t) * fade


SCRIPT = [
    # text, speaker, scene, paragraph, rate, level dBFS, pitch (0: a 440 Hz tone)
    ("What We Chose, by quietwillow. Chapter 4: The River.", None, 0, -1, 22050, -18, 120),
    ("They left at sunrise, before the town woke and the bakers lit their ovens.", None, 1, 0, 22050, -18, 120),
    ("Where are we going?", "Anna", 1, 0, 16000, -32, 220),
    ("North.", "Anna", 1, 1, 16000, -32, 220),
    ("The road was quiet.", None, 2, 2, 22050, -10, 120),
    ("A dog barked twice and gave up.", None, 2, 3, 22050, -10, 120),
    ("Stop. Listen.", "Ben", 3, 4, 22050, -24, 160),
    ("Only the wind.", None, 3, 4, 16000, -26, 0),
]
"""A chapter: the opening, then three scenes; voices at two rates and very different levels."""


def make_clips(folder: Path) -> list[Clip]:
    """Real WAV clips for SCRIPT, written to `folder`."""
    clips = []
    for index, (text, speaker, scene, paragraph, rate, level, pitch) in enumerate(SCRIPT):
        seconds = 0.8 + 0.15 * index
        audio = tone(rate, seconds, 440, level) if pitch == 0 else speechlike(rate, seconds, level, pitch, index)
        path = write_wav(folder / f"clip{index}.wav", audio, rate)
        clips.append(Clip(Line(text, speaker, scene, paragraph), path, len(audio) / rate))
    return clips


def assemble_to(clips: list[Clip], wav: Path, sounds: Sounds | None = None) -> Master:
    """assemble `clips` (with `sounds`); the master's streamed samples are also written to `wav` to be read back."""
    master = assemble(clips, CHAPTER, sounds=sounds)
    wav.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(master.rate)
        for chunk in samples(master):
            out.writeframes(chunk)
    return master


def read_wav(path: Path) -> tuple[np.ndarray, wave._wave_params]:
    """Samples (float, -1..1) and parameters of a WAV file."""
    with wave.open(str(path), "rb") as source:
        params = source.getparams()
        data = source.readframes(params.nframes)
    return np.frombuffer(data, "<i2") / 32768.0, params


def rms_db(samples: np.ndarray) -> float:
    """RMS level in dBFS."""
    return 10 * math.log10(max(float(np.mean(samples**2)), 1e-20))


def active_db(samples: np.ndarray) -> float:
    """RMS of the 20 ms frames within 30 dB of the loudest one, dBFS."""
    frames = samples[: len(samples) // 882 * 882].reshape(-1, 882)
    power = (frames**2).mean(axis=1)
    return 10 * math.log10(float(power[power > power.max() / 1000].mean()))


@pytest.fixture(scope="module")
def assembled(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Clip], Master, Path]:
    """The SCRIPT clips assembled once for all tests here, and the master's samples as a WAV."""
    folder = tmp_path_factory.mktemp("assemble")
    clips = make_clips(folder)
    wav = folder / "out" / "master.wav"
    return clips, assemble_to(clips, wav), wav


def test_master_is_mono_16_bit_at_the_master_rate_and_as_long_as_it_says(assembled):
    _, master, wav = assembled
    _, params = read_wav(wav)
    assert master.rate == MASTER_RATE
    assert params.nframes / MASTER_RATE == pytest.approx(master.duration, abs=1e-9)


def test_master_meets_the_loudness_target_with_true_peak_headroom(assembled):
    _, _, wav = assembled
    measured = ffmpeg.measure(wav)
    assert -17.0 <= measured.integrated <= -15.0  # the podcast standard
    assert measured.true_peak <= AssembleSettings().peak + 0.2


def test_cues_are_one_per_clip_in_order_with_speaker_and_text(assembled):
    clips, master, _ = assembled
    assert [cue.text for cue in master.cues] == [clip.line.text for clip in clips]
    assert [cue.speaker for cue in master.cues] == [clip.line.speaker or NARRATOR for clip in clips]
    for cue, clip in zip(master.cues, clips, strict=True):
        assert clip.duration / 2 < cue.end - cue.start <= clip.duration + 2 / MASTER_RATE  # edges cut, see below


def test_silence_an_engine_pads_a_clip_with_is_cut_so_cues_start_and_end_with_the_speech(tmp_path):
    rate, pad = 22050, np.zeros(round(22050 * 0.25))
    clips = []
    for index, speaker in enumerate(["Anna", "Ben"]):
        voice = tone(rate, 1.0, 440 + 110 * index, -20)
        path = write_wav(tmp_path / f"padded{index}.wav", np.concatenate([pad, voice, pad]), rate)
        clips.append(Clip(Line(f"line {index}", speaker, 1, index), path, 1.5))
    master = assemble_to(clips, wav := tmp_path / "master.wav")
    for cue in master.cues:
        assert cue.end - cue.start == pytest.approx(1.0 + 2 * EDGE_KEEP, abs=0.011)
    # the pause between them is the one set, not the padding: 0.7 s paragraph + 0.2 s speaker change
    # (and at most one MP3 frame of room tone making the first stretch whole frames)
    assert 0.9 - 1e-3 < master.cues[1].start - master.cues[0].end < 0.9 + GRID / MASTER_RATE
    samples, _ = read_wav(wav)
    first = round(master.cues[0].start * MASTER_RATE)
    assert rms_db(samples[first - 882 : first]) < -60 < rms_db(samples[first + 882 : first + 1764])


def test_pauses_follow_the_structure_of_the_text(assembled):
    _, master, _ = assembled
    gaps = [after.start - before.end for before, after in zip(master.cues, master.cues[1:])]
    ends = [*gaps, master.duration - master.cues[-1].end]
    # opening; speaker change; new paragraph; scene; paragraph; scene; speaker change; tail: each as set,
    # with less than one MP3 frame of room tone added to make every stretch whole frames
    for got, pause in zip(ends, [1.2, 0.5, 0.7, 2.5, 0.7, 2.5, 0.5, 1.5], strict=True):
        assert pause - 1e-4 < got < pause + GRID / MASTER_RATE
    assert master.cues[0].start == pytest.approx(0.7, abs=1e-4)


def test_every_stretch_is_whole_frames_from_the_middle_of_one_pause_to_the_middle_of_the_next(assembled):
    _, master, _ = assembled
    assert all(stretch.length % GRID == 0 for stretch in master.stretches)
    assert master.duration * MASTER_RATE == pytest.approx(sum(stretch.length for stretch in master.stretches))
    for before, after in itertools.pairwise(master.stretches):
        assert abs(before.pause - after.lead) <= 1  # the pause is split in half
    aac = regrid(master, 1024)
    assert all(stretch.length % 1024 == 0 for stretch in aac.stretches)
    assert [stretch.line for stretch in aac.stretches] == [stretch.line for stretch in master.stretches]
    # the other grid moves each cue by what the stretches before it gained, and nothing else
    for cue, moved, stretches in zip(master.cues, aac.cues, range(len(master.cues)), strict=True):
        gained = sum(new.trail - old.trail for old, new in zip(master.stretches[:stretches], aac.stretches))
        assert moved.start - cue.start == pytest.approx(gained / MASTER_RATE, abs=1e-9)
        assert moved.end - moved.start == pytest.approx(cue.end - cue.start, abs=1e-9)


def test_pauses_head_and_tail_are_quiet_room_tone_not_digital_silence(assembled):
    _, master, wav = assembled
    samples, _ = read_wav(wav)
    cues = master.cues
    quiet = [(0.0, cues[0].start), (cues[3].end, cues[4].start), (cues[-1].end, master.duration)]
    for start, end in quiet:
        stretch = samples[round(start * MASTER_RATE) + 2205 : round(end * MASTER_RATE) - 2205]
        assert -85 < rms_db(stretch) < -60
        assert np.count_nonzero(stretch) > 0.5 * len(stretch)


def test_voices_at_very_different_levels_come_out_evened(assembled):
    _, master, wav = assembled
    samples, _ = read_wav(wav)
    levels = [
        active_db(samples[round(cue.start * MASTER_RATE) : round(cue.end * MASTER_RATE)]) for cue in master.cues[:7]
    ]
    assert max(levels) - min(levels) < 3.0, levels


def test_clips_at_other_rates_keep_their_pitch(assembled):
    _, master, wav = assembled
    samples, _ = read_wav(wav)
    cue = master.cues[-1]
    window = samples[round(cue.start * MASTER_RATE) : round(cue.end * MASTER_RATE)]
    spectrum = np.abs(np.fft.rfft(window * np.hanning(len(window))))
    frequencies = np.fft.rfftfreq(len(window), 1 / MASTER_RATE)
    assert frequencies[np.argmax(spectrum)] == pytest.approx(440, abs=2)


def test_marks_are_one_per_scene_contiguous_and_cover_the_file(assembled):
    _, master, _ = assembled
    assert [mark.title for mark in master.marks] == [
        "Scene 1: They left at sunrise, before the town…",
        "Scene 2: The road was quiet.",
        "Scene 3: Stop. Listen.",
    ]
    assert master.marks[0].start == 0.0
    assert master.marks[-1].end == master.duration
    for before, after in zip(master.marks, master.marks[1:]):
        assert before.end == after.start


def test_scene_marks_start_half_a_second_before_the_first_line_of_their_scene(assembled):
    _, master, _ = assembled
    assert master.marks[1].start == pytest.approx(master.cues[4].start - 0.5, abs=1e-4)
    assert master.marks[2].start == pytest.approx(master.cues[6].start - 0.5, abs=1e-4)


def test_a_chapter_without_scenes_gets_one_mark_named_after_it(tmp_path):
    clip = make_clips(tmp_path)[0]
    master = assemble([clip], CHAPTER)
    assert [(mark.title, mark.start, mark.end) for mark in master.marks] == [
        ("Chapter 4: The River", 0.0, master.duration)
    ]


def test_no_clips_is_an_error_naming_the_chapter(tmp_path):
    with pytest.raises(AudioError, match="Chapter 4: The River"):
        assemble([], CHAPTER)


def test_an_unreadable_clip_names_its_file_and_leaves_no_temporary_files(tmp_path):
    clips = make_clips(tmp_path)[:2]
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    with pytest.raises(AudioError, match="broken.wav"):
        assemble([*clips, Clip(Line("x", None, 1, 0), broken, 1.0)], CHAPTER)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_levelled_lines_are_kept_beside_their_clips_and_reused(tmp_path):
    clips = dialogue(tmp_path, (2.4, -30, 220))
    first = assemble_to(clips, tmp_path.parent / f"{tmp_path.name}-first.wav")
    kept = sorted(tmp_path.glob("*.s16"))
    assert [path.name.split(".")[0] for path in kept] == sorted(clip.path.stem for clip in clips)
    assert {stretch.line for stretch in first.stretches} == set(kept)
    stamps = [path.stat().st_mtime_ns for path in kept]
    again = assemble(clips, CHAPTER)
    assert again == first
    assert [path.stat().st_mtime_ns for path in kept] == stamps


def test_an_8_bit_clip_is_refused_with_what_would_be_valid(tmp_path):
    path = write_wav(tmp_path / "eight.wav", speechlike(8000, 0.5, -20, 150), 8000, width=1)
    with pytest.raises(AudioError, match="eight.wav has 8-bit samples; expected a 16-bit PCM WAV"):
        assemble([Clip(Line("x", None, 1, 0), path, 0.5)], CHAPTER)


def dialogue(folder: Path, anna: tuple[float, float, float]) -> list[Clip]:
    """Six clips of speech-like audio, two of them Anna's at (seconds, level dBFS, pitch Hz)."""
    script = [
        (None, 1, 0, 3.2, -18, 120),
        ("Anna", 1, 0, *anna),
        (None, 1, 1, 3.6, -18, 120),
        ("Ben", 2, 2, 3.0, -24, 160),
        ("Anna", 2, 2, *anna),
        (None, 2, 3, 3.4, -18, 120),
    ]
    clips = []
    for index, (speaker, scene, paragraph, seconds, level, pitch) in enumerate(script):
        audio = speechlike(22050, seconds, level, pitch, index)
        path = write_wav(folder / f"{speaker or 'narrator'}{index}.wav", audio, 22050)
        clips.append(Clip(Line(f"Line {index}.", speaker, scene, paragraph), path, len(audio) / 22050))
    return clips


def pcm(path: Path, start: float, end: float) -> bytes:
    """The raw 16-bit samples of a mono WAV between two times, seconds."""
    with wave.open(str(path), "rb") as source:
        source.setpos(round(start * MASTER_RATE))
        return source.readframes(round(end * MASTER_RATE) - round(start * MASTER_RATE))


def test_changing_one_voice_changes_only_that_voices_lines(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    before = assemble_to(dialogue(tmp_path / "a", (2.4, -30, 220)), old_wav := tmp_path / "a" / "master.wav")
    after = assemble_to(dialogue(tmp_path / "b", (3.1, -12, 260)), new_wav := tmp_path / "b" / "master.wav")
    changed = [cue.speaker == "Anna" for cue in before.cues]
    assert changed == [False, True, False, False, True, False]
    for old, new, anna in zip(before.cues, after.cues, changed, strict=True):
        assert (pcm(old_wav, old.start, old.end) == pcm(new_wav, new.start, new.end)) != anna
    # every other stretch, room tone around the line included, is the same to the sample
    for old, new, anna in zip(before.stretches, after.stretches, changed, strict=True):
        same = b"".join(stretch_samples([old], before.room_tone)) == b"".join(stretch_samples([new], after.room_tone))
        assert same != anna


def span_loudness(master: Master, wav: Path, cue_index: int, folder: Path) -> float:
    """Integrated loudness of one cue's span of the master (read from `wav`), cut out as a WAV of its own and
    measured by ffmpeg."""
    samples, _ = read_wav(wav)
    cue = master.cues[cue_index]
    span = samples[round(cue.start * MASTER_RATE) : round(cue.end * MASTER_RATE)]
    return ffmpeg.integrated(write_wav(folder / f"span{cue_index}.wav", span * 32768 / 32767, MASTER_RATE))


def test_clips_at_very_different_levels_come_out_at_the_same_loudness(tmp_path):
    quiet = speechlike(22050, 2.5, -34, 110, seed=3)
    loud = speechlike(16000, 2.0, -8, 240, seed=4)
    clips = [
        Clip(Line("Quiet.", None, 1, 0), write_wav(tmp_path / "quiet.wav", quiet, 22050), 2.5),
        Clip(Line("Loud!", "Anna", 1, 0), write_wav(tmp_path / "loud.wav", loud, 16000), 2.0),
    ]
    master = assemble_to(clips, wav := tmp_path / "master.wav")
    levels = [span_loudness(master, wav, index, tmp_path) for index in (0, 1)]
    assert levels[0] == pytest.approx(levels[1], abs=0.5)
    assert levels[0] == pytest.approx(-16.0 + EDGE_OFFSET, abs=0.3)


def test_a_clip_shorter_than_a_gating_block_is_measured_whole(tmp_path):
    # A 997 Hz tone's RMS in dBFS reads as its loudness in LUFS (BS.1770 is calibrated so).
    short = tone(22050, 0.3, 997, -30)
    clip = Clip(Line("Hm.", None, 2, 4), write_wav(tmp_path / "short.wav", short, 22050), 0.3)
    master = assemble_to([*dialogue(tmp_path, (2.4, -30, 220)), clip], wav := tmp_path / "master.wav")
    samples, _ = read_wav(wav)
    cue = master.cues[-1]
    level = rms_db(samples[round(cue.start * MASTER_RATE) : round(cue.end * MASTER_RATE)])
    assert level == pytest.approx(-16.0 + EDGE_OFFSET, abs=0.2)


@pytest.mark.parametrize("clips", [make_clips, lambda folder: dialogue(folder, (2.4, -30, 220))])
def test_the_loudness_summed_from_the_lines_energy_reads_as_ffmpeg_measures_the_master(tmp_path, clips):
    stretches, energies = _layout(clips(tmp_path), AssembleSettings(), -20.0)
    wav = tmp_path / "master.wav"
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(MASTER_RATE)
        for chunk in stretch_samples(stretches, AssembleSettings().room_tone):
            out.writeframes(chunk)
    assert _master_loudness(stretches, energies, AssembleSettings().room_tone) == pytest.approx(ffmpeg.integrated(wav), abs=0.1)


def test_a_chapter_of_tiny_clips_is_levelled_again_to_meet_the_target(tmp_path):
    # each clip, shorter than a gating block, is levelled whole; in the master every block around one is
    # mostly room tone, so the master reads several LU low and its lines are levelled again, louder
    clips = [Clip(Line(f"Oh{index}.", None, 1, index),
                  write_wav(tmp_path / f"tiny{index}.wav", speechlike(22050, 0.15, -20, 150, index), 22050), 0.15)
             for index in range(8)]
    master = assemble_to(clips, wav := tmp_path / "master.wav")
    assert ffmpeg.integrated(wav) == pytest.approx(-16.0, abs=0.5)
    samples, _ = read_wav(wav)
    cue = master.cues[3]
    assert rms_db(samples[round(cue.start * MASTER_RATE) : round(cue.end * MASTER_RATE)]) > -16.0 + EDGE_OFFSET + 2


def test_k_weighting_at_48_khz_has_the_coefficients_bs_1770_publishes():
    shelf, high_pass = _k_weighting(48000)
    assert shelf[0] == pytest.approx((1.53512485958697, -2.69169618940638, 1.19839281085285), abs=1e-12)
    assert shelf[1] == pytest.approx((1.0, -1.69065929318241, 0.73248077421585), abs=1e-12)
    assert high_pass[0] == (1.0, -2.0, 1.0)
    assert high_pass[1] == pytest.approx((1.0, -1.99004745483398, 0.99007225036621), abs=1e-12)


def test_the_limiter_gain_is_smooth_and_never_above_what_any_sample_allows():
    rng = np.random.default_rng(7)
    allowed = np.ones(50_000)
    allowed[rng.integers(0, len(allowed), 100)] = rng.uniform(0.1, 1.0, 100)
    allowed[20_000:20_050] = 0.3
    gain = _limiter_gain(allowed)
    assert np.all(gain <= allowed + 1e-9)  # up to the rounding of a running sum
    assert np.max(np.abs(np.diff(gain))) <= 0.9 / (2 * round(ATTACK * MASTER_RATE / 2) + 1)  # the steepest ramp
    assert gain.mean() > 0.8


def test_the_limiter_dips_worked_out_near_the_peaks_are_the_whole_clips_limiter_gain():
    rng = np.random.default_rng(11)
    reach = 2 * round(ATTACK * MASTER_RATE / 2)
    for sharpness in (2, 8, 40):  # peaks over the ceiling everywhere, in clusters, and a few alone
        peaks = rng.random(20_000) ** sharpness * 2
        dipped, dips = _limiter_dips(peaks, 1.0, 0.0)
        whole = _limiter_gain(np.minimum(1.0, 1.0 / np.maximum(peaks, 1e-12)))
        over = np.flatnonzero(peaks > 1.0)
        near = [index for index in range(len(peaks)) if np.any(np.abs(over - index) <= reach)]
        assert dipped.tolist() == near
        assert np.allclose(dips, whole[dipped], rtol=0, atol=1e-12)
        assert np.allclose(np.delete(whole, dipped), 1.0, rtol=0, atol=1e-12)


@pytest.mark.parametrize("signal", ["speech", "sine near Nyquist"])
def test_true_peaks_read_as_exact_band_limited_interpolation_wherever_they_could_reach_a_level(signal):
    if signal == "speech":
        samples = speechlike(MASTER_RATE, 3.0, -14, 180, seed=5).astype(np.float32)
    else:  # at a quarter of the rate and 45 degrees off, every sample misses the peak by 3 dB
        t = np.arange(MASTER_RATE) / MASTER_RATE
        samples = (0.5 * np.sin(2 * np.pi * MASTER_RATE / 4 * t + np.pi / 4)).astype(np.float32)
    size = 4 * len(samples)
    upsampled = np.abs(np.fft.irfft(np.fft.rfft(samples, 2 * len(samples)), 2 * size)[:size]) * 4
    exact = np.maximum(upsampled.reshape(-1, 4).max(axis=1), np.abs(np.append(samples[1:], 0)))
    level = exact.max() / 2
    peaks = _TruePeaks(samples).reaching(level)
    reaching = slice(100, -100)  # the ends: the reference is periodic
    close = exact[reaching] > level / 2
    assert close.sum() > 100
    assert np.allclose(peaks[reaching][close], exact[reaching][close], rtol=0.012)  # 0.1 dB
    assert np.all(peaks >= np.abs(samples) - 1e-6)


def test_level_clip_leaves_each_line_levelled_where_assemble_finds_it(tmp_path):
    clips = dialogue(tmp_path, (2.4, -30, 220))
    for clip in clips:
        level_clip(clip.path)
    kept = {path: path.stat().st_mtime_ns for path in [*tmp_path.glob("*.s16"), *tmp_path.glob("*.energy")]}
    assert len(kept) == 2 * len(clips)
    master = assemble(clips, CHAPTER)
    assert {stretch.line for stretch in master.stretches} <= set(kept)
    assert {path: path.stat().st_mtime_ns for path in kept} == kept  # levelled once, by level_clip


# --- the user's sounds: an intro, an outro, a scene-break sound ---------------------------------------------

def sound(seconds: float, frequency: float = 997) -> bytes:
    """A steady tone as `decode_sound` gives a user's sound: mono 16-bit PCM at the master's rate (-30 dBFS RMS;
    at 997 Hz its RMS in dBFS reads as its loudness in LUFS)."""
    return np.round(tone(MASTER_RATE, seconds, frequency, -30) * 32767).astype("<i2").tobytes()


def dominant_frequency(samples: np.ndarray) -> float:
    """The frequency, Hz, of the strongest peak in the spectrum of `samples` at the master's rate."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples)), 8 * len(samples)))
    return float(np.fft.rfftfreq(8 * len(samples), 1 / MASTER_RATE)[np.argmax(spectrum)])


def test_an_intro_opens_the_master_and_moves_all_after_it_by_its_length_in_whole_frames(assembled, tmp_path):
    clips, plain, _ = assembled
    master = assemble_to(clips, wav := tmp_path / "intro.wav", sounds=Sounds(intro=sound(1.0)))
    intro = master.stretches[0]
    assert (intro.lead, intro.size, intro.pause, intro.length % GRID) == (0, MASTER_RATE, 0, 0)
    assert master.stretches[1:] == plain.stretches  # every line with its room tone as it was
    shift = intro.length / MASTER_RATE
    assert 1.0 <= shift < 1.0 + GRID / MASTER_RATE
    assert master.duration == pytest.approx(plain.duration + shift, abs=1e-9)
    for moved, cue in zip(master.cues, plain.cues, strict=True):
        assert (moved.start - shift, moved.end - shift) == pytest.approx((cue.start, cue.end), abs=1e-9)
    assert master.marks[0].start == 0.0  # the intro belongs to the first scene's mark
    for moved, mark in zip(master.marks, plain.marks, strict=True):
        assert moved.end - shift == pytest.approx(mark.end, abs=1e-9)
        assert moved.start == 0.0 or moved.start - shift == pytest.approx(mark.start, abs=1e-9)
    samples, _ = read_wav(wav)
    assert dominant_frequency(samples[: intro.size]) == pytest.approx(997, abs=1)


@pytest.mark.parametrize("seconds", [0.8, 2.5])
def test_a_scene_break_sound_plays_centred_in_each_scene_break_grown_to_fit_it(assembled, tmp_path, seconds):
    clips, plain, _ = assembled
    master = assemble_to(clips, wav := tmp_path / "breaks.wav", sounds=Sounds(scene_break=sound(seconds, 660)))
    samples, _ = read_wav(wav)
    starts = list(itertools.accumulate((stretch.length for stretch in master.stretches), initial=0))
    played = [(start + stretch.lead, start + stretch.lead + stretch.size)
              for start, stretch in zip(starts, master.stretches) if isinstance(stretch.line, bytes)]
    assert len(played) == 2  # SCRIPT's two scene breaks: between lines 3 and 4, and 5 and 6
    wanted = max(AssembleSettings().scene, seconds + 2 * SOUND_ROOM)
    for (first, last), (before, after) in zip(played, [(3, 4), (5, 6)], strict=True):
        assert (last - first) / MASTER_RATE == pytest.approx(seconds, abs=1e-9)
        ahead = first / MASTER_RATE - master.cues[before].end
        behind = master.cues[after].start - last / MASTER_RATE
        assert abs(ahead - behind) < GRID / MASTER_RATE and min(ahead, behind) >= SOUND_ROOM  # centred
        assert wanted <= ahead + seconds + behind < wanted + 2 * GRID / MASTER_RATE
        assert dominant_frequency(samples[first:last]) == pytest.approx(660, abs=1)
    # a break's pause grows as much as it must; every other pause stays (but for under one frame of room
    # tone re-padding the line beside the sound), and each mark stays half a second before its scene's first line
    growth = [(after.start - before.end) - (was_after.start - was_before.end) for before, after, was_before, was_after
              in zip(master.cues, master.cues[1:], plain.cues, plain.cues[1:])]
    for gap, grown in enumerate(growth):
        if gap in (3, 5):
            assert grown == pytest.approx(wanted - AssembleSettings().scene, abs=2 * GRID / MASTER_RATE)
        else:
            assert abs(grown) < GRID / MASTER_RATE
    for mark, old, first in zip(master.marks[1:], plain.marks[1:], (4, 6), strict=True):
        assert mark.start - master.cues[first].start == pytest.approx(old.start - plain.cues[first].start, abs=1e-9)
    assert master.marks[-1].end == master.duration


def test_an_outro_closes_the_master_after_the_tail(assembled, tmp_path):
    clips, plain, _ = assembled
    master = assemble_to(clips, wav := tmp_path / "outro.wav", sounds=Sounds(outro=sound(0.7, 660)))
    outro = master.stretches[-1]
    assert (outro.lead, outro.size, outro.pause) == (0, round(0.7 * MASTER_RATE), 0)
    assert master.stretches[:-1] == plain.stretches and master.cues == plain.cues
    assert master.marks[:-1] == plain.marks[:-1] and master.marks[-1].start == plain.marks[-1].start
    assert master.marks[-1].end == master.duration == pytest.approx(plain.duration + outro.length / MASTER_RATE)
    samples, _ = read_wav(wav)
    assert dominant_frequency(samples[-outro.length : -outro.trail]) == pytest.approx(660, abs=1)


@pytest.mark.parametrize("level", [SOUND_LEVEL, -12.0, 0.0])
def test_a_sound_plays_its_level_under_the_speech_and_is_limited_as_a_line_is(tmp_path, level):
    clips = dialogue(tmp_path, (2.4, -30, 220))
    loud = np.round(np.sign(tone(MASTER_RATE, 2.0, 997, 0)) * 0.9 * 32767).astype("<i2").tobytes()  # a square wave
    master = assemble_to(clips, wav := tmp_path / "master.wav", sounds=Sounds(intro=sound(2.0), outro=loud,
                                                                               level=level))
    samples, _ = read_wav(wav)
    intro = samples[round(0.05 * MASTER_RATE) : master.stretches[0].size - round(0.05 * MASTER_RATE)]
    assert rms_db(intro) == pytest.approx(-16.0 + EDGE_OFFSET + level, abs=0.1)
    assert ffmpeg.measure(wav).true_peak <= AssembleSettings().peak + 0.2
