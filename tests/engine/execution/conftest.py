"""Fixtures of the code-cell tests: copies of the fixture courses, run once per session.

Each course is copied to a temporary folder first: cells write files there (figures, a pid
file) and the cache lives beside it, so the repository stays clean.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from engine.execution.execute import ExecutionResult, execute_course
from engine.loading.loader import load_course
from engine.model import Course
from tests.engine.execution.execute_helpers import copy_course


@pytest.fixture(scope="session")
def fixture_copy(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Copy a fixture course to a new temporary folder."""

    def make(name: str) -> Path:
        return copy_course(name, tmp_path_factory.mktemp(name))

    return make


@pytest.fixture(scope="session")
def cells_course(fixture_copy: Callable[[str], Path]) -> Course:
    return load_course(fixture_copy("cells"))


@pytest.fixture(scope="session")
def cells_run(cells_course: Course) -> ExecutionResult:
    """Every chapter of the cells course, executed once, two at a time."""
    return execute_course(cells_course, jobs=2)
