"""Names: find the name phrases of a work and merge the forms of one person's name.

Nothing here knows any name: a capitalised word is a name when the text uses it
like one (mid-sentence, as the subject of a speech verb, or with a possessive)
and never writes it in lower case. "Holmes", "Mr. Holmes" and "Sherlock Holmes"
become one person, and so do known nicknames ("Lizzy" and "Elizabeth").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence

from narrate.attribute.firstnames import COMMON_BEARERS, is_first_name, name_gender
from narrate.attribute.words import (
    KIN,
    PAST,
    RELATIONS,
    SENTENCE,
    SPEECH_VERBS,
    STOP,
    TOKEN,
    inside_quotation,
    opens_sentence,
)

_STOP = frozenset(
    """a an the and but or nor for so yet if then than when while where why how what who whom
    whose which that this these those there here it its it's i i'm i'll i've i'd me my mine
    myself we us our ours you your yours he him his she her hers they them their theirs
    not no yes yeah oh ah um uh okay ok well just still only even also too very really maybe
    perhaps now later soon once again never always sometimes often after before since until
    because though although as at by from in into of off on onto out over under up upon with
    within without about above across against along among around behind below beneath beside
    besides between beyond down during except inside near outside past through toward towards
    one two three four five six seven eight nine ten first second third last next another
    other others some any all both each every few many more most much none nothing something
    anything everything someone anyone everyone nobody somebody anybody everybody somewhere
    nowhere anywhere everywhere don't didn't doesn't can't couldn't won't wouldn't shouldn't
    isn't wasn't weren't aren't haven't hasn't hadn't let let's good great god lord mr mrs
    ms miss dr sir madam chapter part book prologue epilogue monday tuesday wednesday
    thursday friday saturday sunday january february september october november december
    christmas easter heaven hell today tonight tomorrow yesterday highness majesty lordship ladyship
    excellency honour honor sire hey hi hello goodbye bye please thanks thank sorry
    whatever however meanwhile instead otherwise somehow anyway together alone except
    suddenly finally quietly slowly aye nay alas hush hurrah bravo pshaw pooh indeed eh ha hm hmm lo yea egad
    zounds esquire esq junior senior jr sr hullo
    english englishman englishwoman englishmen englishwomen british american americans european europeans
    indian indians hindu hindus moslem moslems muslim muslims mohammedan mohammedans christian christians
    german germans french frenchman frenchwoman frenchmen italian italians russian russians greek greeks
    spanish spaniard irish irishman scotch scottish scotsman welsh dutch dutchman chinese japanese
    islam christianity hinduism buddhism judaism""".split()
)
"""Capitalised words that are never names by themselves."""

TITLES = {
    "mr": "male", "mister": "male", "sir": "male", "lord": "male", "king": "male", "prince": "male",
    "uncle": "male", "father": "male", "brother": "male", "mrs": "female", "miss": "female",
    "ms": "female", "madam": "female", "madame": "female", "lady": "female", "queen": "female",
    "princess": "female", "aunt": "female", "mother": "female", "sister": "female",
    "dr": "unknown", "doctor": "unknown", "professor": "unknown", "captain": "unknown",
    "master": "unknown", "detective": "unknown", "inspector": "unknown", "general": "unknown",
    "colonel": "unknown", "major": "unknown", "sergeant": "unknown", "officer": "unknown",
    "count": "male", "countess": "female", "duke": "male", "duchess": "female", "baron": "male",
    "baroness": "female", "earl": "male", "emperor": "male", "empress": "female", "dame": "female",
    "coach": "unknown", "agent": "unknown", "lieutenant": "unknown", "commander": "unknown",
    "admiral": "unknown", "ensign": "unknown", "chief": "unknown", "judge": "unknown", "reverend": "unknown",
    "monsieur": "male", "mademoiselle": "female", "mlle": "female", "mme": "female", "herr": "male",
    "frau": "female", "signor": "male", "signora": "female", "señor": "male", "señora": "female",
}  # fmt: skip
"""Titles that may stand before a name, with the gender they imply."""

HYPOCORISMS: dict[str, tuple[str, ...]] = {
    "Lizzy": ("Elizabeth",), "Lizzie": ("Elizabeth",), "Eliza": ("Elizabeth",), "Liz": ("Elizabeth",),
    "Betsy": ("Elizabeth",), "Bess": ("Elizabeth",), "Bessie": ("Elizabeth",), "Beth": ("Elizabeth",),
    "Bex": ("Rebecca",), "Becky": ("Rebecca",), "Becca": ("Rebecca",), "Bill": ("William",),
    "Billy": ("William",), "Will": ("William",), "Bob": ("Robert",), "Bobby": ("Robert",), "Rob": ("Robert",),
    "Dick": ("Richard",), "Rick": ("Richard",), "Peggy": ("Margaret",), "Meg": ("Margaret",),
    "Maggie": ("Margaret",), "Jack": ("John",), "Johnny": ("John",), "Ned": ("Edward", "Edmund"),
    "Ted": ("Edward", "Theodore"), "Harry": ("Henry", "Harold"), "Kate": ("Catherine", "Katherine"),
    "Kitty": ("Catherine", "Katherine"), "Katie": ("Catherine", "Katherine"), "Polly": ("Mary",),
    "Molly": ("Mary",), "Sally": ("Sarah",), "Nell": ("Eleanor", "Helen"), "Nelly": ("Eleanor", "Helen"),
    "Jim": ("James",), "Jimmy": ("James",), "Tom": ("Thomas",), "Tommy": ("Thomas",), "Joe": ("Joseph",),
    "Jo": ("Josephine",), "Dez": ("Desmond",), "Des": ("Desmond",), "Tony": ("Anthony",), "Jenny": ("Jennifer",),
    "Abby": ("Abigail",), "Fred": ("Frederick",), "Freddie": ("Frederick",), "Chuck": ("Charles",),
    "Charlie": ("Charles", "Charlotte"), "Hank": ("Henry",), "Jules": ("Julian", "Julia", "Juliet"),
    "Frank": ("Francis", "Franklin"), "Nance": ("Nancy",), "Mike": ("Michael",), "Mick": ("Michael",), "Andy": ("Andrew",), "Drew": ("Andrew",),
    "Sandy": ("Alexander", "Alexandra"), "Lexie": ("Alexandra",), "Xander": ("Alexander",), "Jem": ("James",),
    "Jemmy": ("James",), "Jamie": ("James",), "Evie": ("Evelyn",), "Teddy": ("Edward", "Theodore"),
    "Fanny": ("Frances",), "Josie": ("Josephine",), "Patty": ("Martha", "Patricia"), "Bertie": ("Albert", "Bertram"),
    "Gus": ("Augustus",), "Nat": ("Nathaniel",), "Tess": ("Theresa",), "Roz": ("Rosalind",),
    "Sissy": ("Cecilia", "Cecily"), "Cissy": ("Cecilia", "Cecily"), "Lou": ("Louisa", "Louise", "Louis"),
    "Loo": ("Louisa",), "Lottie": ("Charlotte",), "Sukey": ("Susan",), "Sue": ("Susan",), "Susie": ("Susan",),
    "Dolly": ("Dorothy",), "Ellie": ("Eleanor", "Ellen"), "Hattie": ("Harriet",), "Tilly": ("Matilda",),
    "Ginny": ("Virginia",),
}  # fmt: skip
"""Common English nicknames and the full names they stand for (merged only when both appear)."""

_STYLED = frozenset({"Grace", "Honor", "Honour"})
"""First names that are also how one speaks of a duke or a judge ("His Grace", "Your Honor")."""
_STYLE = re.compile(r"\b(?:[Hh]is|[Hh]er|[Yy]our)\s+$")
"""The word before a style of address: "His Grace"."""

_VOCATIVE = re.compile(
    r"^(?P<first>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?|Y/N)(?=,)"
    r"|(?:,\s+|\b(?:[Dd]ear|[Mm]y)\s+)(?P<name>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?|Y/N)(?=\s*(?:[,!?…—–]|\.(?:\s|$)|$))"
)
"""A name said to someone: "..., Watson." / "You said six, Tess. I..." / "Jules, wait" / "my dear Watson" / "Hey, Y/N"."""
_LISTED_BEFORE = re.compile(r"\w[,;]?\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?,\s+$")
"""Inside a sentence, a capitalised item and a comma right before a name: the name may be the next of a list."""
_LIST_ITEM = 60
"""Characters looked back from a name for the list item before it."""
_LISTED_AFTER = re.compile(r",\s+(?!I\b)[A-Z]")
"""A comma and another capitalised word (not "I") right after a name: with `_LISTED_BEFORE`, a list."""
_LOCATIVE = frozenset("in at into from to near inside outside towards toward across through".split())
"""Words that put a name in a place: a name found after them a third of the time or more, never used as a person's,
is a place."""
_MONTHS = frozenset("march april may june july august".split())
"""Months that are also given names (June, April): names unless a date shows them to be months."""
_DATE_WORDS = frozenset("in since until till by of last next early late mid from through".split())
"""Words before a month that make it a date ("since March")."""
_PLACE_WORDS = frozenset("in at to from into on near of towards toward through across by under via the".split())
"""Words before a capitalised phrase that make it a place or a thing rather than a person."""

RANKS = frozenset(
    "captain doctor professor inspector sergeant officer colonel major count countess duke duchess "
    "coach lieutenant commander admiral prince princess marquis marchioness earl".split()
)
"""Titles that "the captain" style mentions mean one holder of (unlike "the lady")."""


def find_names(
    narration: list[str], dialogue: list[str], lower: Counter[str], beside_speech: set[str]
) -> tuple[Counter[str], Counter[str], set[str]]:
    """Name phrases (one or more capitalised words, titles kept): how often each occurs, and in narration; and the
    names that sound like places, found after "in", "at" or "to" a fifth of the time or more ("India").

    A name found five times or more, a fifth of them after "in" or "into", that never tags speech is a place
    and left out ("in New York").

    A phrase is a name when the narration uses it like one: mid-sentence but not
    after a preposition (a place), next to a speech verb, with a possessive, or
    followed by a pronoun; a titled name ("Mrs. Long") counts wherever it is.
    A name found "at" or "in" a third of the time or more, never used as a person's, is a place; so is one found
    after them a fifth of the time that owns nothing, tags speech at most once and is no common first name nor a
    name given ("Oxford had done much for him", "Italy"; not "Charlotte", nor "I call her Cortado"). A name the
    narration writes three times or more, always after "the" ("The Moth’s ventilation"), that never tags speech is a
    thing, a ship or an inn ("said the Dodo" speaks).
    A full name whose every part is a name ("Wren Calloway") is one too, even said only in dialogue ("Cyril
    Fielding"), unless it is the words of a titled name ("Walter Elliot" of Sir Walter Elliot).
    """
    evidence: Counter[str] = Counter()
    phrases: Counter[str] = Counter()
    called: Counter[str] = Counter()
    ending_name: Counter[str] = Counter()  # a name said to someone after a comma: "I can hear you, Kowalski."
    followed: set[str] = set()
    acting: set[str] = set()  # phrases a verb follows ("Bran stood")
    located: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    personal: set[str] = set()
    speaking: Counter[str] = Counter()
    acted: Counter[str] = Counter()  # "Will sat", "Will laughed": a first name, not the verb "will"
    midway: Counter[str] = Counter()
    the: Counter[str] = Counter()  # phrases the narration writes after "the"
    for text in narration:
        for phrase, end, initial, tagged, possessive, before in _phrases(text):
            if phrase in _STYLED and _STYLE.search(text, 0, end - len(phrase) - 2 * possessive):
                continue  # "His Grace" is a duke, not a Grace
            tagged = tagged and text in beside_speech
            dated = phrase.lower() in _MONTHS and (before in _DATE_WORDS or re.match(r"\s+\d", text[end:]) is not None)
            placed = before in _PLACE_WORDS or dated
            phrases[phrase] += 1
            located[phrase] += before in _LOCATIVE
            the[phrase] += before == "the"
            inside[phrase] += before in _INSIDE
            if not initial:
                midway[phrase] += 1
            if tagged or _is_title(phrase.split()[0]) or possessive and not placed:
                personal.add(phrase)
            speaking[phrase] += tagged
            acted[phrase] += tagged or _did(text, end)
            participle = " " not in phrase and phrase.endswith(("ing", "ly", "ed"))
            spoken = tagged and (not placed or before == "the")
            kin = possessive and KIN.match(text, end) is not None
            if (not initial and not placed) or _is_title(phrase.split()[0]) or kin or not participle and (
                spoken or possessive and not placed
            ):
                evidence[phrase] += 1
            elif not participle and before != "the" and (" " in phrase or text[end : end + 1] != ",") and _pronoun_follows(text, end):
                followed.add(phrase)
                if _acting(text, end):
                    acting.add(phrase)
    for phrase, count in acted.items():  # "Lena leaned in the doorway." / "Lena smiled.": a first name that acts
        if count >= 2 and " " not in phrase and not evidence[phrase] and is_first_name(phrase):
            evidence[phrase] += 1
    for phrase in followed:  # "Bran stood up and he stretched." (but not a word found once, opening a sentence, that
        # neither acts nor is a first name: "Ignorant of the question, she replied")
        if midway[phrase] or phrases[phrase] > 1 or " " in phrase or phrase in acting or is_first_name(phrase):
            evidence[phrase] += 1
    for place in located:
        named = any(evidence[word] for word in place.split() if word != place)
        if place not in personal and not named and 3 * located[place] >= phrases[place]:
            evidence[place] = 0
    common = _common_first_names(phrases, evidence, speaking, acted, lower, midway) | {
        p for p, n in midway.items() if " " not in p and speaking[p] and n >= _EPITHET
        and n >= (1 if speaking[p] >= _EPITHET else 2) * lower[p.lower()]
    }  # "the Grandmother", capitalised inside sentences far more often than "grandmother" is written (as often, when
    # it tags speech five times: "said the Voice")
    common |= _epithets(narration, midway, speaking, located, phrases)
    nicknamed = {m["name"] for text in narration for m in _NICKNAMED.finditer(text) if evidence[m["name"]]}
    common |= nicknamed
    narrated = Counter({p: n for p, n in phrases.items() if evidence[p] and (_acceptable(p, lower, p in midway) or p in common)})
    spoken_full: list[str] = []  # full names said in dialogue only ("I see Cyril Fielding to be a very nice chap")
    for text in dialogue:
        for phrase, *_ in _phrases(text):
            if _is_title(phrase.split()[0]) and " " in phrase:
                phrases[phrase] += 1
                evidence[phrase] += 1
            elif " " in phrase and phrase not in phrases:
                spoken_full.append(phrase)
        for match in _VOCATIVE.finditer(text):
            if _listed(text, match):
                continue  # "Chicago, St. Louis, Kansas City, Denver, Los Angeles": a list, no one called
            called[match["name"] or match["first"]] += 1
            ending_name[match["name"] or ""] += 1
    for name, count in called.items():
        if phrases[name] and the[name] == phrases[name] and " " in name:
            continue  # "the Marrow Lark" every time in the narration: a ship called over the radio
        if count >= 2 or name in phrases or ending_name[name] and name.lower() not in RELATIONS:
            phrases[name] += count
            evidence[name] += count
    titled = {_core(phrase) for phrase in phrases if _is_title(phrase.split()[0])}
    for phrase in spoken_full:  # they join names the narration uses ("Cyril" and "Fielding")
        if all(evidence[w] for w in phrase.split()) and phrase not in titled:  # not "Walter Elliot", Sir Walter
            phrases[phrase] += 1
    for phrase in phrases:
        words = [w for w in phrase.split() if not _is_title(w)]
        if len(words) > 1 and all(evidence[w] for w in words):
            evidence[phrase] += 1
    ending: Counter[str] = Counter()  # last word of a longer name -> how often such names occur
    for phrase, count in phrases.items():
        if " " in phrase:
            ending[phrase.rsplit(" ", 1)[1]] += count
    plural = {p for p in phrases if p.endswith("s") and any(
        2 * (phrases[one] + (" " not in p) * ending[one]) >= phrases[p] for one in {p[:-1], p[:-2] if p.endswith("es") else p[:-1]})}
    opening = {p for p in phrases if " " in p and not midway[p] and _opening_word(p, evidence)}  # "Presently Lucy"
    names = Counter({p: n for p, n in phrases.items() if evidence[p] and (_acceptable(p, lower, p in midway) or p in common)
                     and p not in plural and p not in opening and (acted[p] or not _INITIALS.fullmatch(p))})
    places = {p for p in names if _PLACED * located[p] >= phrases[p]}
    silent = {p for p in names if phrases[p] >= _EPITHET and not _is_title(p.split()[0]) and (
        _PLACED * inside[p] >= phrases[p] and not speaking[p]  # "in New York"
        or 2 * located[p] >= phrases[p] and _STRAY * speaking[p] <= phrases[p]  # "at Mansfield", "to Mansfield"
        or p in places and p not in personal | nicknamed and speaking[p] <= 1
        and not is_first_name(p.split()[0], COMMON_BEARERS)
    ) or the[p] == phrases[p] >= _THE_THING and not speaking[p] and not _is_title(p.split()[0])}  # "the Moth": a ship
    names = Counter({p: n for p, n in names.items() if p not in silent})
    return names, Counter({p: n for p, n in narrated.items() if p in names}), places


def _listed(text: str, match: re.Match[str]) -> bool:
    """True when the name a vocative `match` found is one of a list of capitalised items (", Denver, Los Angeles")."""
    if not match["name"]:
        return False
    start = match.start("name")
    before = _LISTED_BEFORE.search(text, max(0, start - _LIST_ITEM), start)
    return before is not None and _LISTED_AFTER.match(text, match.end()) is not None


_NICKNAMED = re.compile(r"\bcall(?:s|ed|ing)?\s+(?:him|her|them)\s+(?P<name>[A-Z][\w’'-]*[a-z])\b")
"""A name someone is given ("I call her Cortado"): a person's, though the word is also written in lower case (a
cortado is a coffee)."""
_STRAY = 20
"""A name found after "at", "to", "in"... half the time is a place though one in this many of its uses seems to tag
speech ("Mansfield": 58 of 105 after them, 2 beside a speech verb)."""
_INSIDE = frozenset("in into inside outside".split())
"""Words a place follows and a person hardly ever does: a name found `_EPITHET` times or more, after them a fifth of
the time or more, that no speech tag names, is a place ("in New York"; not one "faults in Emma Woodhouse")."""
_THE_THING = 3
"""A name the narration writes this many times, always after "the", that never tags speech is a thing (a ship, an inn:
"the Moth had limped out"), not a person ("said the Dodo" speaks)."""
_PLACED = 5
"""A name found after "in", "at" or "to" at least once in this many times may be a place ("India": 15 of 67; people
stay under 1 in 10)."""


_EPITHET = 5
"""How often a capitalised common word ("the Grandmother") must be found inside sentences to be someone's name."""
_SPOKEN = 3
"""How often a common word ("Bill", "Rose") must tag speech ("said Bill") to be the first name of a full name."""


