"""The cast file: created with distinct voices, extended without touching user edits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomlkit

from narrate.cast import DISTINCT, PALETTES, cast, likeness, work_characters
from narrate.engines.base import VoiceInfo
from narrate.engines.kokoro import KokoroEngine, blend
from narrate.errors import ConfigError, InputError
from narrate.model import Chapter, Character, Metadata, Script, Voice, Work

CATALOG = {
    "piper": [VoiceInfo("piper", "en_US-joe-medium", "Joe", "male", "en_US", (-4.0, 8.0))],
    "kokoro": KokoroEngine().list_voices(),
    "espeak": [VoiceInfo("espeak", f"{lang}+{variant}", variant, "male" if variant[0] == "m" else "female", lang)
               for lang in ("en", "en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp")
               for variant in ("m1", "m2", "m3", "m4", "m7", "f1", "f2", "f3", "f4")],
}
GENDERS = {(info.engine, info.id): info.gender for voices in CATALOG.values() for info in voices}


def make_scripts(*characters: Character, title: str = "What We Chose", language: str = "en") -> list[Script]:
    """One chapter with no text, only the characters cast needs."""
    work = Work(Path("input/ch.txt"), "", Metadata(title=title, language=language), (Chapter(1, "", ()),))
    return [Script(work, work.chapters[0], (), characters)]


def gender_of(voice: Voice) -> str:
    """The catalog's gender of a voice, or of a kokoro blend's voices when they agree."""
    parts = {GENDERS[voice.engine, name] for name, _ in blend(voice.voice)} if voice.engine == "kokoro" \
        else {GENDERS[voice.engine, voice.voice]}
    return parts.pop() if len(parts) == 1 else "mixed"


TWO = (Character("Naruto", "male", lines=60), Character("Sasuke", "male", lines=40))


def test_first_run_writes_narrator_and_a_neural_voice_of_their_gender_for_everyone(tmp_path: Path) -> None:
    result = cast(make_scripts(*TWO, Character("Hinata", "female", lines=3)), tmp_path, CATALOG)
    assert result.path == tmp_path / "what-we-chose.toml"
    saved = tomlkit.parse(result.path.read_text())
    assert set(saved["characters"]) == {"Naruto", "Sasuke", "Hinata"}
    assert result.narrator == Voice("piper", "en_US-joe-medium")
    assert {name: (voice.engine, gender_of(voice)) for name, voice in result.characters.items()} == {
        "Naruto": ("kokoro", "male"), "Sasuke": ("kokoro", "male"), "Hinata": ("kokoro", "female")}
    voice_ids = [result.narrator.voice, *(voice.voice for voice in result.characters.values())]
    assert len(set(voice_ids)) == len(voice_ids)


def test_the_most_lines_get_the_first_voices_of_the_palette(tmp_path: Path) -> None:
    listed = (Character("Kiba", "male", lines=2), Character("Ino", "female", lines=5), *TWO,
              Character("Sakura", "female", lines=30))
    result = cast(make_scripts(*listed), tmp_path, CATALOG)
    assert [result.characters[name] for name in ("Naruto", "Sasuke", "Kiba")] == list(PALETTES["male"][:3])
    assert [result.characters[name] for name in ("Sakura", "Ino")] == list(PALETTES["female"][:2])


def test_a_large_cast_of_both_genders_has_no_two_voices_alike(tmp_path: Path) -> None:
    people = [Character(f"Man{i}", "male", lines=20 - i) for i in range(9)] + \
             [Character(f"Woman{i}", "female", lines=20 - i) for i in range(9)]
    result = cast(make_scripts(*people), tmp_path, CATALOG)
    everyone = [result.narrator, *result.characters.values()]
    closest = max(likeness(one, other) for i, one in enumerate(everyone) for other in everyone[i + 1:])
    assert closest <= DISTINCT
    assert all(gender_of(result.characters[person.name]) == person.gender for person in people)


def test_unknown_gender_gets_the_voice_least_like_the_cast(tmp_path: Path) -> None:
    result = cast(make_scripts(*TWO, Character("the voice", "unknown", lines=4)), tmp_path, CATALOG)
    chosen = result.characters["the voice"]
    others = [result.narrator, result.characters["Naruto"], result.characters["Sasuke"]]
    candidates = [voice for voice in PALETTES["male"] + PALETTES["female"] if voice.engine == "kokoro"
                  and voice not in others]

    def closeness(voice: Voice) -> float:
        return max(likeness(voice, other) for other in others)
    assert closeness(chosen) == min(closeness(voice) for voice in candidates)
    assert closeness(chosen) < DISTINCT


def test_chapters_are_cast_together_by_their_summed_lines(tmp_path: Path) -> None:
    first, = make_scripts(Character("Tom", "male", lines=3), Character("Sam", "male", lines=10))
    second, = make_scripts(Character("Tom", "male", lines=9), Character("Ann", "female", lines=1))
    assert [(c.name, c.lines) for c in work_characters([first, second])] == [("Tom", 12), ("Sam", 10), ("Ann", 1)]
    result = cast([first, second], tmp_path, CATALOG)
    assert result.characters["Tom"] == PALETTES["male"][0]


def test_later_run_adds_newcomers_and_keeps_user_edits_and_comments(tmp_path: Path) -> None:
    path = cast(make_scripts(*TWO), tmp_path, CATALOG).path
    sasuke = PALETTES["male"][1].voice
    edited = path.read_text().replace(
        f'[characters.Sasuke]\n# male, 40 lines\nengine = "kokoro"\nvoice = "{sasuke}"',
        '# my favourite\n[characters.Sasuke]\n# male, 40 lines\nengine = "espeak"  # on purpose\nvoice = "en-gb+m3"')
    assert "on purpose" in edited
    path.write_text(edited)
    result = cast(make_scripts(*TWO, Character("Yamato", "male", lines=18)), tmp_path, CATALOG)
    after = path.read_text()
    assert after.startswith(edited)  # nothing the user wrote moved or changed
    assert "[characters.Yamato]" in after and "# my favourite" in after
    assert result.characters["Sasuke"] == Voice("espeak", "en-gb+m3")
    assert result.characters["Yamato"] not in (result.narrator, result.characters["Naruto"], result.characters["Sasuke"])


def test_a_cast_file_from_before_kokoro_keeps_its_voices(tmp_path: Path) -> None:
    path = tmp_path / "what-we-chose.toml"
    path.write_text('[narrator]\nengine = "piper"\nvoice = "en_US-joe-medium"\n\n'
                    '[characters.Naruto]\nengine = "piper"\nvoice = "en_US-joe-medium"\nrate = 1.06\npitch = 2.5\n')
    result = cast(make_scripts(*TWO), tmp_path, CATALOG)
    assert result.characters["Naruto"] == Voice("piper", "en_US-joe-medium", 1.06, 2.5)
    assert result.characters["Sasuke"] == PALETTES["male"][0]


def test_without_kokoro_characters_get_espeak_voices_of_their_gender(tmp_path: Path) -> None:
    catalog = {engine: voices for engine, voices in CATALOG.items() if engine != "kokoro"}
    result = cast(make_scripts(*TWO, Character("Hinata", "female", lines=3)), tmp_path, catalog)
    assert {voice.engine for voice in result.characters.values()} == {"espeak"}
    assert [gender_of(result.characters[name]) for name in ("Naruto", "Sasuke", "Hinata")] == \
        ["male", "male", "female"]


def test_unchanged_cast_file_is_not_rewritten(tmp_path: Path) -> None:
    path = cast(make_scripts(*TWO), tmp_path, CATALOG).path
    before = path.stat().st_mtime_ns, path.read_bytes()
    cast(make_scripts(*TWO), tmp_path, CATALOG)
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def test_names_that_need_quoting_round_trip(tmp_path: Path) -> None:
    result = cast(make_scripts(Character("the man", "male", lines=1)), tmp_path, CATALOG)
    assert '[characters."the man"]' in result.path.read_text()
    assert "the man" in cast(make_scripts(Character("the man", "male")), tmp_path, CATALOG).characters


def test_a_blend_of_kokoro_voices_is_a_voice(tmp_path: Path) -> None:
    path = cast(make_scripts(*TWO), tmp_path, CATALOG).path
    path.write_text(path.read_text().replace(f'voice = "{PALETTES["male"][0].voice}"',
                                             'voice = "am_michael:70, bm_george:30"', 1))
    assert cast(make_scripts(*TWO), tmp_path, CATALOG).characters["Naruto"] == \
        Voice("kokoro", "am_michael:70, bm_george:30")


@pytest.mark.parametrize(("change", "message"), [
    (lambda text: text.replace("[narrator]", "[narrator"), "invalid TOML"),
    (lambda text: text.replace('voice = "en_US-joe-medium"', 'voice = "en_US-nobody"', 1), "unknown piper voice 'en_US-nobody'"),
    (lambda text: text.replace('engine = "piper"', 'engine = "festival"', 1), "engine 'festival' is not available"),
    (lambda text: text.replace("rate = 1.0", "rate = 9.0", 1), "rate = 9.0 is out of range"),
    (lambda text: text.replace("pitch = 0.0", "pich = 0.0", 1), "unknown key 'pich'"),
    (lambda text: text.replace("pitch = 0.0", "pitch = -6.0", 1), "pitch = -6.0 is out of range (a number from -4.0 to 8.0)"),
    (lambda text: text + "\n[narators]\nengine = 'piper'\n", "unknown table [narators]"),
    (lambda text: text.replace('voice = "am_michael"', 'voice = "am_michael:60,xx_nobody:40"'), "unknown voice 'xx_nobody'"),
    (lambda text: text.replace('voice = "am_michael"', 'voice = "am_michael:0,bm_lewis:40"'), "a weight above 0"),
    (lambda text: text.replace('voice = "am_michael"', 'voice = "am_michael+bm_lewis"'), "a blend like"),
    (lambda text: text + '\n[sounds]\nintro = "intro.mp3"\n', '[sounds] intro = "intro.mp3": no such file'),
    (lambda text: text + '\n[sounds]\nintra = "intro.mp3"\n',
     "[sounds] unknown key 'intra' (valid: intro, outro, scene_break, level)"),
    (lambda text: text + '\n[sounds]\nlevel = "-6"\n', "[sounds] level = '-6' is out of range"),
])
def test_invalid_cast_file_is_one_line_naming_the_file_and_is_left_alone(tmp_path: Path, change, message) -> None:
    path = cast(make_scripts(*TWO), tmp_path, CATALOG).path
    path.write_text(change(path.read_text()))
    broken = path.read_bytes()
    with pytest.raises(ConfigError) as error:
        cast(make_scripts(*TWO, Character("Yamato", "male")), tmp_path, CATALOG)
    text = str(error.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text
    assert path.read_bytes() == broken


@pytest.mark.parametrize("where", ["last", "before the characters"])
def test_a_sounds_table_stays_as_the_user_wrote_it_when_characters_are_added(tmp_path: Path, where: str) -> None:
    path = cast(make_scripts(*TWO), tmp_path, CATALOG).path
    (tmp_path / "intro.mp3").write_bytes(b"")  # only a render decodes it
    sounds = '[sounds]  # mine\nintro = "intro.mp3"  # the jingle\nlevel = -8\n'
    text = path.read_text()
    edited = text + "\n" + sounds if where == "last" else text.replace("[characters.", sounds + "\n[characters.", 1)
    path.write_text(edited)
    result = cast(make_scripts(*TWO, Character("Yamato", "male", lines=18)), tmp_path, CATALOG)
    after = path.read_text()
    assert "Yamato" in result.characters and "[characters.Yamato]" in after
    if where == "last":  # the newcomer goes with the other characters, before the table, a blank line between
        assert after.startswith(text) and after.endswith(f"\n\n{sounds}")
        assert after.index("[characters.Yamato]") < after.index("[sounds]")
    else:
        assert after.startswith(edited)


def test_palette_exhaustion_still_gives_distinct_voices_of_the_right_gender(tmp_path: Path) -> None:
    crowd = [Character(f"Person{i}", "female", lines=1) for i in range(30)]
    result = cast(make_scripts(*crowd), tmp_path, CATALOG)
    voices = [result.narrator, *result.characters.values()]
    assert len({(voice.engine, voice.voice, voice.rate, voice.pitch) for voice in voices}) == 31
    assert {voice.engine for voice in result.characters.values()} == {"kokoro"}  # past the palette: blends
    assert {gender_of(voice) for voice in result.characters.values()} == {"female"}


FRENCH = VoiceInfo("piper", "fr_FR-siwis-medium", "Siwis", "female", "fr_FR", (-4.0, 8.0))
"""A French voice as piper lists a user's model dropped into voices/."""


