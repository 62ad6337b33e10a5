"""The questions as the browser's grader reads them (the contract with static/grading.js).

`lessonkitGrade(question, response, hintsUsed)` mirrors engine/grading/score.py, so it needs
the same inputs: Markdown stays source text here, because the Python grader compares
texts (matching and ordering compare the items' texts, not their indices) and returns the
author's feedback strings. Dict orders (blanks, text feedback) become lists of pairs, as
JSON objects do not promise an order.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict, assert_never

from engine.grading.score import matching_options
from engine.model import (
    Blank,
    Cloze,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    QuestionType,
    SingleChoice,
    Text,
    TrueFalse,
)

Scoring = Literal["partial", "all_or_nothing"]
Tolerance = float | str | None
"""An absolute tolerance, or a relative one written as `2%`."""


class ChoiceData(TypedDict):
    """One option of a single or multiple choice question."""

    correct: bool
    feedback: str | None


class BlankData(TypedDict):
    """One blank of a cloze question; its name travels beside it (see `GraderData`)."""

    kind: Literal["choice", "text", "numeric"]
    accept: list[str]
    pattern: str | None
    caseSensitive: bool
    answer: str | float | None
    tolerance: Tolerance
    range: list[float] | None


class GraderData(TypedDict):
    """The question as `lessonkitGrade` reads it: the keys every type has, then its own."""

    id: str
    type: str
    points: float
    hints: int
    hintPenalty: float  # the keys are the JavaScript grader's, in its camelCase
    choices: NotRequired[list[ChoiceData]]  # single, multiple
    scoring: NotRequired[Scoring]  # multiple, cloze, ordering
    answer: NotRequired[bool | float | None]  # true_false, numeric
    feedbackTrue: NotRequired[str | None]  # true_false
    feedbackFalse: NotRequired[str | None]  # true_false
    tolerance: NotRequired[Tolerance]  # numeric
    range: NotRequired[list[float] | None]  # numeric
    accept: NotRequired[list[str]]  # text
    pattern: NotRequired[str | None]  # text
    caseSensitive: NotRequired[bool]  # text
    feedback: NotRequired[list[list[str]]]  # text: [expected answer, feedback] pairs
    blanks: NotRequired[list[tuple[str, BlankData]]]  # cloze: [name, blank] pairs
    options: NotRequired[list[str]]  # matching
    pairs: NotRequired[list[str]]  # matching
    items: NotRequired[list[str]]  # ordering


def grader_data(question: QuestionType) -> GraderData:
    """The question as `lessonkitGrade` (static/grading.js) reads it."""
    base: GraderData = {
        "id": question.id,
        "type": question.type,
        "points": question.points,
        "hints": len(question.hints),
        "hintPenalty": question.hint_penalty,
    }
    match question:
        case SingleChoice():
            base["choices"] = [{"correct": c.correct, "feedback": c.feedback}
                               for c in question.choices]
        case MultipleChoice():
            base["choices"] = [{"correct": c.correct, "feedback": c.feedback}
                               for c in question.choices]
            base["scoring"] = question.scoring
        case TrueFalse():
            base["answer"] = question.answer
            base["feedbackTrue"] = question.feedback_true
            base["feedbackFalse"] = question.feedback_false
        case Numeric():
            base["answer"] = question.answer
            base["tolerance"] = question.tolerance
            base["range"] = list(question.range) if question.range else None
        case Text():
            base["accept"] = list(question.accept)
            base["pattern"] = question.pattern
            base["caseSensitive"] = question.case_sensitive
            base["feedback"] = [[k, m] for k, m in question.feedback.items()]
        case Cloze():
            base["blanks"] = [(name, _blank_data(b)) for name, b in question.blanks.items()]
            base["scoring"] = question.scoring
        case Matching():
            base["options"] = matching_options(question)
            base["pairs"] = [p.right for p in question.pairs]
        case Ordering():
            base["items"] = list(question.items)
            base["scoring"] = question.scoring
        case other:
            assert_never(other)
    return base


def _blank_data(blank: Blank) -> BlankData:
    return {
        "kind": blank.blank_kind,
        "accept": list(blank.accept),
        "pattern": blank.pattern,
        "caseSensitive": blank.case_sensitive,
        "answer": blank.answer,
        "tolerance": blank.tolerance,
        "range": list(blank.range) if blank.range else None,
    }