def _epithets(
    narration: list[str], midway: Counter[str], speaking: Counter[str], located: Counter[str], phrases: Counter[str]
) -> set[str]:
    """Capitalised phrases of common words that are someone's name ("the Invisible Man", "the Artful Dodger"):
    found inside sentences `_EPITHET` times or more, tagging speech, seldom after "in", "at" or "to" (not "Green
    Gables"), and written so at least twice as often as in lower case."""
    found = {p for p, n in midway.items()
             if " " in p and n >= _EPITHET and speaking[p] and _PLACED * located[p] < phrases[p]}
    if not found:
        return set()
    text = "\n".join(narration)
    return {p for p in found if midway[p] >= 2 * len(re.findall(rf"\b{re.escape(p.lower())}\b", text))}


def _common_first_names(
    phrases: Counter[str], evidence: Counter[str], speaking: Counter[str], acted: Counter[str], lower: Collection[str],
    midway: Counter[str],
) -> set[str]:
    """Common words that are first names here: each begins a full name ("Bill Gorton", "Rose Maylie") and tags
    speech on its own `_SPOKEN` times or more ("said Bill"), or is a first name in the name lists that tags speech
    or comes before a verb in the past (`acted`) as often ("Will sat", "said Will": not the verb "will")."""
    firsts = {p.split()[0] for p in phrases if " " in p and evidence[p] and not _is_title(p.split()[0])
              and _acceptable(p, lower, p in midway)}
    listed = {p for p in phrases if " " not in p and acted[p] >= _SPOKEN and is_first_name(p)}
    return {word for word in {w for w in firsts if speaking[w] >= _SPOKEN} | listed if _acceptable(word, set())}


