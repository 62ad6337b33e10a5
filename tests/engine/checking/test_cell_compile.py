"""Code cells are compiled once per distinct source by `check` (engine.checking.rules), and still
reported one by one: each cell's syntax error at its own place, each compile warning
under its own cell's name."""

from __future__ import annotations

import warnings
from pathlib import Path

from engine.diagnostics import Code
from engine.loading.loader import check_course
from tests.helpers import located, make_course

_CHAPTER = """\
id: cells
title: Cells
blocks:
  - kind: code
    id: first
    source: "x = '\\\\d'\\n"
  - kind: code
    id: second
    source: "x = '\\\\d'\\n"
  - kind: code
    id: broken-one
    source: "def f(:\\n"
  - kind: code
    id: broken-two
    source: "def f(:\\n"
"""


def test_equal_cells_are_reported_each_under_its_own_name(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", role="chapter", fixture=_CHAPTER.encode())
    for _ in range(2):  # the second check finds both sources compiled already
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = check_course(root)
        syntax = [d for d in located(result.diagnostics, root) if d[3] == Code.CELL_SYNTAX.value]
        assert syntax == [("chapter.yaml", 12, 20, "cell-syntax"),
                          ("chapter.yaml", 15, 20, "cell-syntax")]
        named = sorted(w.filename for w in caught if "escape" in str(w.message))
        assert named == ["<cell:first>", "<cell:second>"]
