"""Fixtures for the LMS export tests: each course rendered once per format per session."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from engine.model import Course
from tests.renderers.banks.exportkit import Export, load, render


@pytest.fixture(scope="session")
def course() -> Callable[[str], Course]:
    """`course("complete")`: a fixture course, loaded once."""
    return load


@pytest.fixture(scope="session")
def export() -> Callable[[str, str], Export]:
    """`export("complete", "gift")`: a course rendered in a format, once per session."""
    return render
