"""Silence C libraries and stray prints: stdout and stderr redirected at the fd level."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator


class Captured:
    """What was written to stdout and stderr while they were redirected."""

    def __init__(self) -> None:
        self.text = ""
        """Everything written, C and Python output together (set on leaving the block)."""

    def evidence(self, limit: int = 300) -> str:
        """The last `limit` characters of the output, on one line."""
        return " | ".join(self.text.split("\n")).strip(" |")[-limit:]


@contextlib.contextmanager
def quiet() -> Iterator[Captured]:
    """Within the block, anything written to fds 1 and 2 or sys.stdout/err is kept, not shown."""
    captured = Captured()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    python_output = io.StringIO()
    with tempfile.TemporaryFile() as sink:
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
            sink.seek(0)
            captured.text = sink.read().decode("utf-8", "replace") + python_output.getvalue()
