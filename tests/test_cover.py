"""cover: generated cover art, decoded back with Pillow."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from narrate.cover import MARGIN, SIZE, make_cover
from narrate.model import Chapter, Metadata

META = Metadata(title="What We Chose", author="quietwillow", fandom="Original Work")


def decode(data: bytes) -> Image.Image:
    """The cover as a Pillow image."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def ink(image: Image.Image) -> np.ndarray:
    """Mask of the near-white text pixels."""
    return (np.asarray(image.convert("RGB")) > 225).all(axis=2)


def test_cover_is_a_square_jpeg_of_at_least_1400_px():
    image = decode(make_cover(META))
    assert image.format == "JPEG"
    assert image.size == (SIZE, SIZE) and SIZE >= 1400


def test_same_metadata_gives_the_same_cover_and_titles_get_their_own_colours():
    assert make_cover(META) == make_cover(META)
    corner = {decode(make_cover(Metadata(title=title))).getpixel((10, 10)) for title in ("A", "B", "C", "D")}
    assert len(corner) == 4


def test_title_author_fandom_and_chapter_put_text_on_the_cover():
    bare = ink(decode(make_cover(Metadata(title="What We Chose"))))
    full = ink(decode(make_cover(META, Chapter(4, "The River", ()))))
    title_band, byline_band, foot_band = slice(330, 560), slice(580, 760), slice(1300, 1480)
    assert bare[title_band].sum() > 20000
    assert bare[byline_band].sum() < 100 < full[byline_band].sum()
    assert bare[foot_band].sum() < 100 < full[foot_band].sum()


def test_long_titles_and_unusual_letters_stay_inside_the_margins():
    meta = Metadata(
        title="The Unbearable Lightness of Being Stuck in a Time Loop With Your Ex-Boyfriend’s Cat — "
        + "Again and Again, Forever and Ever, Until the Heat Death of the Universe Swallows Us All " * 3,
        author="Zoë Łukasiewicz-Straße",
        fandom="Pokémon, Les Misérables - Victor Hugo, Marvel Cinematic Universe, Original Work, Ænima",
    )
    text = ink(decode(make_cover(meta, Chapter(12, "An Extraordinarily Long Chapter Title", ()))))
    rows, columns = np.nonzero(text)
    assert columns.min() >= MARGIN - 10 and columns.max() <= SIZE - MARGIN + 10
    assert rows.min() >= 300 and rows.max() <= SIZE - MARGIN


def test_a_word_too_long_for_a_line_is_cut_inside_the_margins():
    text = ink(decode(make_cover(Metadata(title="Supercalifragilisticexpialidocious" * 3, author="x" * 90))))
    _, columns = np.nonzero(text)
    assert columns.min() >= MARGIN - 10 and columns.max() <= SIZE - MARGIN + 10