def _opening_word(phrase: str, evidence: Counter[str]) -> bool:
    """True when a phrase found only opening sentences is a word that opens them before a name ("Presently Lucy",
    "Hence Cecil"): its first word is no title, no first name and no name of its own, and the rest is a name."""
    first, rest = phrase.split(" ", 1)
    return not _is_title(first) and not evidence[first] and not is_first_name(first) and evidence[rest] > 0


def _acting(text: str, at: int) -> bool:
    """True when the word after position `at` is a verb in the past or present tense ("stood", "smiled", "runs")."""
    word = _next_word(text, at)
    return _past(word) or word.endswith("s") and not word.endswith("ss")


_BEING = frozenset({"was", "were", "had", "did"})
"""Verbs in the past that say nothing of a person ("Love was", "May had")."""


def _did(text: str, at: int) -> bool:
    """True when the word after position `at` is a verb in the past that is not "was", "had" or "did"."""
    word = _next_word(text, at)
    return word not in _BEING and _past(word)


def _next_word(text: str, at: int) -> str:
    """The lower-case word right after position `at`, or ""."""
    word = re.match(r"\s+([a-z]+)\b", text[at:])
    return word[1] if word else ""


def _past(word: str) -> bool:
    """True for a verb in the past ("stood", "laughed")."""
    return word in PAST or word.endswith("ed")


