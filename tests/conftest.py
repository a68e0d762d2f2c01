"""Shared fixtures: one synthesis cache for the whole session keeps the suite fast; a ferry project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from narrate import pipeline

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthesis cache shared by every test in the run."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture()
def cache_dir(session_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point narrate (and the processes it starts) at the session's cache."""
    monkeypatch.setenv("NARRATE_CACHE_DIR", str(session_cache))
    return session_cache


@pytest.fixture()
def ferry(tmp_path: Path) -> pipeline.Folders:
    """A project holding a copy of input/ferry.txt (two scenes, three speakers)."""
    folders = pipeline.Folders(tmp_path / "input", tmp_path / "voices", tmp_path / "output", tmp_path / "cache")
    folders.input.mkdir()
    shutil.copy(FIXTURES / "ferry.txt", folders.input / "ferry.txt")
    return folders


def dialogue(scripts: list) -> list:
    """Every quote of every chapter, in reading order."""
    return [segment for script in scripts for segment in script.segments if segment.kind == "dialogue"]


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory, session_cache: Path) -> pipeline.Folders:
    """Two chapters of "The Lantern Keeper" (prologue.txt, Chapter 1; lantern.txt, Chapter 2) rendered
    into one project, chapter 2 first: output/the-lantern-keeper/feed.xml lists both. Read it, don't change it."""
    root = tmp_path_factory.mktemp("published")
    folders = pipeline.Folders(root / "input", root / "voices", root / "output", session_cache)
    folders.input.mkdir()
    text = (FIXTURES / "lantern.txt").read_text(encoding="utf-8")
    shutil.copy(FIXTURES / "lantern.txt", folders.input / "lantern.txt")
    prologue = text.replace("Chapter 2: The Storm", "Chapter 1: Before the Storm", 1)
    (folders.input / "prologue.txt").write_text(prologue, encoding="utf-8")
    pipeline.render("lantern", folders, jobs=2)
    pipeline.render("prologue", folders, jobs=2)
    return folders
