"""Tests for narrate.lexicon: reading the lexicons, marking the lines, what each engine is given and says (read back
from the engines' own phonemizers), names first, the cache, `narrate say`, and every error."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from narrate.engines._text import pieces
from narrate.engines.espeak import heard, said_as
from narrate.engines.kokoro import KokoroEngine, kokoro_phonemes
from narrate.engines.piper import _load, _models, piper_input
from narrate.errors import ConfigError
from narrate.lexicon import (
    Lexicon,
    lexicon_path,
    load_lexicon,
    possessive_ending,
    pronounce,
    respelling_ipa,
    suggest_words,
)  # fmt: skip
from narrate.model import Line, Voice
from narrate.pipeline import Folders, load_scripts

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NARRATE = str(Path(sys.executable).with_name("narrate"))
SASUKE = "sˈæsʊkeɪ"


def project(tmp_path: Path, words: str, global_words: str = "") -> Folders:
    """A project holding input/ferry.txt, its lexicon holding `words` and voices/lexicon.toml `global_words`."""
    folders = Folders(tmp_path / "input", tmp_path / "voices", tmp_path / "output", tmp_path / "cache")
    folders.input.mkdir(parents=True)
    folders.voices.mkdir()
    (folders.input / "ferry.txt").write_text((FIXTURES / "ferry.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folders.voices / "the-ferry.lexicon.toml").write_text(f"[words]\n{words}\n", encoding="utf-8")
    if global_words:
        (folders.voices / "lexicon.toml").write_text(global_words, encoding="utf-8")
    return folders


def lexicon_of(tmp_path: Path, words: str, global_words: str = "") -> Lexicon:
    """The lexicon of a ferry project with these words."""
    folders = project(tmp_path, words, global_words)
    return load_lexicon(folders.voices, load_scripts("ferry", folders)[0].work)


def said(lexicon: Lexicon, text: str) -> list[tuple[str, bool]]:
    """The pieces an engine is given for `text`."""
    return pieces(pronounce([Line(text, None, 1, 0)], lexicon)[0].speech)


# --- reading and matching ----------------------------------------------------------------------------------------


def test_matching_ignores_case_and_possessives_and_takes_phrases(tmp_path: Path) -> None:
    lexicon = lexicon_of(tmp_path, f'Sasuke = {{ ipa = "{SASUKE}" }}\n"Kakashi-sensei" = {{ ipa = "kækˈɑːʃisˈɛnseɪ" }}'
                                   f'\nKakashi = {{ ipa = "kɑːkˈɑːʃi" }}')
    assert said(lexicon, "SASUKE nodded.") == [("", False), (SASUKE, True), (" nodded.", False)]
    assert said(lexicon, "Sasuke’s eyes") == [("", False), (SASUKE + "z", True), (" eyes", False)]
    assert said(lexicon, "“Kakashi-sensei!”") == [("“", False), ("kækˈɑːʃisˈɛnseɪ", True), ("!”", False)]
    assert said(lexicon, "Kakashi-kun") == [("", False), ("kɑːkˈɑːʃi", True), ("-kun", False)]
    assert said(lexicon, "Sasukes and asasuke") == [("Sasukes and asasuke", False)]  # whole words only


def test_lines_without_a_word_are_untouched(tmp_path: Path) -> None:
    lexicon = lexicon_of(tmp_path, f'Sasuke = {{ ipa = "{SASUKE}" }}')
    lines = [Line("Nobody here.", None, 1, 0), Line("Sasuke here.", "Mira", 1, 1)]
    marked = pronounce(lines, lexicon)
    assert marked[0] is lines[0] and marked[0].speech == "Nobody here."
    assert (marked[1].text, marked[1].speaker) == ("Sasuke here.", "Mira")  # transcripts keep the text
    assert marked[1].said == f"⟦{SASUKE}|sasuke⟧ here."


def test_possessive_endings() -> None:
    endings = [possessive_ending(ipa) for ipa in (SASUKE, "tˈɑːm", "dʒˈeɪmz", "bˈɒb", "kˈiːθ")]
    assert endings == ["z", "z", "ɪz", "z", "s"]


def test_respelling_stresses_the_syllables_in_capitals() -> None:
    ipa = respelling_ipa("yah MAH toh")
    assert ipa.count("ˈ") == 1 and ipa.index("ˈ") > 0 and ipa.startswith("j")
    assert respelling_ipa("kah KAH shee SEN say").count("ˈ") == 2
    assert respelling_ipa("yor en").startswith("ˈ")  # no capitals: the first syllable


def test_the_works_lexicon_wins_over_the_global_one(tmp_path: Path) -> None:
    lexicon = lexicon_of(tmp_path, 'Mira = { ipa = "mˈɪɹə" }',
                         '[words]\nMira = { ipa = "mˈiːɹə" }\nJoren = { ipa = "jˈɔːɹən" }\n')
    assert said(lexicon, "Mira and Joren") == [("", False), ("mˈɪɹə", True), (" and ", False), ("jˈɔːɹən", True),
                                               ("", False)]
    also = lexicon_of(tmp_path / "global", "", '[global]\nJoren = "YOR en"\n')  # the global table's other name
    assert said(also, "Joren")[1] == (respelling_ipa("YOR en"), True)


@pytest.mark.parametrize(("words", "message"), [
    ('Mira = ""', r"\[words\] Mira: empty respelling \(expected a respelling"),
    ('Mira = { ipa = "" }', r"\[words\] Mira: ipa must be a non-empty IPA string"),
    ('Mira = { ipa = "m☃rə" }', r"\[words\] Mira: ipa \"m☃rə\" has '☃', which the engines do not take"),
    ("Mira = 3", r"\[words\] Mira: expected a respelling .* not a number"),
    ('Mira = { ipa = "mˈiəɹə", sound = "x" }', r"\[words\] Mira: unknown key 'sound' \(valid: ipa, say\)"),
    ('Mira = { ipa = "mˈiəɹə", say = "" }', r"\[words\] Mira: say must be a respelling with letters"),
    ('Mira = "MEE', r"invalid TOML"),
])  # fmt: skip
def test_malformed_lexicons_are_one_line_naming_file_and_key(tmp_path: Path, words: str, message: str) -> None:
    with pytest.raises(ConfigError, match=r"the-ferry\.lexicon\.toml: " + message) as raised:
        lexicon_of(tmp_path, words)
    assert "\n" not in str(raised.value)


def test_unknown_table_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"lexicon\.toml: unknown table 'names' \(valid: \[words\], \[global\]"):
        lexicon_of(tmp_path, "", '[names]\nMira = "MEE rah"\n')


# --- what the engines are given, read back from their own phonemizers ---------------------------------------------


def test_espeak_speaks_the_lexicons_ipa(tmp_path: Path) -> None:
    lexicon = lexicon_of(tmp_path, f'Sasuke = {{ ipa = "{SASUKE}" }}')
    line = pronounce([Line("Sasuke looked back.", None, 1, 0)], lexicon)[0]
    assert heard(line.speech, Voice("espeak", "en-us")).split()[0] == SASUKE  # libespeak-ng's own report
    assert heard(line.text, Voice("espeak", "en-us")).split()[0] == said_as("Sasuke") != SASUKE


def test_piper_is_given_the_lexicons_ipa(tmp_path: Path) -> None:
    lexicon = lexicon_of(tmp_path, f'Sasuke = {{ ipa = "{SASUKE}" }}')
    line = pronounce([Line("Sasuke looked back.", None, 1, 0)], lexicon)[0]
    model = _models()["en_US-joe-medium"]
    phonemes = "".join(sum(_load(model.onnx, model.config).phonemize(piper_input(line.speech)), []))
    assert phonemes.strip().startswith(SASUKE + " ")
    plain = "".join(sum(_load(model.onnx, model.config).phonemize(piper_input(line.text)), []))
    assert not plain.strip().startswith(SASUKE)


def test_kokoro_is_given_the_lexicons_ipa_and_speaks_it(tmp_path: Path) -> None:
    lexicon = lexicon_of(tmp_path, f'Sasuke = {{ ipa = "{SASUKE}" }}')
    line = pronounce([Line("Sasuke looked back.", None, 1, 0)], lexicon)[0]
    assert kokoro_phonemes(line.speech, "en-us").startswith(SASUKE + " lˈʊkt")
    voice = Voice("kokoro", "af_heart")
    assert KokoroEngine().synthesize(line.speech, voice).pcm != KokoroEngine().synthesize(line.text, voice).pcm


# --- names first ------------------------------------------------------------------------------------------------


def test_first_run_lists_the_names_with_todays_ipa_and_keeps_the_users_edits(tmp_path: Path) -> None:
    folders = project(tmp_path, "")
    lexicon_path(folders.voices, load_scripts("ferry", folders)[0].work).unlink()
    scripts = load_scripts("ferry", folders)
    path = suggest_words(scripts, folders.voices)
    text = path.read_text(encoding="utf-8")
    assert f'# Mira = {{ ipa = "{said_as("Mira")}" }}' in text and "# Joren = " in text
    assert load_lexicon(folders.voices, scripts[0].work).entries == {}  # suggestions are comments
    edited = text.replace("# Joren = ", "Joren = ").replace(" }\n", " }  # said fine\n", 1) + "# my own note\n"
    path.write_text(edited, encoding="utf-8")
    suggest_words(scripts, folders.voices)
    assert path.read_text(encoding="utf-8") == edited  # nothing new: the file is left as the user made it
    assert set(load_lexicon(folders.voices, scripts[0].work).entries) == {"joren"}


# --- through the command line: the cache, and `narrate say` --------------------------------------------------------


def wavs(cache: Path) -> set[Path]:
    """Every synthesized line in the cache."""
    return set(cache.rglob("*.wav"))


def test_one_changed_entry_speaks_only_its_lines_again(tmp_path: Path) -> None:
    folders = project(tmp_path, "")
    env = {**os.environ, "NARRATE_CACHE_DIR": str(folders.cache)}
    (folders.voices / "the-ferry.toml").write_text('[narrator]\nengine = "espeak"\nvoice = "en-us"\n'
                                                   '[characters.Mira]\nengine = "espeak"\nvoice = "en-us+f3"\n'
                                                   '[characters.Joren]\nengine = "espeak"\nvoice = "en-gb+m3"\n',
                                                   encoding="utf-8")
    subprocess.run([NARRATE, "ferry", "-q", "--jobs", "1"], cwd=tmp_path, env=env, check=True)
    first, audio = wavs(folders.cache), (folders.output / "ferry.mp3").read_bytes()
    (folders.voices / "the-ferry.lexicon.toml").write_text('[words]\nJoren = "YOR en"\n', encoding="utf-8")
    subprocess.run([NARRATE, "ferry", "-q", "--jobs", "1"], cwd=tmp_path, env=env, check=True)
    scripts = load_scripts("ferry", folders)
    holding = {segment.text for script in scripts for segment in script.segments if "Joren" in segment.text}
    assert len(wavs(folders.cache) - first) == len(holding) > 0
    assert (folders.output / "ferry.mp3").read_bytes() != audio


def test_say_speaks_a_word_as_the_lexicon_says_it(tmp_path: Path) -> None:
    folders = project(tmp_path, 'Joren = { ipa = "jˈɔːɹən" }')
    (folders.voices / "the-ferry.toml").write_text('[narrator]\nengine = "espeak"\nvoice = "en-us"\n',
                                                   encoding="utf-8")
    env = {**os.environ, "NARRATE_CACHE_DIR": str(folders.cache)}
    result = subprocess.run([NARRATE, "say", "ferry", "Joren's", "boat", "-o", "joren.wav"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=True)
    boat = f"boat: {said_as('boat')} (espeak-ng's rules)"
    assert result.stdout.splitlines()[:2] == ["Joren: jˈɔːɹənz (lexicon)", boat]
    with wave.open(str(tmp_path / "joren.wav")) as spoken:
        assert spoken.getnframes() / spoken.getframerate() > 0.3


def test_titles_are_not_suggested_as_names(tmp_path: Path) -> None:
    folders = project(tmp_path, "")
    text = "“Come in,” said Mr. Harrow.\n\n“Thank you,” said Mrs. Quill.\n\nMr. Harrow smiled at Mrs. Quill."
    (folders.input / "ferry.txt").write_text(text, encoding="utf-8")
    (folders.voices / "the-ferry.lexicon.toml").unlink()
    path = suggest_words(load_scripts("ferry", folders), folders.voices)
    table = path.read_text(encoding="utf-8").split("[words]")[1]
    listed = [line.split(" = ")[0].lstrip("# ") for line in table.splitlines() if " = " in line]
    assert listed == ["Harrow", "Quill"]
