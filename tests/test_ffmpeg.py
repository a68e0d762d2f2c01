"""ffmpeg wrapper: the bundled binary runs, measures known signals, and fails with its evidence."""

from __future__ import annotations

import wave

import pytest

from narrate import ffmpeg
from narrate.errors import AudioError


def test_a_sine_measures_as_bs_1770_says(tmp_path):
    path = tmp_path / "sine.wav"
    # A 1 kHz sine peaking at -20 dBFS in one channel reads -23.0 LUFS; its true peak is -20 dBTP.
    ffmpeg.run(["-f", "lavfi", "-i", "sine=f=997:r=48000:d=5", "-af", "volume=0.8", "-y", path], "make a sine")
    measured = ffmpeg.measure(path)
    assert measured.integrated == pytest.approx(-23.0, abs=0.2)
    assert measured.true_peak == pytest.approx(-20.0, abs=0.2)
    assert ffmpeg.integrated(path) == measured.integrated


def test_a_failure_is_an_audio_error_saying_what_failed_with_ffmpegs_words(tmp_path):
    missing = tmp_path / "nowhere.wav"
    with pytest.raises(AudioError, match=r"failed to measure the loudness of .*nowhere\.wav.*No such file"):
        ffmpeg.measure(missing)


def test_pcm_fed_in_chunks_arrives_whole_and_in_order(tmp_path):
    path = tmp_path / "sine.wav"
    ffmpeg.run(["-f", "lavfi", "-i", "sine=f=997:r=22050:d=4", "-af", "volume=0.8", "-c:a", "pcm_s16le", "-y", path],
               "make a sine")
    with wave.open(str(path), "rb") as sine:
        pcm = sine.readframes(sine.getnframes())
    chunks = [pcm[start : start + 3000] for start in range(0, len(pcm), 3000)]
    copy = tmp_path / "copy.wav"
    ffmpeg.run([*ffmpeg.pcm_input(22050), "-c:a", "pcm_s16le", "-y", copy], "copy the sine", chunks)
    with wave.open(str(copy), "rb") as copied:
        assert copied.readframes(copied.getnframes()) == pcm
    assert ffmpeg.integrated(copy) == ffmpeg.integrated(path) == pytest.approx(-23.0, abs=0.2)


def test_ffmpeg_failing_while_fed_is_an_audio_error_not_a_hang(tmp_path):
    endless = (bytes(4096) for _ in iter(int, 1))
    with pytest.raises(AudioError, match="failed to encode"):
        ffmpeg.run([*ffmpeg.pcm_input(22050), "-c:a", "no-such-codec", "-y", tmp_path / "x.mp3"], "encode", endless)


def test_a_feed_that_fails_stops_ffmpeg_and_raises_its_own_error(tmp_path):
    def feed():
        yield bytes(44100)
        raise AudioError("cannot read levelled clip x.s16")

    with pytest.raises(AudioError, match="x.s16"):
        ffmpeg.run([*ffmpeg.pcm_input(22050), "-y", tmp_path / "x.wav"], "write", feed())
