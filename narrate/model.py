"""The data passed between pipeline stages: plain frozen dataclasses.

ingest -> Work; parse -> Script; attribute -> Script (speakers filled in) and
Characters; cast -> Cast; synthesize -> Clips; assemble -> Master; export ->
output files; publish -> Show (the work's podcast feed).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Kind = Literal["narration", "dialogue"]
Gender = Literal["male", "female", "unknown"]

NARRATOR = "Narrator"
"""The cast name of the voice that reads everything that is not dialogue."""


@dataclass(frozen=True)
class Metadata:
    """What the work says about itself: its page header, AO3 preface or EPUB package."""

    title: str
    """Work title."""
    author: str = ""
    """Author (pseudonym) as shown on the page; several are joined with ", "."""
    fandom: str = ""
    """Fandom(s), comma separated as on the page."""
    category: str = ""
    """AO3 category, e.g. "M/M", "Gen"."""
    rating: str = ""
    """AO3 rating spelled out, e.g. "General Audiences", "Explicit"."""
    summary: str = ""
    """The work summary."""
    notes: str = ""
    """Author's notes."""
    language: str = "en"
    """BCP 47 language code."""
    source_url: str = ""
    """Where the text came from, when known."""
    warnings: tuple[str, ...] = ()
    """AO3 archive warnings."""
    relationships: tuple[str, ...] = ()
    """AO3 relationship tags."""
    characters: tuple[str, ...] = ()
    """Character names the work declares (AO3 Character tags, without their parenthesised fandom)."""
    tags: tuple[str, ...] = ()
    """AO3 additional tags, or an EPUB's subjects."""
    series: str = ""
    """The series the work belongs to."""
    series_part: int | None = None
    """The work's place in `series`."""
    published: str = ""
    """Publication date, ISO 8601 ("2021-03-14")."""
    end_notes: str = ""
    """The author's notes at the end of the work."""

    @property
    def authors(self) -> tuple[str, ...]:
        """Each author on their own."""
        return tuple(name.strip() for name in self.author.split(",") if name.strip())

    @property
    def keywords(self) -> tuple[str, ...]:
        """Fandoms, relationships, characters and tags: what a listener would search the work by."""
        fandoms = tuple(name.strip() for name in self.fandom.split(",") if name.strip())
        return tuple(dict.fromkeys(fandoms + self.relationships + self.characters + self.tags))

    @classmethod
    def from_record(cls, record: dict) -> Metadata:
        """The Metadata that `dataclasses.asdict` (through JSON) recorded; lists become tuples again."""
        fields: dict[str, Any] = {key: tuple(value) if isinstance(value, list) else value
                                  for key, value in record.items()}
        return cls(**fields)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of body text."""

    text: str
    """The paragraph exactly as in the source."""
    start: int
    """Offset of the first character in the source text."""
    end: int
    """Offset one past the last character in the source text."""


@dataclass(frozen=True)
class Scene:
    """A run of paragraphs between scene breaks."""

    number: int
    """1-based scene number within the chapter."""
    paragraphs: tuple[Paragraph, ...]
    """The scene's paragraphs in order."""


@dataclass(frozen=True)
class Chapter:
    """One chapter of a work."""

    number: int | None
    """Chapter number from the heading, if any."""
    title: str
    """Chapter title from the heading ("" when the heading is only a number)."""
    scenes: tuple[Scene, ...]
    """Scenes in reading order."""
    summary: str = ""
    """The chapter's own summary (AO3 "Chapter Summary")."""
    notes: str = ""
    """The author's notes before the chapter."""
    end_notes: str = ""
    """The author's notes after the chapter."""

    @property
    def heading(self) -> str:
        """What the chapter is called aloud and in tags: "Chapter 4: Title", or its title alone."""
        name = f"Chapter {self.number}" if self.number is not None else ""
        return ": ".join(part for part in (name, self.title) if part) or "Chapter"


@dataclass(frozen=True)
class Work:
    """An ingested source file: metadata plus body structure."""

    source: Path
    """The file it was read from."""
    text: str
    """The decoded text; every offset in the pipeline points into it."""
    meta: Metadata
    """Header metadata."""
    chapters: tuple[Chapter, ...]
    """Chapters in order (a copied chapter page holds one)."""

    @property
    def slug(self) -> str:
        """File-name-safe identifier of the work, from its title."""
        return slugify(self.meta.title) or slugify(self.source.stem) or "work"

    @property
    def name(self) -> str:
        """The name the user calls this input by (file stem), e.g. "chapter4"."""
        return self.source.stem


