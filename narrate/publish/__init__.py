"""Publish a rendered chapter as an episode of its work's podcast.

output/<name>.mp3 and .m4b are the chapter's audio (written by export). This
stage adds, in output/<work-slug>/: the chapter's Podcasting 2.0 chapters JSON,
WebVTT and SRT transcripts; the work's cover; episodes.json, the record of
every chapter rendered so far; and feed.xml, built from that record. Every file
is staged under a temporary name, and the chapter's audio and files, the record
and the feed are renamed into place together, so the feed never lists an MP3 of
another size than the one beside it.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

from narrate.cover import make_cover
from narrate.errors import AudioError
from narrate.export import mp3_length, output_files
from narrate.files import Staging, locked, write_atomic
from narrate.model import Episode, Master, Metadata, Script, Show, Voice
from narrate.publish.feed import COVER, FEED, episode_files, feed_url, feed_xml
from narrate.publish.transcripts import chapters_json, subrip, webvtt

EPISODES = "episodes.json"
"""The record of a work's rendered chapters, in output/<slug>/."""

LOCK = ".episodes.lock"
"""Held while episodes.json and the feed are rewritten, so two renders of one work keep both episodes."""

DEFAULT_PORT = 8765
"""The port `narrate serve` listens on unless told otherwise."""

DEFAULT_BASE_URL = f"http://127.0.0.1:{DEFAULT_PORT}/"
"""Where feeds point their files unless a base URL is given: what `narrate serve` serves by default."""

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_PORT", "EPISODES", "feed_url", "feed_xml", "load_show", "publish",
           "republish", "up_to_date"]


def publish(master: Master, script: Script, narrator: Voice, output: Path, base_url: str,
            audio_key: str, staging: Staging) -> list[Path]:
    """Stage the chapter's transcripts and chapters JSON and add it to its work's feed, then put everything
    `staging` holds in place (the chapter's MP3 and M4B among it); return the files written.

    `audio_key` is recorded so that a later render made from the same things can skip the work (see up_to_date).
    """
    work, name = script.work, script.name
    folder = output / work.slug
    folder.mkdir(parents=True, exist_ok=True)
    files = {kind: output / path for kind, path in episode_files(work.slug, name).items()}
    texts = {
        "chapters": chapters_json(master.marks, script.chapter.heading, work.meta.title),
        "vtt": webvtt(master.cues),
        "srt": subrip(master.cues),
    }
    for kind, text in texts.items():
        staging.write(files[kind], text.encode("utf-8"))
    _write_if_changed(folder / COVER, make_cover(work.meta))
    mp3 = staging.path(output_files(output, name)[0])
    episode = _episode(script, narrator, mp3, audio_key)
    with locked(folder / LOCK):
        show = _with_episode(load_show(folder, work.slug, work.meta), episode)
        staging.write(folder / EPISODES, _show_json(show).encode("utf-8"))
        staging.write(folder / FEED, feed_xml(show, output, base_url, {name: mp3}))
        # the MP3 and the feed that gives its size next to each other, then the record: a run killed before
        # the record is in place is rendered again next time
        written = staging.commit(output_files(output, name)[0], folder / FEED, folder / EPISODES)
    return [path for path in written if path.name != EPISODES]


def up_to_date(script: Script, output: Path, audio_key: str) -> bool:
    """Whether the chapter's audio, transcripts and episode were made from exactly `audio_key` and are all there."""
    work, name = script.work, script.name
    folder = output / work.slug
    files = [*output_files(output, name), folder / FEED,
             *(output / path for path in episode_files(work.slug, name).values())]
    if not audio_key or not all(path.is_file() for path in files):
        return False
    recorded = {episode.name: episode for episode in load_show(folder, work.slug, work.meta).episodes}
    return name in recorded and recorded[name].audio_key == audio_key


def republish(script: Script, output: Path, base_url: str) -> list[Path]:
    """Rewrite the feed of the chapter's work (for a new base URL); return it."""
    folder = output / script.work.slug
    with locked(folder / LOCK):
        show = load_show(folder, script.work.slug, script.work.meta)
        write_atomic(folder / FEED, feed_xml(show, output, base_url))
    return [folder / FEED]


def load_show(folder: Path, slug: str, meta: Metadata | None = None) -> Show:
    """The work whose podcast lives in `folder`, from its episodes.json (none yet: no episodes).

    `meta`, when given, replaces the recorded metadata (the text may have changed since).
    """
    path = folder / EPISODES
    if not path.exists():
        if meta is None:
            raise AudioError(f"{path}: no such file (render a chapter of the work first)")
        return Show(slug, meta, ())
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        recorded = Metadata.from_record(data["work"])
        episodes = tuple(Episode(**episode) for episode in data["episodes"])
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as error:
        raise AudioError(f"{path}: not a narrate episode list ({error}); "
                         f"delete it and render the work's chapters again") from None
    return Show(slug, meta or recorded, episodes)


def _episode(script: Script, narrator: Voice, mp3: Path, audio_key: str) -> Episode:
    """The episode a render of `script` into `mp3` makes (published now)."""
    chapter, name = script.chapter, script.name
    duration = mp3_length(mp3)
    published = datetime.now(UTC).isoformat(timespec="seconds")
    narrated_by = f"{narrator.voice} ({narrator.engine})"
    notes = "\n\n".join(note for note in (chapter.notes, chapter.end_notes) if note)
    return Episode(name, chapter.heading, chapter.number, duration, published, narrated_by, audio_key, chapter.summary,
                   notes)


def _with_episode(show: Show, episode: Episode) -> Show:
    """`show` with `episode` added, or updated in place keeping its first publication date; in listening order."""
    earlier = {old.name: old for old in show.episodes}
    if episode.name in earlier:
        episode = dataclasses.replace(episode, published=earlier[episode.name].published)
    episodes = [old for old in show.episodes if old.name != episode.name] + [episode]
    episodes.sort(key=lambda item: (item.number is None, item.number or 0, item.published, item.name))
    return dataclasses.replace(show, episodes=tuple(episodes))


def _show_json(show: Show) -> str:
    """episodes.json: the work's metadata and its episodes."""
    data = {"work": dataclasses.asdict(show.meta), "episodes": [dataclasses.asdict(item) for item in show.episodes]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _write_if_changed(path: Path, data: bytes) -> None:
    """Write `data` to `path` unless it already holds exactly that."""
    if not path.is_file() or path.read_bytes() != data:
        write_atomic(path, data)
