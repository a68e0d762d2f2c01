"""The cast file: created with distinct voices, extended without touching user edits."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomlkit

from narrate.cast import cast
from narrate.engines.base import VoiceInfo
from narrate.errors import ConfigError
from narrate.model import Chapter, Character, Metadata, Script, Voice, Work

CATALOG = {
    "piper": [VoiceInfo("piper", "en_US-joe-medium", "Joe", "male", "en_US", (-4.0, 8.0))],
    "espeak": [VoiceInfo("espeak", f"{lang}+{variant}", variant, "male" if variant[0] == "m" else "female", lang)
               for lang in ("en", "en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp")
               for variant in ("m1", "m2", "m3", "m4", "m7", "f1", "f2", "f3", "f4")],
}


def make_script(*characters: Character, title: str = "What We Chose") -> Script:
    """A script with no text, only the characters cast needs."""
    work = Work(Path("input/ch.txt"), "", Metadata(title=title), (Chapter(1, "", ()),))
    return Script(work, work.chapters[0], (), characters)


TWO = (Character("Naruto", "male", lines=60), Character("Sasuke", "male", lines=40))


def test_first_run_writes_narrator_and_every_character_with_distinct_voices(tmp_path: Path) -> None:
    result = cast(make_script(*TWO, Character("Hinata", "female", lines=3)), tmp_path, CATALOG)
    assert result.path == tmp_path / "what-we-chose.toml"
    saved = tomlkit.parse(result.path.read_text())
    assert set(saved["characters"]) == {"Naruto", "Sasuke", "Hinata"}
    everyone = [result.narrator, *result.characters.values()]
    assert len(set(everyone)) == len(everyone)
    assert result.narrator == Voice("piper", "en_US-joe-medium")
    assert result.voice_for("Hinata").engine == "espeak" or result.voice_for("Hinata").pitch >= 5


def test_later_run_adds_newcomers_and_keeps_user_edits_and_comments(tmp_path: Path) -> None:
    path = cast(make_script(*TWO), tmp_path, CATALOG).path
    edited = path.read_text().replace(
        '[characters.Sasuke]\n# male, 40 lines\nengine = "piper"\nvoice = "en_US-joe-medium"',
        '# my favourite\n[characters.Sasuke]\n# male, 40 lines\nengine = "espeak"  # on purpose\nvoice = "en-gb+m3"')
    assert "on purpose" in edited
    path.write_text(edited)
    result = cast(make_script(*TWO, Character("Yamato", "male", lines=18)), tmp_path, CATALOG)
    after = path.read_text()
    assert after.startswith(edited)  # nothing the user wrote moved or changed
    assert "[characters.Yamato]" in after and "# my favourite" in after
    assert result.characters["Sasuke"] == Voice("espeak", "en-gb+m3", 0.92, 1.0)
    assert result.characters["Yamato"] not in (result.narrator, result.characters["Naruto"], result.characters["Sasuke"])


def test_unchanged_cast_file_is_not_rewritten(tmp_path: Path) -> None:
    path = cast(make_script(*TWO), tmp_path, CATALOG).path
    before = path.stat().st_mtime_ns, path.read_bytes()
    cast(make_script(*TWO), tmp_path, CATALOG)
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def test_names_that_need_quoting_round_trip(tmp_path: Path) -> None:
    result = cast(make_script(Character("the man", "male", lines=1)), tmp_path, CATALOG)
    assert '[characters."the man"]' in result.path.read_text()
    assert "the man" in cast(make_script(Character("the man", "male")), tmp_path, CATALOG).characters


@pytest.mark.parametrize(("change", "message"), [
    (lambda text: text.replace("[narrator]", "[narrator"), "invalid TOML"),
    (lambda text: text.replace('voice = "en_US-joe-medium"', 'voice = "en_US-nobody"', 1), "unknown piper voice 'en_US-nobody'"),
    (lambda text: text.replace('engine = "piper"', 'engine = "festival"', 1), "engine 'festival' is not available"),
    (lambda text: text.replace("rate = 1.0", "rate = 9.0", 1), "rate = 9.0 is out of range"),
    (lambda text: text.replace("pitch = 0.0", "pich = 0.0", 1), "unknown key 'pich'"),
    (lambda text: text.replace("pitch = 0.0", "pitch = -6.0", 1), "pitch = -6.0 is out of range (a number from -4.0 to 8.0)"),
    (lambda text: text + "\n[narators]\nengine = 'piper'\n", "unknown table [narators]"),
])
def test_invalid_cast_file_is_one_line_naming_the_file_and_is_left_alone(tmp_path: Path, change, message) -> None:
    path = cast(make_script(*TWO), tmp_path, CATALOG).path
    path.write_text(change(path.read_text()))
    broken = path.read_bytes()
    with pytest.raises(ConfigError) as error:
        cast(make_script(*TWO, Character("Yamato", "male")), tmp_path, CATALOG)
    text = str(error.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text
    assert path.read_bytes() == broken


def test_palette_exhaustion_still_gives_distinct_voices(tmp_path: Path) -> None:
    crowd = [Character(f"Person{i}", "female", lines=1) for i in range(30)]
    result = cast(make_script(*crowd), tmp_path, CATALOG)
    voices = [result.narrator, *result.characters.values()]
    assert len(set(voices)) == 31
