"""Tests for narrate.parse: narration / dialogue spans with offsets into the source.

The texts under fixtures/parse/ mark every spoken quotation with ⟦ ⟧ inside its
quotation marks (the gold labels, written with the text); the markers are
removed before the text is parsed.
"""

from __future__ import annotations

import re
import textwrap
import time
from pathlib import Path

import pytest

from narrate.ingest import load
from narrate.ingest.text import parse_text
from narrate.model import Script
from narrate.parse import parse, script_records

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "input" / "chapter4.txt"
MARKED = sorted((ROOT / "tests" / "fixtures" / "parse").glob("*.txt"))


def parsed(tmp_path: Path, body: str, heading: str = "Chapter 1") -> Script:
    """Parse a one-chapter file whose body is `body`."""
    path = tmp_path / "story.txt"
    path.write_text(f"{heading}\n\n{body}\n", encoding="utf-8")
    work = load(path)
    return parse(work, work.chapters[0])


def pieces(script: Script) -> list[tuple[str, str]]:
    """(kind initial, text) of every segment."""
    return [(s.kind[0], s.text) for s in script.segments]


def quotes(tmp_path: Path, body: str) -> list[str]:
    """The dialogue texts of `body`, in order."""
    return [s.text for s in parsed(tmp_path, body).segments if s.kind == "dialogue"]


def unmark(marked: str) -> tuple[str, set[tuple[int, int]]]:
    """The text without ⟦ ⟧ markers, and the (start, end) offsets of the marked quotes in it."""
    plain: list[str] = []
    gold: set[tuple[int, int]] = set()
    start = 0
    for piece in re.split("([⟦⟧])", marked):
        if piece == "⟦":
            start = len("".join(plain))
        elif piece == "⟧":
            gold.add((start, len("".join(plain))))
        else:
            plain.append(piece)
    return "".join(plain), gold


# --- the sample chapter ---------------------------------------------------------------------------


def test_sample_offsets_and_counts() -> None:
    work = load(SAMPLE)
    script = parse(work, work.chapters[0])
    assert all(work.text[s.start : s.end] == s.text for s in script.segments)
    assert sum(s.kind == "dialogue" for s in script.segments) == 122
    assert all(s.speaker is None and s.confidence == 1.0 for s in script.segments)
    assert all(any(ch.isalnum() for ch in s.text) for s in script.segments if s.kind == "narration")
    starts = [s.start for s in script.segments]
    assert starts == sorted(starts)


def test_sample_matches_its_labels() -> None:
    work = load(SAMPLE)
    found = {(s.start, s.end) for s in parse(work, work.chapters[0]).segments if s.kind == "dialogue"}
    labels = (ROOT / "tests" / "fixtures" / "chapter4.labels.jsonl").read_text(encoding="utf-8")
    gold = {(int(a), int(b)) for a, b in re.findall(r'"start": (\d+), "end": (\d+)', labels)}
    assert found == gold


def test_sample_paragraph_and_scene_numbers() -> None:
    work = load(SAMPLE)
    chapter = work.chapters[0]
    script = parse(work, chapter)
    flat = [(scene.number, p) for scene in chapter.scenes for p in scene.paragraphs]
    for segment in script.segments:
        scene, paragraph = flat[segment.paragraph]
        assert segment.scene == scene
        assert paragraph.start <= segment.start < segment.end <= paragraph.end
    assert {s.scene for s in script.segments} == {1, 2, 3, 4, 5}


def test_sample_quote_split_by_tag() -> None:
    work = load(SAMPLE)
    script = parse(work, work.chapters[0])
    texts = [(s.kind[0], s.text) for s in script.segments]
    at = texts.index(("d", "I think,"))
    assert texts[at : at + 3] == [
        ("d", "I think,"),
        ("n", "Naruto said, quiet now,"),
        ("d", "you’re the only thing that ever felt real to me."),
    ]


