"""The corrections file: read with every mistake named by file and place, written atomically keeping the user's text."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import tomlkit

from narrate import ingest
from narrate.corrections import corrections_path, load_corrections, record
from narrate.errors import ConfigError
from narrate.model import Corrections, Work

FIXTURES = Path(__file__).parent / "fixtures"

MINE = """\
# my notes on who says what
[lines]
q1 = "Tom"  # the cup line

[genders]
Tom = "male"

[aliases]
"the traveller" = "Tom"
"""


@pytest.fixture()
def work(tmp_path: Path) -> Work:
    """The lantern chapter, read from a copy in another folder."""
    (tmp_path / "input").mkdir()
    shutil.copy(FIXTURES / "lantern.txt", tmp_path / "input" / "lantern.txt")
    return ingest.load(tmp_path / "input" / "lantern.txt")


def write(voices: Path, work: Work, text: str) -> Path:
    """Put a corrections file with `text` where narrate looks for it."""
    path = corrections_path(voices, work)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_path_is_named_after_the_work(tmp_path: Path, work: Work) -> None:
    assert corrections_path(tmp_path / "voices", work) == tmp_path / "voices" / "the-lantern-keeper.speakers.toml"


def test_no_file_means_no_corrections(tmp_path: Path, work: Work) -> None:
    loaded = load_corrections(tmp_path / "voices", work)
    assert loaded == Corrections(tmp_path / "voices" / "the-lantern-keeper.speakers.toml")
    assert not (tmp_path / "voices").exists()


def test_reads_all_three_tables(tmp_path: Path, work: Work) -> None:
    write(tmp_path, work, MINE)
    loaded = load_corrections(tmp_path, work)
    assert loaded.lines == {"q1": "Tom"}
    assert loaded.genders == {"Tom": "male"}
    assert loaded.aliases == {"the traveller": "Tom"}


@pytest.mark.parametrize(("text", "needles"), [
    ("[lines]\nq1 = Tom\n", ["invalid TOML", "line 2"]),
    ("[genders]\nTom = \"boy\"\n", ["[genders] Tom = 'boy'", "male, female, unknown"]),
    ("[lines]\nq1 = 3\n", ["[lines] q1 = 3", "non-empty string"]),
    ("[lines]\nq1 = \"  \"\n", ["[lines] q1", "non-empty string"]),
    ("[speakers]\nq1 = \"Tom\"\n", ["unknown table [speakers]", "[lines], [genders], [aliases]"]),
    ("lines = \"Tom\"\n", ["[lines] must be a table"]),
])
def test_mistakes_are_one_line_naming_file_and_place(tmp_path: Path, work: Work, text: str, needles: list[str]) -> None:
    path = write(tmp_path, work, text)
    with pytest.raises(ConfigError) as raised:
        load_corrections(tmp_path, work)
    message = str(raised.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    for needle in needles:
        assert needle in message, message


def test_first_record_writes_an_explained_file(tmp_path: Path, work: Work) -> None:
    empty = load_corrections(tmp_path / "voices", work)
    saved = record(empty, work.meta.title, "q7", "Tom", "Drink.\n Then talk.")
    assert saved.lines == {"q7": "Tom"} and saved.path == empty.path
    text = empty.path.read_text(encoding="utf-8")
    assert text.startswith('# Speaker corrections for "The Lantern Keeper"')
    assert "narrate fix NAME LINE_ID SPEAKER" in text
    assert 'q7 = "Tom" # Drink. Then talk.' in text
    assert load_corrections(tmp_path / "voices", work) == saved


def test_record_keeps_the_users_comments_and_tables(tmp_path: Path, work: Work) -> None:
    path = write(tmp_path, work, MINE)
    saved = record(load_corrections(tmp_path, work), work.meta.title, "q9", "Mara", "For now,")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(MINE.split("\n\n")[0])  # the comment, the old line and its comment as they were
    assert '[genders]\nTom = "male"' in text and '"the traveller" = "Tom"' in text
    assert saved.lines == {"q1": "Tom", "q9": "Mara"} and saved.genders == {"Tom": "male"}
    assert load_corrections(tmp_path, work) == saved


def test_record_replaces_an_earlier_correction_of_the_same_line(tmp_path: Path, work: Work) -> None:
    path = write(tmp_path, work, MINE)
    saved = record(load_corrections(tmp_path, work), work.meta.title, "q1", "Mara", "Drink. Then talk.")
    assert saved.lines == {"q1": "Mara"}
    assert tomlkit.parse(path.read_text(encoding="utf-8"))["lines"] == {"q1": "Mara"}


def test_record_adds_a_missing_lines_table(tmp_path: Path, work: Work) -> None:
    path = write(tmp_path, work, "# only genders so far\n[genders]\nTom = \"male\"\n")
    record(load_corrections(tmp_path, work), work.meta.title, "q2", "Tom", "I had no choice.")
    loaded = load_corrections(tmp_path, work)
    assert loaded.lines == {"q2": "Tom"} and loaded.genders == {"Tom": "male"}
    assert path.read_text(encoding="utf-8").startswith("# only genders so far\n")


def test_record_into_an_inline_table_stays_valid_toml(tmp_path: Path, work: Work) -> None:
    write(tmp_path, work, 'lines = { q1 = "Tom" }\n')
    record(load_corrections(tmp_path, work), work.meta.title, "q2", "Mara", "For now,")
    assert load_corrections(tmp_path, work).lines == {"q1": "Tom", "q2": "Mara"}


def test_odd_line_ids_are_quoted_keys(tmp_path: Path, work: Work) -> None:
    empty = load_corrections(tmp_path, work)
    record(empty, work.meta.title, "3.b c", "Tom", "x")
    assert load_corrections(tmp_path, work).lines == {"3.b c": "Tom"}


def test_a_malformed_file_is_refused_and_left_as_it_was(tmp_path: Path, work: Work) -> None:
    path = write(tmp_path, work, "[lines]\nq1 = Tom\n")
    before = path.read_bytes()
    with pytest.raises(ConfigError, match="invalid TOML"):
        record(Corrections(path), work.meta.title, "q2", "Mara", "For now,")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == [path.name]


def test_written_atomically_by_rename(tmp_path: Path, work: Work) -> None:
    """A reader holding the old file (here: a hard link to it) never sees a half-written one."""
    path = write(tmp_path, work, MINE)
    old = tmp_path / "old.toml"
    os.link(path, old)
    record(load_corrections(tmp_path, work), work.meta.title, "q9", "Mara", "For now,")
    assert old.read_text(encoding="utf-8") == MINE  # the old file was replaced, not written over
    assert os.stat(path).st_ino != os.stat(old).st_ino
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

