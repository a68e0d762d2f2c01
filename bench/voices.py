"""Voice quality: how well a recogniser understands each voice, how alike the voices sound, and their pitch.

    .venv/bin/python bench/voices.py [--voices SPEC ... | --palette | --cast voices/WORK.toml] [--work DIR]
                                     [--json PATH] [--order] [--asset]

A voice spec is ENGINE:VOICE_ID, optionally followed by @PITCH (semitones) and
*RATE (speed multiplier): `piper:en_US-joe-medium`, `espeak:en-us+f3`,
`kokoro:af_bella:60,af_sarah:40`, `'piper:en_US-joe-medium@2.5*1.06'`. With no
voices named, every kokoro voice is measured along with piper's Joe; --palette
measures the default narrator and every voice of the default cast palettes;
--cast the narrator and characters of one work's cast file.

Every voice reads PASSAGE (127 words). Each engine speaks in a process of its
own (espeak and kokoro's phonemizer each load libespeak-ng), and the WAVs are
kept in --work (default .cache/bench-voices/) under the engine's cache key, so
a second run only analyses. Measured per voice:

  WER    word error rate of pocketsphinx 5 (its bundled en-us acoustic model and
         dictionary) on the audio resampled to 16 kHz, after lowercasing and
         dropping punctuation. Its language model is a trigram model (pocketsphinx's
         ArpaBoLM, discount mass 0.5) of the passage together with the sample
         chapter input/chapter4.txt, ~3,800 words of fiction, so the passage's
         words compete with many others as with a model of a whole chapter
                                                          (target <= 0.10)
  pitch  median F0 of the voiced frames, Hz (librosa's pYIN, 50-500 Hz)
  similarity  cosine of resemblyzer's speaker embeddings (VoiceEncoder, GE2E
         d-vectors of `embed_utterance` on `preprocess_wav`) between every pair
                                      (target: no pair of one cast > 0.80)

Printed: a table of the voices (WER, pitch, nearest other voice and how similar),
the pairs over 0.80, the full similarity matrix, and whether the targets hold.
--json PATH writes every number (per-voice WER, transcript and pitch, the full
similarity matrix keyed by spec). --order prints the order the default palettes
should hand the kokoro voices out in (narrate/cast.py's PALETTES are that order),
and --asset writes the similarity matrix casting reads, narrate/assets/
voice-similarity.json (from the default set: Joe and every kokoro voice).

Needs the bench extra (pocketsphinx, resemblyzer with torch, librosa, soxr; setuptools
below 81, whose pkg_resources resemblyzer's webrtcvad imports). Install torch's CPU
build first where a wheel of it is at hand (PyPI's Linux torch brings ~3 GB of CUDA):
    .venv/bin/pip install 'torch==2.13.0+cpu' && .venv/bin/pip install -e '.[bench]'
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import re
import sys
import warnings
import wave
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from narrate.model import Voice

ROOT = Path(__file__).resolve().parent.parent
LM_CHAPTER = ROOT / "input" / "chapter4.txt"
"""In-domain prose added to the passage in the recogniser's language model."""
RATE = 16000
"""Sample rate of the recogniser and the speaker encoder."""
WER_TARGET = 0.10
SIMILARITY_TARGET = 0.80
ORDER_APART = 0.75
"""--order hands out first voices this far apart: a margin under SIMILARITY_TARGET for other passages."""
NARRATOR = "piper:en_US-joe-medium"
"""The default narrator, whom no character voice may sound like."""
LEFT_OUT = {"kokoro:af_nicole"}
"""Voices --order leaves out by ear: af_nicole whispers (and reads the passage 60% slower than the others)."""
PITCHED = ("kokoro:af_sky@3", "kokoro:af_sarah@-3", "kokoro:af_bella@-4", "kokoro:af_kore@3", "kokoro:af_jessica@-3")
"""Female kokoro voices shifted a few semitones, tried as further voices: there are fewer distinct female voices
than male ones (7 stay 0.75 apart, against 9 men)."""
GRADES = ("F+", "D-", "D", "D+", "C-", "C", "C+", "B-", "B", "B+", "A-", "A")
"""kokoro-js's overall grades, worst first."""
ASSET = ROOT / "narrate" / "assets" / "voice-similarity.json"