def test_a_work_not_in_english_needs_a_cast_file_whose_narrator_speaks_its_language(tmp_path: Path) -> None:
    catalog = {**CATALOG, "piper": [*CATALOG["piper"], FRENCH]}
    path = tmp_path / "what-we-chose.toml"
    refused = (f"input/ch.txt: this work is in French (fr-CA); narrate's voices speak English. To narrate it anyway, "
               f"give the narrator and its characters voices that speak fr-CA in {path}")
    with pytest.raises(InputError, match=f"^{re.escape(refused)}$"):
        cast(make_scripts(*TWO, language="fr-CA"), tmp_path, catalog)
    assert not path.exists()  # no cast file yet: none is written
    cast(make_scripts(*TWO), tmp_path, catalog)  # an English cast file, from an English version say
    english = path.read_bytes()
    with pytest.raises(InputError, match=f"^{re.escape(refused)}$"):
        cast(make_scripts(*TWO, Character("Hinata", "female", lines=3), language="fr-CA"), tmp_path, catalog)
    assert path.read_bytes() == english
    path.write_text(path.read_text().replace('voice = "en_US-joe-medium"', f'voice = "{FRENCH.id}"', 1))
    result = cast(make_scripts(*TWO, Character("Hinata", "female", lines=3), language="FR-ca"), tmp_path, catalog)
    assert result.narrator == Voice("piper", FRENCH.id) and "Hinata" in result.characters


