"""Helpers the code-cell tests share (a module with a unique name, so any test can import it)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
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


def processes_naming(text: str) -> list[int]:
    """Live processes (not zombies) whose command line contains `text`.

    Cells run in a pid namespace under bubblewrap, so a pid a cell sees means nothing
    here; a unique argument (the copied course's folder) finds the process from outside.
    """
    found = []
    needle = text.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "cmdline").read_bytes():
                continue
            status = (entry / "status").read_text(encoding="utf-8")
        except OSError:  # gone meanwhile
            continue
        if "\nState:\tZ" not in status:
            found.append(int(entry.name))
    return found


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    """Poll `condition` until it holds or `seconds` pass; its last value."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()