PASSAGE = """\
The rain had stopped by the time Martha reached the pier, but the wind still pulled at her coat. \
Her brother was sitting on an old boat, mending a net with slow and careful hands.

"You told me you would be home before dark," she said.

"I told you I would try." He did not look up. "These ropes are rotten, and nobody else is going to fix them."

Martha sat down beside him and watched the gulls circle over the dark water. For a long while neither of them spoke.

"Mother kept your supper warm," she said at last. "Come back with me. The ropes will still be here in the morning."

He smiled then, for the first time that week, and put the net aside.
"""
"""What every voice reads: every word is in pocketsphinx's dictionary, spelled alike in US and UK English."""

SPEC = re.compile(r"(?P<engine>[a-z]+):(?P<voice>.+?)(?:@(?P<pitch>[+-]?\d+(?:\.\d+)?))?(?:\*(?P<rate>\d+(?:\.\d+)?))?")


@dataclass(frozen=True)
class Measure:
    """What one voice scored."""

    engine: str
    voice: str
    rate: float
    pitch: float
    gender: str
    """As the engine says ("unknown" for blends and variants it does not describe)."""
    wav: str
    """The synthesized passage."""
    seconds: float
    """Length of the speech."""
    wer: float
    """Word errors of the recogniser per word of the passage."""
    transcript: str
    """What the recogniser heard."""
    pitch_hz: float
    """Median F0 of the voiced frames."""


def parse_spec(spec: str) -> Voice:
    """The voice a spec names: "piper:en_US-joe-medium@2.5*1.06" -> Voice("piper", "en_US-joe-medium", 1.06, 2.5)."""
    match = SPEC.fullmatch(spec)
    if not match:
        raise SystemExit(f"not a voice spec: {spec!r} (ENGINE:VOICE_ID[@PITCH][*RATE])")
    return Voice(match["engine"], match["voice"], rate=float(match["rate"] or 1.0), pitch=float(match["pitch"] or 0.0))


def spec_of(voice: Voice) -> str:
    """The spec naming `voice` (pitch and rate only when not the voice's own)."""
    pitch = f"@{voice.pitch:g}" if voice.pitch else ""
    rate = f"*{voice.rate:g}" if voice.rate != 1.0 else ""
    return f"{voice.engine}:{voice.voice}{pitch}{rate}"


def default_specs() -> list[str]:
    """Piper's Joe, every kokoro voice, and the pitched kokoro voices tried as further voices."""
    from narrate.engines.base import get_engine

    return [NARRATOR, *(f"kokoro:{info.id}" for info in get_engine("kokoro").list_voices()), *PITCHED]


def palette_specs() -> list[str]:
    """The default narrator and the kokoro voices of the default cast palettes, in palette order (the eSpeak
    voices after them are for machines where kokoro cannot run)."""
    from narrate.cast import NARRATOR_VOICES, PALETTES

    voices = [NARRATOR_VOICES[0], *(voice for palette in PALETTES.values() for voice in palette
                                    if voice.engine == "kokoro")]
    return list(dict.fromkeys(spec_of(voice) for voice in voices))


def palette_order(measures: dict[str, Measure], similarity: np.ndarray) -> dict[str, list[str]]:
    """The kokoro voices of each gender in the order casting should hand them out: each next voice the best
    graded (kokoro-js's grades) of those at most ORDER_APART like the narrator and every voice before it,
    a voice at its own pitch before a pitched one, and once none is that far apart, the least like them.
    Voices over WER_TARGET and those in LEFT_OUT are left out."""
    from narrate.engines.kokoro import VOICES

    specs = list(measures)
    index = {spec: number for number, spec in enumerate(specs)}
    base = {spec: parse_spec(spec).voice for spec in specs}
    order: dict[str, list[str]] = {}
    for gender in ("male", "female"):
        left = [spec for spec in specs if spec.startswith("kokoro:") and base[spec] in VOICES
                and VOICES[base[spec]].gender == gender and measures[spec].wer <= WER_TARGET and spec not in LEFT_OUT]
        chosen, order[gender] = [NARRATOR], []
        while left:
            closeness = {spec: max(similarity[index[spec], index[other]] for other in chosen) for spec in left}
            apart = [spec for spec in left if closeness[spec] <= ORDER_APART]
            best = max(apart, key=lambda spec: ("@" not in spec, GRADES.index(VOICES[base[spec]].grade),
                                                -closeness[spec])) if apart \
                else min(left, key=closeness.__getitem__)
            order[gender].append(best)
            chosen.append(best)
            left.remove(best)
    return order


