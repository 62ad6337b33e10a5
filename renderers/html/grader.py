"""The questions as the browser's grader reads them (the contract with static/grading.js).

`lessonkitGrade(question, response, hintsUsed)` mirrors engine/grading.py, so it needs
the same inputs: Markdown stays source text here, because the Python grader compares
texts (matching and ordering compare the items' texts, not their indices) and returns the
author's feedback strings. Dict orders (blanks, text feedback) become lists of pairs, as
JSON objects do not promise an order.
"""

from __future__ import annotations

from typing import assert_never

from engine.grading import matching_options
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


def grader_data(question: QuestionType) -> dict[str, object]:
    """The question as `lessonkitGrade` (static/grading.js) reads it."""
    base: dict[str, object] = {
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
            base.update(answer=question.answer, feedbackTrue=question.feedback_true,
                        feedbackFalse=question.feedback_false)
        case Numeric():
            base.update(answer=question.answer, tolerance=question.tolerance,
                        range=list(question.range) if question.range else None)
        case Text():
            base.update(accept=list(question.accept), pattern=question.pattern,
                        caseSensitive=question.case_sensitive,
                        feedback=[[k, m] for k, m in question.feedback.items()])
        case Cloze():
            base["blanks"] = [[name, _blank_data(b)] for name, b in question.blanks.items()]
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


def _blank_data(blank: Blank) -> dict[str, object]:
    return {
        "kind": blank.blank_kind,
        "accept": list(blank.accept),
        "pattern": blank.pattern,
        "caseSensitive": blank.case_sensitive,
        "answer": blank.answer,
        "tolerance": blank.tolerance,
        "range": list(blank.range) if blank.range else None,
    }