def _pronoun_follows(text: str, at: int) -> bool:
    """True when a personal pronoun follows in the same sentence or opens the next one."""
    rest = re.match(rf"(?:(?!{STOP}).)*(?:{STOP})*\s*(\w*)", text[at:], re.DOTALL)
    same, following = (rest[0], rest[1]) if rest else ("", "")
    return bool(re.search(r"\b(?:he|she|his|her|him)\b", same)) or following in ("He", "She", "His", "Her")


def _phrases(text: str) -> list[tuple[str, int, bool, bool, bool, str]]:
    """(phrase, end, sentence-initial, next to a speech verb, possessive, the word before) per capitalised run.

    A run inside a quotation the narration carries (a title, a sign, a note: “The Ferryman's Daughter”) is left out.
    """
    out = []
    tokens = list(_NAME_TOKEN.finditer(text))
    i = 0
    while i < len(tokens):
        if not tokens[i][0][0].isupper():
            i += 1
            continue
        j = i + 1
        alone = _INITIALS.fullmatch(tokens[i][0]) is not None or tokens[i][0] == READER  # "J.J." joins no other word
        while j < len(tokens) and not alone and _joined(text, tokens[j - 1], tokens[j]) and (
            tokens[j][0][0].isupper() or _particle(tokens, j) and _joined(text, tokens[j], tokens[j + 1])
        ):
            j += 1 if tokens[j][0][0].isupper() else 2  # "Professor de Worms", "Mr. van der Luyden"
        first = i
        while first < j and tokens[first][0].lower().replace("’", "'") in _STOP and not _is_title(tokens[first][0]):
            first += 1
        if first < j and not inside_quotation(text, tokens[i].start()):
            phrase = text[tokens[first].start() : tokens[j - 1].end()]
            possessive = phrase.endswith(("’s", "'s"))
            prev = tokens[i - 1][0].lower() if i else ""
            prev = "the" if first > i and tokens[first - 1][0].lower() == "the" else prev  # "The Moth’s ventilation"
            nxt = tokens[j][0].lower() if j < len(tokens) else ""
            said = tokens[i - 2][0].lower() if i > 1 and prev == "the" else prev  # a verb before "the" tags the name after it
            tagged = said in SPEECH_VERBS or nxt in SPEECH_VERBS
            initial = opens_sentence(text, tokens[first].start())
            out.append((_HONORIFIC.sub("", re.sub(r"[’']s$", "", phrase)), tokens[j - 1].end(), initial, tagged,
                        possessive, prev))
        i = j
    return out


HONORIFIC_SUFFIX = (
    r"-(?:san|kun|chan|sama|sensei|senpai|sempai|dono|hime|nii|nee|ssi|hyung|noona|nuna|oppa|unnie|sunbae|gege|jiejie"
    r"|didi|meimei|xiong|ge|jie|shixiong|shijie|shidi|shimei|jun|qianbei)"
)
"""A suffix of respect or kinship on a name ("Kaito-sensei", "Hana-chan", "Wei-xiong"): the name is the part
before it."""
_HONORIFIC = re.compile(HONORIFIC_SUFFIX + "$")
"""That suffix ending a name phrase."""
_INITIALS = re.compile(r"(?:[A-Z]\.){2,}")
"""A name of initials ("J.J.", "T.J.")."""
READER = "Y/N"
"""The name a reader-insert story gives its reader ("your name"), said and written as it stands."""
_NAME_TOKEN = re.compile(rf"{_INITIALS.pattern}|{re.escape(READER)}|{TOKEN.pattern}")
"""A word, a name of initials or the reader's."""

_PARTICLES = frozenset("de du des da di del della van von der den ter le la".split())
"""Lower-case words inside a name ("Professor de Worms", "Mr. van der Luyden")."""


