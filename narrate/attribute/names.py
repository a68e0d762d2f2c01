"""Names: find the name phrases of a work and merge the forms of one person's name.

Nothing here knows any name: a capitalised word is a name when the text uses it
like one (mid-sentence, as the subject of a speech verb, or with a possessive)
and never writes it in lower case. "Holmes", "Mr. Holmes" and "Sherlock Holmes"
become one person, and so do known nicknames ("Lizzy" and "Elizabeth").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from narrate.attribute.words import KIN, SPEECH_VERBS, STOP, TOKEN, inside_quotation, opens_sentence

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
    excellency grace honour honor sire hey hi hello goodbye bye please thanks thank sorry
    whatever however meanwhile instead otherwise somehow anyway together alone except
    suddenly finally quietly slowly""".split()
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
    "Mike": ("Michael",), "Mick": ("Michael",), "Andy": ("Andrew",), "Drew": ("Andrew",),
    "Sandy": ("Alexander", "Alexandra"), "Lexie": ("Alexandra",), "Xander": ("Alexander",),
}  # fmt: skip
"""Common English nicknames and the full names they stand for (merged only when both appear)."""

_VOCATIVE = re.compile(
    r"^(?P<first>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)(?=,)"
    r"|(?:,\s+|\b(?:[Dd]ear|[Mm]y)\s+)(?P<name>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)(?=\s*(?:[,!?…—–]|\.\s*$|$))"
)
"""A name said to someone: "..., Watson." / "Jules, wait" / "my dear Watson"."""
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
    "coach lieutenant commander admiral".split()
)
"""Titles that "the captain" style mentions mean one holder of (unlike "the lady")."""


def find_names(
    narration: list[str], dialogue: list[str], lower: set[str], beside_speech: set[str]
) -> tuple[Counter[str], Counter[str]]:
    """Name phrases (one or more capitalised words, titles kept): how often each occurs, and in narration.

    A phrase is a name when the narration uses it like one: mid-sentence but not
    after a preposition (a place), next to a speech verb, with a possessive, or
    followed by a pronoun; a titled name ("Mrs. Long") counts wherever it is.
    A name found "at" or "in" a third of the time or more, never used as a person's, is a place.
    A full name whose every part is a name ("Wren Calloway") is one too.
    """
    evidence: Counter[str] = Counter()
    phrases: Counter[str] = Counter()
    called: Counter[str] = Counter()
    followed: set[str] = set()
    located: Counter[str] = Counter()
    personal: set[str] = set()
    for text in narration:
        for phrase, end, initial, tagged, possessive, before in _phrases(text):
            tagged = tagged and text in beside_speech
            dated = phrase.lower() in _MONTHS and (before in _DATE_WORDS or re.match(r"\s+\d", text[end:]) is not None)
            placed = before in _PLACE_WORDS or dated
            phrases[phrase] += 1
            located[phrase] += before in _LOCATIVE
            if tagged or _is_title(phrase.split()[0]) or possessive and not placed:
                personal.add(phrase)
            participle = " " not in phrase and phrase.endswith(("ing", "ly", "ed"))
            spoken = tagged and (not placed or before == "the")
            kin = possessive and KIN.match(text, end) is not None
            if (not initial and not placed) or _is_title(phrase.split()[0]) or kin or not participle and (
                spoken or possessive and not placed
            ):
                evidence[phrase] += 1
            elif not participle and before != "the" and (" " in phrase or text[end : end + 1] != ",") and _pronoun_follows(text, end):
                followed.add(phrase)
    for phrase in followed:
        evidence[phrase] += 1
    for place in located:
        named = any(evidence[word] for word in place.split() if word != place)
        if place not in personal and not named and 3 * located[place] >= phrases[place]:
            evidence[place] = 0
    narrated = Counter({p: n for p, n in phrases.items() if evidence[p] and _acceptable(p, lower)})
    for text in dialogue:
        for phrase, *_ in _phrases(text):
            if _is_title(phrase.split()[0]) and " " in phrase:
                phrases[phrase] += 1
                evidence[phrase] += 1
        for match in _VOCATIVE.finditer(text):
            called[match["name"] or match["first"]] += 1
    for name, count in called.items():
        if count >= 2 or name in phrases:
            phrases[name] += count
            evidence[name] += count
    for phrase in phrases:
        words = [w for w in phrase.split() if not _is_title(w)]
        if len(words) > 1 and all(evidence[w] for w in words):
            evidence[phrase] += 1
    plural = {p for p in phrases if p.endswith("s") and (p[:-1] in phrases or any(q.endswith(" " + p[:-1].split()[-1]) for q in phrases))}
    names = Counter({p: n for p, n in phrases.items() if evidence[p] and _acceptable(p, lower) and p not in plural})
    return names, Counter({p: n for p, n in narrated.items() if p not in plural})


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
    tokens = list(TOKEN.finditer(text))
    i = 0
    while i < len(tokens):
        if not tokens[i][0][0].isupper():
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and tokens[j][0][0].isupper() and _joined(text, tokens[j - 1], tokens[j]):
            j += 1
        first = i
        while first < j and tokens[first][0].lower().replace("’", "'") in _STOP and not _is_title(tokens[first][0]):
            first += 1
        if first < j and not inside_quotation(text, tokens[i].start()):
            phrase = text[tokens[first].start() : tokens[j - 1].end()]
            possessive = phrase.endswith(("’s", "'s"))
            prev = tokens[i - 1][0].lower() if i else ""
            nxt = tokens[j][0].lower() if j < len(tokens) else ""
            tagged = prev in SPEECH_VERBS or nxt in SPEECH_VERBS
            initial = opens_sentence(text, tokens[first].start())
            out.append((re.sub(r"[’']s$", "", phrase), tokens[j - 1].end(), initial, tagged, possessive, prev))
        i = j
    return out


