"""A learner's journey through one chapter with every question type, in English and in
Portuguese, on a small and a wide terminal: a hint, a wrong answer, quitting mid-chapter,
resuming, a cloze blank revised, a retry round, and what the screen says at each step."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.i18n import Catalog
from engine.loading.loader import load_course
from tests.learner.helpers import isolated_env, lessonkit, right_lines
from tests.learner.journey import write_journey_course
from tests.learner.terminal import Terminal

SEED = 3


@pytest.mark.parametrize(("language", "rows", "columns"),
                         [("en", 20, 60), ("pt", 20, 60), ("en", 35, 100), ("pt", 35, 100)])
def test_a_chapter_from_start_to_finish(language: str, rows: int, columns: int,
                                        tmp_path: Path) -> None:
    folder = write_journey_course(tmp_path / "course", language)
    course = load_course(folder)
    questions = {q.id: q for q in course.questions}
    t = Catalog.for_language(language, "terminal")
    env = isolated_env(tmp_path)

    def start() -> Terminal:
        return Terminal([*lessonkit(), "quiz", str(folder), "--seed", str(SEED)], env, rows,
                        columns, language=language)

    def answer(term: Terminal, question_id: str) -> None:
        term.answer(right_lines(questions[question_id], SEED)[0])

    term = start()
    lesson = term.wait(t.text("term.progress", position=1, total=8))
    # The table: a grid when it fits, else one "header: value" record at a time; the
    # diagram is cropped with a marker at 60 columns, never folded onto a second line.
    if columns >= 100:
        assert "clipping | the update's length, not its direction | exploding" in lesson
    else:
        assert "remedy: clipping\nwhat it changes: the update's length, not its" in lesson
    diagram = next(line for line in lesson.splitlines() if "x1 --->" in line)
    assert ("…" in diagram) == (columns < 90) and "---> y" not in lesson.split(diagram)[1]
    assert "q-single" not in lesson  # no internal id in the header
    term.answer("h")
    term.wait(t.text("term.hint_costs", number=1, total=2, percent=25) + ": Look at the name.")
    term.answer("2")  # wrong
    term.wait(t.text("term.verdict.wrong"))
    term.wait(t.text("term.progress", position=2, total=8))
    answer(term, "q-multiple")
    term.wait(t.text("term.verdict.correct"))
    term.wait(t.text("term.progress", position=3, total=8))
    term.answer("v" if language == "pt" else "t")
    term.wait(t.text("term.verdict.correct"))
    term.wait(t.text("term.progress", position=4, total=8))
    term.answer("q")  # quit mid-chapter
    term.wait(t.text("term.left.quit"))
    assert term.exit_status() == 0

    term = start()
    term.wait(t.text("term.continuing").split(" (")[0])  # the rest may wrap at 60
    term.wait(t.text("term.resuming", done=3, total=8))
    term.wait(t.text("term.progress", position=4, total=8))
    term.answer("0,25")
    term.wait(t.text("term.verdict.correct"))
    answer(term, "q-text")
    term.wait(t.text("term.progress", position=6, total=8))
    term.answer("blank:RNN")  # a wrong first blank, revised with the back key
    term.answer("blank:<")
    term.wait(t.text("term.back", number=1, answer="RNN"))
    term.answer("blank:LSTM")
    term.answer("blank:VAN")  # an unambiguous prefix, any case, picks "vanishing"
    term.wait(t.text("term.verdict.correct"))
    answer(term, "q-matching")
    term.wait(t.text("term.verdict.correct"))
    answer(term, "q-ordering")
    term.wait(t.text("term.verdict.correct"))
    term.wait(t.text("term.feedback.ask", title="Every question type").split(" (")[0])
    term.send("s" if language == "pt" else "y")
    term.wait(t.text("term.feedback.thanks"))
    summary = term.wait(t.text("term.retry_missed", n=1))
    assert t.text("term.summary.missed") in summary
    assert "“Which of these networks is recurrent, feeding…”" in " ".join(summary.split())
    assert "q-single" not in summary
    term.send("s" if language == "pt" else "y")
    term.wait(t.text("term.progress", position=1, total=1))
    term.answer("1")
    term.wait(t.text("term.verdict.correct"))
    term.wait(t.text("term.summary.done"))
    assert term.exit_status() == 0
    ending = term.screen.rsplit(t.text("term.summary.done"), 1)[1]
    assert (t.text("term.next.done") in ending
            or t.text("term.next.review", n=1) in ending)
    if language == "pt":
        assert "Question" not in term.screen and "Correct" not in term.screen
