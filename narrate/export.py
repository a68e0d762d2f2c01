"""Encode the master as MP3 (ID3v2.3 with CHAP/CTOC) and M4B (QuickTime + Nero chapters), tagged.

The master's samples are streamed once into one ffmpeg process that runs both
encoders side by side. Both files are staged under hidden temporary names in the
output folder; the caller puts them in place (with the chapter's other files)
once everything is complete, so a failure leaves earlier outputs as they were.
"""

from __future__ import annotations

import dataclasses
import io
import math
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from narrate import ffmpeg
from narrate.assemble import samples
from narrate.errors import AudioError
from narrate.files import Staging, scratch
from narrate.model import Chapter, Mark, Master, Work

if TYPE_CHECKING:
    from mutagen.id3 import Frame

MP3_BITRATE = "96k"
"""Constant bit rate of the MP3 (mono speech)."""

MP3_RATE = 44100
"""Sample rate of the MP3, Hz: MPEG-1 Layer III. At the master's 22050 Hz (MPEG-2) LAME's coding error
is larger and lifts true peaks past -1 dBTP (-0.4 against -1.8 here, on the sample chapter)."""

MP3_QUALITY = 7
"""LAME's quality setting (0 best .. 9 fastest): 7 skips noise shaping, which at this bit rate leaves the
waveform error as it was (SNR 25.8 dB against 25.5 at LAME's default 3, sample chapter) in 55% of the time."""

MP3_GAIN = 0.45
"""dB added when encoding MP3: libmp3lame's CBR output measures this much quieter than
its input (EBU R128, on a 1 kHz tone and on speech, at 32-128 kbps)."""

AAC_BITRATE = "64k"
"""Bit rate of the M4B's AAC audio (mono speech)."""

GENRE = "Audiobook"
"""Genre tag of every output."""

MAX_CHAPTERS = 255
"""Most chapters a single ID3 CTOC or a Nero chpl atom can list."""

ID3_HEADER = 10
"""Bytes in an ID3v2 tag header."""

ID3_PADDING = 1024
"""Zero bytes left after the ID3 frames, so tag editors can grow the tag in place."""

ITUNES_DESC_CHARS = 255
"""iTunes shows at most this much of the short MP4 description (`desc`)."""


@dataclass(frozen=True)
class Tags:
    """What both files are tagged with, gathered from the work and chapter."""

    title: str
    """The chapter heading, e.g. "Chapter 4: The River"."""
    album: str
    """The work title."""
    author: str
    """The author."""
    track: int | None
    """Chapter number, when the heading has one."""
    summary: str
    """The work summary."""
    extras: dict[str, str]
    """Fandom, rating, category, notes, source URL (only those present), by tag name."""
    cover: bytes
    """Cover image, JPEG or PNG."""
    marks: tuple[Mark, ...]
    """Chapter marks of the audio."""


def export(master: Master, work: Work, chapter: Chapter, out_dir: Path, name: str, cover: bytes,
           staging: Staging) -> list[Path]:
    """Stage `out_dir/<name>.mp3` and `out_dir/<name>.m4b`, tagged and with chapters; return their paths."""
    count = len(master.marks)
    if count > MAX_CHAPTERS:
        raise AudioError(f"{chapter.heading} has {count} chapter marks; MP3 and M4B allow at most {MAX_CHAPTERS}")
    _image_format(cover)
    tags = _tags(master, work, chapter, cover)
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = output_files(out_dir, name)
    mp3, m4b = map(staging.path, targets)
    with scratch(targets[0], ".audio.mp3") as audio:
        _encode(master, audio, m4b)
        _write_mp3(audio, mp3, tags)
    _tag_m4b(m4b, tags)
    _check_m4b_chapters(m4b, len(tags.marks))
    return targets


def output_files(out_dir: Path, name: str) -> list[Path]:
    """The MP3 and the M4B that export writes for the input called `name`."""
    return [out_dir / f"{name}.mp3", out_dir / f"{name}.m4b"]


def _tags(master: Master, work: Work, chapter: Chapter, cover: bytes) -> Tags:
    """The tag values for this chapter of `work`."""
    meta = work.meta
    named = {
        "Fandom": meta.fandom,
        "Rating": meta.rating,
        "Category": meta.category,
        "Notes": meta.notes,
        "Source": meta.source_url,
    }
    extras = {key: value for key, value in named.items() if value}
    return Tags(chapter.heading, meta.title, meta.author, chapter.number, meta.summary, extras, cover, master.marks)


