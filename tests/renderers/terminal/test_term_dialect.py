"""The terminal reads course Markdown in the course's one dialect, the site's.

"It costs $5 and $10" is prices, not a formula, in every place a learner reads it: the
terminal used to typeset it as math ("It costs 5 and10").
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from engine.text.markdown import render_markdown
from engine.text.markdown_dialect import plain_text
from tests.learner.helpers import ROOT, isolated_env, lessonkit

PRICES = "It costs $5 and $10 to run, and $x^2$ is a formula."

COURSE = """\
id: dollars
title: Dollars
sections:
  - id: main
    title: Main
    chapters:
      - prices.yaml
"""

CHAPTER = f"""\
id: prices
title: Prices
blocks:
  - kind: explanation
    body: "{PRICES}"
  - kind: question
    id: cheap
    type: true_false
    prompt: "Is $5 cheaper than $10?"
    answer: true
"""


def test_dollar_amounts_are_text_in_the_terminal_quiz(tmp_path: Path) -> None:
    course = tmp_path / "dollars"
    course.mkdir()
    (course / "course.yaml").write_text(COURSE, encoding="utf-8")
    (course / "prices.yaml").write_text(CHAPTER, encoding="utf-8")
    done = subprocess.run(
        [*lessonkit(), "quiz", str(course), "--plain"], input="t\n\n", capture_output=True,
        text=True, env=isolated_env(tmp_path), cwd=ROOT, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "It costs $5 and $10 to run, and x² is a formula." in done.stdout
    assert "Is $5 cheaper than $10?" in done.stdout


def test_dollar_amounts_are_text_on_the_site_and_in_plain_text() -> None:
    html = render_markdown(PRICES)
    assert html.startswith("<p>It costs $5 and $10 to run, and <math")
    assert html.count("<math") == 1
    assert plain_text(PRICES) == "It costs $5 and $10 to run, and x² is a formula."
