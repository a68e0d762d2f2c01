"""Characters: discover the people a chapter names, merge aliases, infer gender, find mentions.

Nothing here knows any name: a capitalised word is a name when the text uses it
like one (mid-sentence, as the subject of a speech verb, or with a possessive)
and never writes it in lower case. People without names are found by role
nouns ("the man", "the girl").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import groupby

from narrate.model import Gender, Script

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
    guessed guesses lied lies went spoke speaks""".split()
)
"""Verbs that tag a quotation with its speaker ("X said", "said X")."""

PHRASAL = {"went": "on", "spoke": "up", "speaks": "up", "cut": "in", "chimed": "in", "called": "out"}
"""Verbs that tag speech only with their particle ("went on")."""

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
    "baroness": "female", "earl": "male", "emperor": "male", "empress": "female",
}  # fmt: skip
"""Titles that may stand before a name, with the gender they imply."""

ROLES: dict[str, Gender] = {
    "man": "male", "boy": "male", "gentleman": "male", "old man": "male", "woman": "female",
    "girl": "female", "lady": "female", "old woman": "female", "old lady": "female", "stranger": "unknown",
    "guard": "unknown", "soldier": "unknown", "child": "unknown", "kid": "unknown",
    "figure": "unknown", "driver": "unknown", "newcomer": "unknown", "captain": "unknown",
    "doctor": "unknown", "servant": "unknown", "maid": "female", "waiter": "unknown", "waitress": "female",
    "landlord": "male", "landlady": "female", "clerk": "unknown", "nurse": "unknown", "officer": "unknown",
    "policeman": "male", "constable": "unknown", "sailor": "unknown", "convict": "unknown",
    "prisoner": "unknown", "barista": "unknown", "bartender": "unknown", "shopkeeper": "unknown",
    "old gentleman": "male", "young man": "male", "young woman": "female", "young lady": "female",
    "visitor": "unknown", "boatman": "male", "coachman": "male", "porter": "unknown", "innkeeper": "unknown",
    "priest": "male", "knight": "male", "king": "male", "queen": "female", "sergeant": "unknown",
    "count": "male", "countess": "female", "duke": "male", "duchess": "female", "professor": "unknown",
    "inspector": "unknown", "colonel": "male",
}  # fmt: skip
"""Role nouns that name an unnamed person ("the man"), with their gender."""

RELATIONS: dict[str, Gender] = {
    "wife": "female", "husband": "male", "mother": "female", "father": "male", "sister": "female",
    "brother": "male", "daughter": "female", "son": "male", "aunt": "female", "uncle": "male",
    "niece": "female", "nephew": "male", "cousin": "unknown", "friend": "unknown", "companion": "unknown",
    "lady": "female", "lord": "male", "master": "male", "mistress": "female", "guest": "unknown",
    "host": "unknown", "visitor": "unknown", "partner": "unknown", "mum": "female", "mom": "female",
    "dad": "male", "grandmother": "female", "grandfather": "male", "sweetheart": "unknown",
    "boyfriend": "male", "girlfriend": "female", "fiancé": "male", "fiancée": "female",
}  # fmt: skip
"""Nouns that name a person by their tie to another ("his wife", "Scrooge’s nephew"), with their gender."""

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

MALE = frozenset({"he", "his", "himself"})
FEMALE = frozenset({"she", "hers", "herself"})