def _joined(text: str, a: re.Match[str], b: re.Match[str]) -> bool:
    """True when tokens a and b are adjacent parts of one name ("Mr. Darcy", "Harry Potter")."""
    gap = text[a.end() : b.start()]
    return gap == " " or gap == ". " and _is_title(a[0])


def _is_title(word: str) -> bool:
    """True for a title such as "Mr." or "Captain"."""
    return word.lower().rstrip(".") in TITLES


def _acceptable(phrase: str, lower: set[str]) -> bool:
    """True when `phrase` can be a name: not a common word, not written in lower case elsewhere."""
    core = [w for w in phrase.split() if not _is_title(w)]
    return bool(core) and all(
        not (w.isupper() and len(w) > 1) and w.lower() not in _STOP and w.lower().removesuffix("s") not in _STOP and w.lower() not in lower and len(w) > 1
        for w in core
    )


def merge(names: Counter[str]) -> dict[str, str]:
    """Surface form -> canonical name.

    Forms with the same name under compatible titles join ("Holmes", "Mr. Holmes");
    a name that is part of exactly one longer name joins it ("Holmes" ->
    "Sherlock Holmes"); so do known nicknames. "Mr. Bennet" and "Mrs. Bennet"
    never join, and a bare "Bennet" then joins neither.
    """
    parent = {name: name for name in names}

    def root(name: str) -> str:
        while parent[name] != name:
            name = parent[name]
        return name

    def join(a: str, b: str) -> None:
        if root(a) != root(b):
            parent[root(a)] = root(b)

    by_core: dict[str, list[str]] = defaultdict(list)
    for name in names:
        by_core[_core(name)].append(name)
    for forms in by_core.values():
        if len({_title_gender(f) for f in forms} - {None, "unknown"}) <= 1:
            for form in forms:
                join(form, max(forms, key=lambda n: (names[n], len(n))))
    cores = [c for c in by_core if " " in c]
    for core in by_core:
        if " " not in core:
            longer = {c for c in cores if core in c.split()}
            if len(longer) == 1 and _compatible(by_core[core], by_core[next(iter(longer))]):
                join(by_core[core][0], by_core[next(iter(longer))][0])
    for short, full in _nicknames(names):
        join(short, full)
    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        groups[root(name)].append(name)
    return {form: max(members, key=lambda n: (names[n], -len(n))) for members in groups.values() for form in members}


def name_parts(forms: dict[str, str], lower: set[str]) -> dict[str, str]:
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


def titled_roles(forms: dict[str, str]) -> dict[str, str]:
    """"the captain" and a bare "Captain" -> the one person the text calls Captain Somebody (or the doctor...)."""
    holders: dict[str, set[str]] = defaultdict(set)
    for form, name in forms.items():
        title = form.split()[0].lower().rstrip(".")
        if " " in form and title in TITLES:
            holders[{"dr": "doctor"}.get(title, title)].add(name)
    single = {title: next(iter(names)) for title, names in holders.items() if len(names) == 1 and title in RANKS}
    return {f"the {title}": name for title, name in single.items()} | {title.capitalize(): name for title, name in single.items()}


def _core(name: str) -> str:
    """A name without its titles: "Mr. Sherlock Holmes" -> "Sherlock Holmes"."""
    words = name.split()
    while len(words) > 1 and _is_title(words[0]):
        words = words[1:]
    return " ".join(words)


def _title_gender(name: str) -> str | None:
    """The gender a name's title implies, or None without a title."""
    first = name.split()[0]
    return TITLES.get(first.lower().rstrip(".")) if _is_title(first) and " " in name else None


def _compatible(a: list[str], b: list[str]) -> bool:
    """True when no two forms of the two groups carry titles of different genders."""
    genders = {_title_gender(f) for f in a + b} - {None, "unknown"}
    return len(genders) <= 1


def _stem(name: str) -> str:
    """The first three letters of a name, as a nickname keeps them: "Kowie", "Kowalski" -> "kow"; "Raz" -> "ras"."""
    return name.lower().replace("z", "s")[:3]


def _nicknames(names: Counter[str]) -> list[tuple[str, str]]:
    """(nickname, full name) pairs among one-word names: "Lizzy" -> "Elizabeth", "Theo" -> "Theodore", "Kowie" -> "Kowalski"."""
    firsts = {name.split()[0]: name for name in names if not _is_title(name.split()[0])}
    pairs = []
    for short in (n for n in names if " " not in n and not _is_title(n)):
        longer = {firsts[f] for f in firsts if f != short and len(f) > len(short) >= 3 and f.startswith(short)}
        if len(short) <= 4 or short.endswith(("y", "ie")):
            longer |= {firsts[f] for f in firsts if f != short and len(f) > len(short) + 1 and _stem(f) == _stem(short)}
        longer |= {firsts[f] for f in HYPOCORISMS.get(short, ()) if f in firsts}
        if len(longer) == 1:
            pairs.append((short, longer.pop()))
    return pairs