# --- marked fixtures: every style, measured -----------------------------------------------------


@pytest.mark.parametrize("path", MARKED, ids=[p.stem for p in MARKED])
def test_marked_fixture(tmp_path: Path, path: Path) -> None:
    plain, gold = unmark(path.read_text(encoding="utf-8"))
    source = tmp_path / path.name
    source.write_text(plain, encoding="utf-8")
    work = load(source)
    script = parse(work, work.chapters[0])
    assert all(work.text[s.start : s.end] == s.text and s.text for s in script.segments)
    found = {(s.start, s.end) for s in script.segments if s.kind == "dialogue"}
    hits = len(found & gold)
    f1 = 2 * hits / (len(found) + len(gold))
    assert f1 >= 0.96, [plain[a:b] for a, b in sorted(found ^ gold)]


def test_marked_fixtures_together(tmp_path: Path) -> None:
    hits = found_total = gold_total = 0
    for path in MARKED:
        plain, gold = unmark(path.read_text(encoding="utf-8"))
        work = parse_text(tmp_path / path.name, plain)
        found = {(s.start, s.end) for s in parse(work, work.chapters[0]).segments if s.kind == "dialogue"}
        hits, found_total, gold_total = hits + len(found & gold), found_total + len(found), gold_total + len(gold)
    assert gold_total > 350
    assert 2 * hits / (found_total + gold_total) >= 0.99


# --- 1. styles and apostrophes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("“A,” he said, “B.”", [("d", "A,"), ("n", "he said,"), ("d", "B.")]),
        ('"Yes," she said. "No."', [("d", "Yes,"), ("n", "she said."), ("d", "No.")]),
        ("« Oui », dit-elle. « Non. »", [("d", "Oui"), ("n", "dit-elle."), ("d", "Non.")]),
        ("„Ja“, sagte er. „Nein.“", [("d", "Ja"), ("n", "sagte er."), ("d", "Nein.")]),
        ("Sasuke didn’t look up. “We’re not far enough yet.”", [("n", "Sasuke didn’t look up."), ("d", "We’re not far enough yet.")]),
        ("“I don’t think it’s theirs,” she said, ‘quoting’ nobody.", [("d", "I don’t think it’s theirs,"), ("n", "she said, ‘quoting’ nobody.")]),
        ("'Tis the season, isn't it.", [("n", "'Tis the season, isn't it.")]),
        ("“Wait.” — “What?”", [("d", "Wait."), ("d", "What?")]),
        ("“Go,” , he said.", [("d", "Go,"), ("n", "he said.")]),
        ("“”", []),
        ("Then: “No.”", [("n", "Then:"), ("d", "No.")]),
        ("”Backwards,” she typed.", [("d", "Backwards,"), ("n", "she typed.")]),
        ("“That man (speaking lower) is rude.”", [("d", "That man"), ("n", "(speaking lower)"), ("d", "is rude.")]),
        ("“Oh! (with a sigh) no.”", [("d", "Oh!"), ("n", "(with a sigh)"), ("d", "no.")]),
        ("“I (obviously) did it (nothing personal).”", [("d", "I (obviously) did it (nothing personal).")]),
    ],
)
def test_split(tmp_path: Path, body: str, expected: list[tuple[str, str]]) -> None:
    script = parsed(tmp_path, body)
    assert pieces(script) == expected
    assert all(script.work.text[s.start : s.end] == s.text for s in script.segments)


def test_single_quote_chapter_curly(tmp_path: Path) -> None:
    body = (
        "‘I don’t know,’ said Tom. ‘I’m tired.’\n\n"
        "‘’Cause you’ve been goin’ all day, an’ that’s why.’\n\n"
        "He put his bag in the twins’ room. ‘Give ’em a minute’, Gran said.\n\n"
        "‘We had a flood in ’99,’ she said. ‘’Tis nothing new.’"
    )
    assert quotes(tmp_path, body) == [
        "I don’t know,", "I’m tired.", "’Cause you’ve been goin’ all day, an’ that’s why.",
        "Give ’em a minute", "We had a flood in ’99,", "’Tis nothing new.",
    ]  # fmt: skip


