"""Fixtures of the LMS package tests: the courses, built packages, servers and one browser.

Every package is built once per test session; the browser tests share one Chromium,
one static server and one mock LRS, and run on one xdist worker (group `lms-browser`).
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from engine.diagnostics import Diagnostic
from engine.model import Course
from renderers import get
from renderers.base import RenderContext
from tests.renderers.packages.server import MockLrs, StaticServer

ROOT = Path(__file__).resolve().parents[3]
COMPLETE = ROOT / "tests" / "fixtures" / "courses" / "complete"
SCORM_AGAIN = ROOT / ".tools" / "npm" / "node_modules" / "scorm-again" / "dist"
PLAYER = Path(__file__).resolve().parent / "player.html"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass(frozen=True)
class Built:
    """One package as a renderer returned it."""

    name: str
    """The bundle entry: `<course>-<format>.zip`."""
    data: bytes
    diagnostics: tuple[Diagnostic, ...]

    def files(self) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}


def build(course: Course, fmt: str, **options: Any) -> Built:
    """Render `course` in format `fmt` with `options`, as the CLI would."""
    renderer = get(fmt)
    ctx = RenderContext(options=renderer.Options.model_validate(options))
    bundle = renderer.render(course, ctx)
    assert len(bundle) == 1, sorted(map(str, bundle))
    (path, data), = bundle.items()
    return Built(str(path), data, tuple(ctx.diagnostics))


class Packages:
    """Packages of the completeness course, built on first use and kept for the session."""

    def __init__(self, course: Course) -> None:
        self.course = course
        self.cache: dict[tuple[str, str], Built] = {}

    def __call__(self, fmt: str, layout: str = "course") -> Built:
        key = (fmt, layout)
        if key not in self.cache:
            option = "au" if fmt == "cmi5" else "sco"
            self.cache[key] = build(self.course, fmt, **{option: layout})
        return self.cache[key]


@pytest.fixture(scope="session")
def packages(complete_course: Course) -> Packages:
    return Packages(complete_course)


class Site:
    """The static server's folder: the test LMS page, scorm-again, unzipped packages."""

    def __init__(self, root: Path) -> None:
        self.root = root
        lms = root / "lms"
        lms.mkdir(parents=True)
        for name in ("scorm12.js", "scorm2004.js"):
            shutil.copy(SCORM_AGAIN / name, lms / name)
        shutil.copy(PLAYER, lms / "player.html")
        self.server = StaticServer(root)
        self.base = self.server.base

    def publish(self, name: str, built: Built) -> str:
        """Unzip a package under /pkg/<name>/ (once); return its base URL."""
        folder = self.root / "pkg" / name
        if not folder.exists():
            for path, data in built.files().items():
                target = folder / PurePosixPath(path)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        return f"{self.base}/pkg/{name}"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    served = Site(tmp_path_factory.mktemp("lms-www"))
    yield served
    served.server.close()


@pytest.fixture(scope="session")
def lrs() -> Iterator[MockLrs]:
    server = MockLrs()
    yield server
    server.close()


@pytest.fixture(scope="session")
def browser(chromium: Any) -> Any:
    """The suite's shared Chromium (tests/conftest.py)."""
    return chromium


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(timezone_id="UTC")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.page_errors = errors
    yield tab
    context.close()