@pytest.mark.parametrize(("language", "named"), [
    ("ja", "Japanese (ja)"), ("pt-BR", "Portuguese (pt-BR)"), ("eo", "eo"),
])
def test_the_refusal_names_the_language_or_else_gives_its_code(tmp_path: Path, language: str, named: str) -> None:
    with pytest.raises(InputError, match=f"this work is in {re.escape(named)}; .* voices that speak {language} in "):
        cast(make_scripts(*TWO, language=language), tmp_path, CATALOG)


@pytest.mark.parametrize("language", ["en", "en-GB", "EN_us", ""])
def test_english_works_are_cast_as_before(tmp_path: Path, language: str) -> None:
    assert cast(make_scripts(*TWO, language=language), tmp_path, CATALOG).narrator == Voice("piper", "en_US-joe-medium")


def test_newcomers_are_added_when_sounds_sit_between_character_tables(tmp_path: Path) -> None:
    (tmp_path / "what-we-chose.toml").write_text(
        '[narrator]\nengine = "espeak"\nvoice = "en+m1"\n\n[characters.Naruto]\nengine = "espeak"\nvoice = "en+m3"\n'
        '\n[sounds]\nlevel = -6\n\n[characters.Kiba]\nengine = "espeak"\nvoice = "en+m2"\n', encoding="utf-8")
    result = cast(make_scripts(*TWO), tmp_path, CATALOG)
    assert "Sasuke" in result.characters and result.characters["Naruto"] == Voice("espeak", "en+m3")