_TOKEN = re.compile(r"[^\W\d_][\w]*(?:[’'\-][^\W\d_][\w]*)*")
_ROLE = re.compile(
    r"\b(?:the|a|an)\s+(?:(?:other|tall|short|younger|little|big|first|second|hooded|masked)\s+)?"
    r"(" + "|".join(sorted(ROLES, key=len, reverse=True)) + r")\b(?![\w-])",
    re.IGNORECASE,
)
_RELATION = re.compile(
    r"\b(?P<owner>[Hh]is|[Hh]er|[Mm]y|[Tt]heir|[Yy]our)\s+"
    r"(?:(?:old|young|little|elder|younger|eldest|youngest|dear|new|best|own)\s+)?"
    r"(?P<noun>" + "|".join(sorted(RELATIONS, key=len, reverse=True)) + r")\b(?![\w-])"
)
_KIN = re.compile(r"\s+(?P<noun>" + "|".join(sorted(RELATIONS, key=len, reverse=True)) + r")\b(?![\w-])")
_SENTENCE_END = ".!?…:"
_ABBREVIATION = r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bJr)(?<!\bSr)(?<!\bMt)(?<!\b[A-Z])"
"""A lookbehind that keeps the full stop of "Mr." or an initial from ending a sentence."""
STOP = _ABBREVIATION + r"[.!?…]"
"""A regex for a sentence-ending mark."""
SENTENCE = re.compile(r"(?:[^.!?…]|(?<=\bMr)\.|(?<=\bMrs)\.|(?<=\bMs)\.|(?<=\bDr)\.|(?<=\bSt)\.|(?<=\b[A-Z])\.)*(?:[.!?…]+[\"”’)]*|$)")
"""One sentence at a time, not broken after titles ("Mr. Bennet") or initials."""
_VOCATIVE = re.compile(
    r"^(?P<first>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)(?=,)"
    r"|(?:,\s+|\b(?:[Dd]ear|[Mm]y)\s+)(?P<name>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)(?=\s*(?:[,!?…—–]|\.\s*$|$))"
)
"""A name said to someone: "..., Watson." / "Jules, wait" / "my dear Watson"."""
_PAST = frozenset(
    "was were had stood came sat ran said spoke went got took gave held rose began strode swept leaned".split()
)
"""Irregular past tenses that show a person acting."""
_MALE_ADDRESS = {"sir", "mister", "lad", "son", "sonny", "my lord", "my boy", "young man"}
_FEMALE_ADDRESS = {"ma'am", "madam", "miss", "lass", "my lady", "my girl", "young lady", "missus"}
_ADDRESS = re.compile(
    r"(?:^|[,;!?]\s*)(" + "|".join(sorted(_MALE_ADDRESS | _FEMALE_ADDRESS | {"ma’am"}, key=len, reverse=True)) + r")\s*(?:[,.!?;…—]|$)",
    re.IGNORECASE,
)
"""A form of address said to the listener: "Yes, sir." / "Madam, ..."."""
_NOT_OWNED = frozenset(
    "and to the a an that as in on at with for from up down off out back again away too so but or if when then "
    "than into over through by of was is had".split()
)
"""Words after "her" that show it is an object ("gave her a cup"), not a possessive ("her cup")."""
_LOCATIVE = frozenset("in at into from to near inside outside towards toward across through".split())
"""Words that put a name in a place: a name found after them as often as not, never used as a person's, is a place."""
_PLACE_WORDS = frozenset("in at to from into on near of towards toward through across by under via the".split())
"""Words before a capitalised phrase that make it a place or a thing rather than a person."""


@dataclass(frozen=True)
class Mention:
    """A reference to a person in narration."""

    name: str
    """Canonical character name, or the pronoun ("he", "she", "i") as written in lower case."""
    start: int
    """Offset in the text it was found in."""
    end: int
    """Offset one past its end."""
    initial: bool
    """True when it opens a sentence."""
    possessive: bool
    """True for "X’s" and for "his"/"her" at the start of a sentence."""
    owner: str = ""
    """For a relation ("his wife"): the owner's pronoun in lower case ("his"); "" otherwise."""

    @property
    def is_pronoun(self) -> bool:
        """True for he/she/I/his/her rather than a name."""
        return self.name in ("he", "she", "i", "his", "her")


