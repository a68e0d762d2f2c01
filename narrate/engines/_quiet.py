"""Silence C libraries and stray prints: stdout and stderr redirected at the fd level."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterator


class Captured:
    """What was written to stdout and stderr while they were redirected."""

    def __init__(self, read: Callable[[], str]) -> None:
        self._read = read
        self._final: str | None = None

    @property
    def text(self) -> str:
        """Everything written so far, C and Python output together (readable inside the block too)."""
        return self._final if self._final is not None else self._read()

    def close(self) -> None:
        """Keep what was written, for reading after the block."""
        self._final = self._read()

    def evidence(self, limit: int = 300) -> str:
        """The last `limit` characters of the output, on one line."""
        return " | ".join(self.text.split("\n")).strip(" |")[-limit:]


@contextlib.contextmanager
def quiet() -> Iterator[Captured]:
    """Within the block, anything written to fds 1 and 2 or sys.stdout/err is kept, not shown."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    python_output = io.StringIO()
    with tempfile.TemporaryFile() as sink:
        def read() -> str:
            fd = sink.fileno()
            at = os.lseek(fd, 0, os.SEEK_CUR)
            os.lseek(fd, 0, os.SEEK_SET)
            written = os.read(fd, os.fstat(fd).st_size)
            os.lseek(fd, at, os.SEEK_SET)  # later writes go on at the end
            return written.decode("utf-8", "replace") + python_output.getvalue()

        captured = Captured(read)
        saved = [os.dup(1), os.dup(2)]
        try:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
            with contextlib.redirect_stdout(python_output), contextlib.redirect_stderr(python_output):
                yield captured
        finally:
            for fd, copy in zip((1, 2), saved):
                os.dup2(copy, fd)
                os.close(copy)
            captured.close()
