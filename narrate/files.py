"""Writing files so that a failure never leaves a half-written one in place."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it onto `target` on success, delete it on failure."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def scratch(target: Path, suffix: str) -> Iterator[Path]:
    """A fresh hidden path next to `target` for a file in progress; removed on exit if still there."""
    path = target.parent / f".{target.name}.{secrets.token_hex(4)}{suffix}"
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
