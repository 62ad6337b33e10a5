"""The real `lessonkit` in a pseudo-terminal: keys in, screen text out, as a learner sees it."""

from __future__ import annotations

import contextlib
import re
import signal
import sqlite3
import time
from pathlib import Path

import pexpect

from engine.model import Course
from tests.learner.helpers import COMPLETE, SAMPLE, isolated_env, lessonkit, right_lines
from tests.learner.screen_svg import replay
from tests.learner.terminal import Terminal, progress_db

SEED = 3


def _quiz(env: dict[str, str], *args: str, rows: int = 40, columns: int = 100) -> Terminal:
    return Terminal([*lessonkit(), "quiz", str(COMPLETE), "--seed", str(SEED), *args], env,
                    rows, columns)


def _type(term: Terminal, course: Course, question_id: str) -> None:
    question = next(q for q in course.questions if q.id == question_id)
    lines = right_lines(question, SEED)
    if question.type == "cloze":
        for line in lines:
            term.wait("Blank ")
            term.answer("blank:" + line)
    else:
        term.answer(lines[0])


def test_every_question_type_with_hints_skip_quit_and_resume(course: Course,
                                                             tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    term = _quiz(env)
    term.wait("Question 1 of 14")
    term.wait("Keys: h hint (2, -25% each) · s skip · q save & quit · ? help")
    term.answer("h")
    term.wait("Hint 1 of 2 (costs 25% of the points): Look at the name.")
    term.answer("?")
    term.wait("s  skip this question")
    _type(term, course, "single-all-options")
    term.wait("Correct. 1.5 of 2 points. 0.5 taken off for 1 hint.")
    term.wait("An RNN feeds its hidden state back in at each step.")
    term.wait("Question 2 of 14")
    term.answer("x")  # not an option: asked again with the expected form
    term.wait("Type every right option")
    _type(term, course, "multiple-partial")
    term.wait("Correct. 1 of 1 point")
    term.wait("Question 3 of 14")
    term.answer("s")
    term.wait("Skipped.")
    term.wait("Question 4 of 14")
    term.answer("q")
    term.wait("Saved. Run the same command to continue where you left off.")
    assert term.exit_status() == 0

    term = _quiz(env)
    term.wait("Continuing where you left off")
    term.wait("Resuming: 3 of 14 questions already done.")
    term.wait("Question 4 of 14")
    _type(term, course, "tf-true")
    term.wait("Correct.")
    term.wait("Was everything clear in Choices")
    term.send("y")
    term.wait("Thank you, noted.")
    for number, question_id in enumerate(("numeric-abs", "numeric-rel", "numeric-range",
                                          "text-accept", "text-case"), 5):
        term.wait(f"Question {number} of 14")  # headers name no internal id
        term.wait(f"Values, question {number - 4} of 5")  # and the place in the chapter
        _type(term, course, question_id)
        term.wait("Correct.")
    term.wait("Was everything clear in Values")
    term.send("")
    for number, question_id in enumerate(("cloze-all-kinds", "cloze-strict", "matching",
                                          "ordering-all", "ordering-partial"), 10):
        term.wait(f"Question {number} of 14")
        _type(term, course, question_id)
        term.wait("Correct.")
    term.wait("Was everything clear in Structures")
    term.send("n")
    term.wait("What was unclear?")
    term.send("the ordering")
    summary = term.wait("Retry the missed question? (y/N)")
    assert "Score: 13.5 of 15 points (90%), 13 of 14 questions right. Passed" in summary
    assert "Missed:\n  Question 3, “Pick both even numbers.”: skipped" in summary
    term.send("y")
    term.wait("Question 1 of 1")
    _type(term, course, "multiple-strict")
    term.wait("Correct. 1 of 1 point")
    term.wait("Score: 1 of 1 point (100%)")
    assert term.exit_status() == 0


def test_sigkill_right_after_an_answer_loses_nothing(course: Course, tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    term = _quiz(env, "--chapter", "choices")
    term.wait("Question 1 of 4")
    _type(term, course, "single-all-options")
    term.wait("Correct.")  # printed only after the answer was committed
    term.kill(signal.SIGKILL)
    rows = sqlite3.connect(progress_db(env)).execute(
        "SELECT question_id, fraction FROM attempts").fetchall()
    assert rows == [("single-all-options", 1.0)]
    term = _quiz(env, "--chapter", "choices")
    term.wait("Resuming: 1 of 4 questions already done.")
    term.wait("Question 2 of 4")
    assert "Question 1 of 4" not in term.screen
    term.answer("q")
    assert term.exit_status() == 0


def test_ctrl_c_saves_and_leaves_with_status_0(tmp_path: Path) -> None:
    term = _quiz(isolated_env(tmp_path), "--chapter", "choices")
    term.wait("Question 1 of 4")
    term.prompt("> ")
    term.interrupt()
    term.wait("Interrupted: progress saved. Run the same command to continue.")
    assert term.exit_status() == 0


def test_no_color_and_a_narrow_terminal(tmp_path: Path) -> None:
    env = isolated_env(tmp_path, NO_COLOR="1")
    term = _quiz(env, "--chapter", "choices", rows=24, columns=40)
    term.wait("Question 1 of 4")
    term.answer("q")
    assert term.exit_status() == 0
    assert not re.search(r"\x1b\[[0-9;]*(3[0-9]|9[0-7]|38;)[0-9;]*m", term.raw)  # no colour
    assert "\x1b[2J" not in term.raw and "\x1b[H" not in term.raw  # never clears or redraws
    widest = max(len(line) for line in term.screen.split("\n"))
    assert widest <= 40, widest


def test_the_rich_front_end_colours_verdicts(course: Course, tmp_path: Path) -> None:
    term = _quiz(isolated_env(tmp_path), "--chapter", "choices")
    _type(term, course, "single-all-options")
    term.wait("Correct.")
    term.answer("q")
    assert term.exit_status() == 0
    assert re.search(r"\x1b\[[0-9;]*32[0-9;]*mCorrect\.", term.raw)  # green, and the word


def test_the_prompt_edits_lines_and_recalls_history(course: Course, tmp_path: Path) -> None:
    term = _quiz(isolated_env(tmp_path), "--chapter", "values")
    term.wait("Question 1 of 5")  # numeric-abs: answer 0.25
    term.wait("> ")
    # "0.35", two steps left, Delete the 3, type 2: "0.25" if the keys edit the line.
    term.child.send("0.35" + "\x1b[D\x1b[D" + "\x1b[3~" + "2" + "\r")
    term.wait("Correct.")
    term.wait("Question 2 of 5")  # numeric-rel: answer 86400 ± 2 %
    term.wait("> ")
    term.child.send("\x1b[A")  # Up recalls the previous answer
    term.child.send("\x15" + "86400\r")  # Ctrl-U clears it; a new answer
    term.wait("Correct.")
    assert "^[[D" not in term.screen and "^[[A" not in term.screen


def test_feedback_and_lesson_wait_for_the_reader_on_a_small_terminal(tmp_path: Path) -> None:
    term = _quiz(isolated_env(tmp_path), "--chapter", "values", rows=20, columns=60)
    term.auto_continue = False
    pauses = 0
    while term.prompt("[Enter: go on] ", "> ") != "> ":  # lesson blocks, one at a time
        assert "Question 1 of" not in term.screen
        pauses += 1
        term.send("")
    assert pauses >= 2 and "Question 1 of 5" in term.screen
    term.send("0.3")  # wrong: the answer is 0.25
    term.wait("Half of 0.5 is 0.25.")  # the explanation
    term.prompt("[Enter: go on] ")
    time.sleep(0.5)
    with contextlib.suppress(pexpect.TIMEOUT):
        term.raw += term.child.read_nonblocking(65536, timeout=0.5)
    assert term.screen.endswith("[Enter: go on] ")  # still waiting there: nothing came after
    assert "Question 2 of" not in term.screen  # the verdict is not scrolled away
    term.send("")
    term.wait("Question 2 of 5")
    term.answer("q")
    assert term.exit_status() == 0


def test_text_after_a_pause_starts_on_a_line_of_its_own(tmp_path: Path) -> None:
    # The sample course's unrolling chapter is longer than a 60x20 screen: its first
    # explanation is paged, and the text after "[Enter: more]" follows without a blank line.
    term = Terminal([*lessonkit(), "quiz", str(SAMPLE), "--chapter", "unrolling-shared-weights"],
                    isolated_env(tmp_path), rows=20, columns=60)
    term.auto_continue = False
    pauses = 0
    while pauses < 3:
        term.prompt("[Enter: more] ", "[Enter: go on] ")
        pauses += 1
        term.send("")
    term.prompt("[Enter: more] ", "[Enter: go on] ", "> ")
    # What a person sees, drawn by a terminal emulator: every pause is alone on its line.
    shown = [line.rstrip() for line in replay(term.raw, 20, 60).display]
    paused = [line for line in shown if "[Enter:" in line]
    assert paused and all(line in ("[Enter: more]", "[Enter: go on]") for line in paused), shown
    term.child.sendcontrol("c")
    assert term.exit_status() == 0


def test_drop_down_options_are_shuffled_per_seed_and_graded_by_what_is_shown(
        tmp_path: Path) -> None:
    """The authored order puts the key first (GRU, LSTM, RNN); each session seed shows its
    own order, and the number typed is the one on screen."""
    shown = {}
    for seed in (3, 7):
        term = Terminal([*lessonkit(), "quiz", str(COMPLETE), "--seed", str(seed),
                         "--chapter", "structures", "--questions-only"],
                        isolated_env(tmp_path / str(seed)), 35, 100)
        term.wait("Blank 1 of 3")
        term.answer("blank:lstm")
        term.wait("Blank 2 of 3")
        term.answer("blank:1")
        term.wait("Blank 3 of 3, one of [")
        options = term.wait("]: ").removesuffix("]: ")
        labels = dict(reversed(option.split(") ", 1)) for option in options.split(", "))
        assert sorted(labels) == ["GRU", "LSTM", "RNN"]
        shown[seed] = options
        term.send(labels["GRU"])  # the prompt is already on screen: wait() read it
        term.wait("Correct.")
        term.kill(signal.SIGTERM)
    assert shown == {3: "1) RNN, 2) LSTM, 3) GRU", 7: "1) LSTM, 2) GRU, 3) RNN"}