def _particle(tokens: list[re.Match[str]], j: int) -> bool:
    """True when token j is a name particle ("de", "van der") that a capitalised word follows."""
    k = j
    while k < len(tokens) and tokens[k][0] in _PARTICLES:
        k += 1
    return k > j and k < len(tokens) and tokens[k][0][0].isupper() and k - j <= 2


def _joined(text: str, a: re.Match[str], b: re.Match[str]) -> bool:
    """True when tokens a and b are adjacent parts of one name ("Mr. Darcy", "Harry Potter"); a possessive ends
    a name ("Tony’s Aunt Frances" is two people), and a title starts one ("Anne Mrs. Lynde")."""
    gap = text[a.end() : b.start()]
    if a[0].endswith(("’s", "'s")) or _is_title(b[0]) and not _is_title(a[0]):
        return False
    return gap == " " or gap == ". " and a[0].lower() in _ABBREVIATED  # "Dr. Hale"; not "Doctor. Do not"


_ABBREVIATED = frozenset({"mr", "mrs", "ms", "dr", "mme", "mlle"})
"""Titles written short with a full stop ("Dr. Hale"): the word after the stop is still the name; after a title
written in full, a stop ends the sentence ("Understood, Doctor. Do not open it.")."""


def _is_title(word: str) -> bool:
    """True for a title such as "Mr." or "Captain"."""
    return word.lower().rstrip(".") in TITLES


def _acceptable(phrase: str, lower: Collection[str], inside: bool = True) -> bool:
    """True when `phrase` can be a name: not a common word, no word written in lower case elsewhere but a first
    name found inside a sentence ("Bill Sikes", "Rose Maylie"; not "Could Katharine"), or any word after a title
    ("Mrs. Hall", though the text has a hall)."""
    core = [w for w in phrase.split() if not _is_title(w) and w not in _PARTICLES]
    checked = [] if _is_title(phrase.split()[0]) else core[-1:] if inside else core  # "Mrs. Hall" beside "the hall"
    return bool(core) and all(w.lower() not in lower for w in checked) and all(
        not (w.isupper() and len(w) > 1 and not _INITIALS.fullmatch(w) and w != READER) and w.lower() not in _STOP and w.lower().removesuffix("s") not in _STOP and len(w) > 1
        for w in core
    )


def side_by_side(narration: Sequence[str], names: Collection[str]) -> set[frozenset[str]]:
    """Pairs of `names` with a man's honorific that one sentence of the narration gives side by side ("Mr.
    Emerson, Mr. George Emerson, and Miss Lucy Honeychurch"): two men, a father and his son, whatever else their
    names share (the longest name is read where names overlap)."""
    titled = sorted((n for n in names if _honorific(n) in _MISTER), key=len, reverse=True)
    if not titled:
        return set()
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in titled) + r")\b")
    pairs: set[frozenset[str]] = set()
    for text in narration:
        for sentence in SENTENCE.findall(text):
            found = set(pattern.findall(sentence))
            pairs |= {frozenset((a, b)) for a in found for b in found if a < b}
    return pairs


def merge(names: Counter[str], apart: Collection[frozenset[str]] = ()) -> dict[str, str]:
    """Surface form -> canonical name; never joining two forms that one sentence names side by side (`apart`).

    Forms with the same name under compatible titles join ("Holmes", "Mr. Holmes");
    a name that is part of exactly one longer name joins it ("Holmes" ->
    "Sherlock Holmes"), as does a titled surname of several words that ends
    one ("Princess Abdul Akbar" -> "Jenny Abdul Akbar") and a rank and surname the
    one person given that rank and a first name ("Captain Wentworth" -> "Captain
    Frederick Wentworth"); so do known nicknames.
    "Mr. Bennet" and "Mrs. Bennet" never join, and a bare "Bennet" then joins
    neither.
    """
    parent = {name: name for name in names}
    apart = [pair for pair in apart if pair <= parent.keys()]

    def root(name: str) -> str:
        while parent[name] != name:
            name = parent[name]
        return name

    def join(a: str, b: str) -> None:
        roots = {root(a), root(b)}
        if len(roots) == 2 and not any({root(x) for x in pair} == roots for pair in apart):
            parent[root(a)] = root(b)

    by_core: dict[str, list[str]] = defaultdict(list)
    for name in names:
        by_core[_core(name)].append(name)
    cores = [c for c in by_core if " " in c]
    given = {c.split()[0] for c in cores}  # words that begin a full name

    def first_name(core: str) -> str:
        return core.split()[0] if " " in core or core in given else ""

    for core, forms in by_core.items():
        first = first_name(core)
        for side in [forms] if _one_person(forms, first) else _sides(forms, names, first):
            for form in side:
                join(form, max(side, key=lambda n: (names[n], len(n))))
    for core in cores:  # "Bill Sikes" and "Mr. William Sikes"; not "Tom Bertram" and "Sir Thomas Bertram", his father
        first, *rest = core.split()
        for other in HYPOCORISMS.get(first, ()):
            full = " ".join((other, *rest))
            both = by_core.get(full, []) + by_core[core]
            if full in by_core and _one_person(both) and not _noble(both):
                join(by_core[core][0], by_core[full][0])
    for core in by_core:
        surname = " " in core and all(_title_gender(form) is not None for form in by_core[core])  # "Mr. van der Luyden"
        if " " not in core or surname:
            holding: dict[str, int] = defaultdict(int)  # each person whose full name holds it -> how often named
            for c in cores:
                if c.endswith(" " + core) if surname else core in c.split():
                    for form in by_core[c]:
                        holding[root(form)] += names[form]
            roots = sorted({root(f) for f in by_core[core]})  # a first name's people each may be the longer name's
            sides = [[f for f in by_core[core] if root(f) == r] for r in roots] if core in given or surname else [by_core[core]]
            for side in sides:  # "Charles" and "Mr. Charles" join "Charles Wilcox"; "Mrs. Charles" does not
                if surname:  # "Mr. van der Luyden" is Mr., not Mrs., Henry van der Luyden
                    longer = _dominant({r: n for r, n in holding.items()
                                        if _one_person(side + [f for f in names if root(f) == r])})
                else:
                    longer = _dominant(holding)
                if longer is None:
                    continue
                person = [f for f in names if root(f) == longer]
                knighted = not surname and 2 * sum(names[f] for f in side if _noble([f])) > sum(names[f] for f in side)
                if _one_person(side + person, "" if surname else first_name(core)) and (_noble(person) or not knighted):
                    join(side[0], longer)  # nor "Sir John", mostly called so, "John Dashwood"
    for core in (c for c in by_core if " " not in c):  # "Captain Wentworth": the one "Captain Frederick Wentworth"
        for rank in {_title(form) for form in by_core[core] if _title_gender(form) == "unknown"}:
            ranked = root(next(form for form in by_core[core] if _title(form) == rank))
            titled = {root(form) for c in cores if c.split()[-1] == core for form in by_core[c] if _title(form) == rank}
            if len(titled) == 1 and _one_person([f for f in names if root(f) in titled | {ranked}]):
                join(ranked, titled.pop())
    for short, full in _nicknames(names):
        if not _noble([form for form in names if root(form) == root(full)]):
            join(short, full)  # "Kitty" is not Lady Catherine
    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        groups[root(name)].append(name)
    return {form: max(members, key=lambda n: (names[n], -len(n))) for members in groups.values() for form in members}


