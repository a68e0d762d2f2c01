"""Tests for narrate.review: doubtful quotes with their context, and recording fixes."""

from __future__ import annotations

from conftest import dialogue
from narrate import pipeline, review


def test_doubts_are_the_unsure_quotes_with_the_paragraphs_of_their_scene(ferry: pipeline.Folders) -> None:
    scripts = pipeline.load_scripts("ferry", ferry)
    doubts = review.doubts(scripts, 0.9)
    assert [d.quote for d in doubts] == sorted((q for q in dialogue(scripts) if q.confidence < 0.9), key=lambda q: q.confidence)
    assert len({d.quote.confidence for d in doubts}) > 1  # the order is tested
    source = scripts[0].work.text
    for doubt in doubts:
        here = doubt.here.paragraph
        assert here.start <= doubt.quote.start < doubt.quote.end <= here.end
        assert doubt.quote.speaker in doubt.here.speakers and doubt.chapter == 1
        if doubt.before:
            assert doubt.before.paragraph.end < here.start
            assert source[doubt.before.paragraph.end:here.start].count("\n") == 2  # no scene break between
        if doubt.after:
            assert here.end < doubt.after.paragraph.start
    ends = [d for d in review.doubts(scripts, 1.01) if d.quote.text == "Then I’ll take it."]
    assert ends and ends[0].after is None  # the last line of scene 1
    assert review.doubts(scripts, 0.0) == []


def test_fix_records_the_speaker_and_reports_what_follows_from_it(ferry: pipeline.Folders) -> None:
    before = pipeline.load_scripts("ferry", ferry)
    quote = next(q for q in dialogue(before) if q.text == "That isn’t an answer.")
    other = "Joren" if quote.speaker == "Mira" else "Mira"
    done = review.fix("ferry", ferry, quote.id, other.upper())
    assert (done.quote, done.speaker) == (quote, other)  # any case of a known name is that character
    assert done.path == ferry.voices / "the-ferry.speakers.toml" and other in done.known
    after = pipeline.load_scripts("ferry", ferry)
    changed = [new for old, new in zip(dialogue(before), dialogue(after)) if new.speaker != old.speaker]
    assert [q.id for q in changed] == [quote.id, *(q.id for q in done.moved)]
    fixed = next(q for q in dialogue(after) if q.id == quote.id)
    assert (fixed.speaker, fixed.confidence) == (other, 1.0)
