"""Speech: tell which quotations are spoken and which stay narration.

Quotation marks that are not speech stay narration: a sign, note or other
writing (the sign read “CLOSED”, someone had scrawled “Back Monday”, the
paragraph after "…and read as follows:", a letter: a salutation standing
alone, “Dearest Meg,”, and the wholly quoted paragraphs after it), a title (a
copy of “The Raven”, she was reading “Middlemarch.”), a mention or scare quote
(the word “forever”, their so-called “plan”), words not said (she didn't say
“never”; her eyes said, “Stay”; as if to say, “Told you”; a look which meant,
“Go”), and a quote of up to three words, or a lower-case one, inside a
sentence that no speech verb introduces. Short speech stays speech: “No.”, He
said, “Fine.”, “Yes?”; so does a text message, its sender's line (a text from
Bea: “omw”; she typed back, “ok”).
"""

from __future__ import annotations

import re

from narrate.parse.marks import DOUBLE_MARKS, MARKS, WS, Span
from narrate.parse.words import (
    BLOCKERS,
    COPY_NOUNS,
    DEVICES,
    DOCUMENT_CUES,
    FACES,
    MEANING,
    MESSAGE_NOUNS,
    MESSAGING,
    NAMING,
    NEGATIONS,
    SEEMING,
    SENT_FROM,
    SENTENCE_BREAK,
    SIGN_NOUNS,
    SIGN_VERBS,
    SMALL_WORDS,
    SPEECH_VERBS,
    TEXT_NOUNS,
    TITLE_NOUNS,
    TITLE_VERBS,
    WORD,
    WORDS,
    WRITING,
)

_SIGN_REACH = 6
"""Words looked back from a sign verb for the sign noun."""

_TAG_WORDS_MAX = 12
"""Most words a speech tag between two parts of one speech has."""

_JOINED = re.compile(r"[\w’']\s+[\w’'-]+\W*$")
"""The last two words of a sentence with nothing but space between them (her eyes said, not "a smile, said")."""

_SALUTATION = re.compile(r"(?:my\s+)?dear(?:est)?\b[^!?]*,", re.IGNORECASE)
"""A letter's salutation: Dear Sir, My dearest Lizzy, DEAR MRS. WILCOX,"""

_SALUTATION_WORDS = 6
"""Most words a salutation has."""

_MESSAGE_CUES = MESSAGING | DEVICES - {"chat", "buzz"}
"""Words of a sentence that make the quotation after it a text message (a "chat", a "buzz", a "text" or a "message"
only among talk of phones: "in the course of some trivial chat", "a general buzz", "a commonplace text")."""

_CONTEXT = 300
"""Characters before a quotation looked at to judge it (keeps parsing linear)."""


def spoken(text: str, spans: list[Span], texting: bool = False) -> list[tuple[Span, bool]]:
    """The quotations among `spans` (in order) that are speech, each with whether it is a text message (see
    `_texted`; `texting`: the paragraph before spoke of phones or ended in a message); the others are read as
    narration."""
    kept: list[tuple[Span, bool]] = []
    mention_end: int | None = None
    for span in spans:
        message = _texted(text, span[0], texting)
        if message or _is_speech(text, *span) and not _listed(text, mention_end, span):
            kept.append((span, message))
            mention_end = None
            texting = message
        else:
            mention_end = span[1]
    return kept


def speaks_of_phones(text: str) -> bool:
    """True for a paragraph with a word of phones or messaging in its narration ("Her phone buzzed.")."""
    return any(word in DEVICES for word in WORDS.findall(text.lower()))


def introduces_document(text: str) -> bool:
    """True for a paragraph ending "…and read as follows:", whose next paragraph quotes a writing."""
    if not text.endswith(":"):
        return False
    words = WORDS.findall(SENTENCE_BREAK.split(text)[-1].lower())
    return any(word in DOCUMENT_CUES for word in words) and not any(word in SPEECH_VERBS for word in words)