@dataclass(frozen=True)
class Segment:
    """A span of narration or one quotation of dialogue."""

    kind: Kind
    """"narration" or "dialogue"."""
    text: str
    """What is spoken (for dialogue, without the quotation marks)."""
    start: int
    """Offset of `text` in Work.text."""
    end: int
    """Offset one past the end of `text` in Work.text."""
    scene: int
    """1-based scene number."""
    paragraph: int
    """0-based paragraph index within the chapter (counting across scenes)."""
    speaker: str | None = None
    """Character name for dialogue; None for narration."""
    confidence: float = 1.0
    """How sure the attribution is, 0..1 (1 for narration)."""
    id: str = ""
    """Stable line id of a quote ("" for narration): survives edits elsewhere in the chapter."""
    runs_on: bool = False
    """True for a quote still open at the end of its paragraph (the speech goes on in the next)."""
    message: bool = False
    """True for a text message (a thread's line, or a text quoted in the narration): written, not said aloud."""
    sender: str | None = None
    """For a message of a text thread ("**Bea:** omg"): the sender its line names."""


@dataclass(frozen=True)
class Character:
    """A speaking character discovered from the text."""

    name: str
    """Canonical name, as the text uses it."""
    gender: Gender = "unknown"
    """Gender inferred from pronouns and forms of address."""
    aliases: tuple[str, ...] = ()
    """Other names the text uses for this character."""
    lines: int = 0
    """Number of dialogue segments attributed to the character."""
    gender_confidence: float = 0.0
    """How sure `gender` is, 0..1 (1 when the user set it)."""


@dataclass(frozen=True)
class Script:
    """A chapter as a sequence of segments, ready to cast."""

    work: Work
    """The work the segments point into."""
    chapter: Chapter
    """The chapter the segments come from."""
    segments: tuple[Segment, ...]
    """Narration and dialogue in reading order."""
    characters: tuple[Character, ...] = ()
    """Speaking characters, most lines first (filled in by attribute)."""

    @property
    def name(self) -> str:
        """What the chapter's outputs are called: the input's name ("chapter4"), followed by the chapter's
        place in it ("book-02") when the input holds several chapters."""
        chapters = self.work.chapters
        if len(chapters) == 1:
            return self.work.name
        return f"{self.work.name}-{chapters.index(self.chapter) + 1:0{len(str(len(chapters)))}d}"


@dataclass(frozen=True)
class Corrections:
    """What the user has told narrate about speakers (voices/<work-slug>.speakers.toml)."""

    path: Path
    """The corrections file (it may not exist yet)."""
    lines: dict[str, str] = field(default_factory=dict)
    """Line id -> the speaker who really says it."""
    genders: dict[str, Gender] = field(default_factory=dict)
    """Character name -> gender, overriding what the text suggests."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Another name of a character -> the character's name ("Bex" -> "Rebecca")."""


@dataclass(frozen=True)
class Estimate:
    """How accurate attribution probably is, measured by hiding the speech tags narrate found."""

    quotes: int
    """Dialogue segments in the text."""
    tagged: int
    """Quotes with a speech tag naming their speaker, re-attributed with the tag hidden."""
    recovered: int
    """Of those, how many were given the tagged speaker again."""
    expected_right: float
    """Quotes expected right: the mean of each counted at how often its deciding rule recovered hidden tags and
    each counted at its own confidence."""

    @property
    def untagged_accuracy(self) -> float:
        """Share of tagged quotes recovered without their tags."""
        return self.recovered / self.tagged if self.tagged else 0.0

    @property
    def accuracy(self) -> float:
        """Estimated share of all quotes with the right speaker."""
        return self.expected_right / self.quotes if self.quotes else 1.0


@dataclass(frozen=True)
class Voice:
    """How one cast member sounds."""

    engine: str
    """Engine name: "espeak", "piper" or "system"."""
    voice: str
    """Engine-specific voice id (see `narrate voices`)."""
    rate: float = 1.0
    """Speaking speed multiplier, 1.0 = the voice's normal pace."""
    pitch: float = 0.0
    """Pitch shift in semitones, 0 = the voice's own pitch."""


