"""The quiz loop in-process: every question type, hints, skip, quit, resume, retry, code."""

from __future__ import annotations

import io
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.model import Chapter, Course
from engine.outputs import CellOutput
from learner.app import QuitRequested, QuizApp
from learner.flow import QuizOptions, run_quiz, run_review
from learner.review import make_scheduler
from learner.screen import make_screen
from learner.store import ProgressStore
from renderers.terminal.cells import EngineCells
from tests.learner.helpers import right_lines, wrong_lines

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SEED = 11


@dataclass
class FakeCells:
    """Outputs without running anything: cached ones, and a record of run requests."""

    cached_outputs: dict[str, CellOutput] | None = None
    runs: list[str] = field(default_factory=list)

    def cached(self, course: Course, chapter: Chapter) -> Mapping[str, CellOutput] | None:
        return self.cached_outputs

    def run(self, course: Course, chapter: Chapter) -> Mapping[str, CellOutput]:
        self.runs.append(chapter.id)
        return {"compute": CellOutput("compute", stdout="value = 0.25 (fresh)\n")}


@dataclass
class Run:
    output: str
    left_with: str


def quiz(course: Course, db: Path, lines: list[str], options: QuizOptions | None = None,
         cells: FakeCells | None = None, review: bool = False, now: datetime = NOW) -> Run:
    stdin = io.StringIO("".join(f"{line}\n" for line in lines))
    stdout = io.StringIO()
    screen = make_screen(True, stdin, stdout)
    ticks = itertools.count(0.0, 2.5)
    left_with = "finished"
    with ProgressStore.open(db) as store:
        app = QuizApp(course, store, screen, cells or FakeCells(), make_scheduler(False),
                      lambda: now, lambda: next(ticks))
        try:
            if review:
                run_review(app, None, seed=SEED)
            else:
                run_quiz(app, options or QuizOptions(seed=SEED))
        except QuitRequested:
            left_with = "quit"
        except EOFError:
            left_with = "eof"
    return Run(stdout.getvalue(), left_with)


def answers_for(course: Course, chapter_ids: list[str], right: bool = True,
                feedback: str = "") -> list[str]:
    lines: list[str] = []
    for chapter in course.chapters:
        if chapter.id in chapter_ids:
            for question in chapter.questions:
                lines += right_lines(question, SEED) if right else wrong_lines(question, SEED)
            lines.append(feedback)
    return lines


def test_every_question_type_answered_right_scores_full_marks(course: Course,
                                                              tmp_path: Path) -> None:
    lines = answers_for(course, [c.id for c in course.chapters])
    run = quiz(course, tmp_path / "p.db", [*lines])
    total = sum(q.points for q in course.questions)
    assert f"Score: {total:g} of {total:g} points (100%), 14 of 14 questions right." in run.output
    assert "Passed (pass mark 70%)." in run.output
    assert run.output.count("Correct.") == 14
    assert "Missed:" not in run.output and "Retry" not in run.output
    assert "Time: 35 s." in run.output  # 14 answers x 2.5 s on the fake clock
    assert "\x1b" not in run.output  # plain mode: no control codes at all
    with ProgressStore.open(tmp_path / "p.db") as store:
        latest = store.latest_attempts("complete")
        assert set(latest) == {q.id for q in course.questions}
        assert all(a.fraction == 1.0 and a.answered for a in latest.values())
        assert len(store.cards("complete")) == 14  # every answer scheduled a review


def test_verdict_shows_right_answer_feedback_and_explanation(course: Course,
                                                             tmp_path: Path) -> None:
    lines = answers_for(course, ["choices"], right=False)
    run = quiz(course, tmp_path / "p.db", [*lines, "n"], QuizOptions(chapter="choices", seed=SEED))
    out = run.output
    assert "Incorrect. 0 of 2 points" in out
    assert "Right answer: " in out and "An RNN" in out
    assert "  It has no loop through time." in out or "  The literal" in out
    assert "Feedback:" not in out
    assert "Explanation:\nAn RNN feeds its hidden state back in at each step." in out
    # Missed questions are named by their number and the start of their prompt, never
    # by an internal id; the end says what to do next.
    assert "Missed:\n  Question 1, “Which of these is a recurrent network?”: 0 of 2 points" in out
    assert "single-all-options" not in out
    assert "Retry the 4 missed questions? (y/N) n" in out
    assert "Next: Values (lessonkit quiz --chapter values)." in out


def test_wrong_input_is_asked_again_with_the_expected_form(course: Course,
                                                           tmp_path: Path) -> None:
    lines = answers_for(course, ["choices"])
    run = quiz(course, tmp_path / "p.db", ["9", "maybe", *lines],
               QuizOptions(chapter="choices", seed=SEED))
    assert "Type one option: a number from 1 to 4 or a letter from a to d." in run.output
    assert run.output.count("Correct.") == 4


