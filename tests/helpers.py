"""Temporary courses for the foundation tests, and diagnostics reduced to comparable tuples."""

from __future__ import annotations

import http.server
import os
import sys
from pathlib import Path

from engine.diagnostics import Diagnostic

ROOT = Path(__file__).resolve().parents[1]
COMPLETE_COURSE = ROOT / "tests" / "fixtures" / "courses" / "complete"
SAMPLE_COURSE = ROOT / "content" / "intro-to-rnns"
INVALID = ROOT / "tests" / "fixtures" / "invalid"
"""Invalid chapter and course files, each stating the diagnostics it must give."""

FIXTURE_COURSE_YAML = """\
id: fixture
title: Fixture course
sections:
  - id: main
    title: Main
    chapters:
      - chapter.yaml
"""
"""The course.yaml that lists a chapter fixture as its only chapter (role: chapter)."""

VALID_CHAPTER_YAML = """\
id: one
title: One
blocks:
  - kind: explanation
    body: Some text.
"""
"""The chapter `ch/one.yaml` that sits beside a course fixture (role: course)."""

Located = tuple[str, int, int, str]
"""(file relative to the course, line, column, code): what the fixture headers state."""


def make_course(root: Path, *, role: str, fixture: bytes) -> Path:
    """Lay out a temporary course around one fixture file; returns the course folder."""
    root.mkdir(parents=True, exist_ok=True)
    if role == "chapter":
        (root / "course.yaml").write_text(FIXTURE_COURSE_YAML, encoding="utf-8")
        (root / "chapter.yaml").write_bytes(fixture)
    elif role == "course":
        (root / "ch").mkdir(exist_ok=True)
        (root / "ch" / "one.yaml").write_text(VALID_CHAPTER_YAML, encoding="utf-8")
        (root / "course.yaml").write_bytes(fixture)
    else:
        raise ValueError(f"unknown role {role!r}")
    return root


def relative_file(file: str, root: Path) -> str:
    """A diagnostic's file as a POSIX path relative to the course folder."""
    # Symbolic links are not followed: a link inside the course is named as the author sees it.
    path = Path(os.path.abspath(file))
    for base in (Path(os.path.abspath(root)), root.resolve()):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return file


def located(diagnostics: list[Diagnostic], root: Path) -> list[Located]:
    """Diagnostics as sorted (file, line, column, code) tuples; no span -> ("", 0, 0)."""
    out = []
    for d in diagnostics:
        if d.span is None:
            out.append(("", 0, 0, d.code.value))
        else:
            out.append((relative_file(d.span.file, root), d.span.line, d.span.column,
                        d.code.value))
    return sorted(out)


class LocalServer(http.server.ThreadingHTTPServer):
    """The tests' web server: a connection the browser closes while a file is still being
    sent (a test moved on to another page) is normal, not an error with a traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]
