"""Encode the master as MP3 (ID3v2.3 with CHAP/CTOC) and M4B (QuickTime + Nero chapters), tagged.

Each stretch of the master (a line with the room tone around it, whole frames
long) is encoded into frames that the cache keeps beside its levelled line, one
file per stretch and codec. A render encodes only the stretches it has no
frames for: all of them at once when nothing is cached (the master streamed
through one MP3 and one AAC encoder side by side), else each run of missing
stretches with a little room tone before and after, so the encoders start and
end where the whole chapter would have them; frames are then spliced and muxed
without encoding again. The MP3 is written without a bit reservoir, so every
frame decodes on its own. Both files are staged under hidden temporary names in
the output folder; the caller puts them in place (with the chapter's other
files) once everything is complete, so a failure leaves earlier outputs as they
were.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import math
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from narrate import ffmpeg
from narrate.assemble import (
    MASTER_RATE,
    regrid,
    room_tone,
    stretch_key,
    stretch_samples,
)
from narrate.errors import AudioError
from narrate.files import Staging, scratch, write_atomic
from narrate.model import Chapter, Mark, Master, Stretch, Work

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

MP3_FRAME = 1152
"""Samples in an MPEG-1 Layer III frame."""

MP3_BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
"""MPEG-1 Layer III bit rates, kbps, by header index."""

MP3_DELAY = 576
"""Samples LAME's encoder puts before the audio; the Info frame tells players to skip them (and the
decoder's own 529)."""

INFO_OFFSET = 21
"""Where the Info tag starts in a mono MPEG-1 Layer III frame: after the 4-byte header and 17 bytes of side info."""

INFO_CRC_SPAN = 190
"""Bytes of the Info frame the LAME tag's CRC covers (as ffmpeg and LAME count them)."""

AAC_BITRATE = "64k"
"""Bit rate of the M4B's AAC audio (mono speech)."""

AAC_FRAME = 1024
"""Samples in an AAC-LC frame (the M4B's AAC is at the master's rate)."""

ROLL = 2
"""Frames of room tone encoded before and after a run of stretches encoded apart from its neighbours: the
encoders' windows and look-ahead then see what the whole chapter has there, and the frames are dropped."""

ENCODED_VERSION = 1
"""Bumped whenever the way stretches are encoded changes, so frames cached before are not reused."""

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
    published: str
    """Publication date, ISO 8601 ("" when unknown)."""
    extras: dict[str, str]
    """Fandom, rating, warnings, category, relationships, characters, additional tags, series, chapter summary,
    notes, source URL (only those present), by tag name."""
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
    mp3_master, m4b_master = regrid(master, MP3.grid), regrid(master, AAC.grid)
    tags = _tags(mp3_master, work, chapter, cover)
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = output_files(out_dir, name)
    mp3, m4b = map(staging.path, targets)

    def write_mp3() -> None:
        with scratch(targets[0], ".audio.mp3") as audio:
            _mux_mp3(encoded(mp3_master, MP3), mp3_master, audio)
            _write_mp3(audio, mp3, tags)

    _side_by_side(write_mp3, lambda: _mux_m4b(encoded(m4b_master, AAC), m4b_master.marks, m4b))
    _tag_m4b(m4b, tags)
    _check_m4b_chapters(m4b, len(tags.marks))
    return targets


def output_files(out_dir: Path, name: str) -> list[Path]:
    """The MP3 and the M4B that export writes for the input called `name`."""
    return [out_dir / f"{name}.mp3", out_dir / f"{name}.m4b"]


def _tags(master: Master, work: Work, chapter: Chapter, cover: bytes) -> Tags:
    """The tag values for this chapter of `work`."""
    meta = work.meta
    series = f"{meta.series}, part {meta.series_part}" if meta.series and meta.series_part else meta.series
    named = {
        "Fandom": meta.fandom,
        "Rating": meta.rating,
        "Archive Warnings": ", ".join(meta.warnings),
        "Category": meta.category,
        "Relationships": ", ".join(meta.relationships),
        "Characters": ", ".join(meta.characters),
        "Additional Tags": ", ".join(meta.tags),
        "Series": series,
        "Chapter Summary": chapter.summary,
        "Chapter Notes": "\n\n".join(note for note in (chapter.notes, chapter.end_notes) if note),
        "Notes": meta.notes,
        "Source": meta.source_url,
    }
    extras = {key: value for key, value in named.items() if value}
    return Tags(chapter.heading, meta.title, meta.author, chapter.number, meta.summary, meta.published, extras, cover,
                master.marks)


def _image_format(cover: bytes) -> str:
    """"jpeg" or "png" from the image's signature; AudioError for anything else."""
    if cover.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if cover.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    raise AudioError(f"cover image is neither JPEG nor PNG (starts with {cover[:8]!r}); give a .jpg or .png")


@dataclass(frozen=True)
class Codec:
    """How one output's audio is encoded, and how its raw stream divides into frames."""

    name: str
    """"mp3" or "aac": the suffix of its cached frames."""
    grid: int
    """Master samples per frame."""
    priming: int
    """Frames an encoder puts before the audio's first frame, dropped (the MP3's Info frame skips its delay instead)."""
    arguments: tuple[str, ...]
    """ffmpeg output arguments that encode the master's PCM into a raw stream of frames."""
    split: Callable[[bytes], list[bytes]]
    """The frames of a raw stream."""


