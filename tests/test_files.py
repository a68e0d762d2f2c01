"""Temporary files beside their targets: renamed into place on success, never left behind."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from narrate.files import Staging, atomic_path, remove_stale, scratch


def test_scratch_is_hidden_next_to_the_target_and_gone_afterwards(tmp_path):
    target = tmp_path / "out.mp3"
    with scratch(target, ".mp3") as path:
        assert path.parent == tmp_path and path.name.startswith(".out.mp3.") and path.suffix == ".mp3"
        path.write_bytes(b"partial")
    assert list(tmp_path.iterdir()) == []


def test_atomic_path_replaces_the_target_only_on_success(tmp_path):
    target = tmp_path / "cast.toml"
    target.write_text("before")
    with pytest.raises(RuntimeError), atomic_path(target) as path:
        path.write_text("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "before" and list(tmp_path.iterdir()) == [target]
    with atomic_path(target) as path:
        path.write_text("after")
    assert target.read_text() == "after" and list(tmp_path.iterdir()) == [target]


def test_remove_stale_deletes_only_files_in_progress_of_processes_that_are_gone(tmp_path):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)  # a process that has exited
    keep = [".chapter4.mp3.1.a1b2c3d4.mp3", f".feed.xml.{os.getpid()}.tmp", "chapter4.mp3", ".episodes.lock",
            f".notes.{dead}.txt"]
    stale = [f".feed.xml.{dead}.tmp", f".chapter4.mp3.{dead}.0badc0de.audio.mp3", f".ab12.s16.{dead}.tmp"]
    for name in keep + stale:
        (tmp_path / name).write_bytes(b"x")
    remove_stale(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(keep)


def test_scratch_and_atomic_names_carry_the_pid_that_remove_stale_checks(tmp_path):
    with scratch(tmp_path / "chapter4.mp3", ".audio.mp3") as path, atomic_path(tmp_path / "feed.xml") as temporary:
        path.write_bytes(b"x")
        temporary.write_bytes(b"x")
        remove_stale(tmp_path)  # this process is running: both stay
        assert path.exists() and temporary.exists()
        assert f".{os.getpid()}." in path.name and f".{os.getpid()}." in temporary.name


def test_staging_puts_files_in_place_in_staging_order_with_the_ones_named_last_at_the_end(tmp_path):
    real_replace = os.replace
    targets = [tmp_path / name for name in ("audio.mp3", "book.m4b", "feed.xml", "record.json", "cues.vtt")]
    with Staging() as staging:
        for target in targets:
            staging.write(target, target.name.encode())
        assert not any(target.exists() for target in targets)
        renamed = []
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(os, "replace", lambda source, target: renamed.append(target) or real_replace(source, target))
            assert staging.commit(targets[0], targets[2], targets[3]) == targets
    assert renamed == [targets[1], targets[4], targets[0], targets[2], targets[3]]
    assert [target.read_bytes() for target in targets] == [target.name.encode() for target in targets]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(target.name for target in targets)


def test_staged_files_not_committed_are_deleted_and_targets_left_alone(tmp_path):
    target = tmp_path / "audio.mp3"
    target.write_bytes(b"earlier")
    with pytest.raises(RuntimeError), Staging() as staging:
        staging.write(target, b"half")
        raise RuntimeError("failed before commit")
    assert target.read_bytes() == b"earlier"
    assert [path.name for path in tmp_path.iterdir()] == ["audio.mp3"]
