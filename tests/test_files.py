"""Temporary files beside their targets: renamed into place on success, never left behind."""

from __future__ import annotations

import pytest

from narrate.files import atomic_path, scratch


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