@dataclass(frozen=True)
class Cast:
    """Who sounds like what, as loaded from voices/<work-slug>.toml."""

    path: Path
    """The cast file."""
    narrator: Voice
    """The narrator's voice."""
    characters: dict[str, Voice] = field(default_factory=dict)
    """Character name -> voice."""

    def voice_for(self, speaker: str | None) -> Voice:
        """The voice that reads a segment by `speaker` (None: the narrator)."""
        if speaker is None:
            return self.narrator
        return self.characters.get(speaker, self.narrator)


@dataclass(frozen=True)
class Audio:
    """Mono 16-bit PCM at the engine's sample rate."""

    pcm: bytes
    """Little-endian signed 16-bit samples."""
    sample_rate: int
    """Samples per second."""

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.pcm) / 2 / self.sample_rate


@dataclass(frozen=True)
class Line:
    """One thing to speak: a segment, or part of the spoken opening."""

    text: str
    """The words to synthesize."""
    speaker: str | None
    """Cast name (None: the narrator)."""
    scene: int
    """1-based scene number (0 for the opening)."""
    paragraph: int
    """Paragraph index, for pause placement (-1 for the opening)."""
    said: str = ""
    """What the engine is given when it is not `text`: `text` with the lexicon's words marked with how they are
    said (see narrate.lexicon)."""

    @property
    def speech(self) -> str:
        """What the engine speaks: `said`, else `text`."""
        return self.said or self.text


@dataclass(frozen=True)
class Clip:
    """A synthesized line."""

    line: Line
    """What was spoken."""
    path: Path
    """WAV file holding the audio (in the cache)."""
    duration: float
    """Length in seconds."""


@dataclass(frozen=True)
class Mark:
    """A chapter mark in the assembled audio."""

    title: str
    """Shown in players' chapter lists."""
    start: float
    """Start, seconds."""
    end: float
    """End, seconds."""


@dataclass(frozen=True)
class Cue:
    """A timed line of transcript."""

    start: float
    """Start, seconds."""
    end: float
    """End, seconds."""
    speaker: str
    """Who speaks (the narrator's cast name for narration)."""
    text: str
    """What is said."""


@dataclass(frozen=True)
class Stretch:
    """One line with the room tone around it, from the middle of the pause before to the middle of the
    pause after, padded to whole codec frames: the piece encoded audio is cached and spliced by."""

    lead: int
    """Samples of room tone before the line (the whole head for the first line)."""
    line: Path | bytes
    """The levelled line: its file in the cache, or its samples (mono 16-bit little-endian PCM)."""
    size: int
    """Samples in the line."""
    pause: int
    """Samples of room tone the layout puts after the line (the whole tail for the last line)."""
    trail: int
    """Samples of room tone after the line: `pause` and the padding up to whole frames."""

    @property
    def length(self) -> int:
        """Samples in the whole stretch."""
        return self.lead + self.size + self.trail


@dataclass(frozen=True)
class Master:
    """The assembled chapter audio, before encoding: the stretches to play in order, never joined in memory."""

    stretches: tuple[Stretch, ...]
    """Every line with its room tone, in order."""
    rate: int
    """Sample rate, Hz."""
    grid: int
    """Every stretch is a whole number of frames of this many samples."""
    room_tone: float
    """RMS of the room tone, dBFS."""
    duration: float
    """Length in seconds."""
    marks: tuple[Mark, ...]
    """One per scene, contiguous, covering the whole file."""
    cues: tuple[Cue, ...]
    """Transcript cues timed from the audio."""


@dataclass(frozen=True)
class Episode:
    """A rendered chapter as one episode of its work's podcast."""

    name: str
    """The input's name ("chapter4"): the audio is output/<name>.mp3."""
    title: str
    """The chapter heading."""
    number: int | None
    """Chapter number from the heading, if any."""
    duration: float
    """Length of the MP3 as players report it, seconds."""
    published: str
    """When the chapter was first rendered, ISO 8601 in UTC; later renders keep it."""
    narrator: str
    """The narrator's voice, e.g. "en_US-joe-medium (piper)"."""
    audio_key: str = ""
    """Digest of everything the audio was made from: a render with the same key would change nothing."""
    summary: str = ""
    """The chapter's own summary, if it has one."""
    notes: str = ""
    """The chapter's notes (before and after its text), if it has any."""


@dataclass(frozen=True)
class Show:
    """A work as a podcast: its metadata and every chapter rendered so far."""

    slug: str
    """The work's slug: the feed is output/<slug>/feed.xml."""
    meta: Metadata
    """The work's metadata."""
    episodes: tuple[Episode, ...]
    """Episodes in listening order."""


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: "What We Chose" -> "what-we-chose"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
