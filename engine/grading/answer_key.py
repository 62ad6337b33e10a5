"""The answer key: for each question, a response that earns full marks.

Previews show it, LMS exports write it as their correct-response patterns, and the tests
grade it (engine/grading/score.py) to check that every question can be answered right.
"""

from __future__ import annotations

from typing import assert_never

from engine.grading.score import Response
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


def correct_response(question: QuestionType) -> Response:
    """A response that earns full marks (for tests, previews and LMS answer keys)."""
    match question:
        case SingleChoice():
            return next(i for i, c in enumerate(question.choices) if c.correct)
        case MultipleChoice():
            return [i for i, c in enumerate(question.choices) if c.correct]
        case TrueFalse():
            return question.answer
        case Numeric():
            if question.answer is not None:
                return question.answer
            assert question.range is not None
            return (question.range[0] + question.range[1]) / 2
        case Text():
            return question.accept[0] if question.accept else None
        case Cloze():
            return {name: _blank_answer(b) for name, b in question.blanks.items()}
        case Matching():
            return list(range(len(question.pairs)))
        case Ordering():
            return list(range(len(question.items)))
        case other:
            assert_never(other)


def _blank_answer(blank: Blank) -> str:
    match blank.blank_kind:
        case "choice":
            return "" if blank.answer is None else str(blank.answer)
        case "text":
            return blank.accept[0] if blank.accept else ""
        case "numeric":
            if blank.answer is not None:
                return str(blank.answer)
            assert blank.range is not None
            return repr((blank.range[0] + blank.range[1]) / 2)
        case other:
            assert_never(other)
