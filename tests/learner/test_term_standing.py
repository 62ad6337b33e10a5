"""The terminal applies engine.grading.standing as the site does: the pass mark (completed is not
passed, binary rounding never fails a learner at the mark) and the best score kept."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from engine.i18n import Catalog
from engine.model import Course
from learner.summary import Summary, summary_lines
from tests.learner.helpers import COMPLETE, ROOT, isolated_env, lessonkit, right_lines, wrong_lines

SEED = 42


def _lines(course: Course, chapter_id: str, right: set[str] | None = None) -> str:
    """Answers to the chapter's questions: right for the ids in `right`, else wrong."""
    chapter = next(c for c in course.chapters if c.id == chapter_id)
    lines = [line for q in chapter.questions
             for line in (right_lines(q, SEED) if right is None or q.id in right
                          else wrong_lines(q, SEED))]
    return "\n".join([*lines, ""]) + "\n"  # Enter: skip "was everything clear?"


def _run(env: dict[str, str], answers: str, *args: str) -> str:
    process = subprocess.run(
        [*lessonkit(), *args], input=answers, capture_output=True, text=True, env=env,
        cwd=ROOT, timeout=120, check=False)
    assert process.returncode == 0, process.stderr
    return process.stdout


def test_a_chapter_at_60_percent_is_not_passed_as_on_the_site(
        course: Course, tmp_path: Path) -> None:
    # The same answers as tests/renderers/site/test_browser_question_flow.py's 60 % chapter.
    answers = _lines(course, "choices", right={"single-all-options", "tf-true"})
    out = _run(isolated_env(tmp_path), answers, "quiz", str(COMPLETE), "--chapter", "choices",
               "--seed", str(SEED), "--plain")
    assert ("Score: 3 of 5 points (60%), 2 of 4 questions right. "
            "Not passed yet (pass mark 70%).") in out


def test_exactly_the_pass_mark_passes_whatever_the_rounding() -> None:
    # Three questions right with a 0.3 hint penalty each: 0.7 + 0.7 + 0.7 is
    # 2.0999999999999996 in binary floating point, 70 % for a person.
    summary = Summary(points=0.7 + 0.7 + 0.7, max_points=3.0, questions=3, right=3)
    assert summary.points / summary.max_points < 0.7
    score_line = summary_lines(summary, 0.7, Catalog.for_language("en", "terminal"))[1].plain
    assert "Passed (pass mark 70%)." in score_line


def test_a_worse_retry_keeps_the_best_score_and_says_so(course: Course, tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    quiz = ["quiz", str(COMPLETE), "--chapter", "choices", "--seed", str(SEED), "--plain"]
    first = _run(env, _lines(course, "choices"), *quiz)
    assert "Score: 5 of 5 points (100%)" in first
    again = _run(env, _lines(course, "choices", right=set()), *quiz, "--restart")
    assert "Incorrect. 0 of 2 points." in again
    assert "Your best score, 2 of 2 points, is kept." in again
    report = json.loads(_run(env, "", "progress", str(COMPLETE), "--json"))
    chapter = report["sections"][0]["chapters"][0]
    assert chapter["id"] == "choices" and chapter["points"] == 5
