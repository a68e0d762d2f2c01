"""export: a real assembled master encoded to MP3 and M4B, read back with ffmpeg and mutagen."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import re
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp3 import MP3, BitrateMode
from mutagen.mp4 import MP4, Atoms, MP4Cover
from test_assemble import CHAPTER, make_clips

from narrate import ffmpeg
from narrate.assemble import assemble, regrid, samples
from narrate.cover import make_cover
from narrate.errors import AudioError
from narrate.export import AAC, MP3_GAIN, MP3_RATE
from narrate.files import Staging
from narrate.model import Master, Metadata, Stretch, Work

META = Metadata(
    title="What We Chose",
    author="quietwillow",
    fandom="Original Work",
    category="Gen",
    rating="Teen And Up Audiences",
    summary="Two friends walk north. A = B; #1 \\ the end.",
    notes="Thanks for reading!",
    source_url="https://example.org/works/1",
)
WORK = Work(Path("input/chapter4.txt"), "", META, (CHAPTER,))
TITLES = ["Scene 1: They left at sunrise", "Scene 2: A = B; #2 \\o/ [x]", "Scene 3: Stop. Listen."]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Master, bytes, list[Path]]:
    """The test chapter assembled, given awkward mark titles, and exported once."""
    folder = tmp_path_factory.mktemp("export")
    master = assemble(make_clips(folder), CHAPTER)
    marks = tuple(dataclasses.replace(mark, title=title) for mark, title in zip(master.marks, TITLES, strict=True))
    master = dataclasses.replace(master, marks=marks)
    cover = make_cover(META, CHAPTER)
    return master, cover, export_to(master, folder / "out", cover)


def export_to(master: Master, out_dir: Path, cover: bytes) -> list[Path]:
    """Run the export under test and put what it staged in place."""
    from narrate.export import export

    with Staging() as staging:
        paths = export(master, WORK, CHAPTER, out_dir, "chapter4", cover, staging)
        assert staging.commit() == paths
    return paths


def timeline(master: Master, index: int) -> Master:
    """The master as the MP3 (index 0) or the M4B (index 1) lays it out: the M4B pads stretches to its frames."""
    return master if index == 0 else regrid(master, AAC.grid)


def decoded(path: Path, rate: int) -> np.ndarray:
    """The audio of `path` as ffmpeg decodes it (gapless: encoder delay and padding skipped), at `rate` Hz."""
    command = [ffmpeg.executable(), "-v", "error", "-i", str(path), "-map", "0:a", "-f", "s16le", "-ac", "1",
               "-ar", str(rate), "-"]
    return np.frombuffer(subprocess.run(command, capture_output=True, check=True).stdout, "<i2").astype(float)


def pcm_of(master: Master) -> np.ndarray:
    """The master's samples."""
    return np.frombuffer(b"".join(samples(master)), "<i2").astype(float)


def snr(reference: np.ndarray, signal: np.ndarray) -> float:
    """Signal-to-error ratio, dB, of `signal` against `reference` (same length)."""
    return 10 * math.log10(float(np.mean(reference**2)) / float(np.mean((reference - signal) ** 2)))