def _mp3_frames(stream: bytes) -> list[bytes]:
    """The frames of a raw MPEG-1 Layer III stream."""
    frames, position = [], 0
    while position + 4 <= len(stream):
        header = int.from_bytes(stream[position : position + 4], "big")
        rate = MP3_BITRATES[(header >> 12) & 15] * 1000
        if header >> 21 != 0x7FF or not rate:
            raise AudioError(f"the MP3 encoder wrote no frame header at byte {position}")
        size = 144 * rate // MP3_RATE + ((header >> 9) & 1)
        frames.append(stream[position : position + size])
        position += size
    return frames


def _adts_frames(stream: bytes) -> list[bytes]:
    """The frames of an ADTS (raw AAC) stream."""
    frames, position = [], 0
    while position + 7 <= len(stream):
        if stream[position] != 0xFF or stream[position + 1] & 0xF0 != 0xF0:
            raise AudioError(f"the AAC encoder wrote no ADTS header at byte {position}")
        size = (stream[position + 3] & 3) << 11 | stream[position + 4] << 3 | stream[position + 5] >> 5
        frames.append(stream[position : position + size])
        position += size
    return frames


MP3 = Codec("mp3", MP3_FRAME * MASTER_RATE // MP3_RATE, 0, (
    "-af", f"volume={MP3_GAIN}dB", "-ar", str(MP3_RATE), "-c:a", "libmp3lame", "-b:a", MP3_BITRATE,
    "-compression_level", str(MP3_QUALITY), "-reservoir", "0", "-write_xing", "0", "-id3v2_version", "0",
    "-write_id3v1", "0", "-f", "mp3"), _mp3_frames)
"""The MP3: CBR, mono, without a bit reservoir (each frame decodes on its own, so frames can be spliced)."""

AAC = Codec("aac", AAC_FRAME, 1, ("-c:a", "aac", "-aac_coder", "fast", "-b:a", AAC_BITRATE, "-f", "adts"),
            _adts_frames)
"""The M4B's AAC-LC, mono, at the master's rate."""


def encoded(master: Master, codec: Codec) -> list[bytes]:
    """Each stretch's frames in `codec`: from the cache, else encoded now (and kept in the cache)."""
    paths = [_frames_path(stretch, master.room_tone, codec) for stretch in master.stretches]
    frames = [_cached(path) for path in paths]
    missing = [index for index, found in enumerate(frames) if found is None]
    if missing:
        for index, data in _encode(master, codec, _runs(missing)).items():
            frames[index] = data
            if (path := paths[index]) is not None:
                _keep(path, data)
    return [data or b"" for data in frames]


def _frames_path(stretch: Stretch, level: float, codec: Codec) -> Path | None:
    """Where the cache keeps `stretch`'s frames in `codec`, beside its levelled line (None: not cached)."""
    if isinstance(stretch.line, bytes):
        return None
    digest = hashlib.sha256(f"{_recipe(codec)} {stretch_key(stretch, level)}".encode()).hexdigest()[:16]
    return stretch.line.with_name(f"{stretch.line.stem}.{digest}.{codec.name}")


@functools.cache
def _recipe(codec: Codec) -> str:
    """Everything besides the stretch that shapes its frames in `codec`."""
    return f"{ENCODED_VERSION} {version('imageio-ffmpeg')} {ROLL} {' '.join(codec.arguments)}"


def _cached(path: Path | None) -> bytes | None:
    """The frames kept at `path`, if any."""
    try:
        return path.read_bytes() if path is not None else None
    except OSError:
        return None


def _keep(path: Path, data: bytes) -> None:
    """Keep `data` at `path` in the cache, unless the cache cannot be written."""
    try:
        write_atomic(path, data)
    except OSError:  # a read-only cache still renders, only more slowly next time
        pass


