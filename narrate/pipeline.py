"""The one place that knows the order of the stages."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from narrate import ingest
from narrate.assemble import AssembleSettings, Sounds, assemble, level_clip
from narrate.attribute import attribute, estimate
from narrate.cast import cast, load_sounds
from narrate.corrections import load_corrections
from narrate.cover import make_cover
from narrate.export import export
from narrate.files import Staging, default_cache_dir, make_folder, remove_stale
from narrate.lexicon import Lexicon, load_lexicon, pronounce, suggest_words
from narrate.model import Cast, Clip, Corrections, Estimate, Line, Metadata, Script, Work
from narrate.parse import parse, script_records
from narrate.publish import DEFAULT_BASE_URL, publish, republish, up_to_date
from narrate.synthesize import EngineHosts, Progress, synthesize_chapters


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


def load_scripts(name: str, folders: Folders) -> list[Script]:
    """Ingest, parse and attribute every chapter of the input called `name`, with the user's corrections."""
    work, corrections = load_input(name, folders)
    return attribute(parsed(work), corrections)


def speaker_estimate(scripts: Sequence[Script], folders: Folders) -> Estimate:
    """How accurate the speakers of `scripts` probably are: their tagged quotes re-attributed with their tags hidden."""
    return estimate(scripts, load_corrections(folders.voices, scripts[0].work))


def records(scripts: Sequence[Script]) -> list[dict]:
    """The `narrate script --format jsonl` records of every chapter in reading order, each with its "chapter"."""
    return [{**fields, "chapter": number}
            for number, script in enumerate(scripts, 1) for fields in script_records(script)]


def load_input(name: str, folders: Folders) -> tuple[Work, Corrections]:
    """The input called `name` and the user's speaker corrections for its work."""
    work = ingest.load(ingest.resolve(name, folders.input))
    return work, load_corrections(folders.voices, work)


def parsed(work: Work) -> list[Script]:
    """Every chapter of `work` as narration and dialogue, no speakers yet."""
    return [parse(work, chapter) for chapter in work.chapters]


def load_cast(scripts: Sequence[Script], folders: Folders, hosts: EngineHosts) -> Cast:
    """The work's cast file, with the newcomers of every chapter in `scripts` added."""
    return cast(scripts, folders.voices, hosts.catalog())


def load_work_lexicon(scripts: Sequence[Script], folders: Folders) -> Lexicon:
    """How the work's words are said: its lexicon, first written (or extended) with the names narrate found."""
    suggest_words(scripts, folders.voices)
    return load_lexicon(folders.voices, scripts[0].work)


def opening(script: Script, notes: bool = False) -> list[Line]:
    """What the narrator says first: title, series (before the first chapter), chapter (unless it is the title)
    and authors; with `notes`, then (before the first chapter) the work's fandom, rating, warnings and
    relationships, its summary and notes, and the chapter's summary and notes."""
    meta, chapter = script.work.meta, script.chapter
    first = script.work.chapters.index(chapter) == 0
    words = [f"{meta.title}."]
    if first and meta.series:
        words.append(f"Part {meta.series_part} of {meta.series}." if meta.series_part else f"{meta.series}.")
    if chapter.heading != meta.title:
        words.append(f"{chapter.heading}.")
    if meta.authors:
        words.append(f"By {spoken_list(meta.authors)}.")
    said = [" ".join(words)]
    if notes and first:
        said += [_tagged(meta)] if _tagged(meta) else []
        said += _notes("Summary", meta.summary) + _notes("Notes", meta.notes)
    if notes:
        said += _notes("Chapter summary", chapter.summary) + _notes("Chapter notes", chapter.notes)
    return [Line(text, None, 0, -1 - place) for place, text in enumerate(said)]


def _tagged(meta: Metadata) -> str:
    """The work's fandom, rating, warnings and relationships as sentences, as a podfic's preface reads them."""
    tags = [("Fandom", meta.fandom), ("Rating", meta.rating), ("Archive warnings", ", ".join(meta.warnings)),
            ("Relationships", ", ".join(meta.relationships))]
    return " ".join(f"{label}: {value}." for label, value in tags if value)


def closing(script: Script) -> list[Line]:
    """The chapter's end notes (and, after the last chapter, the work's), read after its text as a scene of
    their own."""
    chapter, work = script.chapter, script.work
    last = work.chapters.index(chapter) == len(work.chapters) - 1
    said = _notes("Chapter end notes", chapter.end_notes) + _notes("End notes", work.meta.end_notes if last else "")
    scene = max((segment.scene for segment in script.segments), default=0) + 1
    return [Line(text, None, scene, -1 - place) for place, text in enumerate(said)]


