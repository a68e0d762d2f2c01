"""Words: the word lists and patterns that finding people and reading speech tags share."""

from __future__ import annotations

import re

from narrate.model import Gender

SPEECH_VERBS = frozenset(
    """said says say asked asks replied replies answered answers whispered whispers muttered
    mutters murmured murmurs continued continues added adds called calls shouted shouts yelled
    yells snapped snaps hissed hisses growled growls breathed breathes sighed sighs began
    begins repeated repeats insisted insists admitted admits offered offers agreed agrees
    demanded demands cried cries exclaimed exclaims mumbled mumbles stammered stammers
    protested protests warned warns explained explains suggested suggests retorted retorts
    countered counters echoed echoes pressed presses prompted prompts noted notes observed
    remarked remarks responded responds grumbled grumbles grunted grunts huffed huffs teased
    teases joked jokes pleaded pleads begged begs ordered orders commanded commands announced
    announces declared declares confessed confesses conceded concedes interrupted interrupts
    croaked croaks rasped rasps drawled drawls purred purrs snarled snarls barked barks mused
    muses sneered sneers scoffed scoffs chuckled chuckles laughed laughs snorted snorts spat
    spits corrected corrects reminded reminds assured assures promised promises argued argues
    screamed screams roared roars bellowed bellows whimpered whimpers sobbed sobs gasped gasps
    managed manages finished finishes started starts tried tries told tells wondered wonders
    guessed guesses lied lies went spoke speaks texted texts messaged typed types type writes sent""".split()
)
"""Verbs that tag a quotation with its speaker ("X said", "said X")."""

PHRASAL = {"went": "on", "spoke": "up", "speaks": "up", "cut": "in", "chimed": "in", "called": "out"}
"""Verbs that tag speech only with their particle ("went on")."""

RELATIONS: dict[str, Gender] = {
    "wife": "female", "husband": "male", "mother": "female", "father": "male", "sister": "female",
    "brother": "male", "daughter": "female", "son": "male", "aunt": "female", "uncle": "male",
    "niece": "female", "nephew": "male", "cousin": "unknown", "friend": "unknown", "companion": "unknown",
    "lady": "female", "lord": "male", "master": "male", "mistress": "female", "guest": "unknown",
    "host": "unknown", "visitor": "unknown", "partner": "unknown", "mum": "female", "mom": "female",
    "dad": "male", "grandmother": "female", "grandfather": "male", "sweetheart": "unknown",
    "boyfriend": "male", "girlfriend": "female", "fiancé": "male", "fiancée": "female", "grandma": "female",
    "grandpa": "male", "gran": "female", "granny": "female", "nan": "female", "nana": "female", "mama": "female",
    "mummy": "female", "mommy": "female", "papa": "male", "daddy": "male",
}  # fmt: skip
"""Nouns that name a person by their tie to another ("his wife", "Scrooge’s nephew"), with their gender."""

TOKEN = re.compile(r"[^\W\d_][^\W_]*(?:[’'\-][^\W\d_][^\W_]*)*")
"""A word: letters, with apostrophes or hyphens inside ("O’Brien", "well-known"); underscores, which plain text uses
to mark italics ("_Maria_"), are not part of it."""
KIN = re.compile(r"\s+(?P<noun>" + "|".join(sorted(RELATIONS, key=len, reverse=True)) + r")\b(?![\w-])")
"""A relation noun after a possessive name ("Scrooge’s nephew")."""
_SENTENCE_END = ".!?…:"
_ABBREVIATION = r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bJr)(?<!\bSr)(?<!\bMt)(?<!\b[A-Z])"
"""A lookbehind that keeps the full stop of "Mr." or an initial from ending a sentence."""
STOP = _ABBREVIATION + r"[.!?…]"
"""A regex for a sentence-ending mark."""
SENTENCE = re.compile(r"(?:[^.!?…]|(?<=\bMr)\.|(?<=\bMrs)\.|(?<=\bMs)\.|(?<=\bDr)\.|(?<=\bSt)\.|(?<=\b[A-Z])\.)*(?:[.!?…]+[\"”’)]*|$)")
"""One sentence at a time, not broken after titles ("Mr. Bennet") or initials."""


def opens_sentence(text: str, at: int) -> bool:
    """True when position `at` of `text` opens a sentence."""
    before = text[:at].rstrip(" \t\n\"“”‘’'([—–-")
    return not before or before[-1] in _SENTENCE_END


PAST = frozenset(
    "was were had stood came sat ran said spoke went got took gave held rose began strode swept leaned".split()
)
"""Irregular past tenses that show a person acting."""
OBJECT_MARKERS = frozenset(
    "at to with from for of by about towards toward into onto than like past behind beside over under "
    "watched saw told asked kissed hugged followed".split()
)
"""Words after which a person is an object, not the subject of what they are doing."""


def after_object_marker(text: str, at: int, markers: frozenset[str] = OBJECT_MARKERS) -> bool:
    """True when the word before position `at` makes what follows an object ("gave it to Kes")."""
    before = text[:at].split()
    return bool(before) and before[-1].lower().strip(",;:—") in markers


def inside_quotation(text: str, at: int) -> bool:
    """True when position `at` lies inside a quotation that narration carries (a note, a sign: “Kettle’s on.”)."""
    before = text[:at]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1