def test_single_quote_chapter_straight(tmp_path: Path) -> None:
    body = (
        "'Come here', said the Rat. 'The twins' mother is waiting.'\n\n"
        "'I was goin' home,' said Mole, 'an' then I saw the '87 flood mark.'\n\n"
        "The Rat laughed at the twins' boat.\n\n"
        "'Cause I said so,' said the Rat."
    )
    assert quotes(tmp_path, body) == [
        "Come here", "The twins' mother is waiting.", "I was goin' home,", "an' then I saw the '87 flood mark.",
        "Cause I said so,",
    ]  # fmt: skip


def test_double_style_keeps_apostrophes_and_single_thoughts(tmp_path: Path) -> None:
    body = "“Don’t,” he said. The twins’ boat was gone.\n\n‘Run,’ he thought. ‘Just run.’\n\nThey’d ’a gone ’cause of ’em."
    assert quotes(tmp_path, body) == ["Don’t,", "Run,", "Just run."]


def test_single_marks_in_a_double_chapter_are_not_speech(tmp_path: Path) -> None:
    body = '"Yes," she said.\n\n"No," he said.\n\nHe read \'Ivanhoe\' and slept.\n\nIt was \'fine\', he supposed.'
    assert quotes(tmp_path, body) == ["Yes,", "No,"]


def test_straight_quote_error_stays_in_its_paragraph(tmp_path: Path) -> None:
    body = (
        '"I am not going," she said, "and that is all.\n\n'
        '"You will," he said. "You must.""\n\n'
        'He left. "Goodbye," she called.\n\n'
        '"Fine," he said.'
    )
    script = parsed(tmp_path, body)
    assert [(s.paragraph, s.kind[0], s.text) for s in script.segments if s.paragraph > 0] == [
        (1, "d", "You will,"),
        (1, "n", "he said."),
        (1, "d", "You must."),
        (2, "n", "He left."),
        (2, "d", "Goodbye,"),
        (2, "n", "she called."),
        (3, "d", "Fine,"),
        (3, "n", "he said."),
    ]


def test_missing_closing_mark_does_not_flip_later_paragraphs(tmp_path: Path) -> None:
    body = 'He said, "It is late. I am going\n\nShe went to the door.\n\n"Wait," she said.\n\nHe waited.'
    script = parsed(tmp_path, body)
    assert [(s.paragraph, s.kind[0]) for s in script.segments if s.paragraph > 0] == [(1, "n"), (2, "d"), (2, "n"), (3, "n")]


def test_doubled_straight_mark(tmp_path: Path) -> None:
    assert quotes(tmp_path, '""Hello," he said.\n\nThen he left. "Bye."') == ["Hello,", "Bye."]


def test_hard_wrapped_gutenberg_paragraph(tmp_path: Path) -> None:
    body = (
        '"My dear Mr. Bennet," said his lady to him one day, "have you heard that\n'
        'Netherfield Park is let at last?"\n\n'
        "Mr. Bennet replied that he had not, and went on reading the\n"
        "paper, which was a week old."
    )
    script = parsed(tmp_path, body, heading="CHAPTER I.")
    assert pieces(script)[:3] == [
        ("d", "My dear Mr. Bennet,"),
        ("n", "said his lady to him one day,"),
        ("d", "have you heard that\nNetherfield Park is let at last?"),
    ]
    assert all(script.work.text[s.start : s.end] == s.text for s in script.segments)


# --- 2. nested quotations -----------------------------------------------------------------------


def test_nested_single_in_double(tmp_path: Path) -> None:
    assert pieces(parsed(tmp_path, "“He told me, ‘Go home,’ and left.”")) == [("d", "He told me, ‘Go home,’ and left.")]


