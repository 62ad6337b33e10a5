"""The README's terminal session: the sample course's quiz in a real 100x35 pty.

A learner answers the chapter on vanishing and exploding gradients: two right answers, a
hint and a right answer that costs a quarter, a wrong answer, then leaves (Ctrl-C). The
last screen, replayed in a terminal emulator, is drawn as an SVG (tests/gallery.py keeps
it beside the committed docs/screenshots/terminal-quiz.svg) and read as a learner would:
the hint, both verdicts, colours, no escape codes or TeX.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from engine.model import Course, QuestionType
from tests.learner.helpers import SAMPLE, isolated_env, lessonkit, right_lines, wrong_lines
from tests.learner.screen_svg import CELL_WIDTH, PADDING, lines, replay, svg
from tests.learner.terminal import Terminal

ROWS, COLUMNS = 35, 100
SEED = 1
CHAPTER = "vanishing-exploding-gradients"
COMMAND = f"lessonkit quiz content/intro-to-rnns --chapter {CHAPTER}"
SHOWN = (
    "A sigmoid RNN has σₘₐₓ(Wₕₕ) = 3.",  # question 3, math in Unicode
    "Hint 1 of 2 (costs 25% of the points): For the sigmoid γ = 1/4.",
    "Correct. 0.75 of 1 point. 0.25 taken off for 1 hint.",
    "Question 4 of 9",
    "Incorrect. 0 of 1 point.",
    "Interrupted: progress saved. Run the same command to continue.",
)
"""What the last screen must show: a hint, its cost, a wrong answer, the way out."""


def question(course: Course, question_id: str) -> QuestionType:
    return next(q for q in course.questions if q.id == question_id)


def assert_reads_well(text: list[str], what: str) -> None:
    screen = "\n".join(text)
    for expected in SHOWN:
        assert expected in screen, f"{what} does not show {expected!r}:\n{screen}"
    assert len(text) == ROWS and max(map(len, text)) <= COLUMNS, what
    leftovers = re.findall(r"\x1b|\^C|\[\d+(?:;\d+)*m|\$[^$\s]|\\[a-zA-Z]{2,}", screen)
    assert leftovers == [], f"{what} shows escape codes or TeX: {leftovers}"


def svg_lines(picture: str) -> list[str]:
    """The rows of text an SVG of screen_svg shows, each run put back at its column."""
    rows: dict[int, str] = {}
    for x, y, text in re.findall(
            r'<text x="([\d.]+)" y="(\d+)"[^>]*textLength[^>]*>([^<]*)</text>', picture):
        column = round((float(x) - PADDING) / CELL_WIDTH)
        shown = html.unescape(text).replace("\u00a0", " ")
        rows[int(y)] = rows.get(int(y), "").ljust(column) + shown
    return [rows[baseline] for baseline in sorted(rows)]


def test_terminal_session_screenshot(sample_course: Course, tmp_path: Path,
                                     gallery: Any) -> None:
    env = isolated_env(tmp_path)
    for variable in ("COLORTERM", "FORCE_COLOR", "CLICOLOR_FORCE"):
        env.pop(variable, None)  # the same colours wherever the suite runs
    term = Terminal([*lessonkit(), "quiz", str(SAMPLE), "--chapter", CHAPTER,
                     "--seed", str(SEED)], env, rows=ROWS, columns=COLUMNS)
    for number, question_id in enumerate(("vanishing-meaning", "exploding-symptoms"), 1):
        term.wait(f"Question {number} of 9")
        term.answer(right_lines(question(sample_course, question_id), SEED)[0])
        term.wait("Correct.")
    term.wait("Question 3 of 9")
    term.answer("h")
    term.wait("Hint 1 of 2")
    term.answer(right_lines(question(sample_course, "sigmoid-bound"), SEED)[0])
    term.wait("Correct.")
    term.wait("Question 4 of 9")
    term.answer(wrong_lines(question(sample_course, "rho-above-one"), SEED)[0])
    term.auto_continue = False
    term.wait("Incorrect.")
    term.prompt("] ")
    term.interrupt()  # Ctrl-C at the pause: save and leave
    term.wait("Interrupted: progress saved.")
    assert term.exit_status() == 0

    screen = replay(term.raw, ROWS, COLUMNS)
    assert_reads_well(lines(screen), "the last screen")
    colours = {screen.buffer[y][x].fg for y in range(ROWS) for x in range(COLUMNS)}
    assert {"red", "green"} <= colours, f"the verdicts are not coloured: {colours}"

    picture = svg(screen, COMMAND)
    assert svg_lines(picture) == [line for line in lines(screen) if line.strip()], \
        "the SVG does not show the screen's text where the screen has it"
    committed = gallery.keep("terminal-quiz.svg", picture.encode()).decode()
    text = svg_lines(committed)
    assert_reads_well(text + [""] * (ROWS - len(text)), "docs/screenshots/terminal-quiz.svg")