def _runs(indexes: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted `indexes` as runs of consecutive ones, [start, end) each."""
    runs: list[tuple[int, int]] = []
    for index in indexes:
        if runs and runs[-1][1] == index:
            runs[-1] = (runs[-1][0], index + 1)
        else:
            runs.append((index, index + 1))
    return runs


def _encode(master: Master, codec: Codec, runs: Sequence[tuple[int, int]]) -> dict[int, bytes]:
    """Encode the stretches of `runs` in one ffmpeg process and return each one's frames by index."""
    with tempfile.TemporaryDirectory(prefix="narrate-") as folder:
        stream = Path(folder) / f"stretches.{codec.name}"
        ffmpeg.run([*ffmpeg.pcm_input(master.rate), *codec.arguments, stream],
                   f"encode {len(runs)} runs of stretches as {codec.name}", _run_samples(master, codec, runs))
        packets = codec.split(stream.read_bytes())[codec.priming :]
    last, position, frames = len(master.stretches), 0, {}
    for start, end in runs:
        position += ROLL if start else 0
        for index in range(start, end):
            count = len(packets) - position if index == last - 1 else master.stretches[index].length // codec.grid
            frames[index] = b"".join(packets[position : position + count])
            position += count
        position += ROLL if end < last else 0
    if position > len(packets):
        raise AudioError(f"the {codec.name} encoder wrote {len(packets)} frames, fewer than the {position} laid out")
    return frames


def _run_samples(master: Master, codec: Codec, runs: Sequence[tuple[int, int]]) -> Iterator[bytes]:
    """The PCM of each run of stretches, with ROLL frames of room tone before and after it (not at the ends)."""
    roll = room_tone(ROLL * codec.grid, master.room_tone)
    for start, end in runs:
        if start:
            yield roll
        yield from stretch_samples(master.stretches[start:end], master.room_tone)
        if end < len(master.stretches):
            yield roll


def _side_by_side(first: Callable[[], None], second: Callable[[], None]) -> None:
    """Run `first` and `second` at once (each drives ffmpeg processes); an error in either is raised."""
    with ThreadPoolExecutor(1) as pool:
        later = pool.submit(second)
        first()
        later.result()


def _mux_mp3(frames: Sequence[bytes], master: Master, audio: Path) -> None:
    """Write the MP3 `frames` to `audio` behind an Info frame (frame count, size, encoder delay and padding,
    and the CRCs ffmpeg adds when it copies them in)."""
    data = b"".join(frames)
    # every stretch is whole frames but the last, which also holds what the encoder flushed at the end
    count = sum(stretch.length // MP3.grid for stretch in master.stretches[:-1]) + len(MP3.split(frames[-1]))
    padding = MP3_FRAME * count - MP3_DELAY - round(master.duration * MP3_RATE)
    with scratch(audio, ".spliced.mp3") as spliced:  # read from a file: from a pipe ffmpeg drops the padding
        spliced.write_bytes(_info_frame(data[:4], count, len(data), padding) + data)
        ffmpeg.run(["-f", "mp3", "-i", spliced, "-c:a", "copy", "-id3v2_version", "0", "-write_id3v1", "0",
                    "-f", "mp3", "-y", audio], f"write {audio.name}")


def _info_frame(header: bytes, frames: int, size: int, padding: int) -> bytes:
    """A LAME Info frame for a CBR mono MP3 of `frames` frames and `size` bytes whose frames start with
    `header`: players read the length from it, and skip the encoder delay and `padding` samples at the end."""
    header = bytes((*header[:2], header[2] & ~0x02, header[3]))  # the Info frame's own size: no padding byte
    length = 144 * MP3_BITRATES[header[2] >> 4] * 1000 // MP3_RATE
    total = (size + length).to_bytes(4, "big")
    toc = bytes(256 * index // 100 for index in range(100))
    tag = b"Info" + (0x0F).to_bytes(4, "big") + frames.to_bytes(4, "big") + total + toc + bytes(4)
    lame = b"LAME3.100" + bytes(12) + (MP3_DELAY << 12 | max(padding, 0)).to_bytes(3, "big") + bytes(4) + total
    frame = bytearray(header + bytes(INFO_OFFSET - len(header)) + tag + lame + bytes(4))  # music and tag CRCs
    frame += bytes(length - len(frame))
    crc_at = INFO_OFFSET + len(tag) + len(lame) + 2
    frame[crc_at : crc_at + 2] = _crc16(bytes(frame[:INFO_CRC_SPAN])).to_bytes(2, "big")
    return bytes(frame)


def _crc16(data: bytes) -> int:
    """CRC-16/ARC of `data`, as the LAME tag's CRC is."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def _mux_m4b(frames: Sequence[bytes], marks: Sequence[Mark], m4b: Path) -> None:
    """Write the AAC `frames` to `m4b` in an MP4 audiobook container with both kinds of chapters."""
    with tempfile.TemporaryDirectory(prefix="narrate-") as folder:
        chapters = Path(folder) / "chapters.txt"
        chapters.write_text(_ffmetadata(marks), encoding="utf-8")
        ffmpeg.run(["-f", "aac", "-i", "pipe:0", "-f", "ffmetadata", "-i", chapters, "-map", "0:a:0",
                    "-map_chapters", "1", "-c:a", "copy", "-movflags", "+faststart", "-brand", "M4B ",
                    "-f", "ipod", "-y", m4b], f"write {m4b.name}", frames)


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
    from mutagen.id3 import (
        COMM,
        TALB,
        TCON,
        TDAT,
        TIT2,
        TPE1,
        TPE2,
        TRCK,
        TXXX,
        TYER,
        WOAS,
    )

    frames = [TIT2(encoding=3, text=[tags.title]), TALB(encoding=3, text=[tags.album])]
    if tags.author:
        frames += [TPE1(encoding=3, text=[tags.author]), TPE2(encoding=3, text=[tags.author])]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", tags.published):  # ID3v2.3 dates: the year, and the day as DDMM
        year, month, day = tags.published.split("-")
        frames += [TYER(encoding=3, text=[year]), TDAT(encoding=3, text=[day + month])]
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
    if tags.published:
        values["©day"] = [tags.published]
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
