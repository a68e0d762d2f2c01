"""Synthesize: lines + cast -> clips, through a content-addressed cache.

Each engine runs in worker processes of its own (spawned, never forked): the
espeak and system engines share one C library that must not be initialised
twice in one process, models load once per worker, and engine chatter on
stdout/stderr never reaches the terminal. An engine gets `jobs` workers (all
cores by default), each told to use its share of the cores. Every finished
line is in the cache at once, so a run that is stopped resumes from there.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
import queue
import threading
import wave
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from narrate.engines.base import ENGINES, THREADS_VARIABLE, VoiceInfo, get_engine
from narrate.errors import ConfigError, EngineError, NarrateError
from narrate.files import atomic_path, remove_stale
from narrate.model import Cast, Clip, Line, Voice
from narrate.workers import exit_with_parent

Progress = Callable[[int, int], None]
"""Called as lines finish with (characters done, characters in all)."""

MAX_WORKERS = 61
"""The most worker processes a pool may have (Windows' limit)."""

SINGLE_WORKER_ENGINES = {"system"}
"""Engines that are not safe in parallel (the system speech services)."""

WORKER_NICENESS = 10
"""How far below the main process the workers' CPU priority is: when both want the cores, the main process's
assembling, encoding and publishing of a finished chapter (what a listener waits for) goes first, and the
workers, speaking later chapters' lines, take the rest."""


class EngineHosts:
    """Worker pools, one per engine, created on first use and shut down on exit."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = min(max(1, jobs or os.cpu_count() or 1), MAX_WORKERS)
        self._pools: dict[str, ProcessPoolExecutor] = {}

    def __enter__(self) -> EngineHosts:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for pool in self._pools.values():
            pool.shutdown(wait=True, cancel_futures=True)

    def pool(self, engine: str) -> ProcessPoolExecutor:
        """The worker pool of `engine`."""
        if engine not in ENGINES:
            raise ConfigError(f"unknown engine {engine!r} (known engines: {', '.join(sorted(ENGINES))})")
        if engine not in self._pools:
            workers = 1 if engine in SINGLE_WORKER_ENGINES else self.jobs
            threads = max(1, (os.cpu_count() or 1) // workers)
            self._pools[engine] = ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker,
                initargs=(threads, os.getpid()))
        return self._pools[engine]

    def catalog(self) -> VoiceCatalog:
        """Every working engine's voices, each engine asked only when first looked up."""
        return VoiceCatalog(self)


class VoiceCatalog(Mapping[str, list[VoiceInfo]]):
    """Engine name -> its voices, for the engines that work on this machine."""

    def __init__(self, hosts: EngineHosts) -> None:
        self._hosts = hosts
        self._voices: dict[str, list[VoiceInfo] | None] = {}

    def __getitem__(self, engine: str) -> list[VoiceInfo]:
        if engine not in ENGINES:
            raise KeyError(engine)
        if engine not in self._voices:
            try:
                self._voices[engine] = self._hosts.pool(engine).submit(_list_voices, engine).result()
            except ConfigError:
                raise  # the engine works but the user's setup for it is wrong (say, a broken model)
            except Exception:  # an engine that cannot start here offers no voices
                self._voices[engine] = None
        voices = self._voices[engine]
        if voices is None:
            raise KeyError(engine)
        return voices

    def __iter__(self) -> Iterator[str]:
        return (engine for engine in ENGINES if engine in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def synthesize(lines: Sequence[Line], cast: Cast, hosts: EngineHosts, cache_dir: Path,
               progress: Progress | None = None, after: Callable[[Path], object] | None = None) -> list[Clip]:
    """Speak every line with its cast voice; cached lines are not spoken again. `after`, if given, runs on
    each line's clip in the worker that spoke it (or found it cached), as soon as the clip is there: the
    next stage's work on each line, done on the same cores while other lines are still being spoken (it
    is pickled to the worker: a module-level function, or a partial of one)."""
    (clips,) = synthesize_chapters([lines], cast, hosts, cache_dir, progress, after)
    return clips


Key = tuple[Voice, str]
"""What a line is spoken from, and so what it is cached by: its voice and its text."""


def synthesize_chapters(chapters: Sequence[Sequence[Line]], cast: Cast, hosts: EngineHosts, cache_dir: Path,
                        progress: Progress | None = None,
                        after: Callable[[Path], object] | None = None) -> Iterator[list[Clip]]:
    """Speak the lines of every chapter, as synthesize does, and yield each chapter's clips, in reading order,
    as soon as all its lines are spoken: chapter 1's lines go to the workers first (longest first), then
    chapter 2's, and so on, so the workers speak later chapters while the caller works on an earlier one
    (take each chapter while `hosts` is still open). A line said in several chapters is spoken once, for
    the first that says it; `progress` counts the lines of every chapter."""
    _clear_stale(cache_dir)
    wanted = [_keys(chapter, cast) for chapter in chapters]
    spoken = _spoken_in_order(_in_order(wanted), hosts, cache_dir, after, progress)
    results: dict[Key, tuple[str, float]] = {}
    for chapter, keys in zip(chapters, wanted, strict=True):
        for key in keys:
            while key not in results:
                results.update([next(spoken)])
        yield _clips(chapter, cast, results)


def _clear_stale(cache_dir: Path) -> None:
    """Make the cache folder, and delete what killed runs left half-written in it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    for folder in cache_dir.iterdir():
        if folder.is_dir():
            remove_stale(folder)


def _keys(lines: Sequence[Line], cast: Cast) -> list[Key]:
    """What `lines` are spoken from, each once, longest text first."""
    keys = dict.fromkeys((cast.voice_for(line.speaker), line.speech) for line in lines)
    return sorted(keys, key=lambda key: -len(key[1]))


def _in_order(chapters: Sequence[Sequence[Key]]) -> list[Key]:
    """Every chapter's keys, chapter after chapter, each key only where it is first wanted."""
    return list(dict.fromkeys(key for keys in chapters for key in keys))


def _spoken_in_order(keys: Sequence[Key], hosts: EngineHosts, cache_dir: Path, after: Callable[[Path], object] | None,
                     progress: Progress | None) -> Iterator[tuple[Key, tuple[str, float]]]:
    """Each key with its cached WAV and duration, as the workers finish them; `progress` told of each first.

    The keys go to their engines' workers in order, never more at once than `hosts.jobs` (one per core),
    from a thread of their own, so the workers keep speaking while the caller is busy with what it was
    given, and a later key never takes a core from an earlier one, whichever engines speak them."""
    for engine in dict.fromkeys(voice.engine for voice, _ in keys):
        hosts.pool(engine)  # the pools start here, in the caller's thread
    finished: queue.Queue[tuple[Key, Future]] = queue.Queue()
    free = threading.Semaphore(hosts.jobs)
    stop = threading.Event()

    def feed() -> None:
        for key in keys:
            while not free.acquire(timeout=0.1):
                if stop.is_set():
                    return
            if stop.is_set():
                return
            voice, text = key
            try:
                future = hosts.pool(voice.engine).submit(_render, voice, text, str(cache_dir), after)
            except Exception as error:  # a pool already shut down or broken: the caller raises it
                future = Future()
                future.set_exception(error)
            future.add_done_callback(functools.partial(finish, key))

    def finish(key: Key, future: Future) -> None:
        free.release()
        finished.put((key, future))

    threading.Thread(target=feed, name="narrate-feed", daemon=True).start()
    total, done = sum(len(text) for _, text in keys), 0
    try:
        for _ in keys:
            (voice, text), future = finished.get()
            result = _result(future, f"{voice.engine} voice {voice.voice} on {text[:40]!r}")
            done += len(text)
            if progress:
                progress(done, total)
            yield (voice, text), result
    finally:
        stop.set()


def _clips(lines: Sequence[Line], cast: Cast, results: Mapping[Key, tuple[str, float]]) -> list[Clip]:
    """The clip of every line, in order, from the spoken results."""
    clips = []
    for line in lines:
        path, duration = results[(cast.voice_for(line.speaker), line.speech)]
        clips.append(Clip(line=line, path=Path(path), duration=duration))
    return clips


def speak(text: str, voice: Voice, hosts: EngineHosts, cache_dir: Path) -> Path:
    """Synthesize one text with one voice (previews); returns the cached WAV."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path, _ = _result(hosts.pool(voice.engine).submit(_render, voice, text, str(cache_dir)),
                      f"{voice.engine} voice {voice.voice}")
    return Path(path)


def _result(future: Future, what: str) -> tuple[str, float]:
    """A worker's result, with crashes of the worker itself as EngineError naming `what` was spoken."""
    try:
        return future.result()
    except NarrateError:
        raise
    except Exception as error:  # a worker that died or raised something unforeseen
        raise EngineError(f"{what}: speech engine failed: {type(error).__name__}: {error}") from None


def _start_worker(threads: int, parent: int) -> None:
    """Worker initializer: the engine may use `threads` threads; it may print, so send its stdout and stderr
    nowhere; gone with the main process, `parent`; a lower priority than the main process's (WORKER_NICENESS)."""
    if hasattr(os, "nice"):  # not on Windows
        os.nice(WORKER_NICENESS)
    os.environ[THREADS_VARIABLE] = str(threads)
    os.environ["OPENBLAS_NUM_THREADS"] = str(threads)  # numpy's share too (it levels each line it speaks)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    exit_with_parent(parent)


def _list_voices(engine: str) -> list[VoiceInfo]:
    """Worker task: the voices of `engine`."""
    return get_engine(engine).list_voices()


def _render(voice: Voice, text: str, cache_dir: str,
            after: Callable[[Path], object] | None = None) -> tuple[str, float]:
    """Worker task: the cached WAV for (voice, text), synthesizing it if missing; then `after` on it."""
    path, duration = _spoken(voice, text, cache_dir)
    if after is not None:
        after(path)
    return str(path), duration


def _spoken(voice: Voice, text: str, cache_dir: str) -> tuple[Path, float]:
    """The cached WAV for (voice, text) and its length in seconds, synthesizing it if missing."""
    engine = get_engine(voice.engine)
    digest = hashlib.sha256(f"{engine.cache_key(voice)}\0{text}".encode()).hexdigest()
    path = Path(cache_dir) / digest[:2] / f"{digest}.wav"
    if path.exists():
        try:
            with wave.open(str(path), "rb") as cached:
                return path, cached.getnframes() / cached.getframerate()
        except (OSError, EOFError, wave.Error):
            path.unlink(missing_ok=True)  # a damaged entry: speak the line again
    audio = engine.synthesize(text, voice)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise EngineError(f"{path.parent}: cannot create the synthesis cache folder ({error.strerror})") from None
    with atomic_path(path) as temporary:
        with wave.open(str(temporary), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(audio.sample_rate)
            out.writeframes(audio.pcm)
    return path, audio.duration
