"""The work's podcast feed: RSS 2.0 with the iTunes and Podcasting 2.0 namespaces."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote

from narrate.export import output_files
from narrate.model import Episode, Metadata, Show

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
PODCAST_GITHUB = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
"""The namespace's first URI, the only one gPodder's podcastparser reads: chapters, transcripts and
people are written under both."""
CONTENT = "http://purl.org/rss/1.0/modules/content/"
ATOM = "http://www.w3.org/2005/Atom"
NAMESPACES = {"itunes": ITUNES, "podcast": PODCAST, "podcastindex": PODCAST_GITHUB, "content": CONTENT, "atom": ATOM}

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""Podcasting 2.0: podcast:guid is the UUIDv5 of the feed URL (no scheme, no trailing slash) in this namespace."""

for _prefix, _uri in NAMESPACES.items():  # the prefixes ElementTree writes for them
    ET.register_namespace(_prefix, _uri)

EPISODE_GUID_NAMESPACE = uuid.UUID("5b0c9b3e-5d3c-4a43-9c55-7a2e1e0b6a4d")
"""narrate's own namespace for episode GUIDs: UUIDv5 of "<work slug>/<chapter name>"."""

EXPLICIT_RATINGS = frozenset({"Mature", "Explicit", "Not Rated"})
"""AO3 ratings that make a feed itunes:explicit."""

CATEGORY = "Fiction"
"""Apple Podcasts category of every feed."""

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold, dropped from text."""

FEED = "feed.xml"
COVER = "cover.jpg"
"""File names in output/<slug>/."""

MIME = {
    "mp3": "audio/mpeg",
    "chapters": "application/json+chapters",
    "vtt": "text/vtt",
    "srt": "application/x-subrip",
}
"""Types the feed declares for an episode's files."""


def feed_xml(show: Show, output: Path, base_url: str, pending: Mapping[str, Path] | None = None) -> bytes:
    """The RSS feed of `show`, whose files are under `output`, served from `base_url` (ending in "/").

    `pending` maps episode names to MP3s about to be put in place: those are measured instead.
    """
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _channel(ET.SubElement(rss, "channel"), show, base_url)
    pending = pending or {}
    audio = {episode.name: pending.get(episode.name, output / audio_file(episode)) for episode in show.episodes}
    published = [episode for episode in show.episodes if audio[episode.name].is_file()]
    numbers = _episode_numbers(published)
    for episode, number in zip(published, numbers, strict=True):
        _item(ET.SubElement(channel, "item"), show, episode, number, audio[episode.name].stat().st_size, base_url)
    ET.indent(rss)
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True) + b"\n"


def feed_url(slug: str, base_url: str) -> str:
    """Where the feed of the work `slug` is served."""
    return f"{base_url}{quote(slug)}/{FEED}"


def audio_file(episode: Episode) -> str:
    """The episode's MP3, relative to the output folder."""
    return output_files(Path(), episode.name)[0].name


def episode_files(slug: str, name: str) -> dict[str, str]:
    """An episode's chapters JSON and transcripts, by kind, relative to the output folder."""
    return {kind: f"{slug}/{name}.{suffix}"
            for kind, suffix in (("chapters", "chapters.json"), ("vtt", "vtt"), ("srt", "srt"))}


def podcast_guid(url: str) -> str:
    """podcast:guid of the feed at `url`."""
    bare = url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def episode_guid(slug: str, name: str) -> str:
    """The GUID of chapter `name` of work `slug`: the same on every render."""
    return str(uuid.uuid5(EPISODE_GUID_NAMESPACE, f"{slug}/{name}"))


def _channel(channel: ET.Element, show: Show, base_url: str) -> ET.Element:
    """Fill in the channel's own elements."""
    meta, url = show.meta, feed_url(show.slug, base_url)
    cover = f"{base_url}{quote(show.slug)}/{COVER}"
    _text(channel, "title", meta.title)
    _text(channel, "link", meta.source_url or f"{base_url}{quote(show.slug)}/")
    _text(channel, "description", meta.summary or f"{meta.title}, an audiobook in chapters.")
    _text(channel, "language", meta.language)
    _text(channel, "generator", f"narrate {version('narrate')}")
    _text(channel, "lastBuildDate", format_datetime(datetime.now(UTC)))
    ET.SubElement(channel, f"{{{ATOM}}}link", {"href": url, "rel": "self", "type": "application/rss+xml"})
    image = ET.SubElement(channel, "image")
    for tag, value in (("url", cover), ("title", meta.title), ("link", meta.source_url or url)):
        _text(image, tag, value)
    ET.SubElement(channel, f"{{{ITUNES}}}image", {"href": cover})
    if meta.author:
        _text(channel, f"{{{ITUNES}}}author", meta.author)
    ET.SubElement(channel, f"{{{ITUNES}}}category", {"text": CATEGORY})
    _text(channel, f"{{{ITUNES}}}explicit", _explicit(meta))
    if meta.keywords:
        _text(channel, f"{{{ITUNES}}}keywords", ",".join(keyword.replace(",", " ") for keyword in meta.keywords))
    _text(channel, f"{{{ITUNES}}}type", "serial")
    _text(channel, f"{{{PODCAST}}}guid", podcast_guid(url))
    _text(channel, f"{{{PODCAST}}}medium", "audiobook")
    _text(channel, f"{{{PODCAST}}}locked", "yes")
    if meta.author:
        _person(channel, meta.author, "author", "writing")
    return channel


