"""Helpers the code-cell tests share (a module with a unique name, so any test can import it)."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_course(name: str, into: Path) -> Path:
    """A fresh copy of fixture course `name` under `into`, named after the course."""
    target = into / name
    shutil.copytree(FIXTURES / name, target, ignore=shutil.ignore_patterns(".lessonkit-cache"))
    return target


def find_line(path: Path, text: str) -> tuple[int, int]:
    """1-based (line, column) of the only occurrence of `text` in the file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [(n, line.index(text) + 1) for n, line in enumerate(lines, 1) if text in line]
    assert len(hits) == 1, f"{text!r} occurs {len(hits)} times in {path}"
    return hits[0]
