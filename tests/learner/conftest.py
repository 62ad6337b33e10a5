"""Fixtures of the terminal learner's tests: the course, isolated user folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.loading.loader import load_course
from engine.model import Course
from tests.learner.helpers import COMPLETE


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real per-user progress database or cache."""
    monkeypatch.setenv("LESSONKIT_PROGRESS_DB", str(tmp_path / "progress.sqlite3"))
    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("LESSONKIT_NOW", raising=False)
    monkeypatch.delenv("LESSONKIT_FSRS_FUZZ", raising=False)


@pytest.fixture(scope="session")
def course() -> Course:
    """The completeness course: every block kind, question type and option."""
    return load_course(COMPLETE)
