"""Transcripts and chapter lists of an episode, timed from the assembled audio."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from narrate.model import NARRATOR, Cue, Mark

CHAPTERS_VERSION = "1.2.0"
"""Version of the Podcasting 2.0 JSON chapters format written."""


def chapters_json(marks: Sequence[Mark], title: str, podcast: str) -> str:
    """Podcasting 2.0 JSON chapters: one per mark, start and end in seconds."""
    chapters = [{"startTime": _seconds(mark.start), "endTime": _seconds(mark.end), "title": mark.title}
                for mark in marks]
    document = {"version": CHAPTERS_VERSION, "title": title, "podcastName": podcast, "chapters": chapters}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def webvtt(cues: Sequence[Cue]) -> str:
    """A WebVTT transcript: one cue per line spoken, its speaker in a <v> voice span."""
    blocks = [f"{index}\n{_time(cue.start, '.')} --> {_time(cue.end, '.')}\n<v {_escape(cue.speaker)}>{_escape(_flat(cue.text))}"
              for index, cue in enumerate(cues, 1)]
    return "WEBVTT\n\n" + "".join(f"{block}\n\n" for block in blocks)


def subrip(cues: Sequence[Cue]) -> str:
    """An SRT transcript: one cue per line spoken, dialogue prefixed with its speaker ("Mara: ...")."""
    blocks = [f"{index}\n{_time(cue.start, ',')} --> {_time(cue.end, ',')}\n{_labelled(cue)}"
              for index, cue in enumerate(cues, 1)]
    return "".join(f"{block}\n\n" for block in blocks)


def _labelled(cue: Cue) -> str:
    """A cue's text on one line, with its speaker in front unless it is the narrator."""
    text = _flat(cue.text)
    return text if cue.speaker == NARRATOR else f"{cue.speaker}: {text}"


def _flat(text: str) -> str:
    """`text` on one line: a blank line would end a cue."""
    return " ".join(text.split())


def _escape(text: str) -> str:
    """`text` with &, < and > escaped, as WebVTT cue text and voice names require."""
    return escape(text, quote=False)


def _time(seconds: float, separator: str) -> str:
    """HH:MM:SS.mmm (WebVTT, separator ".") or HH:MM:SS,mmm (SRT, separator ",")."""
    millis = max(round(seconds * 1000), 0)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis // 1000:02d}{separator}{millis % 1000:03d}"


def _seconds(value: float) -> float:
    """Seconds to the millisecond."""
    return round(value, 3)