def test_nested_double_in_single(tmp_path: Path) -> None:
    body = "‘He told me, “Go home,” and left.’\n\n‘Then what?’ she asked."
    assert quotes(tmp_path, body) == ["He told me, “Go home,” and left.", "Then what?"]


def test_nested_double_in_single_straight(tmp_path: Path) -> None:
    body = "'He told me, \"Go home,\" and left.'\n\n'Then what?' she asked."
    assert quotes(tmp_path, body) == ['He told me, "Go home," and left.', "Then what?"]


def test_nested_same_marks(tmp_path: Path) -> None:
    body = "“And then he said—and I quote—“I miss you.”” She laughed.\n\n« Il a dit “non” », dit-elle."
    assert quotes(tmp_path, body) == ["And then he said—and I quote—“I miss you.”", "Il a dit “non”"]


# --- 3. not speech ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "The sign on the door read “CLOSED” in red letters.",
        "There was a note that said “Back at 5” on the counter.",
        "The note said: “Back at 5.”",
        "She had a copy of “The Raven” in her bag.",
        "The radio played the song “Yesterday” twice.",
        "Their so-called “plan” fell apart by noon.",
        "He couldn’t say the word “forever” without laughing.",
        "He called it “home” and laughed.",
        "They named the dog “Bear”.",
        "We watched “The Lord of the Rings” again.",
        "She said it was “fine,” which it wasn’t.",
        "A board said 'NO HAWKERS', and below it, in pencil, 'Ring twice'.",
        "The list on the fridge in her handwriting: “eggs, milk, bread.”",
        "The screen showed “Mom” and kept buzzing.",
        "She didn’t say “perhaps never,” but they all thought it.",
        "Underneath, in a shaky hand, someone had scrawled “Back Monday!!” and a smiley face.",
        "He copied out the inscription, “Also Georgiana Wife of the Above.”",
        "He had gone home for a month, “on account of his health,” and came back fat.",
        "It told of “the solitary rocks and promontories” that only the sea-fowl knew.",
        "She was reading “Middlemarch.”",
        "They loved “Pride and Prejudice.”",
        "Her eyes said: “Not here, not now.”",
        "Jun gave him a look which meant, “We are leaving.” He nodded.",
        "The cat stared at her as if to say, “Where is my dinner?”",
        "Omar smiled at Tess, and his smile seemed to say: “I told you so.”",
        "He longed to ask, “Do you still write to her?” but the bell rang.",
        "Priya raised an eyebrow in a way that implied “You cannot be serious.”",
    ],
)
def test_not_speech(tmp_path: Path, body: str) -> None:
    assert [s.kind for s in parsed(tmp_path, body).segments] == ["narration"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("“No.”", ["No."]),
        ("“Fine,” he said.", ["Fine,"]),
        ("He said, “Fine.”", ["Fine."]),
        ("“Yes?”", ["Yes?"]),
        ("He said “no” and left.", ["no"]),
        ("She whispered “Run!” and he ran.", ["Run!"]),
        ("He looked at her. “Okay.”", ["Okay."]),
        ("He turned to me “Why?”", ["Why?"]),
        ("“Bah!” he said again; and followed it up with “Humbug.”", ["Bah!", "Humbug."]),
        ('"That boy," said Mr. Pumblechook, laying a hand on my head, "is Pip."', ["That boy,", "is Pip."]),
        ("“Nephew!” returned the uncle sternly, “keep Christmas your own way.”", ["Nephew!", "keep Christmas your own way."]),
        ("Jun looked up, and with a smile, said: “We are leaving.”", ["We are leaving."]),
        ("Tess lifted her eyes, said, “Not now,” and went back to work.", ["Not now,"]),
    ],
)
def test_short_speech_is_speech(tmp_path: Path, body: str, expected: list[str]) -> None:
    assert quotes(tmp_path, body) == expected