def opens_letter(text: str, spans: list[Span]) -> bool:
    """True for a paragraph that is only a letter's salutation in quotation marks (“Dearest Meg,”): it and the
    wholly quoted paragraphs after it are the letter, read as narration."""
    if not wholly_quoted(text, spans):
        return False
    inner = text[spans[0][0] + 1 : spans[0][1]].strip(WS)
    return len(inner.split()) <= _SALUTATION_WORDS and _SALUTATION.fullmatch(inner) is not None


def wholly_quoted(text: str, spans: list[Span]) -> bool:
    """True for a paragraph that is one quotation and nothing else."""
    return len(spans) == 1 and spans[0][0] == 0 and spans[0][1] >= len(text.rstrip(WS)) - 1


def _is_speech(text: str, open_at: int, close_at: int) -> bool:
    """False for a quotation that is a sign, a title, a mention or a scare quote (read as narration)."""
    if open_at < 0 or close_at >= len(text):
        return True
    inner = text[open_at + 1 : close_at].strip(WS)
    before = text[max(0, open_at - _CONTEXT) : open_at].rstrip(WS)
    if not before or not inner:
        return True
    sentence = SENTENCE_BREAK.split(before)[-1]
    words = WORDS.findall(sentence.lower())
    if _cued(words, before[-1].isalnum(), inner) or _written(words) or _unsaid(words, sentence):
        return False
    if before[-1] == ":" and _shown(words, inner):
        return False
    return _sounds_spoken(words, before, inner)


def _texted(text: str, open_at: int, texting: bool) -> bool:
    """True for a text message's words, often lower case and unpunctuated: a quotation whose sentence speaks of
    phones or messages (A text from Marcus: “...”; she typed back, “...”; the text read: “...”), or, after talk
    of phones or a message (`texting`, or a phone word earlier in the paragraph), one after a colon no speech verb
    leads to (Then: “OMG”) or one in lower case opening a sentence (Another buzz. “u up?”). Not a sign's, a title
    or a name (see `_signed`)."""
    before = text[max(0, open_at - _CONTEXT) : max(open_at, 0)].rstrip(WS)
    narrated = before[max(before.rfind(mark) for mark in DOUBLE_MARKS) + 1 :]  # not a quotation's words before it
    sentence = SENTENCE_BREAK.split(narrated)[-1] if narrated else ""
    words = WORDS.findall(sentence.lower())
    last = words[-1] if words else ""
    named = last in TITLE_NOUNS or last in TITLE_VERBS or any(word in NAMING for word in words[-3:])
    if named or _signed(before):
        return False
    typing = last in ("type", "types") and words[-2:-1] in (["i"], ["you"], ["he"], ["she"], ["we"], ["they"])
    if any(word in _MESSAGE_CUES for word in words) or typing or SENT_FROM.search(sentence):
        return True  # "I type, “yeah”" (not "a conversation of this type:")
    if not (texting or speaks_of_phones(narrated)):
        return False
    if any(word in MESSAGE_NOUNS for word in words):  # the text read:, his message arrives:
        return True
    if not words:  # opening the paragraph or a sentence: “hattie. do u think 25 is old”
        return text[open_at + 1 : open_at + 2].islower()
    return before.endswith(":") and not any(word in SPEECH_VERBS and word != "then" for word in words)  # Then:


def _signed(before: str) -> bool:
    """True for a quotation a sign or other writing that is no message gives, the last such thing the sentence
    `before` it names (under the sign: “CLOSED”; the card that says “Custom cakes”; not "and the text read:")."""
    words = WORDS.findall(SENTENCE_BREAK.split(before)[-1].lower()) if before else []
    noun = next((word for word in reversed(words) if word in SIGN_NOUNS), None)  # the text read:, the sign read:
    return noun is not None and noun not in MESSAGE_NOUNS and (before[-1] == ":" or words[-1] in SIGN_VERBS)


def _sounds_spoken(words: list[str], before: str, inner: str) -> bool:
    """True when an uncued quotation reads as speech: introduced, exclaimed, a sentence, after a tag, or long."""
    count = len(inner.split())
    if _introduced(words) or inner[-1] in "!?" or inner[0].isupper() and inner[-1] in ".…" and not (
        count > 1 and _title_case(inner.rstrip(".…"))
    ):
        return True
    if before[-1] in ",;" and inner[0].islower() and not any(word in SPEECH_VERBS for word in words):
        return _after_tag(before)
    if not before[-1].isalnum():
        return True
    return not (count <= 3 or count <= 8 and (_title_case(inner) or inner[0].islower()))