_DOMINANT = 3
"""A short name joins the longer name it is part of that the text uses this many times as often as all the others
("Katharine" joins "Katharine Hilbery", not "Cassandra Katharine")."""


def _noble(forms: list[str]) -> bool:
    """True when some form is a noble title's ("Sir Thomas Bertram", "Lady Bertram")."""
    return any(form.split()[0].lower().rstrip(".") in _NOBLE for form in forms)


def _dominant(counts: dict[str, int]) -> str | None:
    """The one key of `counts` whose count is `_DOMINANT` times the others' together (the only one, if alone)."""
    if not counts:
        return None
    best = max(counts, key=lambda key: (counts[key], key))
    return best if counts[best] >= _DOMINANT * (sum(counts.values()) - counts[best]) else None


def name_parts(forms: dict[str, str], lower: Collection[str]) -> dict[str, str]:
    """First names and surnames of full names ("Ferrante" of "Teddy Ferrante") that belong to one person only."""
    owners: dict[str, set[str]] = defaultdict(set)
    for form, name in forms.items():
        words = form.split()
        if len(words) > 1 and not form.startswith("the "):
            for word in {words[-1]} if _is_title(words[0]) else {words[0], words[-1]}:
                owners[word].add(name)
    return {
        word: next(iter(names))
        for word, names in owners.items()
        if len(names) == 1 and _acceptable(word, lower) and not re.search(r"[’']s$", word)
    }


def spoken_nicknames(forms: Mapping[str, str], narrated: Mapping[str, int]) -> dict[str, str]:
    """Form -> canonical name, for a nickname said to someone that the narration hardly uses ("Harry," said to
    Lord Henry Wotton) and the first name of one titled person ("Lord Henry") stands for: friends call him so, the
    narration by his title. ("Kitty", whom the narration names often, is not Lady Catherine.)"""
    titled: dict[tuple[str, str | None], set[str]] = defaultdict(set)  # (first name, title's gender) -> holders
    groups: dict[str, list[str]] = defaultdict(list)
    for form, canon in forms.items():
        groups[canon].append(form)
        if " " in form and _noble([form]):
            titled[form.split()[1], _title_gender(form)].add(canon)
    named = {canon: sum(narrated.get(form, 0) for form in own) for canon, own in groups.items()}
    joined = {}
    for canon, own in groups.items():
        if any(" " in form for form in own) or named[canon] > 1:
            continue  # "Tom" of Tom Bertram has a full name of his own
        gender = name_gender([canon])
        holders = {holder for full in HYPOCORISMS.get(canon, ()) for (first, held), people in titled.items()
                   if first == full and gender in (held, "unknown") for holder in people}
        holder = _dominant({holder: named[holder] for holder in holders})  # not "Lady Henry", nor "Sir Henry Ashton"
        if holder:
            joined.update({form: holder for form in own})
    return joined


