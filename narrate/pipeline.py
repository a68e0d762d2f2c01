"""The one place that knows the order of the stages."""

from __future__ import annotations

import shlex
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from narrate import ingest
from narrate.assemble import assemble
from narrate.attribute import attribute, estimate
from narrate.cast import cast
from narrate.corrections import load_corrections, record
from narrate.cover import make_cover
from narrate.errors import InputError
from narrate.export import export
from narrate.model import Cast, Corrections, Estimate, Line, Paragraph, Script, Segment, Work
from narrate.parse import parse, script_records
from narrate.synthesize import EngineHosts, Progress, default_cache_dir, synthesize


@dataclass(frozen=True)
class Folders:
    """Where narrate reads and writes."""

    input: Path = Path("input")
    """Chapters to narrate; a bare name like "chapter4" is looked up here."""
    voices: Path = Path("voices")
    """Cast files (<work-slug>.toml) and user Piper models."""
    output: Path = Path("output")
    """Finished audio."""
    cache: Path = field(default_factory=default_cache_dir)
    """Synthesized lines, by content hash."""


@dataclass(frozen=True)
class Context:
    """A paragraph shown with a doubtful quote."""

    paragraph: Paragraph
    """The paragraph."""
    speakers: tuple[str, ...]
    """Who narrate has speaking in it, in order (empty for narration only)."""


@dataclass(frozen=True)
class Doubt:
    """A quote whose speaker narrate is unsure of, with the paragraphs around it."""

    quote: Segment
    """The quote, with the speaker narrate guessed and its confidence."""
    chapter: int
    """1-based index of its chapter in the file."""
    heading: str
    """Its chapter's heading."""
    before: Context | None
    """The paragraph before it in the same scene (None at the start of a scene)."""
    here: Context
    """The paragraph it is in."""
    after: Context | None
    """The paragraph after it in the same scene (None at the end of a scene)."""


@dataclass(frozen=True)
class Fix:
    """A correction just recorded."""

    quote: Segment
    """The quote as narrate had attributed it before the correction."""
    speaker: str
    """Who the user says speaks it (a known character's name when it matched one)."""
    known: tuple[str, ...]
    """The characters narrate knows in this input (to spot a misspelt speaker)."""
    path: Path
    """The corrections file written."""
    moved: tuple[Segment, ...]
    """Other quotes whose speaker changes as a result (turn-taking follows the corrected line)."""


def load_scripts(name: str, folders: Folders) -> list[Script]:
    """Ingest, parse and attribute every chapter of the input called `name`, with the user's corrections."""
    work, corrections = _load(name, folders)
    return attribute(_parsed(work), corrections)


def speaker_estimate(name: str, folders: Folders) -> Estimate:
    """How accurate the speakers of `name` probably are: its tagged quotes re-attributed with their tags hidden."""
    work, corrections = _load(name, folders)
    return estimate(_parsed(work), corrections)


def records(scripts: Sequence[Script]) -> list[dict]:
    """The `narrate script --format jsonl` records of every chapter in reading order, each with its "chapter"."""
    return [{**fields, "chapter": number}
            for number, script in enumerate(scripts, 1) for fields in script_records(script)]


def doubts(scripts: Sequence[Script], below: float) -> list[Doubt]:
    """The quotes attributed with confidence under `below`, in reading order, with their context."""
    return [
        _doubt(number, script, segment)
        for number, script in enumerate(scripts, 1)
        for segment in script.segments
        if segment.kind == "dialogue" and segment.confidence < below
    ]


def fix(name: str, folders: Folders, line_id: str, speaker: str) -> Fix:
    """Record that quote `line_id` of input `name` is spoken by `speaker` (in voices/<work-slug>.speakers.toml)."""
    given = " ".join(speaker.split())
    if not given:
        raise InputError(f"SPEAKER is empty: give the name of who says line {line_id}")
    work, corrections = _load(name, folders)
    before = attribute(_parsed(work), corrections)
    quote = _quote(before, line_id, name)
    known = _known(before)
    who = known.get(given.casefold(), given)
    saved = record(corrections, work.meta.title, line_id, who, quote.text)
    after = attribute(_parsed(work), saved)
    return Fix(quote, who, tuple(sorted(set(known.values()))), saved.path, _moved(before, after, line_id))


