"""The one scoring model: a learner's response in, a grade out.

The static site's JavaScript grader (renderers/site/static/grading.js) mirrors this
module line for line, and the terminal quiz and the LMS exports use it directly, so the
same answers always earn the same score everywhere.

Response shape per question type (indices always refer to the order the author wrote):

| type         | response                                                       |
|--------------|----------------------------------------------------------------|
| `single`     | `int`: index of the chosen choice                              |
| `multiple`   | collection of `int`: indices of the chosen choices (any order) |
| `true_false` | `bool`                                                         |
| `numeric`    | `float`, or a `str` read by `parse_number` (`0,25` works)      |
| `text`       | `str`                                                          |
| `cloze`      | mapping blank name -> `str` (numbers as text)                  |
| `matching`   | sequence, one per pair: index into `matching_options(q)`, or None |
| `ordering`   | sequence of item indices, in the order the learner put them    |

`None` (or an empty answer) means "not answered" and scores 0.

Scoring rules:
- `multiple` with `scoring: partial`: +1/k per right pick, -1/k per wrong pick (k = number
  of right choices), floored at 0; `all_or_nothing`: 1 only for exactly the right set.
- numeric: right when inside `range` (inclusive) or within `tolerance` of `answer`
  (inclusive); comparisons allow a slack of 1e-9 x max(1, |answer|) so that decimal
  answers such as 0.1 + 0.2 are not lost to binary rounding. No tolerance means exact
  (up to that slack).
- text: Unicode NFC, surrounding whitespace stripped, inner runs of whitespace made one
  space, and lower-cased unless `case_sensitive`; `pattern` must match the whole answer.
- cloze, matching, partial ordering: the fraction of blanks / pairs / positions right.
- hints: each hint revealed takes `hint_penalty` off the fraction, floored at 0.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import assert_never

from engine.grading.patterns import pattern_matches
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

Response = (
    int | bool | float | str | Collection[int] | Mapping[str, str] | Sequence[int | None] | None
)
"""Any learner response; its shape depends on the question type (see the module doc)."""

SLACK = 1e-9


@dataclass(frozen=True)
class Part:
    """The verdict on one part of a response: a choice, a blank, a pair or a position."""

    key: str
    """Which part: a choice index, a blank name, a pair index or a position."""
    correct: bool
    """Whether this part is right."""
    feedback: str | None = None
    """Feedback the author wrote for what the learner gave here (Markdown)."""


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response."""

    fraction: float
    """How right the response is, in [0, 1], before hint penalties."""
    score: float
    """`fraction` minus hint penalties, in [0, 1]."""
    points: float
    """`score` times the question's points."""
    max_points: float
    """The question's points."""
    answered: bool
    """False when the response was empty."""
    parts: tuple[Part, ...] = field(default=())
    """Per-part verdicts and feedback."""

    @property
    def correct(self) -> bool:
        """Fully right (before hint penalties)."""
        return self.fraction >= 1.0

    @property
    def feedback(self) -> list[str]:
        """The feedback messages of all parts, in order."""
        return [p.feedback for p in self.parts if p.feedback]


def normalise_text(text: str, case_sensitive: bool = False) -> str:
    """The form in which typed answers are compared."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text if case_sensitive else text.lower()


_SUBSCRIPT_MARK = re.compile(r"[_^]\{([^{}]*)\}|[_^]([0-9A-Za-z])")
"""TeX's sub- and superscript marks, `h_0`, `x^{2}`: dropped when answers are compared."""


def comparable_text(text: str, case_sensitive: bool = False) -> str:
    """The form in which a typed answer is compared with the accepted ones.

    Beyond `normalise_text`, compatibility forms are folded (NFKC: `h₀` is `h0`, `x²` is
    `x2`) and TeX's sub/superscript marks dropped (`h_0`, `h_{0}` are `h0`), so a learner
    may type what the course displays (`h₀`) or its source (`h_0`).
    """
    folded = unicodedata.normalize("NFKC", text)
    return normalise_text(_SUBSCRIPT_MARK.sub(r"\1\2", folded), case_sensitive)


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_AMBIGUOUS_COMMA = re.compile(r"^([+-]?[1-9]\d{0,2}),(\d{3})$")
"""`1,440`: a thousands comma (1440) or a decimal comma (1.44); only the learner knows."""
_GROUPED = re.compile(r"^[+-]?[1-9]\d{0,2}([,.])\d{3}(\1\d{3})+$")
"""`1,440,000` or `1.440.000`: a separator used twice can only group thousands."""


