"""What each of narrate's worker processes (speech engines, levelling) does as it starts."""

from __future__ import annotations

import os
import threading
import time

PARENT_POLL = 0.5
"""Seconds between a worker's checks that the process that started it is still there."""


def exit_with_parent(parent: int) -> None:
    """Have this worker process exit once `parent`, the process that started it, is gone (at once if it
    already is): a run killed with `kill -9` (or by the out-of-memory killer) cannot stop its workers,
    which would otherwise wait for work forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
