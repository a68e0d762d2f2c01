"""EPUB 2 and 3 (being written)."""

from __future__ import annotations

from pathlib import Path

from narrate.errors import InputError
from narrate.model import Work


def read_epub(source: Path, data: bytes) -> Work:
    """The Work in the EPUB `source`, whose bytes are `data`."""
    raise InputError(f"{source}: EPUB support is being written")
