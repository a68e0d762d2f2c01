"""workers: a real process pool in a real parent process, the parent killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

PARENT = """
import multiprocessing, os, time
from concurrent.futures import ProcessPoolExecutor
from narrate.workers import exit_with_parent

if __name__ == "__main__":
    pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"), initializer=exit_with_parent,
                               initargs=(os.getpid(),))
    pids = {pool.submit(os.getpid).result() for _ in range(20)}
    print(" ".join(map(str, sorted(pids))), flush=True)
    time.sleep(60)
"""
"""A parent that starts a pool of two workers, prints their pids once they work, and waits."""


def alive(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def spawned(parent: int) -> list[int]:
    """The pids of the pool workers `parent` has spawned."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.parametrize("when", ["working", "still starting"])
def test_workers_exit_soon_after_their_parent_is_killed(when):
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    if when == "working":
        workers = [int(pid) for pid in parent.stdout.readline().split()]
    else:  # killed before the workers have even run their initializer
        deadline = time.monotonic() + 30
        while not (workers := spawned(parent.pid)) and time.monotonic() < deadline:
            time.sleep(0.001)
    assert workers and all(alive(pid) for pid in workers)
    os.kill(parent.pid, signal.SIGKILL)  # no chance to shut its pool down
    parent.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in workers)
