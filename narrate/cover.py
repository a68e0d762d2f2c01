"""Generate cover art: title, author and fandom over a gradient derived from the title."""

from __future__ import annotations

import colorsys
import functools
import hashlib
import io
import unicodedata
from typing import TYPE_CHECKING

from narrate.model import Chapter, Metadata

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

SIZE = 1600
"""Cover width and height, px (podcast and audiobook stores ask for 1400-3000)."""

GRADIENT_SCALE = 8
"""The background gradient is worked out this many times smaller and scaled up (it is smooth either way;
at full size its arrays take 70 MB)."""

MARGIN = 130
"""Space between the text block and the cover's edges, px."""

TITLE_SIZES = (170, 150, 130, 112, 96, 84, 72)
"""Title font sizes to try, largest first, until the title fits."""

TITLE_HEIGHT = 640
"""Most height the title block may take, px."""

LEADING = 1.18
"""Line spacing as a multiple of the font size."""

SPELLINGS = str.maketrans(
    {"—": " - ", "–": "-", "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
     "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ı": "i", "×": "x"}
)
"""Letters the bundled font lacks, spelled with ones it has (accents are dropped separately)."""

INK = (250, 246, 238)
"""Colour of the title and author."""

SOFT_INK = (250, 246, 238, 200)
"""Colour of the smaller lines (fandom, chapter)."""


def make_cover(meta: Metadata, chapter: Chapter | None = None) -> bytes:
    """A SIZE x SIZE JPEG cover showing the title, author, fandom and (if given) chapter."""
    from PIL import ImageDraw

    hue = int.from_bytes(hashlib.sha256(meta.title.encode()).digest()[:2], "big") / 65536
    image = _background(hue)
    draw = ImageDraw.Draw(image, "RGBA")
    _ornament(draw, hue)
    bottom = _title_block(draw, meta.title or "Untitled")
    _byline(draw, meta, chapter, bottom)
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
    return out.getvalue()


def _colour(hue: float, lightness: float, saturation: float) -> tuple[int, int, int]:
    """An RGB colour from HLS components in 0..1."""
    red, green, blue = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)


def _background(hue: float) -> Image.Image:
    """A diagonal gradient from a deep shade of `hue` to a neighbouring hue."""
    import numpy as np
    from PIL import Image

    start = np.array(_colour(hue, 0.16, 0.55), np.float32)
    end = np.array(_colour(hue + 0.12, 0.38, 0.50), np.float32)
    axis = np.linspace(0.0, 1.0, SIZE // GRADIENT_SCALE, dtype=np.float32)
    weight = ((axis[:, None] * 0.65 + axis[None, :] * 0.35) ** 1.3)[..., None]
    pixels = start + (end - start) * weight
    return Image.fromarray(pixels.astype(np.uint8), "RGB").resize((SIZE, SIZE), Image.Resampling.BICUBIC)


def _ornament(draw: ImageDraw.ImageDraw, hue: float) -> None:
    """A thin inset frame and two faint rings, for some shape behind the text."""
    accent = (*_colour(hue + 0.5, 0.70, 0.45), 255)
    draw.rectangle((60, 60, SIZE - 60, SIZE - 60), outline=(*INK, 90), width=4)
    for radius, alpha in ((520, 28), (380, 20)):
        box = (SIZE - 250 - radius, 250 - radius, SIZE - 250 + radius, 250 + radius)
        draw.ellipse(box, outline=(*INK, alpha), width=36)
    draw.rectangle((MARGIN, 300, MARGIN + 180, 312), fill=accent)


def _title_block(draw: ImageDraw.ImageDraw, title: str) -> int:
    """Draw the title, wrapped and as large as fits, below the accent bar; return its bottom y."""
    font, lines = _fit(title, TITLE_SIZES, TITLE_HEIGHT)
    top = 340
    step = round(font.size * LEADING)
    for line in lines:
        draw.text((MARGIN + 4, top + 5), line, font=font, fill=(0, 0, 0, 90))
        draw.text((MARGIN, top), line, font=font, fill=INK, stroke_width=2, stroke_fill=INK)
        top += step
    return top


def _byline(draw: ImageDraw.ImageDraw, meta: Metadata, chapter: Chapter | None, title_bottom: int) -> None:
    """Author under the title; fandom and chapter heading at the foot of the cover."""
    if meta.author:
        font, lines = _fit(f"by {meta.author}", (84, 72, 62), 220)
        for offset, line in enumerate(lines):
            draw.text((MARGIN, title_bottom + 40 + offset * round(font.size * LEADING)), line, font=font, fill=INK)
    font, fandom = _fit(meta.fandom, (56, 48), 150) if meta.fandom else (_font(56), [])
    foot = fandom + ([_renderable(chapter.heading)] if chapter is not None else [])
    bottom = SIZE - MARGIN - 10
    for line in reversed(foot):
        bottom -= round(font.size * LEADING)
        draw.text((MARGIN, bottom), line, font=font, fill=SOFT_INK)


def _fit(text: str, sizes: tuple[int, ...], height: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest of `sizes` at which `text` wraps within the width and `height`; cut with … if none does."""
    width = SIZE - 2 * MARGIN
    text = _renderable(text)
    for size in sizes:
        font = _font(size)
        lines = _wrap(text, font, width)
        fits = len(lines) * size * LEADING <= height
        if fits and max(font.getlength(line) for line in lines) <= width:
            return font, lines
    kept = lines[: max(int(height // (font.size * LEADING)), 1)]
    if len(kept) < len(lines):
        kept[-1] += " …"
    return font, [_clip(line, font, width) for line in kept]


def _clip(line: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """`line` shortened to `width`, ending in … when cut."""
    if font.getlength(line) <= width:
        return line
    while line and font.getlength(line + "…") > width:
        line = line[:-1]
    return line.rstrip() + "…"


def _renderable(text: str) -> str:
    """`text` spelled with the glyphs Pillow's bundled font has (accents dropped, dashes as hyphens)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(SPELLINGS))
    kept = "".join(char for char in decomposed if not unicodedata.combining(char) and _has_glyph(char))
    return " ".join(kept.split()) or "?"


@functools.cache
def _has_glyph(char: str) -> bool:
    """Whether the bundled font draws `char` as something other than its missing-glyph box."""
    font = _font(40)
    return char.isspace() or bytes(font.getmask(char)) != bytes(font.getmask("\ue000"))


def _font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow's bundled font at `size` px (no system fonts needed)."""
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """`text` broken into lines no wider than `width` (an over-long word gets its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines
