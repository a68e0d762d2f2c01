"""Characters: the people of a work (`discover`) and the mentions of them in narration (`mentions`).

`names` finds the named people and merges the forms of their names; `gender`
infers their genders. People without names are found by role nouns ("the
man", "the girl") and by their tie to another ("his wife", "Scrooge’s nephew").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from narrate.attribute.firstnames import is_first_name, name_gender
from narrate.attribute.gender import (
    gender_certainty,
    gender_scores,
    scored_gender,
    title_gender,
)
from narrate.attribute.names import (
    HONORIFIC_SUFFIX,
    distinct_names,
    find_names,
    first_names,
    joined_by_gender,
    merge,
    name_parts,
    side_by_side,
    spoken_nicknames,
    titled_roles,
)
from narrate.attribute.words import (
    KIN,
    PAST,
    RELATIONS,
    SENTENCE,
    TOKEN,
    opens_sentence,
)
from narrate.model import Gender, Metadata, Script

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
    "inspector": "unknown", "colonel": "male", "mariner": "unknown", "beadle": "male", "undertaker": "unknown",
    "matron": "female", "robber": "unknown", "thief": "unknown", "barman": "male", "barmaid": "female",
    "jailer": "unknown", "chaplain": "unknown", "cook": "unknown", "vicar": "unknown", "curate": "unknown",
    "parson": "male", "chairman": "unknown", "solicitor": "unknown", "lawyer": "unknown", "judge": "unknown",
    "magistrate": "unknown", "coroner": "unknown", "surgeon": "unknown", "housekeeper": "unknown",
    "butler": "unknown", "footman": "male", "gardener": "unknown", "governess": "female", "croupier": "unknown",
    "attendant": "unknown", "widow": "female", "prince": "male", "princess": "female", "emperor": "male",
    "empress": "female", "monk": "male", "nun": "female", "farmer": "unknown", "sheriff": "unknown",
    "detective": "unknown", "secretary": "unknown", "warden": "unknown",
}  # fmt: skip
"""Role nouns that name an unnamed person ("the man"), with their gender: people known by what they do where they
are met ("the mariner", "the croupier"); not words a narrator keeps using for a named character ("the lad", "the
painter" of Dorian Gray)."""

_ROLE = re.compile(
    r"\b(?:the|a|an)\s+"
    r"(?:(?:other|tall|short|older|younger|elder|taller|shorter|little|big|first|second|hooded|masked)\s+)?"
    r"(" + "|".join(sorted(ROLES, key=len, reverse=True)) + r")\b(?![\w-])",
    re.IGNORECASE,
)
_RELATION = re.compile(
    r"\b(?P<owner>[Hh]is|[Hh]er|[Mm]y|[Tt]heir|[Yy]our)\s+"
    r"(?:(?:old|young|little|elder|younger|eldest|youngest|dear|new|best|own)\s+)?"
    r"(?P<noun>" + "|".join(sorted(RELATIONS, key=len, reverse=True)) + r")\b(?![\w-])"
)
_PAIRED_CERTAINTY = 0.9
"""How sure a gender taken from the work's tags (an F/F or M/M relationship) is."""


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
    epithets: dict[str, str] = field(default_factory=dict)
    """Describing role -> the one named person the narration keeps calling so ("the young man": Newland Archer)."""
    second_person: bool = False
    """True when the narration tells the story of "you" ("“Hi,” you say."): "you" is the narrator, like "I"."""

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

    The characters the work itself declares (AO3's Character tags) are people wherever the text names them, in
    full or by a part of their name. `genders` and `aliases` are the user's overrides; they win over the text.
    """
    segments = [s for script in scripts for s in script.segments]
    narration = [s.text for s in segments if s.kind == "narration"]
    lower = Counter(word for s in segments for word in lower_case_words(s.text))
    dialogue = [s.text for s in segments if s.kind == "dialogue"]
    speaking = {s.paragraph for s in segments if s.kind == "dialogue"}
    tags = [s.text for s in segments if s.kind == "narration" and s.paragraph in speaking]
    names, narrated, places = find_names(narration, dialogue, lower, set(tags))
    tags_declared = scripts[0].work.meta.characters if scripts else ()
    declared = [part.strip() for tag in tags_declared for part in tag.split("|")]
    names.update(_declared([part for part in declared if part], narration + dialogue, names))
    apart = side_by_side(narration, names)
    forms = merge(names, apart)
    forms.update(spoken_nicknames(forms, narrated))
    counts: Counter[str] = Counter()
    for form, n in narrated.items():
        counts[forms[form]] += n
    forms.update(titled_roles(forms, counts))
    forms.update(_styled(narration, forms))
    forms.update(_epithet_roles(forms))
    forms.update(_appositive_roles(narration, forms))
    for part, name in name_parts(forms, lower).items():
        forms.setdefault(part, name)
    for alias, name in (_tag_aliases(tags_declared, names) | dict(aliases or {})).items():
        joined = {forms.get(alias, alias), forms.get(name, name)}
        forms.update({form: name for form, canon in forms.items() if canon in joined})
        forms[alias] = forms[name] = name
        counts[name] += sum(counts.pop(old, 0) for old in joined - {name})
    pattern = _pattern(forms)
    blank = Roster(forms, {}, pattern, {})
    roles = {role_name(noun) for noun, gender in ROLES.items() if gender == "unknown"} - set(forms)
    scores = gender_scores([(text, mentions(blank, text)) for text in narration], set(forms.values()) | roles)
    titles = _titles(forms, names)
    named = {name: name_gender(first) for name, first in first_names(forms).items() if not first & places}
    inferred = {name: scored_gender(titles.get(name), male, female, named.get(name, "unknown"))
                for name, (male, female) in scores.items()}
    for role in roles:  # a role of no gender ("the officer") takes the one the pronouns after it give, if they do
        if inferred[role] == "unknown":
            del inferred[role], scores[role]
    certainty = {name: gender_certainty(titles.get(name), gender, *scores[name]) for name, gender in inferred.items()}
    for name, gender in (_paired_genders(scripts[0].work.meta) if scripts else {}).items():
        if name in forms and inferred.get(forms[name], "unknown") == "unknown":
            inferred[forms[name]], certainty[forms[name]] = gender, _PAIRED_CERTAINTY
    for name, gender in (genders or {}).items():
        inferred[forms.get(name, name)] = gender
        certainty[forms.get(name, name)] = 1.0
    two = {frozenset(forms[name] for name in pair) for pair in apart}
    for source, destination in joined_by_gender(forms, inferred, counts, two).items():
        name, target = forms[source], forms[destination]  # either may have been renamed by an earlier join
        if name == target:
            continue
        kept, dropped = (target, name) if counts[target] >= counts[name] else (name, target)
        forms.update({form: kept for form, canon in forms.items() if canon in (name, target)})
        counts[kept] += counts.pop(dropped, 0)
        surer = max((name, target), key=lambda n: certainty.get(n, 0.0))
        inferred[kept], certainty[kept] = inferred.get(surer, "unknown"), certainty.get(surer, 0.0)
        inferred.pop(dropped, None)
        certainty.pop(dropped, None)
    for name, clearer in distinct_names(forms, names, set((aliases or {}).values()) | set(genders or {})).items():
        forms.update({form: clearer for form, canon in forms.items() if canon == name})
        counts[clearer] = counts.pop(name, 0)
        if name in inferred:
            inferred[clearer], certainty[clearer] = inferred.pop(name), certainty.pop(name, 0.0)
    roster = Roster(forms, inferred, pattern, certainty, dict(counts), second_person=_second_person(narration))
    roster.epithets.update(_epithets_of(roster, narration))
    return roster


_SENDER = re.compile(
    r"(?:^|(?<=[.!?…]\s)|(?<=[.!?…][\"”’]\s))[*_\[]*[A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*)?[*_\]]*:|^[*_\[]*[\w.-]+[*_\]]*:"
)
"""The name and colon a text message opens with ("**Bea:** omg", "Noor: hi"), opening a paragraph or a sentence;
or a user name, in lower case too, opening a paragraph ("bigbrainbea: lol")."""
_SENTENCE_END = re.compile(r"[.!?…]+\s*")
"""Where a sentence ends."""
_TIMESTAMP = re.compile(r"\[?\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?\]?\s*")
"""A chat log's time before a sender ("[10:42] Bea: hi", "10:42 PM Bea: hi")."""


def lower_case_words(text: str) -> list[str]:
    """The words `text` writes in lower case, but for text messages that do and their senders' user names ("Bea:
    omg noor i'm so sorry. bus broke down **noor_h:** where r u", "[10:42] Bea: omg noor"), which say nothing of
    which words are names."""
    text = _TIMESTAMP.sub("", text)
    kept, at = [], 0
    for sender in _SENDER.finditer(text):
        if sender.start() >= at:
            kept.append(text[at : sender.start()])
            at = _messages_end(text, sender.end())
    kept.append(text[at:])
    return [word for word in TOKEN.findall(" ".join(kept)) if word[0].islower()]


def _messages_end(text: str, at: int) -> int:
    """Where the messages after a sender's colon at `at` end: the sentences that open in lower case, and the
    messages after the next colon when they run up to it (the next sender's name is part of them)."""
    while re.match(r"[\s*_]*[a-z]", text[at:]):
        ended = _SENTENCE_END.search(text, at)
        colon = text.find(":", at)
        if colon != -1 and (ended is None or colon < ended.start()):
            at = colon + 1  # "omg noor **Bea:** bus broke down"
        elif ended is None:
            return len(text)
        else:
            at = ended.end()
    return at


DESCRIPTIONS = frozenset(
    f"the {noun}" for noun in ("man", "woman", "boy", "girl", "lady", "gentleman", "young man", "young woman",
                               "young lady", "old man", "old woman", "old lady", "old gentleman")
)  # fmt: skip
"""Roles that describe a person, often one the text has named ("said the girl" of Nancy); the scorer weighs them
against the named people of their gender."""
_EPITHET_VOTES = 3
"""How many paragraphs must call one person by a describing role before it is theirs book-wide."""


def _epithets_of(roster: Roster, narration: Sequence[str]) -> dict[str, str]:
    """Describing role -> the named person the narration calls so: in a paragraph, the role ("the young man") in a
    sentence after one naming the only person of its gender so far, and not in a sentence with them ("Archer came
    in. The young man sat down."), at least `_EPITHET_VOTES` times and twice as often as anyone else."""
    votes: dict[str, Counter[str]] = {}
    for text in narration:
        earlier: set[str] = set()
        for sentence in SENTENCE.findall(text):
            found = mentions(roster, sentence)
            named = {m.name for m in found if not m.is_pronoun and m.name in roster.genders and not is_role(m.name)}
            for m in found:
                if m.name in DESCRIPTIONS and sentence[m.start : m.start + 4].lower() == "the ":
                    fitting = {n for n in earlier | named if roster.genders[n] == role_gender(m.name)}
                    if len(fitting) == 1 and not fitting & named:
                        votes.setdefault(m.name, Counter())[fitting.pop()] += 1
            earlier |= named
    holders = {}
    for role, counts in votes.items():
        name, most = counts.most_common(1)[0]
        if most >= _EPITHET_VOTES and most >= 2 * (counts.total() - most):
            holders[role] = name
    return holders


_STYLES = {"His Grace": "the duke", "Her Grace": "the duchess"}
"""How the narration speaks of a duke or a duchess, and the role that is."""


def _styled(narration: Sequence[str], forms: Mapping[str, str]) -> dict[str, str]:
    """"His Grace" -> the duke (the person the text calls Duke Somebody, if it does), when the narration says it."""
    return {style: forms.get(role, role) for style, role in _STYLES.items() if any(style in text for text in narration)}


def _epithet_roles(forms: Mapping[str, str]) -> dict[str, str]:
    """"the king" -> the person the text calls "the King" (a role noun it capitalises as a name), for roles it
    has no holder for yet."""
    return {role_name(noun): forms[noun.capitalize()] for noun in ROLES
            if noun.capitalize() in forms and role_name(noun) not in forms}


_LOOKS = {role.removeprefix("the ") for role in DESCRIPTIONS} | {"child", "kid", "figure", "stranger", "visitor",
                                                                  "newcomer"}
"""Role nouns that only say how someone looks: which named person they are is decided scene by scene."""


def _appositive_roles(narration: Sequence[str], forms: Mapping[str, str]) -> dict[str, str]:
    """"the beadle" -> "Mr. Bumble", where the narration says "Mr. Bumble, the beadle," ("Mr. Eager, the English
    chaplain at Florence", "Bunting the vicar.") of one named person only, for roles of what people do, not how
    they look; and a title the text writes as a name of its own ("Superintendent") -> the one person the narration
    gives it ("Mr. McBryde, the District Superintendent of Police,")."""
    pattern = _pattern(dict(forms))
    if pattern is None:
        return {}
    nouns = "|".join(sorted((n for n in ROLES if n not in _LOOKS), key=len, reverse=True))
    after = re.compile(
        rf"{pattern.pattern},?\s+the\s+(?:[A-Za-z]+\s+)?(?P<role>{nouns})(?=[,.;:!?]|\s+(?:who|of|at|in|from)\b)"
    )
    titled = re.compile(rf"{pattern.pattern},\s+the\s+(?:[A-Z][a-z]+\s+)?(?P<title>[A-Z][a-z]+)(?=[\s,.;:!?])")
    holders: dict[str, set[str]] = {}
    for text in narration:
        for match in after.finditer(text):
            holders.setdefault(role_name(match["role"]), set()).add(forms[match["name"]])
        for match in titled.finditer(text):  # "Mr. McBryde, the District Superintendent of Police,"
            title = match["title"]
            if forms.get(title) == title and forms[match["name"]] != title and not is_first_name(title):
                holders.setdefault(title, set()).add(forms[match["name"]])
    return {role: next(iter(names)) for role, names in holders.items()
            if len(names) == 1 and (role not in forms or forms[role] == role and role[0].isupper())}


def _titles(forms: Mapping[str, str], names: Counter[str]) -> dict[str, Gender]:
    """Canonical name -> the gender the titles of its forms agree on, for people the text calls by a title at least
    a third of the time ("Newland Archer" is not a woman for being named in "Mrs. Newland Archer")."""
    grouped: dict[str, list[str]] = {}
    for form, name in forms.items():
        grouped.setdefault(name, []).append(form)
    return {
        name: gender for name, group in grouped.items()
        if (gender := title_gender(group)) and 3 * sum(names[f] for f in group if title_gender([f])) >= sum(names[f] for f in group)
    }  # fmt: skip


def _paired_genders(meta: Metadata) -> dict[str, Gender]:
    """The genders a work's tags give the people of its romantic relationships ("Mara Quill/Ines Duarte"): female
    when its only category is F/F, male when it is M/M."""
    paired: dict[str, Gender] = {"f/f": "female", "m/m": "male"}
    gender = paired.get(meta.category.strip().casefold())
    if gender is None:
        return {}
    people = (re.sub(r"\s*\([^()]*\)$", "", name.strip()) for pair in meta.relationships if "/" in pair
              for person in pair.split("/") for name in person.split("|"))  # "Lan Zhan | Lan Wangji": two names
    return {person: gender for person in people if person}


def _declared(characters: Sequence[str], texts: Sequence[str], names: Counter[str]) -> Counter[str]:
    """The declared `characters` the `texts` name, in full or by one of their words, each counted as often as
    all its forms and once more, so that it names the person they join (the tag "Dietrich Bronner", not
    "Dietrich")."""
    found: Counter[str] = Counter()
    words = {word for text in texts for word in TOKEN.findall(text) if word[:1].isupper()}
    joined = "\n".join(texts)
    for name in characters:
        parts = [part for part in re.findall(r"[\w’'-]+", name) if part[:1].isupper()]
        if any(part in words for part in parts):
            full = len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", joined))
            found[name] = 1 + full + sum(names[part] for part in parts)
    return found


def _tag_aliases(characters: Sequence[str], names: Counter[str]) -> dict[str, str]:
    """Alias -> name, from the work's Character tags that give one person several names ("Wei Ying | Wei
    Wuxian"): each name of a tag the text uses joins the one it uses most."""
    joined: dict[str, str] = {}
    for tag in characters:
        parts = [part.strip() for part in tag.split("|") if names[part.strip()]]
        if len(parts) > 1:
            most = max(parts, key=lambda part: names[part])
            joined.update({part: most for part in parts if part != most})
    return joined


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
            kin = KIN.match(text, m.end()) if m["pos"] else None
            if kin:
                name = f"{m['name']}{m['pos'][0]}s {kin['noun'].lower()}"
                found.append(Mention(name, m.start(), kin.end(), opens_sentence(text, m.start()), False))
            else:
                found.append(Mention(roster.forms[m["name"]], m.start(), m.end(), opens_sentence(text, m.start()), bool(m["pos"])))
    for m in _RELATION.finditer(text):
        name = f"{m['owner'].lower()} {m['noun'].lower()}"
        found.append(Mention(name, m.start(), m.end(), opens_sentence(text, m.start()), False, m["owner"].lower()))
    for m in _ROLE.finditer(text):
        indefinite = m[0][:2].lower() in ("a ", "an")
        if indefinite and not opens_sentence(text, m.start()) and not _acts(text, m.end()) and not _VOICE.match(text, m.end()):
            continue  # "a man came in", "said a man’s voice"; not "waved at a man"
        if not any(f.start <= m.start() < f.end for f in found):
            name = roster.forms.get(role_name(m[1]), role_name(m[1]))
            found.append(Mention(name, m.start(), m.end(), opens_sentence(text, m.start()), text[m.end() : m.end() + 2] in ("’s", "'s")))
    thinking = _THINKS.search(text) is not None  # "I should lie, Kara thought. I should definitely lie.": all hers
    italics = [m.span() for m in _ITALIC.finditer(text)] if "*" in text or "_" in text else []
    for m in (_PRONOUNS_YOU if roster.second_person else _PRONOUNS).finditer(text):
        initial = opens_sentence(text, m.start())
        if m[1] in ("His", "Her", "My") and not initial or any(f.start <= m.start() < f.end for f in found):
            continue
        if m[1] in ("I", "My") and (thinking or any(start < m.start() < end for start, end in italics)):
            continue  # "*I should lie,* Kara thought.": her thought, not a first-person narrator
        name = "i" if m[1] in ("You", "you", "My") else m[1].lower()
        found.append(Mention(name, m.start(), m.end(), initial, m[1] in ("His", "Her", "My")))
    named = {f.start for f in found if not f.is_pronoun and not f.owner}
    return tuple(sorted((f for f in found if not _before_name(text, f, named)), key=lambda f: f.start))


def _before_name(text: str, mention: Mention, named: set[int]) -> bool:
    """True for a relation right before the name of the person it is ("my sister Hannah", "her father, Mr.
    Bennet,"): the name is the mention."""
    gap = re.match(r",?\s+", text[mention.end :])
    return bool(mention.owner) and gap is not None and mention.end + gap.end() in named


_ITALIC = re.compile(r"\*[^*\n]+(?:\*|$)|(?<!\w)_[^_\n]+(?:_(?!\w)|$)")
"""Words marked as italics in plain text (to the end of a sentence cut inside them): in a third-person story,
often someone's thought in the first person."""
_THINKS = re.compile(r",\s+(?:[Hh]e|[Ss]he|[A-Z][a-z]+)\s+(?:thought|thinks|wondered|wonders)\b")
"""Someone thinking in the first person ("I should lie, Kara thought."), italics lost: the "I"s around are theirs."""
_PRONOUNS = re.compile(r"\b([Hh]e|[Ss]he|I|His|Her|My)\b")
"""Pronouns that may be someone's mention."""
_PRONOUNS_YOU = re.compile(r"\b([Hh]e|[Ss]he|I|His|Her|My|[Yy]ou)\b")
"""The same, with the "you" of a story told in the second person."""
_SECOND_PERSON_SHARE = 0.25
"""How often a narration says "you" at least, against "he" and "she" together, to be told in the second person
(and more often than "I": a first-person narrator may talk to the reader)."""


def _second_person(narration: Sequence[str]) -> bool:
    """True when the `narration` is told in the second person ("You took it. “Is this a bribe?”")."""
    counts = Counter(m[0].lower() for text in narration for m in re.finditer(r"\b(?:[Yy]ou|[Hh]e|[Ss]he|I)\b", text))
    return counts["you"] > counts["i"] and counts["you"] >= _SECOND_PERSON_SHARE * (counts["he"] + counts["she"])


_VOICE = re.compile(r"[’']s\s+voice\b")
"""A possessive before "voice": "said a man’s voice" is the man speaking."""


def _acts(text: str, at: int) -> bool:
    """True when a past-tense verb comes within a few words of position `at` ("a man stepped in")."""
    words = re.match(r"(?:\s+[\w’']+){1,5}", text[at:])
    return words is not None and any(w.endswith("ed") or w in PAST for w in words[0].split())


def role_name(noun: str) -> str:
    """The character name given to an unnamed person: "man" -> "the man"."""
    return "the " + " ".join(noun.lower().split())


def is_role(name: str) -> bool:
    """True for the name of an unnamed person ("the man", "Scrooge’s nephew")."""
    return name.startswith("the ") and name[4:] in ROLES or kin(name) is not None


def role_gender(name: str) -> Gender:
    """The gender a role-noun name implies ("the woman" -> female, "Scrooge’s nephew" -> male)."""
    relation = kin(name)
    return RELATIONS[relation] if relation else ROLES.get(name.removeprefix("the "), "unknown")


def kin(name: str) -> str | None:
    """The relation noun of someone named only through another ("Scrooge’s nephew", "Ollie’s sister"), else None."""
    match = re.fullmatch(r".+[’']s (\w+)", name)
    return match[1] if match and match[1] in RELATIONS else None


def _pattern(forms: dict[str, str]) -> re.Pattern[str] | None:
    """A regex matching any surface form as a whole word, with an optional possessive."""
    if not forms:
        return None
    alternation = "|".join(re.escape(f).replace(r"\.\ ", r"\.?\ ") for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w’'-])(?P<name>{alternation})(?:{HONORIFIC_SUFFIX})?(?P<pos>[’']s)?(?![\w-])")
