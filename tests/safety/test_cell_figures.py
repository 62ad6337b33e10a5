"""Finding 8 of issue 12 for code cells: a figure whose SVG could run script is left out,
and a cell's printed control characters never reach a page or a terminal."""

from __future__ import annotations

from pathlib import Path

from engine.diagnostics import Code
from engine.execution.execute import execute_course
from engine.loading.loader import load_course

COURSE = """\
id: figs
title: Figures
sections:
  - id: s
    title: S
    chapters: [one.yaml]
"""
CHAPTER = """\
id: one
title: One
blocks:
  - kind: code
    id: plots
    source: |
      import matplotlib
      matplotlib.use("Agg")
      import matplotlib.pyplot as plt
      safe = plt.figure()
      plt.plot([1, 2, 3])
      active = plt.figure()
      # matplotlib writes the url as an <a xlink:href> around the text.
      active.text(0.5, 0.5, "click me", url="javascript:window.__pwned=1")
      print("title \\x1b]0;pwned\\x07 clear \\x1b[2J nul \\x00 done")
"""


def test_an_active_figure_is_left_out_and_control_characters_removed(tmp_path: Path) -> None:
    root = tmp_path / "course"
    root.mkdir()
    (root / "course.yaml").write_text(COURSE, encoding="utf-8")
    (root / "one.yaml").write_text(CHAPTER, encoding="utf-8")
    result = execute_course(load_course(root), cache_dir=tmp_path / "cache")
    unsafe = [d for d in result.diagnostics if d.code is Code.UNSAFE_SVG]
    assert len(unsafe) == 1 and "figure 2 of cell 'plots'" in unsafe[0].message
    assert unsafe[0].span is not None and unsafe[0].span.line == 4
    output = result.outputs["plots"]
    assert len(output.figures) == 1 and "javascript:" not in output.figures[0]
    assert output.stdout == "title ]0;pwned clear [2J nul  done\n"