def _image_format(cover: bytes) -> str:
    """"jpeg" or "png" from the image's signature; AudioError for anything else."""
    if cover.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if cover.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    raise AudioError(f"cover image is neither JPEG nor PNG (starts with {cover[:8]!r}); give a .jpg or .png")


def _encode(master: Master, mp3: Path, m4b: Path) -> None:
    """Encode the master at once to a CBR mono MP3 without tags (they are written after) and to AAC in an
    MP4 audiobook container with both kinds of chapters."""
    with tempfile.TemporaryDirectory(prefix="narrate-") as folder:
        chapters = Path(folder) / "chapters.txt"
        chapters.write_text(_ffmetadata(master.marks), encoding="utf-8")
        inputs: list[str | Path] = ["-y", *ffmpeg.pcm_input(master.rate), "-f", "ffmetadata", "-i", chapters]
        to_mp3: list[str | Path] = ["-map", "0:a:0", "-map_metadata", "-1", "-map_chapters", "-1",
                                    "-af", f"volume={MP3_GAIN}dB", "-ar", str(MP3_RATE), "-c:a", "libmp3lame",
                                    "-b:a", MP3_BITRATE, "-compression_level", str(MP3_QUALITY),
                                    "-id3v2_version", "0", "-write_id3v1", "0", "-f", "mp3", mp3]
        to_m4b: list[str | Path] = ["-map", "0:a:0", "-map_chapters", "1",
                                    "-c:a", "aac", "-aac_coder", "fast", "-b:a", AAC_BITRATE,
                                    "-movflags", "+faststart", "-brand", "M4B ", "-f", "ipod", m4b]
        ffmpeg.run([*inputs, *to_mp3, *to_m4b], f"encode {mp3.name} and {m4b.name}", samples(master))


def _ffmetadata(marks: Sequence[Mark]) -> str:
    """An ffmetadata file with one [CHAPTER] per mark, in milliseconds."""
    sections = [
        f"[CHAPTER]\nTIMEBASE=1/1000\nSTART={_ms(mark.start)}\nEND={_ms(mark.end)}\ntitle={_escape(mark.title)}\n"
        for mark in marks
    ]
    return ";FFMETADATA1\n" + "".join(sections)


def _escape(value: str) -> str:
    """`value` with the characters ffmetadata treats specially backslash-escaped."""
    for char in "\\=;#\n":
        value = value.replace(char, "\\" + char)
    return value


def _ms(seconds: float) -> int:
    """Seconds as whole milliseconds."""
    return round(seconds * 1000)


def _write_mp3(audio: Path, mp3: Path, tags: Tags) -> None:
    """Write `mp3`: an ID3v2.3 tag (frames in reading order) followed by the encoded `audio`."""
    tags = _marks_to_end(tags, mp3_length(audio))
    with mp3.open("wb") as out, audio.open("rb") as encoded:
        out.write(_id3_tag([*_id3_text_frames(tags), *_id3_chapter_frames(tags), _id3_cover(tags)]))
        shutil.copyfileobj(encoded, out)


def mp3_length(path: Path) -> float:
    """Duration of an encoded MP3 as players report it (encoder delay and padding included)."""
    from mutagen import MutagenError
    from mutagen.mp3 import MP3

    try:
        return MP3(path).info.length
    except MutagenError as exc:
        raise AudioError(f"could not read back the encoded MP3 {path}: {exc}") from exc


def _marks_to_end(tags: Tags, length: float) -> Tags:
    """`tags` with the last chapter stretched to `length` seconds, so the chapters cover the whole file."""
    if not tags.marks or tags.marks[-1].end >= length:
        return tags
    last = dataclasses.replace(tags.marks[-1], end=math.ceil(length * 1000) / 1000)
    return dataclasses.replace(tags, marks=(*tags.marks[:-1], last))


def _id3_tag(frames: Sequence[Frame]) -> bytes:
    """An ID3v2.3 tag holding `frames` in the given order (mutagen's own save sorts them by size,
    which would shuffle the CHAP frames that ffmpeg-based players list in file order)."""
    from mutagen.id3 import ID3

    body = bytearray()
    for frame in frames:
        single = ID3()
        single.add(frame)
        buffer = io.BytesIO()
        single.save(buffer, v2_version=3, padding=lambda info: 0)
        body += buffer.getvalue()[ID3_HEADER:]
    size = len(body) + ID3_PADDING
    syncsafe = bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return b"ID3\x03\x00\x00" + syncsafe + bytes(body) + bytes(ID3_PADDING)


