"""Plain mode through pipes: a scripted answer file, and two quizzes sharing one database."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from pathlib import Path

from engine.model import Course
from tests.learner.helpers import COMPLETE, ROOT, isolated_env, lessonkit, right_lines, wrong_lines

SEED = 42


def _answer_file(course: Course, chapter_id: str, path: Path, right: bool = True) -> Path:
    chapter = next(c for c in course.chapters if c.id == chapter_id)
    lines = [line for q in chapter.questions
             for line in (right_lines(q, SEED) if right else wrong_lines(q, SEED))]
    path.write_text("\n".join([*lines, "y"]) + "\n")  # "y": everything was clear
    return path


def _quiz(env: dict[str, str], answers: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*lessonkit(), "quiz", str(COMPLETE), "--seed", str(SEED), *args],
        stdin=answers.open(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env, cwd=ROOT,
    )


def test_a_piped_answer_file_answers_a_whole_chapter(course: Course, tmp_path: Path) -> None:
    answers = _answer_file(course, "structures", tmp_path / "answers.txt")
    process = _quiz(isolated_env(tmp_path), answers, "--chapter", "structures", "--plain")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "\x1b" not in out and "\r" not in out  # no control codes at all
    assert "Score: 5 of 5 points (100%), 5 of 5 questions right. Passed" in out
    # One prompt per line, each followed by the answer read for it.
    assert "Blank 1 of 3: LSTM\nBlank 2 of 3: 1\nBlank 3 of 3, one of [1) GRU, 2) LSTM, " \
           "3) RNN]: 1\nCorrect. 1 of 1 point.\n" in out
    assert "Was everything clear in Structures? (y/n, Enter to skip) y\n" in out
    assert re.search(r"^Time: \d+ s\.$", out, re.MULTILINE)


def test_a_wrong_answer_file_lists_the_mistakes(course: Course, tmp_path: Path) -> None:
    answers = _answer_file(course, "values", tmp_path / "answers.txt", right=False)
    process = _quiz(isolated_env(tmp_path), answers, "--chapter", "values")  # piped: plain
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    assert "Score: 0 of 5 points (0%), 0 of 5 questions right. Not passed yet" in out
    for number, prompt in enumerate(("What does the cell print as value?",
                                     "Roughly how many seconds are in a day?",
                                     "Give any number between 1 and 2.",
                                     "Name the algorithm that trains RNNs through…",
                                     "Type the symbol for the hidden state, exactly…"), 1):
        assert f"  Question {number}, “{prompt}”: 0 of 1 point" in out
    assert "Right answer: 0.25 ± 0.01 units" in out
    assert "Right answer: 86400 ± 2%" in out
    assert "Right answer: anything from 1 to 2" in out


def test_two_quizzes_on_one_database_lose_nothing(course: Course, tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    runs = [
        _quiz(env, _answer_file(course, chapter, tmp_path / f"{chapter}.txt"),
              "--chapter", chapter, "--plain")
        for chapter in ("choices", "values", "structures")
    ]
    for process in runs:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
        assert "(100%)" in out
    db = sqlite3.connect(env["LESSONKIT_PROGRESS_DB"])
    answered = {row[0] for row in db.execute("SELECT question_id FROM attempts WHERE answered")}
    assert answered == {q.id for q in course.questions}
    assert db.execute("SELECT count(*) FROM feedback").fetchone()[0] == 3
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
