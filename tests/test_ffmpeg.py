"""ffmpeg wrapper: the bundled binary runs, measures known signals, and fails with its evidence."""

from __future__ import annotations

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
