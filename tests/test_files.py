"""Temporary files beside their targets: renamed into place on success, never left behind."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest
import tomlkit

from narrate import ffmpeg
from narrate.errors import OutputError
from narrate.files import (
    TEMPORARY_NAME,
    Staging,
    atomic_path,
    make_folder,
    refusal,
    remove_stale,
    scratch,
    write_toml,
)


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


# --- a folder that cannot be written: one OutputError naming it, never the file in progress ---------------

def test_writes_into_a_folder_that_is_a_file_name_that_folder(tmp_path):
    blocker = tmp_path / "output"
    blocker.write_bytes(b"a file where the folder should be")
    said = f"cannot write to {blocker}: it is not a folder"
    with pytest.raises(OutputError, match=f"^{re.escape(said)}$"), Staging() as staging:
        staging.write(blocker / "feed.xml", b"<rss/>")
    with pytest.raises(OutputError, match=f"^{re.escape(said)}$"), scratch(blocker / "a.mp3", ".audio.mp3") as path:
        path.write_bytes(b"frames")
    with pytest.raises(OutputError, match=f"^{re.escape(said)}$"):
        make_folder(blocker / "the-work")
    with pytest.raises(OutputError, match=f"^{re.escape(said)}$"):
        make_folder(blocker)
    with pytest.raises(OutputError, match=f"^{re.escape(said)}$"):
        write_toml(blocker / "cast.toml", tomlkit.document())
    assert blocker.read_bytes() == b"a file where the folder should be"


def test_ffmpeg_refused_a_file_in_progress_is_an_output_error_naming_the_folder(tmp_path):
    blocker = tmp_path / "output"
    blocker.write_bytes(b"not a folder")
    with pytest.raises(OutputError) as raised, scratch(blocker / "a.mp3", ".audio.mp3") as path:
        ffmpeg.run(["-f", "lavfi", "-i", "sine=d=0.1", "-f", "mp3", "-y", path], f"write {path.name}")
    assert str(raised.value) == f"cannot write to {blocker}: it is not a folder"
    assert raised.value.exit_code == 6


def test_a_rename_that_fails_leaves_no_temporary_file(tmp_path):
    (tmp_path / "feed.xml").mkdir()  # a folder where the file goes: the rename fails
    with pytest.raises(IsADirectoryError), Staging() as staging:
        staging.write(tmp_path / "feed.xml", b"<rss/>")
        staging.commit()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["feed.xml"]


LIMITED_WRITES = textwrap.dedent("""\
    import json, resource, signal, sys
    from pathlib import Path
    from narrate.files import Staging, refusal, write_atomic
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # a write past 4 KiB fails: EFBIG
    folder, said = Path(sys.argv[1]), {}
    try:
        write_atomic(folder / "cover.jpg", bytes(10000))
    except OSError as error:
        said["write_atomic"] = [error.filename, str(refusal(error))]
    try:
        with Staging() as staging:
            staging.write(folder / "feed.xml", bytes(10000))
    except Exception as error:
        said["staging"] = [type(error).__name__, str(error)]
    print(json.dumps(said))
""")


@pytest.mark.skipif(os.name == "nt", reason="no RLIMIT_FSIZE on Windows")
def test_a_write_that_fails_midway_names_the_file_in_progress_and_leaves_nothing(tmp_path):
    done = subprocess.run([sys.executable, "-c", LIMITED_WRITES, str(tmp_path)], capture_output=True, text=True,
                          check=True)
    said = json.loads(done.stdout)
    temporary, message = said["write_atomic"]  # write() errors name no file; the file in progress is named
    assert TEMPORARY_NAME.fullmatch(os.path.basename(temporary)) and os.path.dirname(temporary) == str(tmp_path)
    too_large = f"cannot write to {tmp_path}: a file there would be too large (file too large)"
    assert message == too_large
    assert said["staging"] == ["OutputError", too_large]
    assert list(tmp_path.iterdir()) == []


def test_refusal_leaves_other_errors_alone(tmp_path):
    assert refusal(FileNotFoundError(2, "No such file or directory", str(tmp_path / "x"))) is None
    assert refusal(OSError(28, "No space left on device")) is None  # names no file: no folder to name
    assert refusal(RuntimeError("No space left on device"), [tmp_path / "a.mp3"]) is None  # not about a.mp3