def _load(name: str, folders: Folders) -> tuple[Work, Corrections]:
    """The input called `name` and the user's speaker corrections for its work."""
    work = ingest.load(ingest.resolve(name, folders.input))
    return work, load_corrections(folders.voices, work)


def _parsed(work: Work) -> list[Script]:
    """Every chapter of `work` as narration and dialogue, no speakers yet."""
    return [parse(work, chapter) for chapter in work.chapters]


def _doubt(number: int, script: Script, quote: Segment) -> Doubt:
    """A doubtful quote with the paragraphs on either side of its own (within its scene)."""
    placed = [(scene.number, paragraph) for scene in script.chapter.scenes for paragraph in scene.paragraphs]
    around = [_context(script, placed, k) if 0 <= k < len(placed) and placed[k][0] == quote.scene else None
              for k in (quote.paragraph - 1, quote.paragraph + 1)]
    here = _context(script, placed, quote.paragraph)
    return Doubt(quote, number, script.chapter.heading, around[0], here, around[1])


def _context(script: Script, placed: list[tuple[int, Paragraph]], k: int) -> Context:
    """Paragraph `k` of the chapter with the speakers narrate gave its quotes."""
    names = dict.fromkeys(s.speaker for s in script.segments if s.paragraph == k and s.speaker)
    return Context(placed[k][1], tuple(names))


def _quote(scripts: Sequence[Script], line_id: str, name: str) -> Segment:
    """The quote whose line id is `line_id`, or a one-line error saying where ids are shown."""
    for script in scripts:
        for segment in script.segments:
            if segment.kind == "dialogue" and segment.id == line_id:
                return segment
    source, shown = scripts[0].work.source, shlex.quote(name)
    raise InputError(f"{source}: no quote has line id {line_id!r} (every line's id is in [brackets] in "
                     f"`narrate script {shown}`; the doubtful ones: `narrate script {shown} --review`)")


def _known(scripts: Sequence[Script]) -> dict[str, str]:
    """Every name and alias of the input's speaking characters, lower-cased -> the character's name."""
    known: dict[str, str] = {}
    for script in scripts:
        for character in script.characters:
            for alias in character.aliases:
                known.setdefault(alias.casefold(), character.name)
            known[character.name.casefold()] = character.name
    return known


def _moved(before: Sequence[Script], after: Sequence[Script], line_id: str) -> tuple[Segment, ...]:
    """The quotes other than `line_id` whose speaker differs between two attributions of the same text."""
    old = (segment for script in before for segment in script.segments)
    new = (segment for script in after for segment in script.segments)
    return tuple(b for a, b in zip(old, new) if b.kind == "dialogue" and b.id != line_id and b.speaker != a.speaker)


def load_cast(script: Script, folders: Folders, hosts: EngineHosts) -> Cast:
    """The work's cast file, with any newcomers added."""
    return cast(script, folders.voices, hosts.catalog())


def opening(script: Script) -> list[Line]:
    """What the narrator says first: title, chapter and author."""
    meta, chapter = script.work.meta, script.chapter
    words = [f"{meta.title}.", f"{chapter.heading}."]
    if meta.author:
        words.append(f"By {meta.author}.")
    return [Line(" ".join(words), None, 0, -1)]


def lines(script: Script) -> list[Line]:
    """Everything to speak, in order: the opening, then every segment."""
    body = [Line(segment.text, segment.speaker, segment.scene, segment.paragraph)
            for segment in script.segments]
    return opening(script) + body


def render(name: str, folders: Folders, *, jobs: int | None = None,
           progress: Progress | None = None) -> list[Path]:
    """Narrate chapter `name` into output/<name>.mp3 and .m4b; returns the files written."""
    script = load_scripts(name, folders)[0]
    with EngineHosts(jobs) as hosts:
        voices = load_cast(script, folders, hosts)
        clips = synthesize(lines(script), voices, hosts, folders.cache, progress)
    folders.output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folders.output, prefix=".narrate-") as scratch:
        master = assemble(clips, script.chapter, Path(scratch) / "master.wav")
        cover = make_cover(script.work.meta, script.chapter)
        return export(master, script.work, script.chapter, folders.output, script.work.name, cover)
