"""Writing files so that a failure never leaves a half-written one in place."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from narrate.errors import ConfigError, OutputError

TEMPORARY_NAME = re.compile(r"\..+\.(?P<pid>\d+)\.(?:tmp|[0-9a-f]{8}(?:\.\w+)+)")
"""A file in progress: `.<target>.<pid>.tmp` (atomic_path) or `.<target>.<pid>.<token><suffix>` (scratch, Staging)."""

FOLDER_PROBLEMS = {
    errno.EROFS: "it is read-only",
    errno.ENOSPC: "it is full (no space left on device)",
    errno.EDQUOT: "it is over its disk quota",
    errno.EFBIG: "a file there would be too large (file too large)",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOTDIR: "it is not a folder",
}
"""Why the system refused a write in a folder, by errno, in plain words."""


def default_cache_dir() -> Path:
    """$NARRATE_CACHE_DIR, else $XDG_CACHE_HOME/narrate, else ~/.cache/narrate."""
    if os.environ.get("NARRATE_CACHE_DIR"):
        return Path(os.environ["NARRATE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "narrate"


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it onto `target` on success, delete it on failure. An
    OSError inside that names no file is about the temporary one."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with _named(temporary):
            yield temporary
        os.replace(temporary, target)
    finally:
        _discard(temporary)


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
    """A fresh hidden path next to `target` for a file in progress; removed on exit if still there. The system
    refusing to write it is an OutputError naming its folder."""
    path = _temporary(target, suffix)
    try:
        with _named(path):
            yield path
    except Exception as error:
        refused = refusal(error, [path])
        if refused is None:
            raise
        raise refused from None
    finally:
        _discard(path)


class Staging:
    """Files written under hidden temporary names beside their targets, put in place together by `commit`
    (a few renames: a run killed at any moment leaves the old set or the new one); whatever is not
    committed is deleted on leaving the `with` block, and the system refusing a write in the block is an
    OutputError naming the folder."""

    def __init__(self) -> None:
        self._files: dict[Path, Path] = {}

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> None:
        staged = list(self._files.values())
        for temporary in staged:
            _discard(temporary)
        refused = refusal(error, staged) if isinstance(error, Exception) else None
        if refused is not None:
            raise refused from None

    def path(self, target: Path) -> Path:
        """The temporary file that becomes `target` on commit (the same one if asked again)."""
        if target not in self._files:
            self._files[target] = _temporary(target, target.suffix)
        return self._files[target]

    def write(self, target: Path, data: bytes) -> None:
        """Stage `data` to become `target`."""
        path = self.path(target)
        with _named(path):
            path.write_bytes(data)

    def commit(self, *last: Path) -> list[Path]:
        """Rename every staged file onto its target, in the order they were staged except that the targets
        `last` go last, in that order (back to back: what must agree is apart for as short as can be); return
        the targets in the order they were staged."""
        staged = list(self._files)
        for target in [target for target in staged if target not in last] + [*last]:
            os.replace(self._files[target], target)
            del self._files[target]
        return staged


def make_folder(folder: Path) -> None:
    """Create `folder` and its parents unless there; an OutputError naming the folder that stops it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file where the folder should be
        raise folder_error(folder, errno.ENOTDIR) from None
    except OSError as error:
        raise refusal(error) or error from None


def refusal(error: BaseException, written: Iterable[Path] = ()) -> OutputError | None:
    """`error` as an OutputError if it is the system refusing to write a file: an OSError with a file name, or
    another error (ffmpeg's, mutagen's) naming one of the files `written` with the system's reason; else None."""
    if isinstance(error, OSError):
        path = None if error.filename is None else Path(os.fsdecode(error.filename))
        code = error.errno or 0
    else:
        said = str(error)
        path = next((path for path in written if path.name in said), None)
        code = next((code for code in FOLDER_PROBLEMS if os.strerror(code) in said), 0)
    return folder_error(path.parent, code) if path is not None and code in FOLDER_PROBLEMS else None


def folder_error(folder: Path, code: int) -> OutputError:
    """The OutputError for a write in `folder` refused with errno `code`, one of FOLDER_PROBLEMS."""
    if code == errno.ENOTDIR:  # name the part of the path that is a file: the nearest that exists
        folder = next((part for part in (folder, *folder.parents) if part.exists()), folder)
    return OutputError(f"cannot write to {folder}: {FOLDER_PROBLEMS[code]}")


@contextmanager
def _named(path: Path) -> Iterator[None]:
    """Inside, an OSError that names no file (those of write() do not) names `path`."""
    try:
        yield
    except OSError as error:
        if error.filename is not None or error.errno is None:
            raise
        raise OSError(error.errno, error.strerror, os.fspath(path)) from None


def _discard(path: Path) -> None:
    """Delete `path` if it can be: a file never written, or in a folder that refuses, is no error here."""
    with contextlib.suppress(OSError):
        path.unlink()


def _temporary(target: Path, suffix: str) -> Path:
    """A fresh hidden name beside `target` that says which process is writing it (see remove_stale)."""
    return target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{suffix}"


def remove_stale(folder: Path) -> None:
    """Delete the files in progress in `folder` whose process is gone (a run that was killed): a run still
    going keeps its own."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        found = TEMPORARY_NAME.fullmatch(entry.name)
        if found and not _running(int(found["pid"])):
            _discard(Path(entry.path))


def _running(pid: int) -> bool:
    """Whether a process `pid` exists (on Windows, where that cannot be asked safely, always)."""
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


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
    """Save a TOML document atomically: a temporary file beside the target, then rename; a folder that refuses
    is an OutputError."""
    make_folder(path.parent)
    try:
        with atomic_path(path) as temporary:
            temporary.write_text(tomlkit.dumps(doc), encoding="utf-8")
    except OSError as error:
        raise refusal(error) or ConfigError(f"{path}: cannot write ({error.strerror})") from None