@dataclass(frozen=True)
class Roster:
    """The people a chapter names: surface forms, canonical names, genders."""

    forms: dict[str, str]
    """Surface form (as written) -> canonical name."""
    genders: dict[str, Gender]
    """Canonical name -> inferred gender."""
    pattern: re.Pattern[str] | None
    """Matches any surface form, with an optional possessive."""
    certainty: dict[str, float]
    """Canonical name -> how sure its gender is, 0..1."""
    counts: dict[str, int] = field(default_factory=dict)
    """Canonical name -> how often the text names them."""
    seen: dict[str, tuple[Mention, ...]] = field(default_factory=dict, compare=False)
    """Text -> its mentions, remembered (the same narration is read many times)."""
    called: dict[str, frozenset[str]] = field(default_factory=dict, compare=False)
    """Quote -> the people it addresses by name, remembered."""

    def aliases(self, name: str) -> tuple[str, ...]:
        """Other surface forms of `name`."""
        return tuple(sorted(form for form, canon in self.forms.items() if canon == name and form != name))

    def gender(self, name: str) -> Gender:
        """The gender of a canonical name ("unknown" when not known)."""
        return self.genders.get(name, "unknown")


def discover(
    scripts: Sequence[Script], genders: Mapping[str, Gender] | None = None, aliases: Mapping[str, str] | None = None
) -> Roster:
    """The named and role-noun people of `scripts`, with aliases merged and genders inferred.

    `genders` and `aliases` are the user's overrides; they win over the text.
    """
    segments = [s for script in scripts for s in script.segments]
    narration = [s.text for s in segments if s.kind == "narration"]
    lower = {w for s in segments for w in _TOKEN.findall(s.text) if w[0].islower()}
    dialogue = [s.text for s in segments if s.kind == "dialogue"]
    speaking = {s.paragraph for s in segments if s.kind == "dialogue"}
    tags = [s.text for s in segments if s.kind == "narration" and s.paragraph in speaking]
    names, narrated = _names(narration, dialogue, lower, set(tags))
    forms = _merge(names)
    counts: Counter[str] = Counter()
    for form, n in narrated.items():
        counts[forms[form]] += n
    forms.update(_titled_roles(forms))
    for part, name in _name_parts(forms, lower).items():
        forms.setdefault(part, name)
    for alias, name in (aliases or {}).items():
        joined = {forms.get(alias, alias), forms.get(name, name)}
        forms.update({form: name for form, canon in forms.items() if canon in joined})
        forms[alias] = forms[name] = name
        counts[name] += sum(counts.pop(old, 0) for old in joined - {name})
    pattern = _pattern(forms)
    scores = _gender_scores(Roster(forms, {}, pattern, {}), narration, set(forms.values()))
    inferred = {name: _gender(name, *score) for name, score in scores.items()}
    certainty = {name: _certainty(name, gender, *scores[name]) for name, gender in inferred.items()}
    for name, gender in (genders or {}).items():
        inferred[forms.get(name, name)] = gender
        certainty[forms.get(name, name)] = 1.0
    return Roster(forms, inferred, pattern, certainty, dict(counts))


def with_address(roster: Roster, scripts: Sequence[Script]) -> Roster:
    """The roster with genders learnt from forms of address ("Yes, sir." answers a man) for people it had none for."""
    votes: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for script in scripts:
        turns = [
            (speaker, " ".join(s.text for s in group if s.kind == "dialogue"))
            for group in (list(g) for _, g in groupby(script.segments, key=lambda s: s.paragraph))
            if (speaker := next((s.speaker for s in group if s.kind == "dialogue"), None))
        ]
        for k, (speaker, text) in enumerate(turns):
            side = _addressed_gender(text)
            for j in (k - 1, k + 1):
                if side is not None and 0 <= j < len(turns) and turns[j][0] != speaker:
                    votes[turns[j][0]][side] += 1.0
    learnt = {
        name: gender
        for name, (male, female) in votes.items()
        if roster.genders.get(name, "unknown") == "unknown" and name in roster.genders
        and (gender := _gender("", male * 0.5, female * 0.5)) != "unknown"
    }  # fmt: skip
    if not learnt:
        return roster
    certainty = roster.certainty | {name: 0.6 for name in learnt}
    return replace(roster, genders=roster.genders | learnt, certainty=certainty, seen={}, called={})