def test_a_document_after_a_colon_is_not_speech(tmp_path: Path) -> None:
    body = (
        "I took the paper from him and read as follows:\n\n"
        "“TO THE LEAGUE: There is now another vacancy.\n\n"
        "“Apply in person on Monday.”\n\n"
        "“What on earth does this mean?” I asked.\n\n"
        "He said:\n\n"
        "“It means money.”"
    )
    assert quotes(tmp_path, body) == ["What on earth does this mean?", "It means money."]


def test_a_letter_after_its_salutation_is_not_speech(tmp_path: Path) -> None:
    body = (
        "The envelope had come that morning, in Ada's square hand.\n\n"
        "“Dearest Noor,”\n\n"
        "“The ferry runs again from Tuesday. Bring the blue coat.\n\n"
        "“Yours ever,”\n\n"
        "“ADA.”\n\n"
        "“Will you go?” Sam asked.\n\n"
        "“I might.”"
    )
    assert quotes(tmp_path, body) == ["Will you go?", "I might."]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("“My dear,” said the old man, “sit down.”", ["My dear,", "sit down."]),
        ("“My dear Noor--”\n\n“Well, you know what I mean.”", ["My dear Noor--", "Well, you know what I mean."]),
        ("“Dear Sam!”\n\n“Noor!”", ["Dear Sam!", "Noor!"]),
    ],
)
def test_a_spoken_salutation_is_speech(tmp_path: Path, body: str, expected: list[str]) -> None:
    assert quotes(tmp_path, body) == expected


# --- text messages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "messages"),
    [
        ("**Bea:** are you coming tonight\n**Priya:** I am not bailing",
         [("are you coming tonight", "Bea"), ("I am not bailing", "Priya")]),
        ("Bea: omg\nnoor_h: lol", [("omg", "Bea"), ("lol", "noor_h")]),
        ("[10:42] Bea: where are you", [("where are you", "Bea")]),
        ("Bea (10:42 PM): omw", [("omw", "Bea")]),
        ("**Bea:** omg\n\nNoor: what", [("omg", "Bea"), ("what", "Noor")]),  # one thread over two paragraphs
        ("Her phone buzzed.\n\nBea: see you at 8", [("see you at 8", "Bea")]),  # after talk of phones
        ("Bea: omg\nNoor: lol\n\n“Well?”\n\nBea: see you at 8", [("omg", "Bea"), ("lol", "Noor"), ("Well?", None),
                                                                ("see you at 8", "Bea")]),  # a thread just before
    ],
)
def test_a_text_thread_is_its_senders_lines(tmp_path: Path, body: str, messages: list[tuple[str, str]]) -> None:
    script = parsed(tmp_path, body)
    assert [(s.text, s.sender) for s in script.segments if s.kind == "dialogue"] == messages
    assert all(s.message for s in script.segments if s.kind == "dialogue" and s.sender)
    assert not any(s.runs_on for s in script.segments)


@pytest.mark.parametrize(
    "body",
    ["Note: the ferry runs on Tuesdays.", "Then: “I’m not running.”", "Dinner was simple. Bread: warm. Soup: cold.",
     "Rating: Teen And Up Audiences\nArchive Warning: No Archive Warnings Apply\nFandom: Original Work",
     "Title: Emma\n\nAuthor: Jane Austen\n\nLanguage: English"],
)
def test_prose_with_a_colon_is_no_thread(tmp_path: Path, body: str) -> None:
    assert not any(s.sender for s in parsed(tmp_path, body).segments)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Her phone lit up with a new message from Marcus: “did you get the notes”", ["did you get the notes"]),
        ("She typed back, “yes, sending now”", ["yes, sending now"]),
        ("Her phone buzzed.\n\nThe text read: “running late. may miss start”", ["running late. may miss start"]),
        ("Her phone buzzed. She looked up at the door, under the sign: “CLOSED FOR LUNCH”", []),
    ],
)
def test_a_text_message_is_speech_and_a_sign_is_not(tmp_path: Path, body: str, expected: list[str]) -> None:
    """A message's words, lower case and unpunctuated as they often are, are its sender's line; a sign's stay
    narration, phones about or not."""
    assert quotes(tmp_path, body) == expected
    assert all(s.message for s in parsed(tmp_path, body).segments if s.kind == "dialogue")


