"""Words: the vocabulary the parse rules read, and the patterns that find words and sentences.

Every list is data: a rule in `marks` or `speech` asks whether a word is in
it, so a new case is handled by adding a word here, not by adding code.
"""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W\d_]+|\d+")
"""A run of letters or of digits."""

WORDS = re.compile(r"[\w'’-]+")
"""A word with its apostrophes and hyphens (don't, so-called)."""

SENTENCE_BREAK = re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)[.!?…][\"'”’»)]*(?:\s|$)")
"""The end of a sentence (not after Mr, Mrs, Ms, Dr or St)."""

ELISIONS = frozenset(
    "tis twas twere twill twould tisn twasn tain taint em cause cos coz cuz til till bout round fore gainst "
    "mongst midst neath nother n kay sup spose specially scuse fraid member nuff course less pon appen un ud ere "
    "ello im er e is ave ad alf ome ow eard ouse ope urt elp ospital orse appy ead ard eart ungry urry ang eavens".split()
)
"""Words that an apostrophe at their start shortens ('tis, 'em, 'cause; Cockney 'ow, 'im)."""

CLIPPED = frozenset("an o th wi ol tho thro".split())
"""Words whose final letters an apostrophe stands for and that never end a sentence (an' = and)."""

SPEECH_VERBS = frozenset(
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

TAG_WORDS = SPEECH_VERBS | frozenset("added he she they i we you".split())
"""Words that, right after a possible closing mark, show it closed a quotation."""

TITLE_NOUNS = frozenset(
    "word words phrase term name title song book novel poem film movie show series play album track story article "
    "chapter essay headline slogan motto nickname expression catchphrase hymn tune ballad anthem opera musical "
    "painting magazine newspaper column episode podcast game password label brand".split()
)
"""Nouns after which a quotation is a title or a mention (the word “forever”)."""

TITLE_VERBS = frozenset("reading watched watching played playing hummed humming whistled whistling starring".split())
"""Verbs after which a quotation is a title (she was reading “Middlemarch.”)."""

COPY_NOUNS = TITLE_NOUNS | frozenset(
    "copy copies issue edition verse verses chorus line lines strains version rendition recording performance "
    "reading bars notes".split()
)
"""Nouns that make "<noun> of “X”" a title (a copy of “The Raven”)."""

SIGN_NOUNS = frozenset(
    "sign signs note notes notice letter card label banner poster plaque message text texts email e-mail caption "
    "inscription placard billboard whiteboard blackboard chalkboard noticeboard board screen display headline "
    "telegram memo postcard tag sticker graffiti envelope menu ticket receipt list sheet page form door gate wall "
    "shirt t-shirt mug cover spine title writing handwriting words letters contact notification id display "
    "readout subject".split()
)
"""Things that say or read something without speaking (the sign read “CLOSED”)."""

SIGN_VERBS = frozenset(
    "read reads reading said says saying declared declares proclaimed proclaims announced announces warned warns "
    "showed shows".split()
)
"""Verbs a sign or note says its words with."""

NAMING = frozenset(
    "titled entitled called named nicknamed dubbed labelled labeled marked stamped signed captioned spelled spelt "
    "so-called unquote quote-unquote".split()
)
"""Words after which a quotation is a name or a label (a town called “Hope”)."""

TEXT_NOUNS = frozenset(
    "inscription sign note notice label caption banner placard plaque headline message telegram memo postcard "
    "advertisement epitaph motto".split()
)
"""Writings whose words a quotation right after them gives, even after a comma (the inscription, “Also Georgiana”)."""

WRITING = frozenset(
    "wrote write writes written scrawled scribbled typed texted printed painted carved engraved etched inscribed "
    "handwriting emailed messaged jotted penned".split()
)
"""Words that make a quotation later in the sentence a writing, not speech (someone had scrawled “Back Monday”)."""

MESSAGING = frozenset("texted texts texting messaged messaging typed typing dmed".split())
"""Verbs of sending a text message: the quotation after them is the sender's line (she texted back, “omw”)."""

MESSAGE_NOUNS = frozenset("text texts message messages notification".split())
"""Sign nouns that in talk of phones are text messages, someone's words (the text said: “omw”)."""

DEVICES = frozenset(
    "phone phones cellphone smartphone texted texting texts messaged messaging dm dms chat comm notification "
    "notifications typed typing buzz buzzed buzzes buzzing".split()
)
"""Words of phones and messaging: a quotation in a sentence with one is a text message (my phone buzzes: “omw”)."""

SENT_FROM = re.compile(
    r"\b(?:[Tt]exts?|[Mm]essages?|DMs?|[Rr]eply|[Rr]eplies)\s+(?:[\w’']+\s+){0,3}?from\s+(?:[A-Z][\w-]*[’']s\s+[a-z]+\s+)?"
    r"(?P<sender>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?|him\b|her\b|them\b)"
)
"""A message from someone (a new message from Marcus:, a text from Ollie’s sister Imogen, a text from her): the
quotation after it is theirs."""

DOCUMENT_CUES = WRITING | frozenset("read reads follows ran runs thus".split())
"""Words in a sentence ending with a colon that introduce a document in the next paragraph (read as follows:)."""

NEGATIONS = frozenset("not never didn't don't doesn't won't wouldn't couldn't can't didn’t don’t doesn’t won’t "
                      "wouldn’t couldn’t can’t".split())  # fmt: skip
"""Words that make the speech verb after them unspoken (she didn't say “perhaps never”)."""

SEEMING = frozenset("seemed seem seems appeared appear appears if though wanted longed".split())
"""Words that make "<word> to say" unspoken: a look that seemed to say, as if to say, he wanted to say."""

MEANING = frozenset("implied implies signified signifies meant means".split())
"""Words after which a quotation is what a look or tone meant, not words said (a glance which meant, “Go”)."""

FACES = frozenset("look looks eyes glance glances smile smiles face expression".split())
"""Things that "say" without speaking (her eyes said, “Stay”)."""

BLOCKERS = frozenset("and but then so he she they i we you".split())
"""Words that end the search for a sign noun before a sign verb (a new clause has begun)."""

SMALL_WORDS = frozenset("a an the of and or in on at to for with from by".split())
"""Words a title leaves in lower case."""