def ffmetadata_chapters(path: Path) -> list[tuple[float, float]]:
    """(start, end) seconds of each chapter as ffmpeg's demuxer reads them."""
    command = [ffmpeg.executable(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"]
    text = subprocess.run(command, capture_output=True, check=True, text=True).stdout
    chapters = []
    for section in text.split("[CHAPTER]")[1:]:
        num, den = map(int, re.search(r"TIMEBASE=(\d+)/(\d+)", section).groups())
        start, end = (int(re.search(rf"{key}=(-?\d+)", section).group(1)) for key in ("START", "END"))
        chapters.append((start * num / den, end * num / den))
    return chapters


def box(file, atom) -> bytes:
    """The payload of an MP4 atom."""
    ok, data = atom.read(file)
    assert ok
    return data


def quicktime_chapters(path: Path) -> list[tuple[float, str]]:
    """(start, title) of each sample of the text track that the audio track's tref/chap points at."""
    with path.open("rb") as file:
        traks = {}
        chapter_ids = []
        for trak in Atoms(file).path(b"moov")[-1].findall(b"trak"):
            tkhd = box(file, trak[b"tkhd",])
            traks[struct.unpack(">I", tkhd[12:16] if tkhd[0] == 0 else tkhd[20:24])[0]] = trak
            for tref in trak.findall(b"tref"):
                data = box(file, tref)
                if data[4:8] == b"chap":
                    chapter_ids += struct.unpack(f">{(len(data) - 8) // 4}I", data[8:])
        assert len(chapter_ids) == 1
        text_trak = traks[chapter_ids[0]]
        assert box(file, text_trak[b"mdia", b"hdlr"])[8:12] == b"text"
        return text_samples(file, text_trak)


def text_samples(file, trak) -> list[tuple[float, str]]:
    """Start times and texts of a QuickTime text track's samples."""
    mdhd = box(file, trak[b"mdia", b"mdhd"])
    timescale = struct.unpack(">I", mdhd[12:16] if mdhd[0] == 0 else mdhd[20:24])[0]
    stbl = trak[b"mdia", b"minf", b"stbl"]
    stts, stsz, stsc, stco = (box(file, stbl[name,]) for name in (b"stts", b"stsz", b"stsc", b"stco"))
    durations = []
    for i in range(struct.unpack(">I", stts[4:8])[0]):
        count, delta = struct.unpack(">II", stts[8 + 8 * i : 16 + 8 * i])
        durations += [delta] * count
    sizes = struct.unpack(f">{struct.unpack('>I', stsz[8:12])[0]}I", stsz[12:])
    offsets = struct.unpack(f">{struct.unpack('>I', stco[4:8])[0]}I", stco[8:])
    runs = [struct.unpack(">III", stsc[8 + 12 * i : 20 + 12 * i]) for i in range(struct.unpack(">I", stsc[4:8])[0])]
    positions = []
    for chunk, offset in enumerate(offsets, start=1):
        per_chunk = [run[1] for run in runs if run[0] <= chunk][-1]
        positions += [offset] * per_chunk
    samples, start, cursor = [], 0, None
    for index, size in enumerate(sizes):
        cursor = positions[index] if index == 0 or positions[index] != positions[index - 1] else cursor
        file.seek(cursor)
        data = file.read(size)
        cursor += size
        length = struct.unpack(">H", data[:2])[0]
        samples.append((start / timescale, data[2 : 2 + length].decode("utf-8")))
        start += durations[index]
    return samples


def test_both_files_are_written_and_nothing_else_is_left_behind(exported):
    _, _, paths = exported
    assert [path.name for path in paths] == ["chapter4.mp3", "chapter4.m4b"]
    assert sorted(path.name for path in paths[0].parent.iterdir()) == ["chapter4.m4b", "chapter4.mp3"]


@pytest.mark.parametrize("index", [0, 1], ids=["mp3", "m4b"])
def test_chapters_read_by_ffmpeg_are_contiguous_and_cover_the_file(exported, index):
    master, _, paths = exported
    master = timeline(master, index)
    chapters = ffmetadata_chapters(paths[index])
    # ffmpeg shifts MP3 chapter times by the stream's start (the encoder delay, 25 ms)
    tolerance = 0.03 if index == 0 else 1e-3
    assert len(chapters) == 3
    assert chapters[0][0] == 0
    for (_, end), (start, _) in zip(chapters, chapters[1:]):
        assert end == start
    for (start, _), mark in zip(chapters, master.marks, strict=True):
        assert start == pytest.approx(mark.start, abs=tolerance)
    length = (MP3 if index == 0 else MP4)(paths[index]).info.length
    assert length == pytest.approx(master.duration, abs=0.1)  # mutagen counts the MP3 encoder's delay and padding
    assert chapters[-1][1] == pytest.approx(max(length, master.duration) if index == 0 else master.duration,
                                            abs=tolerance)


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="Debian's ffprobe is not installed (CI installs it)")
@pytest.mark.parametrize("index", [0, 1], ids=["mp3", "m4b"])
def test_debian_ffprobe_reads_chapters_and_tags(exported, index):
    master, _, paths = exported
    master = timeline(master, index)
    command = ["ffprobe", "-v", "error", "-show_chapters", "-show_format", "-of", "json", str(paths[index])]
    probed = json.loads(subprocess.run(command, capture_output=True, check=True, text=True).stdout)
    chapters = probed["chapters"]
    assert [chapter["tags"]["title"] for chapter in chapters] == TITLES
    starts = [float(chapter["start_time"]) for chapter in chapters]
    assert starts == pytest.approx([mark.start for mark in master.marks], abs=1e-3)
    assert float(chapters[-1]["end_time"]) == pytest.approx(float(probed["format"]["duration"]), abs=1e-3)
    tags = {key.lower(): value for key, value in probed["format"]["tags"].items()}
    assert (tags["title"], tags["album"], tags["artist"]) == ("Chapter 4: The River", "What We Chose", "quietwillow")


@pytest.mark.parametrize("index", [0, 1], ids=["mp3", "m4b"])
def test_encoded_files_meet_the_loudness_and_true_peak_targets(exported, index):
    _, _, paths = exported
    measured = ffmpeg.measure(paths[index])
    assert measured.integrated == pytest.approx(-16.0, abs=1.0)
    assert measured.true_peak <= -1.0


def test_mp3_is_cbr_mono_mpeg_1_layer_3(exported):
    _, _, paths = exported
    info = MP3(paths[0]).info
    assert (info.bitrate_mode, info.channels, info.sample_rate, info.version, info.layer) == (
        BitrateMode.CBR, 1, 44100, 1, 3)
    assert 64000 <= info.bitrate <= 128000


def test_mp3_tag_is_id3v2_3_with_the_work_and_chapter(exported):
    _, cover, paths = exported
    assert paths[0].read_bytes()[:5] == b"ID3\x03\x00"
    tags = ID3(paths[0])
    assert tags.version == (2, 3, 0)
    texts = {key: tags[key].text for key in ("TIT2", "TALB", "TPE1", "TPE2", "TCON", "TRCK")}
    assert texts == {
        "TIT2": ["Chapter 4: The River"],
        "TALB": ["What We Chose"],
        "TPE1": ["quietwillow"],
        "TPE2": ["quietwillow"],
        "TCON": ["Audiobook"],
        "TRCK": ["4"],
    }
    (comment,) = tags.getall("COMM")
    assert (comment.lang, comment.text) == ("eng", [META.summary])
    (picture,) = tags.getall("APIC")
    assert (picture.type, picture.mime, picture.data) == (3, "image/jpeg", cover)
    extras = {frame.desc: frame.text for frame in tags.getall("TXXX")}
    assert extras == {
        "Fandom": ["Original Work"],
        "Rating": ["Teen And Up Audiences"],
        "Category": ["Gen"],
        "Notes": ["Thanks for reading!"],
    }
    assert tags.getall("WOAS")[0].url == META.source_url


def test_mp3_chapters_are_chap_frames_in_order_under_one_ordered_top_level_ctoc(exported):
    master, _, paths = exported
    tags = ID3(paths[0])
    chaps = tags.getall("CHAP")
    assert [chap.element_id for chap in chaps] == ["chp0", "chp1", "chp2"]
    assert [chap.sub_frames["TIT2"].text for chap in chaps] == [[title] for title in TITLES]
    for chap, mark in zip(chaps, master.marks, strict=True):
        assert chap.start_time == round(mark.start * 1000)
    assert [chap.end_time for chap in chaps[:-1]] == [round(mark.end * 1000) for mark in master.marks[:-1]]
    assert chaps[-1].end_time == math.ceil(MP3(paths[0]).info.length * 1000)  # covers the encoder's padding
    (toc,) = tags.getall("CTOC")
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    assert toc.child_element_ids == ["chp0", "chp1", "chp2"]


def test_m4b_is_an_aac_audiobook_with_tags_and_cover(exported):
    _, cover, paths = exported
    mp4 = MP4(paths[1])
    assert (mp4.info.codec, mp4.info.channels, mp4.info.sample_rate) == ("mp4a.40.2", 1, 22050)
    tags = mp4.tags
    assert tags["stik"] == [2]
    assert (tags["©nam"], tags["©alb"], tags["©gen"]) == (["Chapter 4: The River"], ["What We Chose"], ["Audiobook"])
    assert tags["©ART"] == tags["aART"] == ["quietwillow"]
    assert tags["trkn"] == [(4, 0)]
    assert tags["desc"] == tags["ldes"] == [META.summary]
    assert tags["covr"][0] == cover and tags["covr"][0].imageformat == MP4Cover.FORMAT_JPEG
    assert tags["----:com.apple.iTunes:Fandom"] == [b"Original Work"]
    assert tags["----:com.apple.iTunes:Rating"] == [b"Teen And Up Audiences"]


def test_m4b_keeps_nero_chapters_after_tagging(exported):
    master, _, paths = exported
    chapters = [(chapter.start, chapter.title) for chapter in MP4(paths[1]).chapters]
    assert [title for _, title in chapters] == TITLES
    assert [start for start, _ in chapters] == pytest.approx([mark.start for mark in timeline(master, 1).marks],
                                                             abs=1e-3)


def test_m4b_keeps_the_quicktime_chapter_track_after_tagging(exported):
    master, _, paths = exported
    chapters = quicktime_chapters(paths[1])
    assert [title for _, title in chapters] == TITLES
    assert [start for start, _ in chapters] == pytest.approx([mark.start for mark in timeline(master, 1).marks],
                                                             abs=1e-2)


def test_a_failed_export_leaves_earlier_outputs_byte_identical(exported, tmp_path):
    master, cover, _ = exported
    missing = tmp_path / "gone.s16"  # a levelled line deleted from the cache while encoding
    earlier = {tmp_path / "chapter4.mp3": b"earlier mp3", tmp_path / "chapter4.m4b": b"earlier m4b"}
    for path, data in earlier.items():
        path.write_bytes(data)
    with pytest.raises(AudioError, match="cannot read levelled clip .*gone.s16"):
        stretches = (*master.stretches[:2], Stretch(576, missing, 1152, 576, 576), *master.stretches[2:])
        export_to(dataclasses.replace(master, stretches=stretches), tmp_path, cover)
    assert {path: path.read_bytes() for path in earlier} == earlier
    assert sorted(path.name for path in tmp_path.iterdir()) == ["chapter4.m4b", "chapter4.mp3"]


def test_a_cover_that_is_not_an_image_is_refused_before_writing(exported, tmp_path):
    master, _, _ = exported
    with pytest.raises(AudioError, match="neither JPEG nor PNG"):
        export_to(master, tmp_path / "out", b"GIF89a not supported")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("index", [0, 1], ids=["mp3", "m4b"])
def test_both_files_decode_to_the_master_sample_for_sample_in_time(exported, index):
    master, _, paths = exported
    master = timeline(master, index)
    rate = MP3_RATE if index == 0 else master.rate
    audio = decoded(paths[index], rate)
    assert len(audio) == round(master.duration * rate)  # gapless: the encoder's delay and padding are skipped
    reference = pcm_of(master) * (10 ** (MP3_GAIN / 20) if index == 0 else 1)
    heard = decoded(paths[index], master.rate)
    assert snr(reference, heard) > 20  # in time: one sample off would cost most of this on speech-like tones


def test_a_changed_line_encodes_only_its_stretch_and_splices_in_without_a_seam(tmp_path):
    clips = make_clips(tmp_path)
    cover = make_cover(META, CHAPTER)
    first = assemble(clips, CHAPTER)
    export_to(first, tmp_path / "first", cover)
    frames = {path: path.stat().st_mtime_ns for path in tmp_path.glob("*.mp3")} | {
        path: path.stat().st_mtime_ns for path in tmp_path.glob("*.aac")}
    assert len(frames) == 2 * len(first.stretches)
    changed = tmp_path / "changed.wav"  # a recast line: new audio under a new name, as the cache names it
    changed.write_bytes(clips[3].path.read_bytes()[:-4000])
    master = assemble([*clips[:3], dataclasses.replace(clips[3], path=changed), *clips[4:]], CHAPTER)
    paths = export_to(master, tmp_path / "second", cover)
    after = {path: path.stat().st_mtime_ns for path in [*tmp_path.glob("*.mp3"), *tmp_path.glob("*.aac")]}
    assert {path for path in after if path not in frames} == {
        path for path in after if path.name.startswith("changed.")}
    assert len(after) == len(frames) + 2  # the changed stretch's MP3 and AAC frames; nothing else encoded
    assert all(after[path] == stamp for path, stamp in frames.items())
    for index, path in enumerate(paths):
        master_here = timeline(master, index)
        reference = pcm_of(master_here) * (10 ** (MP3_GAIN / 20) if index == 0 else 1)
        heard = decoded(path, master.rate)
        assert len(heard) == len(reference)
        assert snr(reference, heard) > 20
        # no seam: around every stretch boundary the error stays at the level of the room tone there
        error = np.abs(reference - heard)
        for boundary in itertools.accumulate(stretch.length for stretch in master_here.stretches[:-1]):
            window = slice(boundary - 2 * AAC.grid, boundary + 2 * AAC.grid)
            assert error[window].max() <= max(4 * np.abs(reference[window]).max(), 64)