def joined_by_gender(
    forms: dict[str, str], genders: Mapping[str, str], counts: Mapping[str, int], apart: Collection[frozenset[str]] = ()
) -> dict[str, str]:  # fmt: skip
    """Canonical name -> the person it joins once genders are known (`counts`: how often narration names each),
    never one of two people named side by side (`apart`: pairs of canonical names, see `side_by_side`).

    A name without a title that several titled people share ("Weston" of "Mr. Weston" and "Mrs. Weston") joins
    the one of its gender (a man's when its gender is unknown: narration calls men by the bare surname), else the one
    of its gender holding a rank ("Callendar" of "Major Callendar" beside "Mrs. Callendar"), else the
    person of its gender whose full name ends in it ("Oakley" of "Maurice Oakley" when there is a "Mrs. Oakley");
    "Miss Woodhouse" joins the woman with a first name before that surname ("Emma Woodhouse"), and "Mr.
    Crawford" (or "Monsieur Crawford") the man ("Henry Crawford") unless the text calls him, and no other, "Mr. Henry
    Crawford" (to tell him from another Mr. Crawford, who is then none of the men it gives a first name: "Mr. Charles
    Wilcox" and "Paul Wilcox" are their father's sons). Of several, the one named `_DOMINANT` times as often as the rest.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for form, name in forms.items():
        groups[name].append(form)
    titled: dict[tuple[str, str], set[str]] = defaultdict(set)
    ranked: dict[tuple[str, str], set[str]] = defaultdict(set)
    full: dict[tuple[str, str], set[str]] = defaultdict(set)
    for name, group in groups.items():
        for form in group:
            gender = _title_gender(form)
            if gender in ("male", "female"):
                titled[_core(form), gender].add(name)
            elif gender == "unknown" and genders.get(name) in ("male", "female"):  # "Major Callendar", a man
                ranked[_core(form), genders[name]].add(name)
            if len(_core(form).split()) == 2 and (gender is None or _honorific(form) and _honorific(form) not in _MARRIED):
                full[_core(form).split()[1], genders.get(name, "unknown")].add(name)
    mistered: dict[str, set[str]] = defaultdict(set)  # "Mr. John Knightley": the text tells him from "Mr. Knightley"
    for name, group in groups.items():
        for form in group:
            if _honorific(form) in _MISTER and len(_core(form).split()) == 2:
                mistered[_core(form).split()[1]].add(name)
    wives = {_core(form) for form in forms if _honorific(form) in _MARRIED}  # "Mrs. Price": there is a Mr. Price
    wives -= {_core(group[0]) for group in groups.values()  # but "General Tilney", never given a first name, is Mr.
              if all(_title_gender(form) == "unknown" and " " not in _core(form) for form in group)}  # Tilney's father
    moved: dict[str, str] = {}
    for name, group in groups.items():
        cores = {_core(form) for form in group}
        if len(cores) != 1 or " " in (word := cores.pop()):
            continue
        titles = {_honorific(form) for form in group if _title_gender(form)}
        if not titles:
            gender = genders.get(name, "unknown")
            gender = "male" if gender == "unknown" else gender
            targets = titled[word, gender] - {name} or ranked[word, gender] - {name}
            if len(targets) > 1:  # "Mr. Knightley" rather than "Uncle Knightley"
                targets = {t for t in targets if any(_honorific(f) for f in groups[t])}
            target = _dominant({t: counts.get(t, 0) for t in targets or full[word, gender] - {name}})
        elif titles == {"miss"} or titles <= _MISTER:  # "Miss Woodhouse", "Mr. Crawford"
            told = mistered[word] if len(mistered[word]) == 1 else set()  # not when it tells two apart
            if (full[word, "male"] - {name} <= told
                    and all(counts.get(name, 0) < _DOMINANT * counts.get(t, 0) for t in told)
                    and (word not in wives or all(_DOMINANT * counts.get(name, 0) >= counts.get(t, 0) for t in told))):
                told = set()  # nor when he is the only one, "Mr. X" is not named far more (Emma's Mr. Knightley), and
                # no Mrs. X is Mr. X's wife ("Mr. Cuthbert" is Matthew, "Mr. Jackson" Sillerton Jackson) or "Mr. X" is
                # named at least a third as often as him: her husband ("Mr. Inglethorp"; not "Mr. Price", not William),
                # nor when a man called only by a rank and that surname is ("General Tilney": Mr. Tilney is Henry)
            if titles == {"miss"}:
                targets = full[word, "female"] - {name}
            else:  # a man the text tells from "Mr. X" leaves Mr. X none of them: their father
                targets = set() if told else full[word, "male"] - {name}
            target = _dominant({t: counts.get(t, 0) for t in targets})
        else:
            continue
        if target and frozenset((name, target)) not in apart:
            moved[name] = target
    return {name: followed(moved, name) for name in moved}


def first_names(forms: Mapping[str, str]) -> dict[str, set[str]]:
    """Canonical name -> the words its forms use as a first name: the first of a full name ("Henry" of "Henry
    Tilney"), or a name said alone that is not a surname of theirs ("Edna"; not "Tilney" of "Mr. Tilney"; "Miss
    Lucy" may be a first name)."""
    cores: dict[str, list[list[str]]] = defaultdict(list)
    surnames: dict[str, set[str]] = defaultdict(set)
    for form, name in forms.items():
        if not form.startswith("the "):
            core = _core(form).split()
            cores[name].append(core)
            if len(core) > 1 or _honorific(form) not in ("", *_UNMARRIED):
                surnames[name].add(core[-1])
    return {name: {core[0] for core in found if len(core) > 1 or core[0] not in surnames[name]}
            for name, found in cores.items()}


def distinct_names(forms: dict[str, str], counts: Mapping[str, int], keep: set[str]) -> dict[str, str]:
    """Canonical name -> a clearer one, for people whose name shares every word with another person's ("Mr.
    Crawford" beside "Mary Crawford"): the full name of theirs the text uses most (more than once) that no one
    else's holds ("Henry Crawford"). Names in `keep` (the user's) stay."""
    holders: dict[str, set[str]] = defaultdict(set)  # word -> the people with a form holding it
    words = {form: frozenset(_core(form).casefold().split()) for form in forms if not form.startswith("the ")}
    for form, found in words.items():
        for word in found:
            holders[word].add(forms[form])

    def shared(form: str) -> bool:
        return bool(set.intersection(*(holders[word] for word in words[form])) - {forms[form]})

    renamed: dict[str, str] = {}
    for name in set(forms.values()) - keep:
        if name in words and words[name] and shared(name):
            clear = [form for form, canon in forms.items() if canon == name and form in words and counts.get(form, 0) > 1
                     and len(words[form]) > 1 and _title_gender(form) is None and not shared(form)]
            if clear:
                renamed[name] = max(clear, key=lambda form: (counts.get(form, 0), len(form)))
    return renamed


def _honorific(form: str) -> str:
    """The honorific ("mr", "mrs", "miss"...) opening `form`, or ""."""
    first = form.split()[0].rstrip(".").lower()
    return first if first in _HONORIFICS and " " in form else ""


def followed(links: dict[str, str], name: str) -> str:
    """Where `name` ends up following `links` (name -> who they turn out to be), stopping at a loop."""
    seen = {name}
    while name in links and links[name] not in seen:
        name = links[name]
        seen.add(name)
    return name


def titled_roles(forms: dict[str, str], counts: Mapping[str, int]) -> dict[str, str]:
    """"the captain" and a bare "Captain" -> the person the text calls Captain Somebody (or the doctor...): the
    only one, or the one named `_DOMINANT` times as often as the others ("Admiral Croft", not "Admiral Baldwin")."""
    holders: dict[str, set[str]] = defaultdict(set)
    for form, name in forms.items():
        title = form.split()[0].lower().rstrip(".")
        if " " in form and title in TITLES:
            holders[{"dr": "doctor"}.get(title, title)].add(name)
    single = {title: holder for title, names in holders.items()
              if title in RANKS and (holder := _dominant({name: counts.get(name, 0) for name in names}))}
    called = {nickname: single[title] for nickname, title in _RANK_NICKNAMES.items() if title in single and nickname in forms}
    return ({f"the {title}": name for title, name in single.items()} | {title.capitalize(): name for title, name in single.items()}
            | called)


_RANK_NICKNAMES = {"Cap": "captain", "Capt": "captain", "Skipper": "captain", "Sarge": "sergeant", "Doc": "doctor",
                   "Prof": "professor"}
"""What people call the one holder of a rank ("Reyes. Status." / "Aye, Cap."): the Captain Somebody of the text."""


def _core(name: str) -> str:
    """A name without its titles, a particle opening it in lower case: "Mr. Sherlock Holmes" -> "Sherlock Holmes",
    "De Griers" and "Monsieur de Griers" -> "de Griers"."""
    words = name.split()
    while len(words) > 1 and _is_title(words[0]):
        words = words[1:]
    if len(words) > 1 and words[0].lower() in _PARTICLES:
        words[0] = words[0].lower()
    return " ".join(words)


def _title(form: str) -> str:
    """The title opening `form` ("captain" of "Captain Wentworth"), or ""."""
    first = form.split()[0]
    return first.lower().rstrip(".") if _is_title(first) and " " in form else ""


def _title_gender(name: str) -> str | None:
    """The gender a name's title implies, or None without a title."""
    first = name.split()[0]
    return TITLES.get(first.lower().rstrip(".")) if _is_title(first) and " " in name else None


_HONORIFICS = frozenset({"mr", "mister", "monsieur", "mrs", "madame", "mme", "miss", "mademoiselle", "mlle", "ms"})
"""Titles that are how narration calls a person by surname (not kin: "Uncle Knightley")."""
_MISTER = frozenset({"mr", "mister", "monsieur"})
"""A man's honorifics."""
_MARRIED = frozenset({"mrs", "madame", "mme"})
"""Titles of a married woman: "Mrs. Bates" is not "Miss Bates"."""
_NOBLE = frozenset({"lady", "lord", "sir", "count", "countess", "duke", "duchess", "prince", "princess"})
"""Titles of someone the narration calls by no pet name (friends may: see `spoken_nicknames`)."""
_MILITARY = frozenset("captain colonel major general admiral lieutenant commander sergeant".split())
"""Ranks of which one person holds one at a time."""
_UNMARRIED = frozenset({"miss", "mademoiselle", "mlle"})
"""Titles of an unmarried woman (a countess or a lady may be either)."""


def _one_person(forms: list[str], first: str = "") -> bool:
    """True when `forms` can all name one person: no titles of different genders, not both "Mrs." and "Miss", no
    rank ("Colonel Campbell") beside a married or unmarried woman's title (a woman's rank, "Countess Olenska", goes
    with either, "Madame Olenska"), and no title of the other gender than the first name of a form without one or
    `first`, the first name they all are ("Mrs. Reed" is not John Reed; "Mrs. Charles" is Charles's wife)."""
    titles = {name.split()[0].lower().rstrip(".") for name in forms if _title_gender(name) is not None}
    genders = {TITLES[title] for title in titles} - {"unknown"}
    married = {title in _MARRIED for title in titles if title in _MARRIED | _UNMARRIED}
    ranked = any(title in RANKS and TITLES[title] != "female" or title == "dr" for title in titles)
    firsts = {first} | {_core(name).split()[0] for name in forms if _title_gender(name) is None and " " in _core(name)}
    clash = any(named != "unknown" and genders - {named} for named in (name_gender([f]) for f in firsts - {""}))
    two_ranks = len(titles & _MILITARY) > 1  # "Captain Tilney" is not "General Tilney", his father
    return len(genders) <= 1 and len(married) <= 1 and not (ranked and married) and not clash and not two_ranks


def _sides(forms: list[str], names: Counter[str], first: str) -> list[list[str]]:
    """The forms of one name (with `first`, its first name, if it has one) that are not all one person, in the
    groups that can be: men's titles ("Mr. Brandon"), married women's ("Mrs. Brandon"), each other woman's title
    ("Miss Brandon", "Lady Brandon"), and ranks ("Colonel Brandon"), which join the men's titles when the text uses
    them `_DOMINANT` times as often ("Mr. Brandon" is Colonel Brandon; "Admiral Crawford" is not the much-named Mr.
    Crawford). The name without a title is a man's when it begins with a man's first name ("John Knightley", not
    "Mrs. John Knightley", who takes her husband's name); a bare surname joins no side."""
    groups: dict[str, list[str]] = defaultdict(list)
    for form in forms:
        gender = _title_gender(form)
        if gender is not None:
            title = form.split()[0].lower().rstrip(".")
            side = "rank" if gender == "unknown" else "male" if gender == "male" else title
            groups["married" if title in _MARRIED else side].append(form)
    ranks, men = (sum(names[form] for form in groups[side]) for side in ("rank", "male"))
    if men and ranks >= _DOMINANT * men:
        groups["male"] += groups.pop("rank")
    if groups["male"] and first and name_gender([first]) == "male":
        groups["male"] += [form for form in forms if _title_gender(form) is None]
    return [group for group in groups.values() if group and _one_person(group, first)]


def _stem(name: str) -> str:
    """The first three letters of a name, as a nickname keeps them: "Kowie", "Kowalski" -> "kow"; "Raz" -> "ras"."""
    return name.lower().replace("z", "s")[:3]


def _same_gender_possible(a: str, b: str) -> bool:
    """False when name lists give first names `a` and `b` to different genders ("Charlotte" and "Charlie" may
    both be a woman's)."""
    genders = {name_gender([a]), name_gender([b])}
    return "unknown" in genders or len(genders) == 1


def _same_family(short: str, full: str, surnames: Mapping[str, set[str]]) -> bool:
    """False when a short name has a surname of its own that the full name never takes ("Charley Bates" is not
    a Charlotte); `surnames` maps a first name to the surnames the text gives it."""
    own = surnames.get(short, set())
    return not own or bool(own & surnames.get(full, set()))


def _pet_form(short: str, name: str) -> bool:
    """True when `short` is `name` with a pet ending: "Roz" -> "Rozzy", "Tom" -> "Tommie", "Skaggs" -> "Skaggsy"."""
    return any(short in (name + ending, name + name[-1] + ending) for ending in ("y", "ie", "ey"))


def _nicknames(names: Counter[str]) -> list[tuple[str, str]]:
    """(nickname, full name) pairs among one-word names: "Lizzy" -> "Elizabeth", "Theo" -> "Theodore", "Kowie" -> "Kowalski".
    Unless it ends like a pet name (-y, -ie), a name that only begins another must begin a first name ("Cat" is not
    "Caterpillar"), and name lists must not give the two different genders."""
    firsts = {core.split()[0]: name for name in names if " " in (core := _core(name))}  # "Desmond" of "Dr Desmond Hale"
    firsts.update({name: name for name in names if " " not in name and not _is_title(name)})  # "Meg": "Margaret"
    surnames: dict[str, set[str]] = defaultdict(set)
    for name in names:
        if len(words := name.split()) == 2:
            surnames[words[0]].add(words[1])
    pairs = []
    for short in (n for n in names if " " not in n and not _is_title(n)):
        longer = {f for f in firsts if f != short and len(f) > len(short) >= 3 and f.startswith(short) and is_first_name(f)}
        if len(short) <= 4 or short.endswith(("y", "ie")):
            longer |= {f for f in firsts if f != short and len(f) > len(short) + 1 and _stem(f) == _stem(short)
                       and (short.endswith(("y", "ie")) or is_first_name(f))}
        longer |= {f for f in HYPOCORISMS.get(short, ()) if f in firsts}
        longer |= {f for f in firsts if len(f) >= 3 and _pet_form(short, f)}  # "Rozzy", "Skaggsy"
        longer = {firsts[f] for f in longer if _same_gender_possible(short, f) and _same_family(short, f, surnames)}
        if len(longer) == 1:
            pairs.append((short, longer.pop()))
    return pairs
