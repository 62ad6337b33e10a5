"""Options and fixtures every test folder shares."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.course_files import loader, write_course  # noqa: F401  (fixtures for every folder)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
COMPLETE_COURSE = FIXTURES / "courses" / "complete"
SAMPLE_COURSE = ROOT / "content" / "intro-to-rnns"

# Code cells and the course library run with one BLAS thread: reproducible and faster
# on a 2-core machine shared by two test workers.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        default=False,
        help="Rewrite golden snapshot files instead of comparing with them.",
    )
    parser.addoption(
        "--update-screenshots",
        action="store_true",
        default=False,
        help="Write the README's screenshots into docs/screenshots/ (tests/gallery.py).",
    )


@pytest.fixture(scope="session")
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-snapshots"))


@pytest.fixture
def gallery(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """Where a test keeps the README's pictures it takes (tests/gallery.py)."""
    from tests.gallery import Gallery

    return Gallery(tmp_path / "screenshots", bool(request.config.getoption("--update-screenshots")))


@pytest.fixture(scope="session")
def complete_course() -> Any:
    """The completeness course (every feature once), loaded once per test process."""
    from engine.loading.loader import load_course

    return load_course(COMPLETE_COURSE)


@pytest.fixture(scope="session")
def sample_course() -> Any:
    """The sample course, content/intro-to-rnns, loaded once per test process."""
    from engine.loading.loader import load_course

    return load_course(SAMPLE_COURSE)


CHROMIUM = os.environ.get("HARNESS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
"""Debian's Chromium, kept off the closed network (see scripts/install-tools.sh)."""


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium per test process: Playwright's sync API allows one instance,
    and the site, SCORM and cmi5 tests all drive a browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
