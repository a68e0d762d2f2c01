"""Shared fixtures: one synthesis cache for the whole session keeps the suite fast."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthesis cache shared by every test in the run."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture()
def cache_dir(session_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point narrate (and the processes it starts) at the session's cache."""
    monkeypatch.setenv("NARRATE_CACHE_DIR", str(session_cache))
    return session_cache