def _notes(label: str, text: str) -> list[str]:
    """A labelled note read aloud: "Label." then its paragraphs (nothing when `text` is empty)."""
    paragraphs = [paragraph.strip() for paragraph in text.split("\n\n") if paragraph.strip()]
    return [f"{label}.", *paragraphs] if paragraphs else []


def spoken_list(names: Sequence[str]) -> str:
    """Names as said aloud: "A", "A and B", "A, B and C"; an AO3 pseud without its account ("Quill (quillwrites)"
    is Quill)."""
    said = [re.sub(r"\s*\([^()]*\)$", "", name) or name for name in names]
    return " and ".join([", ".join(said[:-1]), said[-1]] if len(said) > 1 else said)


def lines(script: Script, notes: bool = False) -> list[Line]:
    """Everything to speak, in order: the opening, every segment, and (with `notes`) the end notes."""
    body = [Line(segment.text, segment.speaker, segment.scene, segment.paragraph)
            for segment in script.segments]
    return opening(script, notes) + body + (closing(script) if notes else [])


def render(name: str, folders: Folders, *, jobs: int | None = None, progress: Progress | None = None,
           base_url: str = DEFAULT_BASE_URL, notes: bool = False) -> list[Path]:
    """Narrate every chapter of the input `name` into output/<chapter name>.mp3 and .m4b (see Script.name)
    and publish each to its work's feed (output/<work-slug>/feed.xml, files served from `base_url`);
    returns the files written. With `notes`, the summaries and author's notes are read aloud too.

    The lines go to the workers in reading order, chapter 1's first, then chapter 2's, and so on, one per
    core at a time; each is synthesized and levelled by the worker that spoke it. As soon as every line of a chapter is
    there, that chapter is assembled, encoded and published (its episode is in the feed), its audio
    streamed, while the workers go on speaking the later chapters' lines: chapter 1 is out long before
    the whole work is, every core stays busy, and memory does not grow with the number of chapters.
    Once every line is spoken the workers stop, before the last chapter is assembled. A chapter made
    from nothing that has changed since its last render (see audio_key) is not encoded again: only its
    feed is rewritten.
    """
    scripts = load_scripts(name, folders)
    for folder in (folders.output, folders.output / scripts[0].work.slug):
        remove_stale(folder)  # left by a run that was killed
    written: list[Path] = []
    with EngineHosts(jobs) as hosts:
        voices = load_cast(scripts, folders, hosts)
        sounds = load_sounds(voices.path)  # decoded once for every chapter, before any line is spoken
        lexicon = load_work_lexicon(scripts, folders)
        make_folder(folders.output / scripts[0].work.slug)  # a file in the way is found before any line is spoken
        said = [pronounce(lines(script, notes), lexicon) for script in scripts]
        spoken = synthesize_chapters(said, voices, hosts, folders.cache, progress,
                                     after=level_clip)  # each line levelled by the worker that spoke it
        for script, clips in zip(scripts[:-1], itertools.islice(spoken, len(scripts) - 1), strict=True):
            written += _render_chapter(script, voices, clips, folders.output, base_url, sounds)
        last = next(spoken)
    return written + _render_chapter(scripts[-1], voices, last, folders.output, base_url, sounds)


def _render_chapter(script: Script, voices: Cast, clips: list[Clip], output: Path, base_url: str,
                    sounds: Sounds | None) -> list[Path]:
    """Assemble (with the user's `sounds`, if any), encode and publish one chapter from its clips, unless its
    outputs are up to date."""
    key = audio_key(script, clips, sounds)
    if up_to_date(script, output, key):
        return republish(script, output, base_url)
    master = assemble(clips, script.chapter, sounds=sounds)
    cover = make_cover(script.work.meta, script.chapter)
    with Staging() as staging:  # the audio, transcripts and feed go in place together, or not at all
        export(master, script.work, script.chapter, output, script.name, cover, staging)
        return publish(master, script, voices.narrator, output, base_url, key, staging)


def audio_key(script: Script, clips: list[Clip], sounds: Sounds | None = None) -> str:
    """Digest of what a render's outputs are made from: narrate's version, the assembly settings, the
    work's metadata, the chapter, each line's clip (named by its content hash) and place, and the user's
    sounds, if any (without them, the key is what it was before there were sounds)."""
    chapter = script.chapter
    made_of = {
        "narrate": version("narrate"),
        "settings": dataclasses.asdict(AssembleSettings()),
        "work": dataclasses.asdict(script.work.meta),
        "chapter": [chapter.number, chapter.title],
        "clips": [[clip.path.name, dataclasses.asdict(clip.line)] for clip in clips],
    }
    if sounds is not None:
        made_of["sounds"] = sounds.recipe()
    return hashlib.sha256(json.dumps(made_of, sort_keys=True).encode()).hexdigest()
