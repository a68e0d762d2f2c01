"""The command line as a user meets it: real processes, real files, one-line errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomlkit

from narrate import pipeline
from narrate.cli import cli
from narrate.errors import AudioError, ConfigError, EngineError, InputError, OutputError

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
    refused = run("cast", "lantern")
    assert_one_line_error(refused, "cannot write to voices: it is not a folder")
    assert refused.returncode == 6
    (project / "voices").unlink()
    assert_one_line_error(run("preview", "espeak", "en-us", "-o", "no/such/folder/x.wav"), "no/such/folder/x.wav")


def test_help_lists_every_exit_code() -> None:
    listed = run("--help").stdout.split("Exit codes:")[1]
    assert re.findall(r"^ +(\d+) +\S", listed, re.MULTILINE) == ["1", "2", "3", "4", "5", "6", "130"]
    assert [error.exit_code for error in (InputError, ConfigError, EngineError, AudioError, OutputError)] == \
        [2, 3, 4, 5, 6]


FRENCH = "Title: La Lanterne\nLanguage: Français\n\n“Bonjour,” dit Marie.\n\n“Salut,” dit Paul.\n"


def test_a_work_not_in_english_is_refused_by_render_and_cast_but_script_prints_it(project: Path) -> None:
    (project / "input" / "fr.txt").write_text(FRENCH, encoding="utf-8")
    said = (f"{Path('input/fr.txt')}: this work is in French (fr); narrate's voices speak English. To narrate it "
            f"anyway, give the narrator and its characters voices that speak fr in {Path('voices/la-lanterne.toml')}")
    for args in (("fr", "--quiet"), ("cast", "fr")):
        refused = run(*args)
        assert (refused.returncode, refused.stderr) == (2, f"narrate: error: {said}\n")
    assert not (project / "voices").exists()  # no cast file is written for it
    assert sorted(path.name for path in (project / "output").iterdir()) == ["lantern.mp3"]
    script = run("script", "fr")
    assert script.returncode == 0 and "  Marie: “Bonjour,”" in script.stdout
    english = FRENCH.replace("Language: Français\n", "").replace("Bonjour", "Hello").replace("Salut", "Hi")
    (project / "input" / "en.txt").write_text(english, encoding="utf-8")
    assert run("cast", "en").returncode == 0  # an English narrator in voices/la-lanterne.toml
    cast_file = project / "voices" / "la-lanterne.toml"
    before = cast_file.read_bytes()
    assert run("fr", "--quiet").stderr == f"narrate: error: {said}\n"
    assert cast_file.read_bytes() == before


# --- script over every chapter, review, fix, self-estimate ------------------------------------

TWO_CHAPTERS = """\
Chapter 1: Arrival

“Hello,” said Anna.

“Hi,” Ben said.

Chapter 2: Departure

“Goodbye,” said Ben.