def _id3_text_frames(tags: Tags) -> list[Frame]:
    """ID3 frames for the titles, people, genre, track, summary and extras."""
    from mutagen.id3 import COMM, TALB, TCON, TIT2, TPE1, TPE2, TRCK, TXXX, WOAS

    frames = [TIT2(encoding=3, text=[tags.title]), TALB(encoding=3, text=[tags.album])]
    if tags.author:
        frames += [TPE1(encoding=3, text=[tags.author]), TPE2(encoding=3, text=[tags.author])]
    if tags.track is not None:
        frames.append(TRCK(encoding=3, text=[str(tags.track)]))
    frames.append(TCON(encoding=3, text=[GENRE]))
    if tags.summary:
        frames.append(COMM(encoding=3, lang="eng", desc="", text=[tags.summary]))
    for key, value in tags.extras.items():
        frames.append(WOAS(url=value) if key == "Source" else TXXX(encoding=3, desc=key, text=[value]))
    return frames


def _id3_cover(tags: Tags) -> Frame:
    """The APIC front-cover frame."""
    from mutagen.id3 import APIC, PictureType

    mime = f"image/{_image_format(tags.cover)}"
    return APIC(encoding=3, mime=mime, type=PictureType.COVER_FRONT, desc="Cover", data=tags.cover)


def _id3_chapter_frames(tags: Tags) -> list[Frame]:
    """The top-level ordered CTOC, then one CHAP per mark ("chp0", "chp1", ...)."""
    from mutagen.id3 import CHAP, CTOC, TIT2, CTOCFlags

    ids = [f"chp{index}" for index in range(len(tags.marks))]
    chapters = [
        CHAP(
            element_id=element_id,
            start_time=_ms(mark.start),
            end_time=_ms(mark.end),
            start_offset=0xFFFFFFFF,
            end_offset=0xFFFFFFFF,
            sub_frames=[TIT2(encoding=3, text=[mark.title])],
        )
        for element_id, mark in zip(ids, tags.marks, strict=True)
    ]
    flags = CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    toc = CTOC(element_id="toc", flags=flags, child_element_ids=ids, sub_frames=[TIT2(encoding=3, text=[tags.title])])
    return [toc, *chapters]


def _tag_m4b(path: Path, tags: Tags) -> None:
    """Write the iTunes-style MP4 tags (audiobook media kind, cover, freeform extras)."""
    from mutagen import MutagenError
    from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm

    cover_format = MP4Cover.FORMAT_JPEG if _image_format(tags.cover) == "jpeg" else MP4Cover.FORMAT_PNG
    values: dict[str, list] = {
        "©nam": [tags.title],
        "©alb": [tags.album],
        "©gen": [GENRE],
        "stik": [2],
        "covr": [MP4Cover(tags.cover, imageformat=cover_format)],
    }
    if tags.author:
        values |= {"©ART": [tags.author], "aART": [tags.author]}
    if tags.track is not None:
        values["trkn"] = [(tags.track, 0)]
    if tags.summary:
        values |= {"desc": [tags.summary[:ITUNES_DESC_CHARS]], "ldes": [tags.summary]}
    for key, value in tags.extras.items():
        values[f"----:com.apple.iTunes:{key}"] = [MP4FreeForm(value.encode("utf-8"))]
    try:
        mp4 = MP4(path)
        if mp4.tags is None:
            mp4.add_tags()
        mp4.tags.update(values)
        mp4.save()
    except MutagenError as exc:
        raise AudioError(f"could not write MP4 tags to {path}: {exc}") from exc


def _check_m4b_chapters(path: Path, count: int) -> None:
    """Make sure the tagged M4B still has all its Nero (`chpl`) chapters and its QuickTime chapter track."""
    from mutagen.mp4 import MP4

    chapters = MP4(path).chapters
    nero = len(chapters) if chapters is not None else 0
    if nero != count or not _has_chapter_track(path):
        raise AudioError(f"{path} lost its chapters while tagging ({nero} of {count} Nero chapters kept)")


def _has_chapter_track(path: Path) -> bool:
    """Whether a track of the MP4 at `path` points at a QuickTime chapter track (tref/chap)."""
    from mutagen.mp4 import Atoms

    with path.open("rb") as file:
        for trak in Atoms(file).path(b"moov")[-1].findall(b"trak"):
            for tref in trak.findall(b"tref"):
                ok, data = tref.read(file)
                if ok and data[4:8] == b"chap":
                    return True
    return False
