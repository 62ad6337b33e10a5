"""The four commands through click: options, exit codes, reports and exports."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.commands.learner import feedback, progress, quiz, review
from cli.main import main as lessonkit
from engine.model import Course
from tests.learner.helpers import COMPLETE, right_lines, wrong_lines

SEED = 5


def _invoke(command: object, *args: str, stdin: str = "") -> tuple[int, str]:
    result = CliRunner().invoke(command, list(args), input=stdin)  # type: ignore[arg-type]
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def _answer_choices(course: Course, right: bool = True, clear: str = "y") -> str:
    lines = [line for q in course.chapters[0].questions
             for line in (right_lines(q, SEED) if right else wrong_lines(q, SEED))]
    return "\n".join([*lines, clear, ""]) + "\n"


def test_lessonkit_registers_the_four_commands() -> None:
    for name in ("quiz", "review", "progress", "feedback"):
        code, output = _invoke(lessonkit, name, "--help")
        assert code == 0 and "--progress-db FILE" in output


def test_quiz_help_documents_the_answer_syntax_of_every_type() -> None:
    code, output = _invoke(quiz, "--help")
    assert code == 0
    for line in ("single      one option, by number or letter: 2  or  b",
                 "multiple    every right option: 1,3  or  1 3  or  ac",
                 "true/false  t, true, y, yes  or  f, false, n, no",
                 "numeric     a number: 0.25, 0,25",
                 "text        the answer itself",
                 "cloze       one prompt per blank",
                 "matching    one letter per numbered item, in order: bca  or pairs: 1b 2c 3a",
                 "ordering    all the numbers in the right order: 3 1 2",
                 "printf '2\\nt\\n0.25\\n' | lessonkit quiz PATH --chapter X --plain"):
        assert line in output, line


def test_a_scripted_chapter_prints_its_score_and_exits_zero(course: Course) -> None:
    code, output = _invoke(quiz, str(COMPLETE), "--chapter", "choices", "--seed", str(SEED),
                           stdin=_answer_choices(course))
    assert code == 0
    assert "Score: 5 of 5 points (100%), 4 of 4 questions right." in output
    assert "\x1b" not in output  # not a terminal: plain mode by itself


def test_end_of_input_is_not_an_error(course: Course) -> None:
    code, output = _invoke(quiz, str(COMPLETE), "--chapter", "choices", stdin="")
    assert code == 0
    assert output.rstrip().endswith(
        "End of input: progress saved. Run the same command to continue.")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--chapter", "choises"], "no chapter 'choises'. Did you mean 'choices'?"),
        (["--section", "nope"], "no section 'nope'"),
        (["--section", "basics", "--chapter", "choices"], "not both"),
        (["--count", "0"], "0 is not in the range x>=1"),
    ],
)
def test_usage_mistakes_exit_with_status_2(args: list[str], message: str) -> None:
    code, output = _invoke(quiz, str(COMPLETE), *args)
    assert code == 2 and message in output


def test_a_course_with_errors_exits_with_status_1(tmp_path: Path) -> None:
    broken = tmp_path / "course"
    shutil.copytree(COMPLETE, broken)
    chapter = broken / "01-basics" / "02-values.yaml"
    chapter.write_text(chapter.read_text().replace("type: numeric", "type: numerik", 1))
    code, output = _invoke(quiz, str(broken))
    assert code == 1
    assert "error[unknown-type]" in output
    assert "has errors; fix them first (lessonkit check" in output


def test_a_damaged_database_is_reported_moved_aside_and_replaced(course: Course,
                                                                 tmp_path: Path) -> None:
    db = tmp_path / "progress.sqlite3"
    db.write_bytes(b"\x00garbage" * 512)
    code, output = _invoke(quiz, str(COMPLETE), "--chapter", "choices", "--seed", str(SEED),
                           stdin=_answer_choices(course))
    assert code == 0
    assert f"error: the progress database {db} was damaged; it was moved to" in output
    assert len(list(tmp_path.glob("progress.sqlite3.damaged-*"))) == 1
    assert "Score: 5 of 5 points" in output


def test_progress_json_has_sections_chapters_scores_and_due_reviews(
        course: Course, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LESSONKIT_NOW", "2025-01-06T09:30:00+00:00")
    _invoke(quiz, str(COMPLETE), "--chapter", "choices", "--seed", str(SEED),
            stdin=_answer_choices(course, right=False, clear="n\n"))
    code, output = _invoke(progress, str(COMPLETE), "--json")
    assert json.loads(output)["sections"][0]["chapters"][0]["due"] == 0  # not due yet
    # Missed answers come back within minutes (FSRS's first learning step).
    monkeypatch.setenv("LESSONKIT_NOW", "2025-01-06T10:30:00+00:00")
    code, output = _invoke(progress, str(COMPLETE), "--json")
    assert code == 0
    report = json.loads(output)
    assert (report["id"], report["questions"], report["answered"]) == ("complete", 14, 4)
    basics = report["sections"][0]
    assert [c["id"] for c in basics["chapters"]] == ["choices", "values"]
    choices = basics["chapters"][0]
    assert choices["completion"] == 1.0 and choices["right"] == 0 and choices["due"] == 4
    assert report["sections"][1]["chapters"][0]["answered"] == 0
    code, text = _invoke(progress, str(COMPLETE))
    # One row per chapter begun, the others folded per section; no internal ids.
    assert re.search(r"^  Choices & \"quotes\" <em>not html</em> +0%  4/4 answered, 0 right  "
                     r"4 due for review$", text, re.MULTILINE), text
    assert "  1 chapter not started\nMore \"types\"\n  1 chapter not started" in text
    assert "(choices)" not in text


def test_an_edited_question_is_flagged_not_lost(course: Course, tmp_path: Path) -> None:
    copy = tmp_path / "course"
    shutil.copytree(COMPLETE, copy)
    _invoke(quiz, str(copy), "--chapter", "choices", "--seed", str(SEED),
            stdin=_answer_choices(course))
    chapter = copy / "01-basics" / "01-choices.yaml"
    chapter.write_text(chapter.read_text().replace("Pick both even numbers.",
                                                   "Pick both even numbers!"))
    report = json.loads(_invoke(progress, str(copy), "--json")[1])
    assert report["answered"] == 4 and report["right"] == 4  # history kept
    assert report["changed"] == ["multiple-strict"]


def test_reset_asks_first_and_can_be_limited_to_a_chapter(course: Course) -> None:
    _invoke(quiz, str(COMPLETE), "--chapter", "choices", "--seed", str(SEED),
            stdin=_answer_choices(course))
    code, output = _invoke(progress, str(COMPLETE), "--reset", stdin="n\n")
    assert code == 0 and "Nothing was deleted." in output
    code, output = _invoke(progress, str(COMPLETE), "--reset", "--chapter", "values", "-y")
    assert "Deleted 0 answer(s) of chapter 'values'." in output
    code, output = _invoke(progress, str(COMPLETE), "--reset", "--chapter", "choices",
                           stdin="y\n")
    assert "Delete every answer and review date of chapter 'choices'?" in output
    assert "Deleted 4 answer(s)" in output
    assert json.loads(_invoke(progress, str(COMPLETE), "--json")[1])["answered"] == 0
    code, output = _invoke(progress, str(COMPLETE), "--chapter", "choices")
    assert code == 2 and "--chapter goes with --reset" in output


def test_feedback_exports_json_and_csv(course: Course, tmp_path: Path) -> None:
    _invoke(quiz, str(COMPLETE), "--chapter", "choices", "--seed", str(SEED),
            stdin=_answer_choices(course, clear="n\n=HYPERLINK(\"x\")"))
    _invoke(quiz, str(COMPLETE), "--chapter", "choices", "--seed", str(SEED), "--restart",
            stdin=_answer_choices(course, clear="y"))
    code, output = _invoke(feedback, str(COMPLETE), "--export", str(tmp_path / "f.json"))
    assert code == 0 and "Exported 2 answer(s)" in output
    rows = json.loads((tmp_path / "f.json").read_text())
    assert [(r["chapter_id"], r["clear"], r["comment"]) for r in rows] == [
        ("choices", False, '=HYPERLINK("x")'), ("choices", True, "")]
    assert rows[0]["chapter_title"] == 'Choices & "quotes" <em>not html</em>'
    _invoke(feedback, str(COMPLETE), "--export", str(tmp_path / "f.csv"))
    table = list(csv.DictReader(io.StringIO((tmp_path / "f.csv").read_text())))
    assert [(r["clear"], r["comment"]) for r in table] == [
        ("no", "'=HYPERLINK(\"x\")"), ("yes", "")]  # a formula stays text in a spreadsheet
    code, output = _invoke(feedback, str(COMPLETE), "--export", "-", "--format", "csv")
    assert output.startswith("course_id,chapter_id,chapter_title,clear,comment,given_at\n")


def test_review_with_nothing_answered_has_nothing_due() -> None:
    code, output = _invoke(review, str(COMPLETE))
    assert code == 0 and "Nothing is due for review yet." in output


def test_progress_db_option_and_variable_choose_the_file(course: Course, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = tmp_path / "elsewhere" / "mine.db"
    _invoke(quiz, str(COMPLETE), "--chapter", "choices", "--seed", str(SEED),
            "--progress-db", str(chosen), stdin=_answer_choices(course))
    assert chosen.exists() and not (tmp_path / "progress.sqlite3").exists()
    monkeypatch.setenv("LESSONKIT_PROGRESS_DB", str(chosen))
    assert json.loads(_invoke(progress, str(COMPLETE), "--json")[1])["answered"] == 4


def test_quiz_and_review_schedule_exactly_like_fsrs(course: Course, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime, timedelta

    from fsrs import Card, Rating, Scheduler

    from learner.store import ProgressStore

    monkeypatch.setenv("LESSONKIT_FSRS_FUZZ", "0")
    first = datetime.fromisoformat("2025-01-06T09:30:00+00:00")
    monkeypatch.setenv("LESSONKIT_NOW", first.isoformat())
    _invoke(quiz, str(COMPLETE), "--chapter", "choices", "--seed", str(SEED),
            stdin=_answer_choices(course))
    reference = Scheduler(enable_fuzzing=False)
    expected, _ = reference.review_card(Card(due=first), Rating.Good, review_datetime=first)

    def dues() -> set[datetime]:
        with ProgressStore.open(tmp_path / "progress.sqlite3") as store:
            return {datetime.fromisoformat(d) for _c, d in store.cards("complete").values()}

    assert dues() == {expected.due}
    second = expected.due + timedelta(hours=1)
    monkeypatch.setenv("LESSONKIT_NOW", second.isoformat())
    questions = sorted(course.chapters[0].questions, key=lambda q: q.id)  # equally due
    code, output = _invoke(review, str(COMPLETE), "--limit", "3", "--seed", "0", stdin="".join(
        f"{right_lines(q, 0)[0]}\n" for q in questions[:3]))
    assert code == 0 and "3 questions to review." in output
    again, _ = reference.review_card(expected, Rating.Good, review_datetime=second)
    assert dues() == {again.due, expected.due}  # three reviewed, one still as it was