def _addressed_gender(text: str) -> int | None:
    """0 when a quote calls its listener something male ("sir"), 1 for female ("ma’am"), else None."""
    found = _ADDRESS.search(text)
    if found is None:
        return None
    return 0 if found[1].lower().replace("’", "'") in _MALE_ADDRESS else 1


def mentions(roster: Roster, text: str) -> tuple[Mention, ...]:
    """People (names, role nouns, subject pronouns) mentioned in a narration `text`, in order."""
    if text not in roster.seen:
        roster.seen[text] = _find_mentions(roster, text)
    return roster.seen[text]


def _find_mentions(roster: Roster, text: str) -> tuple[Mention, ...]:
    """`mentions`, worked out."""
    found: list[Mention] = []
    if roster.pattern is not None:
        for m in roster.pattern.finditer(text):
            kin = _KIN.match(text, m.end()) if m["pos"] else None
            if kin:
                name = f"{m['name']}{m['pos'][0]}s {kin['noun'].lower()}"
                found.append(Mention(name, m.start(), kin.end(), _initial(text, m.start()), False))
            else:
                found.append(Mention(roster.forms[m["name"]], m.start(), m.end(), _initial(text, m.start()), bool(m["pos"])))
    for m in _RELATION.finditer(text):
        name = f"{m['owner'].lower()} {m['noun'].lower()}"
        found.append(Mention(name, m.start(), m.end(), _initial(text, m.start()), False, m["owner"].lower()))
    for m in _ROLE.finditer(text):
        indefinite = m[0][:2].lower() in ("a ", "an")
        if indefinite and not _initial(text, m.start()) and not _acts(text, m.end()):
            continue
        if not any(f.start <= m.start() < f.end for f in found):
            name = roster.forms.get(role_name(m[1]), role_name(m[1]))
            found.append(Mention(name, m.start(), m.end(), _initial(text, m.start()), text[m.end() : m.end() + 2] in ("’s", "'s")))
    for m in re.finditer(r"\b([Hh]e|[Ss]he|I|His|Her)\b", text):
        initial = _initial(text, m.start())
        if m[1] in ("His", "Her") and not initial or any(f.start <= m.start() < f.end for f in found):
            continue
        found.append(Mention(m[1].lower(), m.start(), m.end(), initial, m[1] in ("His", "Her")))
    return tuple(sorted(found, key=lambda f: f.start))


def _acts(text: str, at: int) -> bool:
    """True when a past-tense verb comes within a few words of position `at` ("a man stepped in")."""
    words = re.match(r"(?:\s+[\w’']+){1,5}", text[at:])
    return words is not None and any(w.endswith("ed") or w in _PAST for w in words[0].split())


def role_name(noun: str) -> str:
    """The character name given to an unnamed person: "man" -> "the man"."""
    return "the " + " ".join(noun.lower().split())


def is_role(name: str) -> bool:
    """True for the name of an unnamed person ("the man", "Scrooge’s nephew")."""
    return name.startswith("the ") and name[4:] in ROLES or _kin(name) is not None


def role_gender(name: str) -> Gender:
    """The gender a role-noun name implies ("the woman" -> female, "Scrooge’s nephew" -> male)."""
    kin = _kin(name)
    return RELATIONS[kin] if kin else ROLES.get(name.removeprefix("the "), "unknown")


def _kin(name: str) -> str | None:
    """The relation noun of a name like "Scrooge’s nephew", else None."""
    match = re.fullmatch(r".+[’']s (\w+)", name)
    return match[1] if match and match[1] in RELATIONS else None


def _initial(text: str, at: int) -> bool:
    """True when position `at` of `text` opens a sentence."""
    before = text[:at].rstrip(" \t\n\"“”‘’'([—–-")
    return not before or before[-1] in _SENTENCE_END