def similarity_asset(measures: dict[str, Measure], similarity: np.ndarray) -> str:
    """narrate/assets/voice-similarity.json as casting reads it: the voices and their similarity matrix."""
    specs = list(measures)
    rows = ",\n  ".join(json.dumps([round(float(value), 3) for value in row]) for row in similarity)
    head = {"measure": results(measures, similarity)["embedding"], "passage_words": len(words(PASSAGE)),
            "made_by": "bench/voices.py --asset", "voices": specs}
    return json.dumps(head, indent=1)[:-2] + ',\n "similarity": [\n  ' + rows + "\n ]\n}\n"


def synthesize(spec: str, folder: str) -> tuple[str, str]:
    """(WAV path, gender) of `spec` reading the passage; runs in an engine's own process, reuses a WAV made
    before with the same engine cache key."""
    from narrate.engines.base import get_engine

    voice = parse_spec(spec)
    engine = get_engine(voice.engine)
    gender = next((info.gender for info in engine.list_voices() if info.id == voice.voice), "unknown")
    digest = hashlib.sha256(f"{engine.cache_key(voice)}\n{PASSAGE}".encode()).hexdigest()[:12]
    path = Path(folder) / f"{re.sub(r'[^A-Za-z0-9_.+@-]+', '_', spec)}-{digest}.wav"
    if not path.exists():
        audio = engine.synthesize(PASSAGE, voice)
        partial = path.with_suffix(".part")
        with wave.open(str(partial), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(audio.sample_rate)
            out.writeframes(audio.pcm)
        partial.replace(path)
    return str(path), gender


def synthesized(specs: list[str], folder: Path) -> dict[str, tuple[str, str]]:
    """Spec -> (WAV path, gender) for every spec, each engine's voices spoken in one fresh process."""
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[str, tuple[str, str]] = {}
    engines = dict.fromkeys(parse_spec(spec).engine for spec in specs)
    for engine in engines:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            mine = [spec for spec in specs if parse_spec(spec).engine == engine]
            for spec, result in zip(mine, pool.map(synthesize, mine, [str(folder)] * len(mine))):
                results[spec] = result
                print(f"  spoken  {spec}", file=sys.stderr, flush=True)
    return {spec: results[spec] for spec in specs}


def words(text: str) -> list[str]:
    """Lower-case words of `text` without punctuation ("Didn't," -> "didn't")."""
    return re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*", text.lower().replace("\u2019", "'"))


def sentences(text: str) -> list[str]:
    """`text` as one line of words per sentence, for the language model."""
    parts = re.split(r"(?<=[.!?])[\"\u201d']?\s+|\n+", text)
    return [" ".join(found) for found in map(words, parts) if found]


def word_errors(reference: list[str], heard: list[str]) -> int:
    """Word-level Levenshtein distance: substitutions, deletions and insertions turning `reference` into `heard`."""
    row = list(range(len(heard) + 1))
    for i, said in enumerate(reference, 1):
        diagonal, row[0] = row[0], i
        for j, got in enumerate(heard, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (said != got))
    return row[-1]


class Recogniser:
    """pocketsphinx with a trigram model of the passage and the sample chapter."""

    def __init__(self, folder: Path) -> None:
        from pocketsphinx import Decoder
        from pocketsphinx.lm import ArpaBoLM

        corpus = sentences(PASSAGE) + sentences(LM_CHAPTER.read_text(encoding="utf-8"))
        model = ArpaBoLM(text="\n".join(corpus), add_start=True, discount_mass=0.5)
        model.compute()
        path = folder / "passage-and-chapter.arpa"
        model.write_file(str(path))
        self.decoder = Decoder(lm=str(path), samprate=RATE, loglevel="FATAL")

    def transcript(self, samples: np.ndarray) -> str:
        """What is heard in 16 kHz float `samples`, one utterance, alternate pronunciations' marks removed."""
        self.decoder.start_utt()
        self.decoder.process_raw((np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes(), full_utt=True)
        self.decoder.end_utt()
        hypothesis = self.decoder.hyp()
        return re.sub(r"\(\d+\)", "", hypothesis.hypstr) if hypothesis else ""


def read_wav(path: str) -> tuple[np.ndarray, int]:
    """(float samples, sample rate) of a mono 16-bit WAV."""
    with wave.open(path) as wav:
        pcm = wav.readframes(wav.getnframes())
        return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0, wav.getframerate()


def median_pitch(samples: np.ndarray) -> float:
    """Median F0, Hz, of the voiced frames of 16 kHz `samples`."""
    import librosa

    f0, voiced, _ = librosa.pyin(samples, fmin=50.0, fmax=500.0, sr=RATE, frame_length=1024)
    return float(np.median(f0[voiced])) if voiced.any() else float("nan")


def measure(specs: list[str], folder: Path) -> tuple[dict[str, Measure], np.ndarray]:
    """Each voice's scores, and the matrix of cosine similarities of their speaker embeddings (in `specs` order)."""
    import soxr

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # webrtcvad's import of the deprecated pkg_resources
        from resemblyzer import VoiceEncoder, preprocess_wav

    spoken = synthesized(specs, folder)
    recogniser = Recogniser(folder)
    encoder = VoiceEncoder("cpu", verbose=False)
    reference = words(PASSAGE)
    measures: dict[str, Measure] = {}
    embeddings = []
    for spec, (wav, gender) in spoken.items():
        samples, rate = read_wav(wav)
        at_16k = soxr.resample(samples, rate, RATE)
        transcript = recogniser.transcript(at_16k)
        voice = parse_spec(spec)
        measures[spec] = Measure(voice.engine, voice.voice, voice.rate, voice.pitch, gender, wav,
                                 round(len(samples) / rate, 2),
                                 round(word_errors(reference, words(transcript)) / len(reference), 4),
                                 transcript, round(median_pitch(at_16k), 1))
        embeddings.append(encoder.embed_utterance(preprocess_wav(samples, source_sr=rate)))
        print(f"  heard   {spec}", file=sys.stderr, flush=True)
    stacked = np.array(embeddings)
    return measures, stacked @ stacked.T  # the embeddings are unit vectors


def close_pairs(specs: list[str], similarity: np.ndarray, above: float) -> list[tuple[float, str, str]]:
    """(similarity, spec, spec) of every pair more similar than `above`, most similar first."""
    pairs = [(float(similarity[i, j]), specs[i], specs[j])
             for i in range(len(specs)) for j in range(i + 1, len(specs)) if similarity[i, j] > above]
    return sorted(pairs, reverse=True)


def report(measures: dict[str, Measure], similarity: np.ndarray) -> None:
    """Print the voice table, the close pairs, the similarity matrix and the targets."""
    specs = list(measures)
    width = max(len(spec) for spec in specs)
    print(f"{len(words(PASSAGE))} words read by {len(specs)} voices\n")
    print(f"{'#':>2} {'voice':{width}} {'gender':7} {'secs':>5} {'WER':>6} {'F0 Hz':>6}  nearest voice")
    for index, spec in enumerate(specs):
        row = similarity[index].copy()
        row[index] = -np.inf
        nearest = int(np.argmax(row)) if len(specs) > 1 else index
        found = measures[spec]
        flag = " !" if found.wer > WER_TARGET else "  "
        print(f"{index:2} {spec:{width}} {found.gender:7} {found.seconds:5.1f} {found.wer:6.3f}{flag}"
              f"{found.pitch_hz:5.0f}  {specs[nearest]} {row[nearest]:.3f}")

    close = close_pairs(specs, similarity, SIMILARITY_TARGET)
    print(f"\npairs more similar than {SIMILARITY_TARGET:.2f}: {len(close)}")
    for value, first, second in close:
        print(f"  {value:.3f}  {first}  {second}")

    print("\nsimilarity matrix (columns numbered as the rows)")
    print(f"{'':{width + 3}}" + "".join(f"{index:>5}" for index in range(len(specs))))
    for index, spec in enumerate(specs):
        cells = "".join("    ." if column == index else f"{similarity[index, column]:5.2f}"
                        for column in range(len(specs)))
        print(f"{index:2} {spec:{width}}{cells}")

    unclear = [spec for spec, found in measures.items() if found.wer > WER_TARGET]
    print(f"\nWER <= {WER_TARGET:.2f} for every voice: {'yes' if not unclear else 'no: ' + ', '.join(unclear)}")
    print(f"no pair more similar than {SIMILARITY_TARGET:.2f}: {'yes' if not close else f'no ({len(close)} pairs)'}")


def results(measures: dict[str, Measure], similarity: np.ndarray) -> dict[str, object]:
    """Everything measured, for --json."""
    specs = list(measures)
    return {
        "passage": PASSAGE,
        "words": len(words(PASSAGE)),
        "recogniser": "pocketsphinx en-us, trigram LM of the passage and input/chapter4.txt, 16 kHz",
        "embedding": "resemblyzer VoiceEncoder embed_utterance(preprocess_wav(...)), cosine",
        "voices": {spec: asdict(found) for spec, found in measures.items()},
        "similarity": {spec: {other: round(float(similarity[i, j]), 4) for j, other in enumerate(specs)}
                       for i, spec in enumerate(specs)},
        "close_pairs": [[first, second, round(value, 4)]
                        for value, first, second in close_pairs(specs, similarity, SIMILARITY_TARGET)],
    }


def cast_specs(path: Path) -> list[str]:
    """The narrator and every character of a cast file, as a render speaks them."""
    import tomlkit

    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    tables = [document["narrator"], *document.get("characters", {}).values()]
    return [spec_of(Voice(str(table["engine"]), str(table["voice"]), float(table.get("rate", 1.0)),
                          float(table.get("pitch", 0.0)))) for table in tables]


def chosen_specs(named: Iterable[str] | None, palette: bool, cast: Path | None = None) -> list[str]:
    """The voices to measure: those named, a cast file's, the palette's, or the default set; each spec once."""
    specs = list(named) if named else cast_specs(cast) if cast else palette_specs() if palette else default_specs()
    for spec in specs:
        parse_spec(spec)
    return list(dict.fromkeys(specs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--voices", nargs="+", metavar="SPEC", help="voices to measure (ENGINE:VOICE_ID[@PITCH][*RATE])")
    chosen.add_argument("--palette", action="store_true", help="the default narrator and cast palettes")
    chosen.add_argument("--cast", type=Path, metavar="TOML", help="the voices of one cast file (voices/WORK.toml)")
    parser.add_argument("--work", type=Path, default=ROOT / ".cache" / "bench-voices", help="where WAVs are kept")
    parser.add_argument("--json", type=Path, help="write every number measured here")
    parser.add_argument("--order", action="store_true", help="print the palette order these measurements give")
    parser.add_argument("--asset", action="store_true", help=f"write the similarity matrix casting reads ({ASSET})")
    args = parser.parse_args()
    measures, similarity = measure(chosen_specs(args.voices, args.palette, args.cast), args.work.resolve())
    report(measures, similarity)
    if args.json:
        args.json.write_text(json.dumps(results(measures, similarity), indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    if args.order:
        for gender, specs in palette_order(measures, similarity).items():
            print(f"\n{gender} palette order: " + ", ".join(f'"{spec.split(":", 1)[1]}"' for spec in specs))
    if args.asset:
        ASSET.write_text(similarity_asset(measures, similarity), encoding="utf-8")
        print(f"\nwrote {ASSET}")


if __name__ == "__main__":
    main()