@pytest.mark.parametrize(
    ("body", "messages"),
    [
        ("He typed, “yes. hes being weird”\n\nThree dots. Then: “OMG”", [True, True]),  # after a message, a colon
        ("The phone buzzed. Dario turned it over.\n\n“hello??? is he there”", [True]),  # lower case, alone
        ("“Fine,” I said.\n\nAnother buzz. “hattie. do u think 25 is old”", [False, True]),  # lower case, opening
        ("“Text me every hour,” she said, “or I’m calling security.”", [False, False]),  # a quote's words are no cue
        ("He put his phone away. “If you want to—I mean, I was going anyway.”", [False]),  # spoken near a phone
        ("Her phone buzzed.\n\n“Where are you?” Sam asked.", [False]),
        ("She merely said, in the course of some trivial chat, “Well, Harriet, I would advise you.”", [False]),
        ("There is only one answer to a conversation of this type: “England holds India.”", [False]),
        ("“Thank you,” was Fanny’s reply; when she had turned from him, she felt, “And yet why?”", [False, False]),
        ("As soon as a general buzz gave him shelter, he added, “I should be sorry.”", [False]),
        ("I type, “yeah. saturday. i’ll come get you at 7”", [True]),
    ],
)
def test_which_quotations_are_text_messages(tmp_path: Path, body: str, messages: list[bool]) -> None:
    assert [s.message for s in parsed(tmp_path, body).segments if s.kind == "dialogue"] == messages


# --- 4. interruptions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("“I wasn’t going to—”\n\n“—and another thing,” she said.", ["I wasn’t going to—", "—and another thing,"]),
        ("“Well—” she began, “—maybe.”", ["Well—", "—maybe."]),
        ('"I must be going--"\n\n"--on to Truro, sir?"', ["I must be going--", "--on to Truro, sir?"]),
        ("“I don’t know…” she said. “…maybe.”", ["I don’t know…", "…maybe."]),
        ('"I don\'t know..." she said. "...maybe."', ["I don't know...", "...maybe."]),
        ("'I wasn't going to—'\n\n'—and another thing,' she said.", ["I wasn't going to—", "—and another thing,"]),
        ("“Yes”—she paused—“no.”", ["Yes", "no."]),
    ],
)
def test_interruptions(tmp_path: Path, body: str, expected: list[str]) -> None:
    assert quotes(tmp_path, body) == expected


# --- speech over several paragraphs -------------------------------------------------------------


def test_speech_over_several_paragraphs(tmp_path: Path) -> None:
    script = parsed(tmp_path, "“It began in spring,” she said. “The river rose.\n\n“Then it fell.”\n\nNobody spoke.")
    assert [(s.paragraph, s.kind[0], s.text, s.runs_on) for s in script.segments] == [
        (0, "d", "It began in spring,", False),
        (0, "n", "she said.", False),
        (0, "d", "The river rose.", True),
        (1, "d", "Then it fell.", False),
        (2, "n", "Nobody spoke.", False),
    ]


def test_single_quote_speech_over_several_paragraphs(tmp_path: Path) -> None:
    body = "'Well,' she said, 'come in. It's been loose since '99.\n\n'And wipe your feet.\n\n'There's tea.'\n\nHe went in."
    script = parsed(tmp_path, body)
    assert [(s.text, s.runs_on) for s in script.segments if s.kind == "dialogue"] == [
        ("Well,", False),
        ("come in. It's been loose since '99.", True),
        ("And wipe your feet.", True),
        ("There's tea.", False),
    ]


# --- 5. line ids --------------------------------------------------------------------------------


