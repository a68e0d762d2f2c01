"""Parse: split each paragraph into narration and dialogue segments.

Dialogue is the text inside one pair of quotation marks, marks excluded and
trimmed. Each chapter is read in one of two styles, chosen by which marks open
more quotations: double marks (curly “ ”, straight ", « », „ “) or single marks
(curly ‘ ’, straight '). The other family is then a quotation nested inside a
speech (“He said, ‘Go home,’ and left.” is one segment), or a thought such as
‘Run,’ he thought when it starts a sentence and closes after punctuation.

Apostrophes are told from single quotation marks by where they stand: inside a
word (don’t), before a known elision or a year (’cause, ’em, ’tis, ’99), or,
at a word's end (goin’, the twins’ room), by which candidate closes the
quotation best: one after punctuation first, then one before punctuation, then
one followed by a speech tag. Quotation state starts afresh in every paragraph,
so a missing or doubled straight mark cannot flip the paragraphs after it.

Quotation marks that are not speech stay narration: a sign, note or other
writing (the sign read “CLOSED”, someone had scrawled “Back Monday”, the
paragraph after "…and read as follows:"), a title (a copy of “The Raven”, she
was reading “Middlemarch.”), a mention or scare quote (the word “forever”,
their so-called “plan”), words not said (she didn't say “never”), and a quote
of up to three words, or a lower-case one, inside a sentence that no speech verb
introduces. Short speech stays speech: “No.”, He said, “Fine.”, “Yes?”.

A speech running over several paragraphs (no closing mark until the last one,
each paragraph re-opening) is one segment per paragraph; each but the last has
`runs_on` set.

Line ids: every dialogue segment gets `id` = the first 10 hex digits of the
SHA-1 of "<chapter number>\\n<quote text with whitespace collapsed to single
spaces>" (an empty number for a chapter without one). The 2nd, 3rd... identical
quote in the chapter gets "-2", "-3"... appended. Editing another paragraph or
re-wrapping lines never changes an id. Narration has id "".
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from narrate.model import Chapter, Kind, Paragraph, Script, Segment, Work

Span = tuple[int, int]
"""(open, close) marks of a quotation: the quote is text[open + 1:close] (open = start - 1 with no opening mark)."""

_DOUBLE = re.compile(r"[\"“”„«»]")
_SINGLE = re.compile(r"['‘’`]")
_WORD = re.compile(r"[^\W\d_]+|\d+")
_WORDS = re.compile(r"[\w'’-]+")
_SENTENCE_BREAK = re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)[.!?…][\"'”’»)]*(?:\s|$)")

_WS = " \t\n\r\f\v\xa0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u3000\ufeff"
"""Whitespace stripped from segment edges."""

_MARKS = "\"'“”„«»‘’`"
"""Every quotation mark, of both families."""

_BEFORE_OPEN = "([{<—–-/…" + _MARKS
"""Characters after which a mark touching a word opens a quotation."""

_AFTER_CLOSE = ".,;:!?)]}>—–-…" + _MARKS
"""Characters before which a mark touching a word closes a quotation."""

_PUNCT_BEFORE = ".,;:!?—–-…”\"»"
"""Characters before a closing mark that make it surely a closing mark (not an apostrophe)."""

_SENTENCE_END = ".!?…—–:" + _MARKS
"""Characters a sentence-initial quotation may follow."""

_ELISIONS = frozenset(
    "tis twas twere twill twould tisn twasn tain taint em cause cos coz cuz til till bout round fore gainst "
    "mongst midst neath nother n kay sup spose specially scuse fraid member nuff course less pon appen un ud ere "
    "ello im er e is ave ad alf ome ow eard ouse ope urt elp ospital orse appy ead ard eart ungry urry ang eavens".split()
)
"""Words that an apostrophe at their start shortens ('tis, 'em, 'cause; Cockney 'ow, 'im)."""

_CLIPPED = frozenset("an o th wi ol tho thro".split())
"""Words whose final letters an apostrophe stands for and that never end a sentence (an' = and)."""

_SPEECH_VERBS = frozenset(
    "said says say saying asked asks ask asking replied replies reply answered answers answer whispered whispers "
    "whisper shouted shouts shout yelled yells yell muttered mutters mutter murmured murmurs screamed screams "
    "cried cries called calls snapped hissed growled began continued repeated mumbled breathed sighed "
    "laughed grunted snarled barked exclaimed declared demanded insisted pleaded begged protested retorted mused "
    "offered suggested warned agreed admitted stammered stuttered croaked gasped groaned moaned whimpered sobbed "
    "chuckled giggled sang sings chanted roared bellowed howled wailed squeaked squealed shrieked purred drawled "
    "spat teased joked lied noted observed remarked explained interrupted corrected finished went goes echoed "
    "quipped prompted ventured announced ordered commanded responded mouthed swore thought thinks think wondered "
    "prayed then".split()
)
"""Words after which a short quotation is speech, not a scare quote."""

_TITLE_NOUNS = frozenset(
    "word words phrase term name title song book novel poem film movie show series play album track story article "
    "chapter essay headline slogan motto nickname expression catchphrase hymn tune ballad anthem opera musical "
    "painting magazine newspaper column episode podcast game password label brand".split()
)
"""Nouns after which a quotation is a title or a mention (the word “forever”)."""

_TITLE_VERBS = frozenset("reading watched watching played playing hummed humming whistled whistling starring".split())
"""Verbs after which a quotation is a title (she was reading “Middlemarch.”)."""

_COPY_NOUNS = _TITLE_NOUNS | frozenset(
    "copy copies issue edition verse verses chorus line lines strains version rendition recording performance "
    "reading bars notes".split()
)
"""Nouns that make "<noun> of “X”" a title (a copy of “The Raven”)."""

_SIGN_NOUNS = frozenset(
    "sign signs note notes notice letter card label banner poster plaque message text texts email e-mail caption "
    "inscription placard billboard whiteboard blackboard chalkboard noticeboard board screen display headline "
    "telegram memo postcard tag sticker graffiti envelope menu ticket receipt list sheet page form door gate wall "
    "shirt t-shirt mug cover spine title writing handwriting words letters contact notification id display "
    "readout subject".split()
)
"""Things that say or read something without speaking (the sign read “CLOSED”)."""

_SIGN_VERBS = frozenset(
    "read reads reading said says saying declared declares proclaimed proclaims announced announces warned warns "
    "showed shows".split()
)
"""Verbs a sign or note says its words with."""

_NAMING = frozenset(
    "titled entitled called named nicknamed dubbed labelled labeled marked stamped signed captioned spelled spelt "
    "so-called unquote quote-unquote".split()
)
"""Words after which a quotation is a name or a label (a town called “Hope”)."""

_TEXT_NOUNS = frozenset(
    "inscription sign note notice label caption banner placard plaque headline message telegram memo postcard "
    "advertisement epitaph motto".split()
)
"""Writings whose words a quotation right after them gives, even after a comma (the inscription, “Also Georgiana”)."""

_WRITING = frozenset(
    "wrote write writes written scrawled scribbled typed texted printed painted carved engraved etched inscribed "
    "handwriting emailed messaged jotted penned".split()
)
"""Words that make a quotation later in the sentence a writing, not speech (someone had scrawled “Back Monday”)."""

_DOCUMENT_CUES = _WRITING | frozenset("read reads follows ran runs thus".split())
"""Words in a sentence ending with a colon that introduce a document in the next paragraph (read as follows:)."""

_NEGATIONS = frozenset("not never didn't don't doesn't won't wouldn't couldn't can't didn’t don’t doesn’t won’t "
                       "wouldn’t couldn’t can’t".split())  # fmt: skip
"""Words that make the speech verb after them unspoken (she didn't say “perhaps never”)."""

_BLOCKERS = frozenset("and but then so he she they i we you".split())
"""Words that end the search for a sign noun before a sign verb (a new clause has begun)."""

_TAG_WORDS = _SPEECH_VERBS | frozenset("added he she they i we you".split())
"""Words that, right after a possible closing mark, show it closed a quotation."""

_SMALL_WORDS = frozenset("a an the of and or in on at to for with from by".split())
"""Words a title leaves in lower case."""

_LINE_ID_DIGITS = 10
"""Hex digits of a line id's digest."""

_SIGN_REACH = 6
"""Words looked back from a sign verb for the sign noun."""

_TAG_WORDS_MAX = 12
"""Most words a speech tag between two parts of one speech has."""

_CONTEXT = 300
"""Characters before a quotation looked at to judge it (keeps parsing linear)."""


def parse(work: Work, chapter: Chapter) -> Script:
    """The chapter as narration and dialogue segments in reading order (no speakers yet)."""
    paragraphs = [(scene.number, p) for scene in chapter.scenes for p in scene.paragraphs]
    texts = [p.text for _, p in paragraphs]
    left_used = any("‘" in text for text in texts)
    single = _single_style(texts, left_used)
    segments: list[Segment] = []
    document = False
    for index, (scene, paragraph) in enumerate(paragraphs):
        spans = _quotations(paragraph.text, single, left_used)
        if document and spans and spans[0][0] == 0:
            document, spans = spans[0][1] == len(paragraph.text), spans[1:]
        else:
            document = _introduces_document(paragraph.text)
        segments += _split(paragraph, scene, index, spans)
    return Script(work=work, chapter=chapter, segments=tuple(_with_ids(segments, chapter.number)))


def script_records(script: Script) -> list[dict]:
    """The `narrate script --format jsonl` records of `script`, in reading order."""
    return [
        {
            "kind": s.kind,
            "speaker": s.speaker,
            "text": s.text,
            "start": s.start,
            "end": s.end,
            "confidence": round(s.confidence, 3),
            "scene": s.scene,
            "id": s.id,
        }
        for s in script.segments
    ]


# --- which marks open speech in this chapter ----------------------------------------------------


def _single_style(texts: list[str], left_used: bool) -> bool:
    """True when single marks open more quotations than double marks do (an opening paragraph counts 3)."""
    double = single = 0
    for text in texts:
        for match in _DOUBLE.finditer(text):
            i = match.start()
            double += (3 if i == 0 else 1) * (text[i] in "“„«" or text[i] == '"' and _side(text, i) == "open")
        for match in _SINGLE.finditer(text):
            i = match.start()
            single += (3 if i == 0 else 1) * (_single_role(text, i, left_used) == "open")
    return single > double


# --- where a mark stands ------------------------------------------------------------------------


def _blank(ch: str) -> bool:
    """True for whitespace (including zero-width and no-break spaces)."""
    return ch.isspace() or ch in "\u200b\ufeff"


def _around(text: str, i: int) -> tuple[str, str]:
    """The characters before and after position `i` (a space beyond either end)."""
    return (text[i - 1] if i > 0 else " "), (text[i + 1] if i + 1 < len(text) else " ")


def _side(text: str, i: int) -> str:
    """"open" where the mark at `i` stands like an opening mark, "close" like a closing one, else ""."""
    before, after = _around(text, i)
    if _blank(before) != _blank(after):
        return "open" if _blank(before) else "close"
    if _blank(before):
        return ""
    if after in _AFTER_CLOSE:
        return "close"
    return "open" if before in _BEFORE_OPEN else ""


# --- double marks -------------------------------------------------------------------------------


def _double_role(text: str, i: int, inside: bool) -> str:
    """"open" or "close" for the double mark at `i`, given whether a quotation is open."""
    ch, side = text[i], _side(text, i)
    if ch == '"':
        return side or ("close" if inside else "open")
    if ch in "“«":
        return "close" if inside and side == "close" else "open"
    if ch in "”»":
        return "open" if not inside and side == "open" else "close"
    return "open"


def _double_spans(text: str, lo: int, hi: int) -> list[Span]:
    """The double-mark quotations in text[lo:hi]."""
    spans: list[Span] = []
    open_at: int | None = None
    depth = 0
    nests = text.count("“", lo, hi) == text.count("”", lo, hi)
    for match in _DOUBLE.finditer(text, lo, hi):
        i = match.start()
        if open_at is None:
            if _double_role(text, i, inside=False) == "open":
                open_at = i
            elif not spans and _closes_speech(text, lo, i):
                spans.append((lo - 1, i))
        elif (text[i] in "«»") == (text[open_at] in "«»"):
            role = _double_role(text, i, inside=True)
            if role == "close" and not depth:
                spans.append((open_at, i))
                open_at = None
            elif role == "close" or nests and text[i] == "“":
                depth += -1 if role == "close" else 1
            else:
                spans += [(open_at, i)] if _has_text(text, open_at + 1, i) else []
                open_at = i
    return spans + ([(open_at, hi)] if open_at is not None else [])


def _closes_speech(text: str, lo: int, i: int) -> bool:
    """True when an unopened closing mark at `i` ends speech begun before text[lo:] (…home.”)."""
    before = _around(text, i)[0]
    return (before in _PUNCT_BEFORE or text[i] != '"' and before.isalnum()) and _has_text(text, lo, i)


def _has_text(text: str, lo: int, hi: int) -> bool:
    """True when text[lo:hi] is not all whitespace (looks back from `hi` only as far as the whitespace goes)."""
    return _last_index(text, hi) >= lo


def _last_index(text: str, i: int) -> int:
    """Index of the last non-blank character before `i` (-1 if none)."""
    j = i - 1
    while j >= 0 and _blank(text[j]):
        j -= 1
    return j


def _last_char(text: str, i: int) -> str:
    """The last non-blank character before `i` ("" if none)."""
    j = _last_index(text, i)
    return text[j] if j >= 0 else ""


# --- single marks -------------------------------------------------------------------------------


def _single_role(text: str, i: int, left_used: bool) -> str:
    """What the single mark at `i` is: "open", "elided", "strong"/"medium"/"weak" close, or "" (apostrophe)."""
    before, after = _around(text, i)
    if before.isalnum() and after.isalnum():
        return ""
    side = _side(text, i)
    if side == "open":
        return "elided" if _elided(text, i + 1) or text[i] == "’" and left_used else "open"
    if side != "close" or _clipped(text, i):
        return ""
    if before in _PUNCT_BEFORE:
        return "strong"
    return "medium" if i + 1 == len(text) or not _blank(after) else "weak"


def _elided(text: str, j: int) -> bool:
    """True when the word at `j` is a known elision or a two-digit year ('tis, '99)."""
    word = _WORD.match(text, j)
    if word is None:
        return False
    token = word.group()
    return len(token) == 2 if token.isdigit() else token.lower() in _ELISIONS


def _clipped(text: str, i: int) -> bool:
    """True when the mark at `i` ends a clipped word that never ends a quotation (an', th', tho')."""
    start = i
    while start > 0 and text[start - 1].isalpha() and i - start < 5:
        start -= 1
    return text[start:i].lower() in _CLIPPED and not (start > 0 and text[start - 1].isalpha())


def _single_spans(text: str, lo: int, hi: int, left_used: bool) -> list[Span]:
    """The single-mark quotations in text[lo:hi]."""
    marks = [(m.start(), role) for m in _SINGLE.finditer(text, lo, hi) if (role := _single_role(text, m.start(), left_used))]
    spans: list[Span] = []
    elided: int | None = None
    k = 0
    while k < len(marks):
        at, role = marks[k]
        if role == "open":
            close = _single_close(text, marks, k + 1)
            if close is None:
                return spans + [(at, hi)]
            spans.append((at, marks[close][0]))
            k, elided = close + 1, None
            continue
        if role == "elided":
            elided = at
        elif role == "strong" and (elided is not None or not spans and _has_text(text, lo, at)):
            spans.append((lo - 1 if elided is None else elided, at))
            elided = None
        k += 1
    return spans


def _single_close(text: str, marks: list[tuple[int, str]], k: int) -> int | None:
    """Index in `marks` of the mark closing the quotation opened before marks[k], or None if it runs on."""
    medium: int | None = None
    tagged: int | None = None
    weak: list[int] = []
    inline = _last_char(text, marks[k - 1][0]).isalnum()
    for j in range(k, len(marks)):
        at, role = marks[j]
        if role == "open" and (medium is not None or tagged is not None or weak and text[at + 1 : at + 2].isupper()):
            return medium if medium is not None else tagged if tagged is not None else weak[0 if inline else -1]
        if role == "strong":
            return j
        if role == "medium" and medium is None:
            medium = j
        elif role == "weak":
            weak.append(j)
            if tagged is None and _next_word(text, at + 1) in _TAG_WORDS:
                tagged = j
    if medium is not None or tagged is not None:
        return medium if medium is not None else tagged
    return weak[0] if weak and inline else None


def _next_word(text: str, i: int) -> str:
    """The lower-cased word starting at or after `i` (skipping spaces)."""
    match = _WORD.search(text, i, i + 40)
    return match.group().lower() if match else ""


# --- both families ------------------------------------------------------------------------------


def _quotations(text: str, single: bool, left_used: bool) -> list[Span]:
    """The spoken quotations of a paragraph, in order (`left_used`: the chapter has ‘ marks)."""
    doubles = partial(_double_spans, text)
    singles = partial(_single_spans, text, left_used=left_used)
    primary, secondary = (singles, doubles) if single else (doubles, singles)
    spans = primary(0, len(text))
    spoken: list[Span] = []
    mention_end: int | None = None
    for span in sorted(spans + _secondary(text, spans, secondary)):
        if _is_speech(text, *span) and not _listed(text, mention_end, span):
            spoken.append(span)
            mention_end = None
        else:
            mention_end = span[1]
    return spoken


def _secondary(text: str, spans: list[Span], scan: Callable[[int, int], list[Span]]) -> list[Span]:
    """Quotations in the other family's marks between the main ones: sentence-initial, closed after punctuation."""
    found: list[Span] = []
    cursor = 0
    for open_at, close_at in spans + [(len(text), len(text))]:
        lo, hi = cursor, max(open_at, 0)
        if hi > lo:
            found += [
                (o, c) for o, c in scan(lo, hi)
                if lo <= o and c < hi and text[c - 1] in _PUNCT_BEFORE and _starts_sentence(text, o)
            ]  # fmt: skip
        cursor = close_at + 1
    return found


def _starts_sentence(text: str, i: int) -> bool:
    """True when position `i` begins the paragraph or follows the end of a sentence or quotation."""
    before = _last_char(text, i)
    return not before or before in _SENTENCE_END


# --- speech or not ------------------------------------------------------------------------------


def _is_speech(text: str, open_at: int, close_at: int) -> bool:
    """False for a quotation that is a sign, a title, a mention or a scare quote (read as narration)."""
    if open_at < 0 or close_at >= len(text):
        return True
    inner = text[open_at + 1 : close_at].strip(_WS)
    before = text[max(0, open_at - _CONTEXT) : open_at].rstrip(_WS)
    if not before or not inner:
        return True
    sentence = _SENTENCE_BREAK.split(before)[-1]
    words = _WORDS.findall(sentence.lower())
    if _cued(words, before[-1].isalnum(), inner) or _written(words) or before[-1] == ":" and _shown(words, inner):
        return False
    count = len(inner.split())
    if _introduced(words) or inner[-1] in "!?" or inner[0].isupper() and inner[-1] in ".…" and not (
        count > 1 and _title_case(inner.rstrip(".…"))
    ):
        return True
    if before[-1] in ",;" and inner[0].islower() and not any(word in _SPEECH_VERBS for word in words):
        return _after_tag(before)
    if not before[-1].isalnum():
        return True
    return not (count <= 3 or count <= 8 and (_title_case(inner) or inner[0].islower()))


def _cued(words: list[str], touching: bool, inner: str) -> bool:
    """True when the words just before a quotation make it a title, a name or a sign's words."""
    prev = words[-1] if words else ""
    prior = words[-2] if len(words) > 1 else ""
    if prev in _SIGN_VERBS and _sign_subject(words[:-1]) or prev in _TEXT_NOUNS:
        return True
    if not touching:
        return False
    if prev in _TITLE_NOUNS or prev in _TITLE_VERBS or prev == "of" and prior in _COPY_NOUNS:
        return True
    naming = next((word for word in reversed(words[-3:]) if word in _NAMING), None)
    return naming is not None and not (naming in _SPEECH_VERBS and inner[-1] in "!?")


def _sign_subject(words: list[str]) -> bool:
    """True when a sign noun is the subject of the verb that follows `words` (a note that said)."""
    for word in reversed(words[-_SIGN_REACH:]):
        if word in _SIGN_NOUNS:
            return True
        if word in _BLOCKERS:
            return False
    return False


def _listed(text: str, mention_end: int | None, span: Span) -> bool:
    """True for a short quotation in the same sentence as a mention just before it ('GOD SEES ALL', and, 'So it does')."""
    if mention_end is None or len(text[span[0] + 1 : span[1]].split()) > 5:
        return False
    between = text[mention_end + 1 : span[0]]
    if _SENTENCE_BREAK.search(between):
        return False
    return not any(word in _SPEECH_VERBS for word in _WORDS.findall(between.lower()))


def _shown(words: list[str], inner: str) -> bool:
    """True for a quotation after a colon that shows writing (the list: “eggs”) or bare words (she did: 'hospital')."""
    if inner[0].islower() and inner[-1].isalnum():
        return True
    shows = any(word in _SIGN_NOUNS or word in _DOCUMENT_CUES or word in ("sent", "showed") for word in words)
    return shows and not any(word in _SPEECH_VERBS for word in words)


def _introduced(words: list[str]) -> bool:
    """True when a speech verb (maybe with an adverb: said softly) comes right before the quotation, not negated."""
    verb = len(words) - 1 if words and words[-1] in _SPEECH_VERBS else len(words) - 2
    if verb < 0 or words[verb] not in _SPEECH_VERBS or verb < len(words) - 1 and not words[-1].endswith("ly"):
        return False
    return not any(word in _NEGATIONS for word in words[max(0, verb - 2) : verb])


def _after_tag(before: str) -> bool:
    """True when a quotation closed at most a short speech tag before (“Yes,” he nodded, “of course.”)."""
    last = max(before.rfind(mark) for mark in _MARKS)
    return last >= 0 and len(before[last + 1 :].split()) <= _TAG_WORDS_MAX


def _written(words: list[str]) -> bool:
    """True when the sentence so far says the quotation was written and no one has spoken since."""
    last = max((k for k, word in enumerate(words) if word in _WRITING), default=-1)
    return last >= 0 and not any(word in _SPEECH_VERBS for word in words[last + 1 :])


def _introduces_document(text: str) -> bool:
    """True for a paragraph ending "…and read as follows:", whose next paragraph quotes a writing."""
    if not text.endswith(":"):
        return False
    words = _WORDS.findall(_SENTENCE_BREAK.split(text)[-1].lower())
    return any(word in _DOCUMENT_CUES for word in words) and not any(word in _SPEECH_VERBS for word in words)


def _title_case(inner: str) -> bool:
    """True for Title Case Words without closing punctuation (The Lord of the Rings)."""
    words = _WORD.findall(inner)
    if not words or inner[-1] in ".!?…":
        return False
    return words[0][0].isupper() and all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in words[1:])