def _names(
    narration: list[str], dialogue: list[str], lower: set[str], beside_speech: set[str]
) -> tuple[Counter[str], Counter[str]]:
    """Name phrases (one or more capitalised words, titles kept): how often each occurs, and in narration.

    A phrase is a name when the narration uses it like one: mid-sentence but not
    after a preposition (a place), next to a speech verb, with a possessive, or
    followed by a pronoun; a titled name ("Mrs. Long") counts wherever it is.
    A name found "at" or "in" as often as not, never used as a person's, is a place.
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
            placed = before in _PLACE_WORDS
            phrases[phrase] += 1
            located[phrase] += before in _LOCATIVE
            if tagged or _is_title(phrase.split()[0]) or possessive and not placed:
                personal.add(phrase)
            participle = " " not in phrase and phrase.endswith(("ing", "ly", "ed"))
            spoken = tagged and (not placed or before == "the")
            kin = possessive and _KIN.match(text, end) is not None
            if (not initial and not placed) or _is_title(phrase.split()[0]) or kin or not participle and (
                spoken or possessive and not placed
            ):
                evidence[phrase] += 1
            elif not participle and (" " in phrase or text[end : end + 1] != ",") and _pronoun_follows(text, end):
                followed.add(phrase)
    for phrase in followed:
        evidence[phrase] += 1
    for place in located:
        named = any(evidence[word] for word in place.split() if word != place)
        if place not in personal and not named and 2 * located[place] >= phrases[place]:
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
    plural = {p for p in phrases if p.endswith("s") and (p[:-1] in phrases or any(q.endswith(" " + p[:-1].split()[-1]) for q in phrases))}
    names = Counter({p: n for p, n in phrases.items() if evidence[p] and _acceptable(p, lower) and p not in plural})
    return names, Counter({p: n for p, n in narrated.items() if p not in plural})


def _pronoun_follows(text: str, at: int) -> bool:
    """True when a personal pronoun follows in the same sentence or opens the next one."""
    rest = re.match(rf"(?:(?!{STOP}).)*(?:{STOP})*\s*(\w*)", text[at:], re.DOTALL)
    same, following = (rest[0], rest[1]) if rest else ("", "")
    return bool(re.search(r"\b(?:he|she|his|her|him)\b", same)) or following in ("He", "She", "His", "Her")


def _phrases(text: str) -> list[tuple[str, int, bool, bool, bool, str]]:
    """(phrase, end, sentence-initial, next to a speech verb, possessive, the word before) per capitalised run."""
    out = []
    tokens = list(_TOKEN.finditer(text))
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
        if first < j:
            phrase = text[tokens[first].start() : tokens[j - 1].end()]
            possessive = phrase.endswith(("’s", "'s"))
            prev = tokens[i - 1][0].lower() if i else ""
            nxt = tokens[j][0].lower() if j < len(tokens) else ""
            tagged = prev in SPEECH_VERBS or nxt in SPEECH_VERBS
            initial = _initial(text, tokens[first].start())
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
    """True when `phrase` can be a name: not a common word or a month, not written in lower case elsewhere."""
    core = [w for w in phrase.split() if not _is_title(w)]
    if core == phrase.split() and len(core) == 1 and core[0].lower() in ("march", "april", "may", "june", "july", "august"):
        return False
    return bool(core) and all(
        not (w.isupper() and len(w) > 1) and w.lower() not in _STOP and w.lower().removesuffix("s") not in _STOP and w.lower() not in lower and len(w) > 1
        for w in core
    )


def _merge(names: Counter[str]) -> dict[str, str]:
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


def _name_parts(forms: dict[str, str], lower: set[str]) -> dict[str, str]:
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


RANKS = frozenset("captain doctor professor inspector sergeant officer colonel major count countess duke duchess".split())
"""Titles that "the captain" style mentions mean one holder of (unlike "the lady")."""


def _titled_roles(forms: dict[str, str]) -> dict[str, str]:
    """"the captain" -> the one person the text calls Captain Somebody (likewise the doctor, the inspector...)."""
    holders: dict[str, set[str]] = defaultdict(set)
    for form, name in forms.items():
        title = form.split()[0].lower().rstrip(".")
        if " " in form and title in TITLES:
            holders[{"dr": "doctor"}.get(title, title)].add(name)
    return {f"the {title}": next(iter(names)) for title, names in holders.items() if len(names) == 1 and title in RANKS}


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


def _nicknames(names: Counter[str]) -> list[tuple[str, str]]:
    """(nickname, full name) pairs among one-word names: "Lizzy" -> "Elizabeth", "Theo" -> "Theodore"."""
    firsts = {name.split()[0]: name for name in names if not _is_title(name.split()[0])}
    pairs = []
    for short in (n for n in names if " " not in n and not _is_title(n)):
        longer = {firsts[f] for f in firsts if f != short and len(f) > len(short) >= 3 and f.startswith(short)}
        longer |= {firsts[f] for f in HYPOCORISMS.get(short, ()) if f in firsts}
        if len(longer) == 1:
            pairs.append((short, longer.pop()))
    return pairs


def _pattern(forms: dict[str, str]) -> re.Pattern[str] | None:
    """A regex matching any surface form as a whole word, with an optional possessive."""
    if not forms:
        return None
    alternation = "|".join(re.escape(f).replace(r"\.\ ", r"\.?\ ") for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w’'-])(?P<name>{alternation})(?P<pos>[’']s)?(?![\w-])")


def _gender_scores(roster: Roster, narration: list[str], names: set[str]) -> dict[str, list[float]]:
    """[male, female] pronoun scores of each canonical name, from the pronouns that follow its mentions."""
    scores: dict[str, list[float]] = {name: [0.0, 0.0] for name in names}
    for text in narration:
        found = mentions(roster, text)
        opening = [m for k, m in enumerate(found) if k == 0 or _sentence_break(text[found[k - 1].end : m.start])]
        for mention in opening:
            if mention.name not in scores:
                continue
            names_after = [m.start for m in found if m.start > mention.start and not m.is_pronoun]
            stop = min(names_after[:1] + [_third_sentence_end(text, mention.end)])
            _score(scores[mention.name], text[mention.end : stop])
    return scores


def _sentence_break(between: str) -> bool:
    """True when the text between two mentions ends a sentence."""
    return bool(re.search(STOP, between))


def _third_sentence_end(text: str, at: int) -> int:
    """The offset where the second sentence after the one holding `at` ends."""
    ends = [m.end() for m in re.finditer(STOP + r"+(?=\s|$)", text[at:])]
    return at + ends[2] if len(ends) > 2 else len(text)


def _score(score: list[float], window: str) -> None:
    """Add the gendered pronouns in `window` to [male, female] scores (the first counts double).

    "him" and an object "her" ("took it off her") usually mean someone else and
    are left out; a possessive "her" ("her phone") counts half.
    """
    first = True
    words = re.findall(r"[A-Za-z]+", window.lower())
    for k, word in enumerate(words):
        following = words[k + 1] if k + 1 < len(words) else ""
        if word == "her":
            side, weight = (1, 0.75) if following and following not in _NOT_OWNED else (None, 0.0)
        elif word in MALE or word in FEMALE:
            side, weight = (0 if word in MALE else 1), (2.0 if first else 1.0)
        else:
            continue
        if side is not None:
            score[side] += weight
            first = False


def _certainty(name: str, gender: Gender, male: float, female: float) -> float:
    """How sure a gender decided from these scores is."""
    if gender == "unknown":
        return 0.0
    votes = male if gender == "male" else female
    against = female if gender == "male" else male
    title = TITLES.get(name.split()[0].lower().rstrip("."))
    if votes < 0.5:
        return 0.9 if title == gender else 0.5
    return round(min(0.99, votes / (votes + against + 1.0) + (0.3 if title == gender else 0.0)), 2)


def _gender(name: str, male: float, female: float) -> Gender:
    """Decide a gender from pronoun scores, falling back to a title."""
    if male >= 0.5 and male >= 2 * female:
        return "male"
    if female >= 0.5 and female >= 2 * male:
        return "female"
    return TITLES.get(name.split()[0].lower().rstrip("."), "unknown")  # type: ignore[return-value]
