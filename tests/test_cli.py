"""The command line as a user meets it: real processes, real files, one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from narrate.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
NARRATE = str(Path(sys.executable).with_name("narrate"))


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> Path:
    """A project folder with input/lantern.txt and an earlier output to protect."""
    (tmp_path / "input").mkdir()
    (tmp_path / "output").mkdir()
    shutil.copy(FIXTURES / "lantern.txt", tmp_path / "input" / "lantern.txt")
    (tmp_path / "output" / "lantern.mp3").write_bytes(b"earlier output")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed `narrate` command in the current folder."""
    return subprocess.run([NARRATE, *args], capture_output=True, text=True, timeout=600)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Non-zero exit, exactly one line on stderr mentioning each needle, no traceback."""
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_unknown_chapter_names_what_exists(project: Path) -> None:
    assert_one_line_error(run("chapter9"), "chapter9", "lantern")


def test_empty_file(project: Path) -> None:
    (project / "input" / "empty.txt").write_text("\n\n  \n")
    assert_one_line_error(run("empty"), "empty.txt", "empty")


def test_binary_file(project: Path) -> None:
    (project / "input" / "blob.txt").write_bytes(bytes(range(256)) * 8)
    assert_one_line_error(run("blob"), "blob.txt", "not a text file")


@pytest.mark.parametrize(("edit", "needle"), [
    (lambda text: text.replace("[narrator]", "[narrator"), "invalid TOML"),
    (lambda text: text.replace('voice = "en_US-joe-medium"', 'voice = "en_US-nobody"', 1), "en_US-nobody"),
])
def test_bad_cast_file_stops_before_touching_outputs(project: Path, edit, needle: str) -> None:
    assert run("cast", "lantern").returncode == 0
    cast_file = project / "voices" / "the-lantern-keeper.toml"
    cast_file.write_text(edit(cast_file.read_text()))
    broken = cast_file.read_bytes()
    assert_one_line_error(run("lantern", "--quiet"), str(Path("voices/the-lantern-keeper.toml")), needle)
    assert cast_file.read_bytes() == broken
    assert (project / "output" / "lantern.mp3").read_bytes() == b"earlier output"


@pytest.mark.parametrize(("encode", "suffix"), [
    (lambda text: text.encode("cp1252"), "cp1252"),
    (lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), "bom"),
    (lambda text: text.replace("\n", "\r\n").encode("utf-8"), "crlf"),
])
def test_other_encodings_and_line_ends_read_the_same(project: Path, encode, suffix: str) -> None:
    text = (FIXTURES / "lantern.txt").read_text(encoding="utf-8").replace("I had", "I’d had")
    path = project / "input" / f"lantern-{suffix}.txt"
    path.write_bytes(encode(text))
    result = run("script", path.stem, "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    dialogue = [record["text"] for record in records if record["kind"] == "dialogue"]
    assert "I’d had no choice." in dialogue
    assert len(dialogue) == 5
    if suffix != "cp1252":  # the contract's offsets are into the file read as UTF-8
        source = open(path, encoding="utf-8").read()
        assert all(source[record["start"]:record["end"]] == record["text"] for record in records)


def test_every_command_has_help_with_an_example() -> None:
    for name, command in cli.commands.items():
        assert "Example:" in (command.help or ""), name
        result = run(name, "-h")
        assert result.returncode == 0 and "Example:" in result.stdout, name
    assert "Example:" in run("--help").stdout


def test_file_system_refusals_are_one_line(project: Path) -> None:
    (project / "voices").write_text("a file where the voices folder should be")
    assert_one_line_error(run("cast", "lantern"), "voices/the-lantern-keeper.toml", "cannot write (")
    (project / "voices").unlink()
    assert_one_line_error(run("preview", "espeak", "en-us", "-o", "no/such/folder/x.wav"), "no/such/folder/x.wav")
