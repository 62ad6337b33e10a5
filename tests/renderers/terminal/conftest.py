"""Fixtures of the terminal text tests: the completeness course."""

from __future__ import annotations

import pytest

from engine.loading.loader import load_course
from engine.model import Course
from tests.helpers import COMPLETE_COURSE


@pytest.fixture(scope="session")
def course() -> Course:
    """The completeness course: every block kind, question type and option."""
    return load_course(COMPLETE_COURSE)