def test_hints_cost_points_and_survive_quitting(course: Course, tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    options = QuizOptions(chapter="choices", seed=SEED)
    first = quiz(course, db, ["h", "q"], options)
    assert first.left_with == "quit"
    assert "Hint 1 of 2 (costs 25% of the points): Look at the name." in first.output
    question = course.chapters[0].questions[0]
    resumed = quiz(course, db, ["h", "h", *right_lines(question, SEED)], options)
    assert "Continuing where you left off" in resumed.output
    assert "Hint 1 of 2 (costs 25% of the points): Look at the name." in resumed.output
    assert "Hint 2 of 2 (costs 25% of the points): R is for recurrent." in resumed.output
    assert "No more hints." in resumed.output
    assert "Correct. 1 of 2 points. 1 taken off for 2 hints." in resumed.output


def test_skip_quit_and_resume_at_the_next_question(course: Course, tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    options = QuizOptions(chapter="choices", seed=SEED)
    questions = course.chapters[0].questions
    first = quiz(course, db, ["s", *right_lines(questions[1], SEED), "q"], options)
    assert "Skipped." in first.output and first.left_with == "quit"
    second = quiz(course, db, [*right_lines(questions[2], SEED), *right_lines(questions[3], SEED),
                               "y"], options)
    assert "Resuming: 2 of 4 questions already done." in second.output
    assert "[Question 3 of 4]" in second.output and "[Question 1 of 4]" not in second.output
    assert "Question 1, “Which of these is a recurrent network?”: skipped" in second.output
    assert "Score: 3 of 5 points (60%), 3 of 4 questions right." in second.output


def test_end_of_input_leaves_quietly_with_progress_saved(course: Course, tmp_path: Path) -> None:
    questions = course.chapters[0].questions
    run = quiz(course, tmp_path / "p.db", right_lines(questions[0], SEED),
               QuizOptions(chapter="choices", seed=SEED))
    assert run.left_with == "eof"
    with ProgressStore.open(tmp_path / "p.db") as store:
        assert set(store.latest_attempts("complete")) == {questions[0].id}


def test_retry_rounds_ask_only_the_mistakes(course: Course, tmp_path: Path) -> None:
    questions = course.chapters[0].questions
    lines = [*right_lines(questions[0], SEED), *wrong_lines(questions[1], SEED),
             *right_lines(questions[2], SEED), *wrong_lines(questions[3], SEED), "",
             "y", *right_lines(questions[1], SEED), *right_lines(questions[3], SEED)]
    run = quiz(course, tmp_path / "p.db", lines, QuizOptions(chapter="choices", seed=SEED))
    assert "Retry the 2 missed questions? (y/N) y" in run.output
    retry = run.output.split("Retry the 2 missed questions")[1]
    title = course.chapters[0].title
    assert f"[Question 1 of 2] {title}, question 2 of 4\n" in retry  # its place in the chapter
    assert "Which are gates of an LSTM?" in retry
    assert "multiple-partial" not in retry  # no internal ids in headers
    assert "Score: 2 of 2 points (100%), 2 of 2 questions right." in retry
    assert "Was everything clear" not in retry  # asked once, at the end of the chapter


def test_retry_mistakes_option_picks_the_last_wrong_answers(course: Course,
                                                            tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    quiz(course, db, [*answers_for(course, ["choices"], right=False), "n"],
         QuizOptions(chapter="choices", seed=SEED))
    question = course.chapters[0].questions[0]
    run = quiz(course, db, [*right_lines(question, SEED), "q"],
               QuizOptions(chapter="choices", seed=SEED, retry_mistakes=True))
    assert "[Question 1 of 4] " in run.output and "[Question 2 of 4] " in run.output
    # The whole chapter, in order: its count already is the place in the chapter.
    assert f"[Question 1 of 4] {course.chapters[0].title}\n" in run.output


def test_help_key_lists_the_keys(course: Course, tmp_path: Path) -> None:
    run = quiz(course, tmp_path / "p.db", ["?", "q"], QuizOptions(chapter="choices", seed=SEED))
    for text in ("h  show the next hint", "s  skip this question", "q  save and quit",
                 "backslash: \\h", "Answer with one number"):
        assert text in run.output


def test_a_literal_key_letter_is_typed_after_a_backslash(course: Course, tmp_path: Path) -> None:
    run = quiz(course, tmp_path / "p.db", ["\\s", "q"],
               QuizOptions(chapter="values", seed=SEED, questions_only=True))
    assert "Type a number" in run.output  # "s" reached the numeric parser, not the skip key
    assert "Skipped." not in run.output


def test_feedback_at_the_end_of_a_chapter_is_stored(course: Course, tmp_path: Path) -> None:
    lines = [*answers_for(course, ["choices"])[:-1], "n", "The footnote confused me."]
    quiz(course, tmp_path / "p.db", lines, QuizOptions(chapter="choices", seed=SEED))
    with ProgressStore.open(tmp_path / "p.db") as store:
        (given,) = store.feedback("complete")
    assert (given.chapter_id, given.clear, given.comment) == (
        "choices", False, "The footnote confused me.")


def test_lesson_text_and_cached_outputs_come_between_questions(course: Course,
                                                                tmp_path: Path) -> None:
    cells = FakeCells({"compute": CellOutput("compute", stdout="value = 0.25\n")})
    run = quiz(course, tmp_path / "p.db", ["r", "q"], QuizOptions(chapter="values", seed=SEED),
               cells)
    out = run.output
    assert "Code cell compute:\n    from helpers import halve" in out
    assert "  Output:\n    value = 0.25\n" in out
    assert "Code cell hidden-cell:\n  (no output recorded for this cell" in out  # source hidden
    assert "Code cell not-run:" in out and "(this cell is shown, not run)" in out
    assert cells.runs == ["values"]
    assert "value = 0.25 (fresh)" in out
    assert out.index("Code cell compute") < out.index("[Question 1 of 5]")


def test_without_cached_outputs_the_quiz_says_so(course: Course, tmp_path: Path) -> None:
    run = quiz(course, tmp_path / "p.db", ["q"], QuizOptions(chapter="values", seed=SEED))
    assert "(no outputs cached; type r to run the chapter's code)" in run.output


def test_engine_cells_without_engine_execute_say_no_outputs_cached(
    course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    import engine.execution

    monkeypatch.setitem(sys.modules, "engine.execution.execute", None)  # as if absent
    # `from engine.execution import execute` finds the package attribute first, set once
    # any earlier test in this process imported it.
    monkeypatch.delattr(engine.execution, "execute", raising=False)
    assert EngineCells().cached(course, course.chapters[1]) is None


def test_review_asks_what_is_due_and_reschedules(course: Course, tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    quiz(course, db, [*answers_for(course, ["choices"], right=False), "", "n"],
         QuizOptions(chapter="choices", seed=SEED))
    # Answered a moment ago: FSRS has not brought them back yet, so nothing is due.
    moment = quiz(course, db, [], review=True, now=NOW + timedelta(seconds=30))
    assert "Nothing is due for review yet." in moment.output
    soon = quiz(course, db, [], review=True, now=NOW + timedelta(minutes=15))
    assert "4 questions to review." in soon.output  # "again" cards come back within minutes
    later = NOW.replace(day=20)
    # All four were rated "again" at the same moment, so they are equally due and come
    # in id order.
    questions = sorted(course.chapters[0].questions, key=lambda q: q.id)
    run = quiz(course, db, [line for q in questions for line in right_lines(q, SEED)],
               review=True, now=later)
    assert "4 questions to review." in run.output
    assert "Score: 5 of 5 points (100%)" in run.output
    assert "Next review: " in run.output
    with ProgressStore.open(db) as store:
        dues = [datetime.fromisoformat(due) for _card, due in store.cards("complete").values()]
    assert len(dues) == 4 and all(due > later for due in dues)
    empty = quiz(course, tmp_path / "other.db", [], review=True)
    assert "Nothing is due for review yet." in empty.output


def test_shuffle_and_count_pick_a_random_subset_without_lesson_text(course: Course,
                                                                     tmp_path: Path) -> None:
    run = quiz(course, tmp_path / "p.db", ["s", "s", "s"],
               QuizOptions(shuffle=True, count=3, seed=SEED))
    asked = [line.split(" · ")[-1] for line in run.output.splitlines()
             if line.startswith("[Question ")]
    assert len(asked) == 3 and "[Question 3 of 3]" in run.output
    in_course_order = [q.id for q in course.questions if q.id in asked]
    assert asked != in_course_order  # this seed does change the order
    assert "Markdown with bold" not in run.output  # no lesson text when shuffled
    assert "Was everything clear" not in run.output
    again = quiz(course, tmp_path / "p.db", [], QuizOptions(shuffle=True, count=3, seed=SEED))
    assert "Session complete." not in again.output  # the finished session is not resumed


def test_a_new_quiz_starts_with_what_was_never_answered(course: Course, tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    quiz(course, db, answers_for(course, ["choices"]), QuizOptions(chapter="choices", seed=SEED))
    run = quiz(course, db, ["q"], QuizOptions(seed=SEED))
    assert "Starting with the 10 questions not answered yet" in run.output
    assert "[Question 1 of 10]" in run.output and "Values" in run.output
    restarted = quiz(course, db, ["q"], QuizOptions(seed=SEED, restart=True))
    assert "[Question 1 of 14]" in restarted.output


def test_a_question_edited_since_the_last_answer_is_pointed_out(course: Course,
                                                                tmp_path: Path) -> None:
    from dataclasses import replace

    db = tmp_path / "p.db"
    first = course.chapters[0].questions[0]
    quiz(course, db, [*right_lines(first, SEED), "q"], QuizOptions(chapter="choices", seed=SEED))
    with ProgressStore.open(db) as store:
        attempt = store.latest_attempt("complete", first.id)
        assert attempt is not None
        store.record(replace(attempt, content_hash="from-an-older-version"))
    run = quiz(course, db, ["q"], QuizOptions(chapter="choices", seed=SEED, restart=True))
    assert run.output.count("This question was edited since you last answered it.") == 1