# --- segments -----------------------------------------------------------------------------------


def _split(paragraph: Paragraph, scene: int, index: int, spans: list[Span]) -> list[Segment]:
    """The narration and dialogue segments of one paragraph, given its quotations."""
    text, base = paragraph.text, paragraph.start
    segments: list[Segment] = []
    cursor = 0
    for open_at, close_at in spans:
        segments += _piece("narration", text, cursor, max(open_at, 0), base, scene, index)
        segments += _piece("dialogue", text, open_at + 1, close_at, base, scene, index)
        cursor = close_at + 1
    segments += _piece("narration", text, cursor, len(text), base, scene, index)
    return segments


def _piece(kind: Kind, text: str, start: int, end: int, base: int, scene: int, index: int) -> list[Segment]:
    """A segment for text[start:end] trimmed (narration also of a leading ",;:—"), or none if nothing is left to say."""
    piece = text[start:end]
    lead_chars = _WS + ",;:—–-" if kind == "narration" else _WS
    lead = len(piece) - len(piece.lstrip(lead_chars))
    piece = piece.lstrip(lead_chars).rstrip(_WS)
    if not piece or kind == "narration" and not any(ch.isalnum() for ch in piece):
        return []
    begin = base + start + lead
    runs_on = kind == "dialogue" and end >= len(text)
    return [Segment(kind, piece, begin, begin + len(piece), scene, index, runs_on=runs_on)]


def _with_ids(segments: list[Segment], chapter: int | None) -> list[Segment]:
    """`segments` with a stable line id on every dialogue segment (see the module docstring)."""
    seen: Counter[str] = Counter()
    result = []
    for segment in segments:
        if segment.kind == "dialogue":
            key = _line_id(chapter, segment.text)
            seen[key] += 1
            segment = replace(segment, id=key if seen[key] == 1 else f"{key}-{seen[key]}")
        result.append(segment)
    return result


def _line_id(chapter: int | None, text: str) -> str:
    """The digest part of a quote's line id."""
    source = f"{'' if chapter is None else chapter}\n{' '.join(text.split())}"
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:_LINE_ID_DIGITS]