Anna looked at the door. “Already?”
"""

ESTIMATE = re.compile(r"speakers: (\d+) quotes, (\d+) with a name tag; with those tags hidden (\d+)/\2 come back right: "
                      r"estimated accuracy (\d+)%")


def records(name: str) -> list[dict]:
    """`narrate script NAME --format jsonl`, parsed."""
    result = run("script", name, "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def quotes(name: str) -> dict[str, dict]:
    """The dialogue records of NAME by line id."""
    return {record["id"]: record for record in records(name) if record["kind"] == "dialogue"}


def review_ids(output: str) -> list[str]:
    """The line ids `narrate script --review` lists, in order."""
    return re.findall(r"^line (\S+) · ", output, re.MULTILINE)


@pytest.fixture()
def ferry(project: Path) -> Path:
    """The project with input/ferry.txt (two scenes, a few doubtful lines) beside lantern."""
    shutil.copy(FIXTURES / "ferry.txt", project / "input" / "ferry.txt")
    return project / "input" / "ferry.txt"


@pytest.mark.parametrize("below", [None, "0.9"])
def test_review_lists_only_the_doubtful_quotes_with_their_ids(ferry: Path, below: str | None) -> None:
    threshold = float(below or 0.7)
    by_id = quotes("ferry")
    doubtful = sorted((line_id for line_id, record in by_id.items() if record["confidence"] < threshold),
                      key=lambda line_id: by_id[line_id]["confidence"])  # least sure first
    assert len(doubtful) < len(by_id) and (doubtful or not below)  # some tagged lines are sure; some are not
    result = run("script", "ferry", "--review", *(["--below", below] if below else []))
    assert result.returncode == 0, result.stderr
    assert review_ids(result.stdout) == doubtful
    for line_id in doubtful:
        record = by_id[line_id]
        guess = f"   {record['speaker']}? {record['confidence']:.0%} sure.  Fix: narrate fix ferry {line_id} SPEAKER"
        assert guess in result.stdout.splitlines()
    summary = f"{len(doubtful)} of {len(by_id)} quotes are doubtful (confidence below {threshold:g})"
    assert result.stdout.splitlines()[-1] == summary


def test_review_shows_the_paragraphs_around_a_doubtful_quote(ferry: Path) -> None:
    line_id = next(i for i, record in quotes("ferry").items() if record["text"] == "That isn’t an answer.")
    result = run("script", "ferry", "--review", "--below", "1")
    block = result.stdout.split(f"line {line_id} · ")[1].split("\n\n")[0].splitlines()
    assert block[0] == "scene 1 · “That isn’t an answer.”"
    assert block[1].startswith("   [Joren] Joren untied the line. “Across.”")
    assert block[2].startswith(" ▶ [") and block[2].endswith("] “That isn’t an answer.”")
    assert block[3].endswith("“It’s the only one I have.”")
    last = next(b for b in result.stdout.split("\n\n") if "· “Then I’ll take it.”" in b).splitlines()
    assert last[3] == "   (scene ends)"


def test_review_says_when_nothing_is_doubtful(project: Path) -> None:
    result = run("script", "lantern", "--review", "--below", "0.05")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "0 of 5 quotes are doubtful (confidence below 0.05): nothing to review\n"


def test_fix_then_script_shows_the_corrected_speaker_for_certain(ferry: Path) -> None:
    line_id, record = next((i, r) for i, r in quotes("ferry").items() if r["text"] == "That isn’t an answer.")
    other = "Joren" if record["speaker"] == "Mira" else "Mira"
    result = run("fix", "ferry", line_id, other.lower())
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (f"line {line_id} “That isn’t an answer.”: {record['speaker']} -> {other} "
                                             f"(saved in {Path('voices/the-ferry.speakers.toml')})")
    assert result.stderr == ""  # a known character (any case): no note about a new name
    fixed = quotes("ferry")[line_id]
    assert (fixed["speaker"], fixed["confidence"]) == (other, 1.0)
    assert f"  {other}: “That isn’t an answer.”  (1.00)  [{line_id}]" in run("script", "ferry").stdout
    assert line_id not in review_ids(run("script", "ferry", "--review", "--below", "1").stdout)
    saved = tomlkit.parse((ferry.parent.parent / "voices" / "the-ferry.speakers.toml").read_text(encoding="utf-8"))
    assert saved["lines"] == {line_id: other}


def test_fix_notes_a_speaker_the_text_never_names(ferry: Path) -> None:
    line_id = next(i for i, r in quotes("ferry").items() if r["text"] == "That isn’t an answer.")
    result = run("fix", "ferry", line_id, "the  ferryman")
    assert result.returncode == 0, result.stderr
    assert "-> the ferryman (saved in" in result.stdout
    assert result.stderr.startswith("note: the ferryman is new to this text (speakers so far: ")
    assert quotes("ferry")[line_id]["speaker"] == "the ferryman"


def test_correction_survives_edits_elsewhere_in_the_chapter(ferry: Path) -> None:
    line_id, record = next((i, r) for i, r in quotes("ferry").items() if r["text"] == "That isn’t an answer.")
    other = "Joren" if record["speaker"] == "Mira" else "Mira"
    assert run("fix", "ferry", line_id, other).returncode == 0
    text = ferry.read_text(encoding="utf-8")
    edited = text.replace("The river widened.", "The river widened, and fog came down over the water.")
    edited = edited.replace("Joren untied the line.", "Joren untied the\nline and pushed off.", 1)
    assert edited.count("widened, and fog") == 1 and "the\nline and pushed" in edited
    ferry.write_text(edited, encoding="utf-8")
    again = quotes("ferry")[line_id]
    assert (again["speaker"], again["confidence"]) == (other, 1.0)
    assert again["start"] > record["start"]  # the quote moved in the file; its id and correction did not


def test_fix_refuses_an_unknown_line_id_and_keeps_the_file(ferry: Path) -> None:
    line_id = next(iter(quotes("ferry")))
    assert run("fix", "ferry", line_id, "Mira").returncode == 0
    corrections = ferry.parent.parent / "voices" / "the-ferry.speakers.toml"
    before = corrections.read_bytes()
    assert_one_line_error(run("fix", "ferry", "0000000000", "Mira"),
                          str(Path("input/ferry.txt")), "'0000000000'", "narrate script ferry --review")
    assert_one_line_error(run("fix", "ferry", line_id, " "), "SPEAKER is empty")
    assert corrections.read_bytes() == before
    assert sorted(p.name for p in corrections.parent.iterdir()) == ["the-ferry.speakers.toml"]


@pytest.mark.parametrize(("text", "needle"), [
    ("[lines]\nabc = Mira\n", "invalid TOML"),
    ("[genders]\nMira = \"girl\"\n", "[genders] Mira = 'girl' (valid: male, female, unknown)"),
    ("[lines]\nabc = 1\n", "[lines] abc = 1"),
])
def test_a_broken_corrections_file_is_one_line_and_left_alone(ferry: Path, text: str, needle: str) -> None:
    corrections = ferry.parent.parent / "voices" / "the-ferry.speakers.toml"
    corrections.parent.mkdir()
    corrections.write_text(text, encoding="utf-8")
    for args in (("script", "ferry"), ("script", "ferry", "--review"), ("fix", "ferry", "abc", "Mira")):
        assert_one_line_error(run(*args), str(Path("voices/the-ferry.speakers.toml")), needle)
    assert corrections.read_text(encoding="utf-8") == text


def test_review_is_text_only(project: Path) -> None:
    assert_one_line_error(run("script", "lantern", "--review", "--format", "jsonl"), "--review", "jsonl")


def test_script_prints_every_chapter(project: Path) -> None:
    path = project / "input" / "two.txt"
    path.write_text(TWO_CHAPTERS, encoding="utf-8")
    found = records("two")
    assert [(r["chapter"], r["text"]) for r in found if r["kind"] == "dialogue"] == [
        (1, "Hello,"), (1, "Hi,"), (2, "Goodbye,"), (2, "Already?")]
    source = open(path, encoding="utf-8").read()
    assert all(source[r["start"]:r["end"]] == r["text"] for r in found)
    assert set(found[0]) == {"kind", "speaker", "text", "start", "end", "confidence", "scene", "id", "chapter"}
    ids = [r["id"] for r in found if r["kind"] == "dialogue"]
    assert all(ids) and len(set(ids)) == 4
    assert all(r["id"] == "" for r in found if r["kind"] == "narration")
    text = run("script", "two").stdout.splitlines()
    headings = [line for line in text if line.startswith("══")]
    assert headings == ["══ Chapter 1: Arrival ══", "══ Chapter 2: Departure ══"]
    hello = next(i for i, line in enumerate(text)
                 if line.startswith("  Anna: “Hello,”  (0.") and line.endswith(f"[{ids[0]}]"))
    assert text.index(headings[0]) < hello < text.index(headings[1])
    assert not any(line.startswith("══") for line in run("script", "lantern").stdout.splitlines())


def test_script_review_names_the_chapter_when_there_are_several(project: Path) -> None:
    (project / "input" / "two.txt").write_text(TWO_CHAPTERS, encoding="utf-8")
    result = run("script", "two", "--review", "--below", "1")
    assert result.returncode == 0, result.stderr
    blocks = {block.splitlines()[0].split(" · ", 1)[1]: block.splitlines() for block in result.stdout.split("\n\n")[:-1]}
    assert blocks["Chapter 1: Arrival, scene 1 · “Hello,”"][1] == "   (scene starts)"
    assert "Chapter 2: Departure, scene 1 · “Already?”" in blocks


def test_script_estimates_its_accuracy_on_stderr(ferry: Path) -> None:
    result = run("script", "ferry", "--format", "jsonl")
    assert result.returncode == 0
    assert all(json.loads(line) for line in result.stdout.splitlines())  # stdout stays clean jsonl
    found = ESTIMATE.fullmatch(result.stderr.strip())
    assert found, result.stderr
    quoted, tagged, recovered, percent = map(int, found.groups())
    assert quoted == len(quotes("ferry")) and 0 < tagged <= quoted and recovered <= tagged
    estimate = pipeline.speaker_estimate(pipeline.load_scripts("ferry", pipeline.Folders()), pipeline.Folders())
    assert (estimate.quotes, estimate.tagged, estimate.recovered) == (quoted, tagged, recovered)
    assert percent == round(estimate.accuracy * 100) or recovered < tagged and percent == 99
    assert run("script", "ferry", "--review").stderr == result.stderr


def test_render_ends_with_the_estimate(project: Path) -> None:
    result = run("lantern", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    work = Path("output/the-lantern-keeper")
    assert lines[:-1] == [f"wrote {path}" for path in (
        Path("output/lantern.mp3"), Path("output/lantern.m4b"), work / "lantern.chapters.json",
        work / "lantern.vtt", work / "lantern.srt", work / "feed.xml")]
    assert ESTIMATE.fullmatch(lines[-1]) and lines[-1].startswith("speakers: 5 quotes, ")
    assert run("lantern", "--jobs", "2", "--quiet").stdout == ""