def parse_number(text: str | float | int | None) -> float | None:
    """Read a number the way people type it: `0.25`, `0,25`, `1 000.5`, `1,000.5`, `−3`.

    Returns None when the text is not a number.
    """
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return float(text) if math.isfinite(text) else None
    s = _number_text(text)
    if _GROUPED.match(s):
        s = s.replace(",", "").replace(".", "")
    elif "," in s and "." in s:
        # The later separator is the decimal one: 1,000.5 or 1.000,5.
        s = (
            s.replace(",", "")
            if s.rfind(".") > s.rfind(",")
            else s.replace(".", "").replace(",", ".")
        )
    elif s.count(",") == 1:
        s = s.replace(",", ".")
    if not _NUMBER.match(s):
        return None
    value = float(s)
    return value if math.isfinite(value) else None


def _number_text(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    return re.sub(r"[\s_']", "", s)


def number_readings(text: str) -> tuple[float, ...]:
    """Every number a typed answer can mean: none, one, or two when it is ambiguous.

    `1,440` is 1440 to an English reader and 1.44 to a Portuguese one. An interface
    asks which was meant instead of grading one reading silently (`grade` itself takes
    the decimal comma, as `parse_number` does).
    """
    match = _AMBIGUOUS_COMMA.match(_number_text(text))
    if match:
        whole, part = match.groups()
        return (float(f"{whole}.{part}"), float(whole + part))
    value = parse_number(text)
    return () if value is None else (value,)


def tolerance_of(answer: float, tolerance: float | str | None) -> float:
    """The absolute tolerance around `answer` (a `2%` tolerance is relative to it)."""
    if tolerance is None:
        return 0.0
    if isinstance(tolerance, str):
        return abs(answer) * float(tolerance.strip().rstrip("%").strip()) / 100.0
    return float(tolerance)


def number_is_right(
    value: float,
    answer: float | None,
    tolerance: float | str | None,
    bounds: tuple[float, float] | None,
) -> bool:
    """Whether `value` is inside `bounds` or within `tolerance` of `answer` (inclusive)."""
    if bounds is not None:
        low, high = bounds
        slack = SLACK * max(1.0, abs(low), abs(high))
        if low - slack <= value <= high + slack:
            return True
    if answer is not None:
        slack = SLACK * max(1.0, abs(answer))
        if abs(value - answer) <= tolerance_of(answer, tolerance) + slack:
            return True
    return False


def text_is_right(
    response: str, accept: Sequence[str], pattern: str | None, case_sensitive: bool
) -> bool:
    """Whether a typed answer matches one of `accept` or the whole `pattern`."""
    if any(
        comparable_text(response, case_sensitive) == comparable_text(a, case_sensitive)
        for a in accept
    ):
        return True
    given = normalise_text(response, case_sensitive)
    if pattern is not None:
        # Length- and time-limited (engine.grading.patterns): an author's pattern must not hang.
        return pattern_matches(pattern, given, ignore_case=not case_sensitive)
    return False


def matching_options(question: Matching) -> list[str]:
    """The right-side items a learner picks from: every pair's right side, then distractors."""
    return [p.right for p in question.pairs] + list(question.distractors)


def blank_is_right(blank: Blank, response: str | None) -> bool:
    """Whether one cloze blank is filled in right."""
    if response is None or not response.strip():
        return False
    match blank.blank_kind:
        case "choice":
            expected = "" if blank.answer is None else str(blank.answer)
            return normalise_text(response, True) == normalise_text(expected, True)
        case "text":
            return text_is_right(response, blank.accept, blank.pattern, blank.case_sensitive)
        case "numeric":
            value = parse_number(response)
            answer = parse_number(blank.answer)
            return value is not None and number_is_right(
                value, answer, blank.tolerance, blank.range
            )
        case other:
            assert_never(other)


def _is_empty(response: Response) -> bool:
    if response is None:
        return True
    if isinstance(response, str):
        return not response.strip()
    if isinstance(response, Mapping):
        return not any(str(v).strip() for v in response.values() if v is not None)
    if isinstance(response, Collection) and not isinstance(response, str):
        return len(response) == 0 or all(r is None for r in response)
    return False


def _fraction(question: QuestionType, response: Response) -> tuple[float, tuple[Part, ...]]:
    match question:
        case SingleChoice():
            if not isinstance(response, int) or isinstance(response, bool):
                return 0.0, ()
            if not 0 <= response < len(question.choices):
                return 0.0, ()
            choice = question.choices[response]
            return (1.0 if choice.correct else 0.0), (
                Part(str(response), choice.correct, choice.feedback),
            )
        case MultipleChoice():
            picked = sorted({i for i in _ints(response) if 0 <= i < len(question.choices)})
            parts = tuple(
                Part(str(i), question.choices[i].correct, question.choices[i].feedback)
                for i in picked
            )
            right_set = {i for i, c in enumerate(question.choices) if c.correct}
            if question.scoring == "all_or_nothing":
                return (1.0 if set(picked) == right_set else 0.0), parts
            k = len(right_set)
            good = sum(1 for i in picked if i in right_set)
            bad = len(picked) - good
            return max(0.0, (good - bad) / k) if k else 0.0, parts
        case TrueFalse():
            if not isinstance(response, bool):
                return 0.0, ()
            ok = response == question.answer
            fb = question.feedback_true if response else question.feedback_false
            return (1.0 if ok else 0.0), (Part("true" if response else "false", ok, fb),)
        case Numeric():
            value = parse_number(response if isinstance(response, str | int | float) else None)
            if value is None:
                return 0.0, ()
            ok = number_is_right(value, question.answer, question.tolerance, question.range)
            return (1.0 if ok else 0.0), (Part("value", ok),)
        case Text():
            if not isinstance(response, str):
                return 0.0, ()
            ok = text_is_right(response, question.accept, question.pattern, question.case_sensitive)
            given = comparable_text(response, question.case_sensitive)
            fb = next(
                (
                    m
                    for k, m in question.feedback.items()
                    if comparable_text(k, question.case_sensitive) == given
                ),
                None,
            )
            return (1.0 if ok else 0.0), (Part("text", ok, fb),)
        case Cloze():
            filled = response if isinstance(response, Mapping) else {}
            parts = tuple(
                Part(name, blank_is_right(blank, _str_or_none(filled.get(name))))
                for name, blank in question.blanks.items()
            )
            right = sum(p.correct for p in parts)
            if question.scoring == "all_or_nothing":
                return (1.0 if right == len(parts) else 0.0), parts
            return (right / len(parts) if parts else 0.0), parts
        case Matching():
            options = matching_options(question)
            chosen = (
                list(response)
                if isinstance(response, Sequence) and not isinstance(response, str)
                else []
            )
            parts_list = []
            for i, pair in enumerate(question.pairs):
                pick = chosen[i] if i < len(chosen) else None
                ok = (
                    isinstance(pick, int)
                    and not isinstance(pick, bool)
                    and 0 <= pick < len(options)
                    and options[pick] == pair.right
                )
                parts_list.append(Part(str(i), ok))
            right = sum(p.correct for p in parts_list)
            return (right / len(parts_list) if parts_list else 0.0), tuple(parts_list)
        case Ordering():
            order = list(_ints(response)) if not isinstance(response, Mapping) else []
            n = len(question.items)
            if sorted(order) != list(range(n)):
                # Not a permutation of the items: every position counts as wrong.
                parts = tuple(Part(str(j), False) for j in range(n))
                return 0.0, parts
            parts = tuple(
                Part(str(j), question.items[order[j]] == question.items[j]) for j in range(n)
            )
            right = sum(p.correct for p in parts)
            if question.scoring == "all_or_nothing":
                return (1.0 if right == n else 0.0), parts
            return right / n, parts
        case other:
            assert_never(other)


def _ints(response: Response) -> list[int]:
    if isinstance(response, str | bytes | Mapping) or not isinstance(response, Collection):
        return []
    return [r for r in response if isinstance(r, int) and not isinstance(r, bool)]


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def grade(question: QuestionType, response: Response, hints_used: int = 0) -> Grade:
    """Grade one response to `question`, after `hints_used` hints were revealed."""
    if _is_empty(response) and not isinstance(response, bool):
        return Grade(0.0, 0.0, 0.0, question.points, answered=False)
    fraction, parts = _fraction(question, response)
    fraction = min(1.0, max(0.0, fraction))
    hints = max(0, min(hints_used, len(question.hints)))
    score = max(0.0, fraction - hints * question.hint_penalty)
    return Grade(fraction, score, score * question.points, question.points, True, parts)
