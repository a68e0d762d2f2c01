"""Writing files so that a failure never leaves a half-written one in place."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from narrate.errors import ConfigError


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it onto `target` on success, delete it on failure."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file beside it, so readers see the old or the new whole."""
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file `path` (created if missing) while inside: one process at a time."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; renders of one work should not overlap there
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def scratch(target: Path, suffix: str) -> Iterator[Path]:
    """A fresh hidden path next to `target` for a file in progress; removed on exit if still there."""
    path = target.parent / f".{target.name}.{secrets.token_hex(4)}{suffix}"
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def read_toml(path: Path) -> tomlkit.TOMLDocument:
    """Parse a user's TOML file (comments kept), turning every failure into a one-line ConfigError."""
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text (expected TOML in UTF-8)") from None
    except TOMLKitError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror})") from None


def write_toml(path: Path, doc: tomlkit.TOMLDocument) -> None:
    """Save a TOML document atomically: a temporary file beside the target, then rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as temporary:
            temporary.write_text(tomlkit.dumps(doc), encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot write ({error.strerror})") from None
