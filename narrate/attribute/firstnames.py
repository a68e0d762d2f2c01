"""First names: the gender name lists give a first name, from nomquamgender's table (MIT; a consensus of name lists).

The table is a 22 MB JSON object with sorted keys; it is searched by bisection over its text, so a lookup parses a
few keys rather than the whole table, and the package itself (which loads pandas) is never imported.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from narrate.model import Gender

_NAME_CLEAR = 0.1
"""How close to all-male (0) or all-female (1) a first name's share of women must be to count."""
_NAME_BEARERS = 500
"""How many people recorded with a first name it takes for its share to count."""
COMMON_BEARERS = 100_000
"""How many people recorded with a first name make it a common one."""


def name_gender(first_names: Iterable[str]) -> Gender:
    """The gender the first names a person goes by give ("Edna": female), from nomquamgender's consensus of name
    lists: "unknown" unless the lists clearly give each of them, and all of them, to one gender."""
    sides = {_hyphenated_side(_plain(name)) for name in first_names}
    return "unknown" if len(sides) != 1 or None in sides else ("male", "female")[sides.pop()]  # type: ignore[index]


def _hyphenated_side(name: str) -> int | None:
    """`_first_name_side` of a name, or of a hyphenated one's parts when the lists give those one side ("Mary-Kate":
    Mary and Kate; "Jean-Luc": Luc, Jean being either)."""
    side = _first_name_side(name)
    if side is not None or "-" not in name:
        return side
    sides = {_first_name_side(part) for part in name.split("-")} - {None}
    return sides.pop() if len(sides) == 1 else None


def _plain(name: str) -> str:
    """A name as the table keys it: lower case, accents dropped ("Zoë" -> "zoe")."""
    return unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode()


def is_first_name(name: str, bearers: int = _NAME_BEARERS) -> bool:
    """True for a name the lists record as a first name of at least `bearers` people ("Theodore"; not
    "Caterpillar"); with `COMMON_BEARERS`, a common one ("Charlotte"; not "India", a place's name seldom is)."""
    record = _name_records(_plain(name))
    return record is not None and record[1] >= bearers


def _first_name_side(name: str) -> int | None:
    """0 when a first name is clearly a man's, 1 a woman's, else None."""
    record = _name_records(name)
    if record is None:
        return None
    _, bearers, share, *_ = record
    if bearers < _NAME_BEARERS:
        return None
    return 0 if share <= _NAME_CLEAR else 1 if share >= 1 - _NAME_CLEAR else None


@cache
def _name_data() -> str:
    """The text of nomquamgender's name table (a JSON object with sorted keys), read without importing the package
    (which loads pandas)."""
    spec = find_spec("nomquamgender")
    folder = Path(next(iter(spec.submodule_search_locations or ()))) if spec else None
    return (folder / "name_data.json").read_text(encoding="utf-8") if folder else "{}"


@cache
def _name_records(name: str) -> list | None:
    """nomquamgender's record of a lower-case first name ([sources, bearers, share of women, ...]), found by
    binary search over the table's sorted keys, so no more than a few keys are parsed."""
    text = _name_data()
    low, high = 0, len(text)
    while high - low > 256:
        middle = (low + high) // 2
        key_start = text.find(', "', middle, high)
        if key_start < 0:
            high = middle
            continue
        key_end = text.find('": [', key_start)
        if json.loads(text[key_start + 2 : key_end + 1]) < name:
            low = key_start + 1
        else:
            high = middle
    entry = f'"{name}": ['
    found = text.find(entry, max(0, low - 1), high + len(entry) + 512)
    if found < 0 or '"' in name or "\\" in name:
        return None
    record, _ = json.JSONDecoder().raw_decode(text, found + len(entry) - 1)
    return record