def _cued(words: list[str], touching: bool, inner: str) -> bool:
    """True when the words just before a quotation make it a title, a name or a sign's words."""
    prev = words[-1] if words else ""
    prior = words[-2] if len(words) > 1 else ""
    if prev in SIGN_VERBS and _sign_subject(words[:-1]) or prev in TEXT_NOUNS:
        return True
    if not touching:
        return False
    if prev in TITLE_NOUNS or prev in TITLE_VERBS or prev == "of" and prior in COPY_NOUNS:
        return True
    naming = next((word for word in reversed(words[-3:]) if word in NAMING), None)
    return naming is not None and not (naming in SPEECH_VERBS and inner[-1] in "!?")


def _sign_subject(words: list[str]) -> bool:
    """True when a sign noun is the subject of the verb that follows `words` (a note that said)."""
    for word in reversed(words[-_SIGN_REACH:]):
        if word in SIGN_NOUNS:
            return True
        if word in BLOCKERS:
            return False
    return False


def _listed(text: str, mention_end: int | None, span: Span) -> bool:
    """True for a short quotation in the same sentence as a mention just before it ('GOD SEES ALL', and, 'So it does')."""
    if mention_end is None or len(text[span[0] + 1 : span[1]].split()) > 5:
        return False
    between = text[mention_end + 1 : span[0]]
    if SENTENCE_BREAK.search(between):
        return False
    return not any(word in SPEECH_VERBS for word in WORDS.findall(between.lower()))


def _shown(words: list[str], inner: str) -> bool:
    """True for a quotation after a colon that shows writing (the list: “eggs”) or bare words (she did: 'hospital')."""
    if inner[0].islower() and inner[-1].isalnum():
        return True
    shows = any(word in SIGN_NOUNS or word in DOCUMENT_CUES or word in ("sent", "showed") for word in words)
    return shows and not any(word in SPEECH_VERBS for word in words)


def _unsaid(words: list[str], sentence: str) -> bool:
    """True when the `words` of the `sentence` before a quotation make it what a look meant or someone seemed or
    wished to say (her eyes said:, a glance which meant,, as if to say,, he longed to add,), not words spoken
    ("with a smile, observed" is spoken)."""
    if words and words[-1] in MEANING:
        return True
    if len(words) < 2 or words[-1] not in SPEECH_VERBS:
        return False
    if len(words) > 2 and words[-2] == "to" and words[-3] in SEEMING:
        return True
    return words[-2] in FACES and _JOINED.search(sentence) is not None


def _introduced(words: list[str]) -> bool:
    """True when a speech verb (maybe with an adverb: said softly) comes right before the quotation, not negated."""
    verb = len(words) - 1 if words and words[-1] in SPEECH_VERBS else len(words) - 2
    if verb < 0 or words[verb] not in SPEECH_VERBS or verb < len(words) - 1 and not words[-1].endswith("ly"):
        return False
    return not any(word in NEGATIONS for word in words[max(0, verb - 2) : verb])


def _after_tag(before: str) -> bool:
    """True when a quotation closed at most a short speech tag before (“Yes,” he nodded, “of course.”)."""
    last = max(before.rfind(mark) for mark in MARKS)
    return last >= 0 and len(before[last + 1 :].split()) <= _TAG_WORDS_MAX


def _written(words: list[str]) -> bool:
    """True when the sentence so far says the quotation was written and no one has spoken since."""
    last = max((k for k, word in enumerate(words) if word in WRITING), default=-1)
    return last >= 0 and not any(word in SPEECH_VERBS for word in words[last + 1 :])


def _title_case(inner: str) -> bool:
    """True for Title Case Words without closing punctuation (The Lord of the Rings)."""
    words = WORD.findall(inner)
    if not words or inner[-1] in ".!?…":
        return False
    return words[0][0].isupper() and all(w[0].isupper() or w.lower() in SMALL_WORDS for w in words[1:])