def _item(item: ET.Element, show: Show, episode: Episode, number: int, size: int, base_url: str) -> None:
    """Fill in one episode's item; its MP3 is `size` bytes."""
    meta = show.meta
    _text(item, "title", episode.title)
    _text(item, "description", _description(meta, episode, "\n\n"))
    _text(item, f"{{{CONTENT}}}encoded", _description(meta, episode, None))
    _text(item, "guid", episode_guid(show.slug, episode.name)).set("isPermaLink", "false")
    published = datetime.fromisoformat(episode.published).astimezone(UTC)
    _text(item, "pubDate", format_datetime(published))
    if meta.source_url:
        _text(item, "link", meta.source_url)
    ET.SubElement(item, "enclosure", {"url": base_url + quote(audio_file(episode)),
                                      "length": str(size), "type": MIME["mp3"]})
    _text(item, f"{{{ITUNES}}}title", episode.title)
    _text(item, f"{{{ITUNES}}}episode", str(number))
    _text(item, f"{{{ITUNES}}}episodeType", "full")
    _text(item, f"{{{ITUNES}}}duration", str(round(episode.duration)))
    _text(item, f"{{{ITUNES}}}explicit", _explicit(meta))
    _text(item, f"{{{PODCAST}}}episode", str(number))
    files = episode_files(show.slug, episode.name)
    for namespace in (PODCAST, PODCAST_GITHUB):
        ET.SubElement(item, f"{{{namespace}}}chapters",
                      {"url": base_url + quote(files["chapters"]), "type": MIME["chapters"]})
        for kind in ("srt", "vtt"):  # parsers that keep one transcript keep the last: the one with speakers
            ET.SubElement(item, f"{{{namespace}}}transcript", {
                "url": base_url + quote(files[kind]), "type": MIME[kind], "language": meta.language, "rel": "captions"})
    _person(item, episode.narrator, "narrator", "cast")


def _person(parent: ET.Element, name: str, role: str, group: str) -> None:
    """podcast:person under both namespace URIs."""
    for namespace in (PODCAST, PODCAST_GITHUB):
        _text(parent, f"{{{namespace}}}person", name).attrib.update({"role": role, "group": group})


def _episode_numbers(episodes: list[Episode]) -> list[int]:
    """itunes:episode of each: the chapter numbers when every episode has a distinct one, else 1, 2, 3..."""
    numbers = [episode.number for episode in episodes]
    if all(number is not None for number in numbers) and len(set(numbers)) == len(numbers):
        return [number for number in numbers if number is not None]
    return list(range(1, len(episodes) + 1))


def _description(meta: Metadata, episode: Episode, separator: str | None) -> str:
    """The chapter's summary (else the work's), its notes, the work's notes and tags, as plain paragraphs joined
    by `separator`, or as HTML paragraphs if it is None."""
    series = f"Part {meta.series_part} of {meta.series}" if meta.series and meta.series_part else meta.series
    parts = [
        ("", episode.summary or meta.summary), ("Chapter notes: ", episode.notes), ("Notes: ", meta.notes),
        ("Fandom: ", meta.fandom),
        ("Rating: ", meta.rating), ("Archive warnings: ", ", ".join(meta.warnings)),
        ("Relationships: ", ", ".join(meta.relationships)), ("Characters: ", ", ".join(meta.characters)),
        ("Tags: ", ", ".join(meta.tags)), ("Series: ", series),
    ]  # fmt: skip
    present = [(label, text.strip()) for label, text in parts if text.strip()] or [("", meta.title)]
    if separator is not None:
        return separator.join(label + text for label, text in present)
    return "".join(f"<p>{escape(label + text)}</p>".replace("\n", "<br/>") for label, text in present)


def _explicit(meta: Metadata) -> str:
    """"true" for an AO3 rating of Mature, Explicit or Not Rated, else "false"."""
    return "true" if meta.rating in EXPLICIT_RATINGS else "false"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    """Append <tag>text</tag> to `parent`."""
    element = ET.SubElement(parent, tag)
    element.text = NOT_XML.sub("", text)
    return element
