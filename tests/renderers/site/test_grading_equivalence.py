"""The browser's grader gives exactly engine.grading.score's result for the same response.

One table of (question, response, hints used) covers every question type, right, wrong,
partial, empty and malformed responses, and the number and text forms people type. Each
case is graded by `engine.grading.score.grade` in Python and by `lessonkitGrade`
(renderers/site/static/grading.js) in Chromium, and the results must be equal: same
floats, same verdict per part, same feedback.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import pytest
from playwright.sync_api import Browser
from pydantic import TypeAdapter

from engine.grading.answer_key import correct_response
from engine.grading.score import grade, number_readings
from engine.grading.standing import kept_points, passes
from engine.model import Course, Question, QuestionType
from renderers.site.grader import grader_data

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("html")]

QUESTION = TypeAdapter(Question)

EXTRA_QUESTIONS: list[dict[str, Any]] = [
    {"kind": "question", "id": "x-named-group", "type": "text", "prompt": "p",
     "pattern": "(?P<w>ab)+c(?P=w)?", "case_sensitive": True},
    {"kind": "question", "id": "x-bad-pattern", "type": "text", "prompt": "p",
     "accept": ["yes"], "pattern": "(unclosed"},
    {"kind": "question", "id": "x-accents", "type": "text", "prompt": "p",
     "accept": ["Café Ünïcode"], "feedback": {"cafe": "Mind the accents."}},
    {"kind": "question", "id": "x-partial-floor", "type": "multiple", "prompt": "p",
     "choices": [{"text": "a", "correct": True}, {"text": "b"}, {"text": "c"},
                 {"text": "d", "correct": True}], "hints": ["h1", "h2"], "hint_penalty": 0.3},
    {"kind": "question", "id": "x-both", "type": "numeric", "prompt": "p",
     "answer": 0.1, "tolerance": 0.0, "range": [10, 20], "points": 3},
    {"kind": "question", "id": "x-sum", "type": "numeric", "prompt": "p", "answer": 0.3},
    {"kind": "question", "id": "x-negative", "type": "numeric", "prompt": "p",
     "answer": -1500, "tolerance": "0.5%"},
    {"kind": "question", "id": "x-cloze-regex", "type": "cloze", "prompt": "[[a]] [[b]] [[c]]",
     "blanks": {"a": {"pattern": "colou?r", "case_sensitive": True},
                "b": {"answer": "2.5", "range": [2, 3]},
                "c": {"choices": ["Yes", "yes"], "answer": "yes"}}},
    {"kind": "question", "id": "x-dup-right", "type": "matching", "prompt": "p",
     "pairs": [{"left": "a", "right": "same"}, {"left": "b", "right": "same"},
               {"left": "c", "right": "other"}], "distractors": ["same"]},
    {"kind": "question", "id": "x-dup-items", "type": "ordering", "prompt": "p",
     "items": ["x", "y", "x"], "scoring": "partial"},
    {"kind": "question", "id": "x-zero-points", "type": "true_false", "prompt": "p",
     "answer": False, "points": 0},
]

COMMON: list[Any] = [None, "", "  ", [], {}, True, False, 0, -1, 2, "0", [None], [True]]
"""Odd responses every type gets, next to its own cases."""

BY_TYPE: dict[str, list[Any]] = {
    "single": [0, 1, 3, 4, [0], 1.5],
    "multiple": [[0, 1, 2], [0], [0, 3], [3], [0, 0, 1], [9], "0,1", [0, 1, 2, 3], [2, 1, 0],
                 [0, 1, 2, 3, 4, 5], [1, 2]],
    "true_false": [True, False, "true", 1],
    "numeric": ["0.25", "0,25", "0.26", "0.2401", 0.25, "1 000", "abc", "0.2500000000001",
                "\uff10.\uff12\uff15", "\u0660.\u0662\u0665", "\u22120.25", "2.5e-1", "1e999",
                "inf", "nan", ".25", "0.25\u00a0", "1,000.5", "1.000,5", "1_0", "86400",
                "88128", "88129", "84672", "1", "2", "0.999999999", "2.0000000001", "2.1",
                "15", "0.30000000000000004", "0.30000001", "0.3000000005", "2.00000001",
                "-1507.5", "-1492.4", "  -1500  ", "1'500",
                "٣", "1.5.5", "+.5", "5.", "e5", "1,440", "1,440,000", "1.440.000",
                "1,44,000", "0,440", "-1,500", "1.500,25"],
    "text": ["BPTT", " bptt ", "Backpropagation   through time", "back prop through time",
             "backprop", "BACKPROP", "x", "h_t", "H_T", " h_t ", "h_t\u00a0", "h_t\u3000",
             "abcab", "ababcab", "ABC", "abc", "yes", "YES", "cafe", "Cafe\u0301 U\u0308nïcode",
             "café ünïcode", "colour", "\u1680BPTT\u2028", "BPTT\x1c", "BPTT\x85", "BPTT\ufeff",
             "h\u209c", "h_{t}", "h^t", "ｈ_ｔ", "h_{t", "h__t"],
    "cloze": [
        {"cell": "LSTM", "bound": "1", "which": "GRU"},
        {"cell": "long short-term memory", "bound": "1.0005", "which": "LSTM"},
        {"cell": "lstm", "bound": "0,9995", "which": "gru"},
        {"cell": "", "bound": " ", "which": ""},
        {"bound": 1, "cell": None},
        {"cell": "LSTM", "extra": "x"},
        {"sum": "four", "slope": "0.25"},
        {"sum": "4", "slope": "1/4"},
        {"sum": "FOUR", "slope": "0.24"},
        {"a": "color", "b": "2,5", "c": "yes"},
        {"a": "Colour", "b": "3.0000000001", "c": "Yes"},
        {"a": "colour", "b": True, "c": " yes "},
        ["LSTM", "1", "GRU"],
    ],
    "matching": [[0, 1, 2], [1, 0, 2], [0, None, 2], [3, 3, 3], [0, 1], [0, 1, 2, 3],
                 ["0", 1, 2], [True, 1, 2], [2, 1, 0], [1, 1, 1], [0, 0, 2], [3, 0, 2],
                 [-1, 5, 2]],
    "ordering": [[0, 1, 2, 3, 4], [1, 0, 2, 3, 4], [0, 1, 2, 3], [0, 0, 1, 2, 3], [4, 3, 2, 1, 0],
                 [0, 1, 2], [2, 1, 0], [0, 2, 1], [1, 0, 2], ["0", 1, 2], [0, 1, 2, 3, 4, 5]],
}


def _questions(course: Course) -> list[QuestionType]:
    extras = [QUESTION.validate_python(data) for data in EXTRA_QUESTIONS]
    return [*course.questions, *extras]


def _cases(course: Course) -> list[tuple[QuestionType, Any, int]]:
    cases = []
    for question in _questions(course):
        responses = [correct_response(question), *COMMON, *BY_TYPE[question.type]]
        for response in responses:
            for hints in (0, 1, 5):
                cases.append((question, response, hints))
    return cases


def _python_result(question: QuestionType, response: Any, hints: int) -> dict[str, Any]:
    g = grade(question, response, hints)
    return {
        "fraction": g.fraction, "score": g.score, "points": g.points, "maxPoints": g.max_points,
        "answered": g.answered, "correct": g.correct,
        "parts": [{"key": p.key, "correct": p.correct, "feedback": p.feedback} for p in g.parts],
    }


def test_browser_grader_equals_engine_grader(browser: Browser, complete_course: Course) -> None:
    cases = _cases(complete_course)
    assert {q.type for q, _, _ in cases} == {
        "single", "multiple", "true_false", "numeric", "text", "cloze", "matching", "ordering"}
    page = browser.new_page()
    try:
        page.set_content("<!DOCTYPE html><title>grader</title>")
        source = files("renderers.site").joinpath("static", "grading.js").read_text("utf-8")
        page.add_script_tag(content=source)
        payload = [{"q": grader_data(q), "r": r, "h": h} for q, r, h in cases]
        browser_results = page.evaluate(
            "cases => cases.map(c => lessonkitGrade(c.q, c.r, c.h))", payload)
    finally:
        page.close()
    mismatches = []
    for (question, response, hints), got in zip(cases, browser_results, strict=True):
        expected = _python_result(question, response, hints)
        if got != expected:
            mismatches.append((question.id, response, hints, expected, got))
    assert len(cases) > 900
    assert mismatches == [], mismatches[:5]


NUMBER_TEXTS = ["1,440", "-1,500", "+999,999", "1,44", "0,440", "1,4400", "1.440", "1,440,000",
                "1.440.000", "1 440", "abc", "", "１,４４０"]


def test_browser_reads_ambiguous_numbers_as_the_engine_does(browser: Browser) -> None:
    page = browser.new_page()
    try:
        page.set_content("<!DOCTYPE html><title>readings</title>")
        source = files("renderers.site").joinpath("static", "grading.js").read_text("utf-8")
        page.add_script_tag(content=source)
        got = page.evaluate("texts => texts.map(t => lessonkitGrading.numberReadings(t))",
                            NUMBER_TEXTS)
    finally:
        page.close()
    assert got == [list(number_readings(t)) for t in NUMBER_TEXTS]


def test_the_table_exercises_every_outcome(complete_course: Course) -> None:
    """A test that only ever saw zeros would prove nothing: each type gets full marks,
    nothing, something in between (where the type allows it), and hint penalties."""
    seen: dict[str, set[str]] = {}
    for question, response, hints in _cases(complete_course):
        g = grade(question, response, hints)
        kind = "full" if g.score == 1 else "zero" if g.score == 0 else "between"
        if hints and g.fraction > g.score:
            seen.setdefault(question.type, set()).add("penalty")
        seen.setdefault(question.type, set()).add(kind)
    for qtype, kinds in seen.items():
        assert {"full", "zero"} <= kinds, qtype
    for qtype in ("multiple", "cloze", "matching", "ordering", "single"):
        assert "between" in seen[qtype], qtype
    assert "penalty" in seen["single"] and "penalty" in seen["multiple"]


STANDING_CASES: list[tuple[float | None, float, float, float]] = [
    # (points kept so far, a new answer's points, points available, pass mark)
    (None, 0.0, 5.0, 0.8), (None, 3.0, 5.0, 0.8), (4.0, 3.0, 5.0, 0.8), (3.0, 4.0, 5.0, 0.8),
    (0.7 + 0.7, 0.7, 3.0, 0.7), (2.0, 0.0, 0.0, 0.8), (None, 0.0, 0.0, 1.0),
    (0.5, 0.5, 1.0, 0.5), (None, 0.4999999, 1.0, 0.5), (None, 1.0, 1.0, 1.0),
]


def test_browser_keeps_scores_and_passes_as_the_engine_does(browser: Browser) -> None:
    """engine.grading.standing's two rules, mirrored in grading.js: the best score is kept, and the
    pass mark (with its rounding slack) decides passed, on the site as in the terminal."""
    page = browser.new_page()
    try:
        page.set_content("<!DOCTYPE html><title>standing</title>")
        source = files("renderers.site").joinpath("static", "grading.js").read_text("utf-8")
        page.add_script_tag(content=source)
        got = page.evaluate("""cases => cases.map(([kept, latest, max, mark]) => {
            const points = lessonkitGrading.keptPoints(kept, latest);
            return [points, lessonkitGrading.passes(points, max, mark),
                    lessonkitGrading.passes(kept === null ? latest : kept + latest, max, mark)];
        })""", STANDING_CASES)
    finally:
        page.close()
    expected = []
    for kept, latest, max_points, mark in STANDING_CASES:
        points = kept_points(kept, latest)
        both = latest if kept is None else kept + latest
        expected.append([points, passes(points, max_points, mark),
                         passes(both, max_points, mark)])
    assert got == expected
    assert [row[2] for row in expected].count(True) >= 3  # both verdicts occur
    assert [row[2] for row in expected].count(False) >= 3