def ids(tmp_path: Path, body: str, heading: str = "Chapter 1") -> list[tuple[str, str]]:
    """(id, text) of every dialogue segment."""
    return [(s.id, s.text) for s in parsed(tmp_path, body, heading).segments if s.kind == "dialogue"]


def test_ids_are_short_hex_and_narration_has_none(tmp_path: Path) -> None:
    script = parsed(tmp_path, "“Hi,” he said. “Bye.”")
    assert [s.id for s in script.segments if s.kind == "narration"] == [""]
    assert all(re.fullmatch("[0-9a-f]{10}", s.id) for s in script.segments if s.kind == "dialogue")


def test_ids_survive_edits_elsewhere_and_rewrapping(tmp_path: Path) -> None:
    plain = unmark((ROOT / "tests" / "fixtures" / "parse" / "gutenberg.txt").read_text(encoding="utf-8"))[0]
    heading, body = plain.split("\n\n", 1)
    paragraphs = [" ".join(p.split()) for p in body.split("\n\n")]
    edited = [paragraphs[0] + " It was a fine day.", *paragraphs[1:]]

    def line_ids(paragraphs: list[str], width: int) -> list[str]:
        wrapped = ["\n".join(textwrap.wrap(p, width, break_on_hyphens=False)) for p in paragraphs]
        work = parse_text(tmp_path / "book.txt", heading + "\n\n" + "\n\n".join(wrapped) + "\n")
        return [s.id for s in parse(work, work.chapters[0]).segments if s.kind == "dialogue"]

    original = line_ids(paragraphs, 72)
    assert len(original) == 37 and len(set(original)) == 37
    assert line_ids(edited, 60) == original


def test_ids_number_repeated_quotes(tmp_path: Path) -> None:
    found = ids(tmp_path, "“Fine,” he said.\n\n“Fine,” she said.\n\n“No.”\n\n“Fine,” they said.")
    first = found[0][0]
    assert [i for i, _ in found] == [first, f"{first}-2", found[2][0], f"{first}-3"]


def test_ids_depend_on_the_chapter(tmp_path: Path) -> None:
    assert ids(tmp_path, "“Fine.”", "Chapter 1") != ids(tmp_path, "“Fine.”", "Chapter 2")


# --- 6. offsets, 7. speed -----------------------------------------------------------------------


def test_scene_numbers(tmp_path: Path) -> None:
    script = parsed(tmp_path, "One.\n\n* * *\n\n“Two.”\n\nThree.")
    assert [(s.scene, s.paragraph, s.kind[0]) for s in script.segments] == [(1, 0, "n"), (2, 1, "d"), (2, 2, "n")]


def test_script_records(tmp_path: Path) -> None:
    script = parsed(tmp_path, "“Hi,” he said.")
    records = script_records(script)
    assert records == [
        {"kind": "dialogue", "speaker": None, "text": "Hi,", "start": 12, "end": 15, "confidence": 1.0, "scene": 1,
         "id": script.segments[0].id},
        {"kind": "narration", "speaker": None, "text": "he said.", "start": 17, "end": 25, "confidence": 1.0, "scene": 1,
         "id": ""},
    ]  # fmt: skip
    assert script.work.text[12:15] == "Hi,"


def test_a_long_text_parses_in_linear_time() -> None:
    bodies = [unmark(path.read_text(encoding="utf-8"))[0].split("\n", 2)[2] for path in MARKED]
    block = "\n\n".join(bodies)
    big = "Chapter 1\n\n" + "\n\n".join([block] * (150_000 // len(block.split()) + 1))
    work = parse_text(Path("big.txt"), big)
    started = time.perf_counter()
    script = parse(work, work.chapters[0])
    elapsed = time.perf_counter() - started
    assert len(big.split()) >= 150_000
    assert all(work.text[s.start : s.end] == s.text and s.text for s in script.segments)
    assert elapsed < 2.0
