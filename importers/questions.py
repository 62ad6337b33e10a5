"""Answer lists, as question banks store them, -> lessonkit questions.

GIFT, Moodle XML and QTI all describe a question as a list of answers with a fraction of
the points (Moodle's 100 / 50 / -33.3, GIFT's `%50%`, QTI's score). The rules that turn
such a list into one of our types live here once, so every importer maps the same
source the same way and reports the same losses.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from importers.bank import Bank


@dataclass
class Answer:
    """One answer of a source question."""

    text: str
    """Markdown for choices, plain text for typed answers, a number's text for numeric."""
    fraction: float
    """Share of the points, 1.0 for fully right; negative for a penalised choice."""
    feedback: str | None = None
    tolerance: float = 0.0
    """For a numeric answer: the accepted error (absolute)."""
    low: float | None = None
    """For a numeric range answer (`a..b`): its bounds."""
    high: float | None = None
    line: int = 1


def _right(fraction: float) -> bool:
    return fraction >= 0.999


def choice_question(
    bank: Bank, q: dict[str, Any], answers: list[Answer], single: bool, line: int
) -> dict[str, Any] | None:
    """A single- or multiple-choice question from weighted answers."""
    if len(answers) < 2:
        bank.unsupported("too-few-choices", f"question '{q['id']}' has fewer than two choices"
                         " and was left out", line)
        return None
    right = [a for a in answers if _right(a.fraction)] if single else [
        a for a in answers if a.fraction > 0]
    if single and len(right) != 1:
        # Several fully right options: that is a multiple-response question in our terms.
        positive = [a for a in answers if a.fraction > 0]
        if len(right) > 1 or not positive:
            single = False
            right = positive or right
        else:
            best = max(positive, key=lambda a: a.fraction)
            right = [best]
            bank.unsupported("partial-credit", f"question '{q['id']}': no option earns full "
                             "marks; the best one is taken as the right one", line)
    if not right:
        bank.unsupported("no-correct-choice", f"question '{q['id']}' has no right option and"
                         " was left out", line)
        return None
    if single and any(0 < a.fraction < 0.999 for a in answers):
        bank.unsupported("partial-credit", f"question '{q['id']}': partial credit for a "
                         "wrong option dropped: lessonkit single choice has one right option",
                         line)
    if not single:
        k = len(right)
        if any(not math.isclose(a.fraction, 1 / k, rel_tol=1e-3) for a in right):
            bank.unsupported("weights", f"question '{q['id']}': unequal weights of the right "
                             "options replaced by 1/k each", line)
    choices: list[dict[str, Any]] = []
    for a in answers:
        choice: dict[str, Any] = {"text": a.text}
        if any(a is r for r in right):
            choice["correct"] = True
        if a.feedback:
            choice["feedback"] = a.feedback
        choices.append(choice)
    q["type"] = "single" if single else "multiple"
    q["choices"] = choices
    return q


def wildcard_pattern(texts: list[str]) -> str:
    """Moodle's `*` wildcard answers as one regular expression matched in full."""
    return "|".join(".*".join(re.escape(part) for part in t.split("*")) for t in texts)


def text_question(
    bank: Bank, q: dict[str, Any], answers: list[Answer], case_sensitive: bool, line: int
) -> dict[str, Any] | None:
    """A short-answer question: full-credit answers are accepted, 0% ones get feedback."""
    accept = [a.text for a in answers if _right(a.fraction) and "*" not in a.text]
    wild = [a.text for a in answers if _right(a.fraction) and "*" in a.text]
    feedback = {a.text: a.feedback for a in answers if a.fraction <= 0 and a.feedback}
    partial = [a for a in answers if 0 < a.fraction < 0.999]
    if partial:
        bank.unsupported("partial-credit", f"question '{q['id']}': {len(partial)} answer(s)"
                         " with partial credit dropped: lessonkit text answers are right or"
                         " wrong", line)
    if not accept and not wild:
        bank.unsupported("no-answer", f"question '{q['id']}' accepts no answer and was left"
                         " out", line)
        return None
    q["type"] = "text"
    if wild:
        q["pattern"] = wildcard_pattern(wild)
        if not accept:
            accept = [wild[0].replace("*", "")] if wild[0].replace("*", "") else ["?"]
    q["accept"] = accept
    if case_sensitive:
        q["case_sensitive"] = True
    if feedback:
        q["feedback"] = feedback
    return q


def number(text: str) -> float | None:
    """A number as a bank writes it (`3.14`, `3,14`, `1e-3`), or None."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def numeric_question(
    bank: Bank, q: dict[str, Any], answers: list[Answer], line: int
) -> dict[str, Any] | None:
    """A numeric question from the full-credit answer (a value with a tolerance or a range)."""
    right = [a for a in answers if _right(a.fraction)]
    if not right:
        bank.unsupported("no-answer", f"question '{q['id']}' has no fully right number and"
                         " was left out", line)
        return None
    first = right[0]
    others = len(answers) - 1
    if others:
        bank.unsupported("partial-credit", f"question '{q['id']}': {others} further "
                         "answer(s) dropped: lessonkit numeric questions accept one value or "
                         "range", line)
    q["type"] = "numeric"
    if first.low is not None and first.high is not None:
        q["range"] = [fnum(first.low), fnum(first.high)]
    else:
        value = number(first.text)
        if value is None:
            bank.error(f"question '{q['id']}': '{first.text}' is not a number", first.line)
            return None
        q["answer"] = fnum(value)
        if first.tolerance:
            q["tolerance"] = fnum(abs(first.tolerance))
    wrong = {a.text: a.feedback for a in answers if a.fraction <= 0 and a.feedback}
    if first.feedback or wrong:
        bank.unsupported("answer-feedback", f"question '{q['id']}': per-answer feedback "
                         "dropped: lessonkit numeric questions have none", line)
    return q


def fnum(value: float) -> float | int:
    """Whole numbers as ints, so the YAML reads `2`, not `2.0`; and no binary noise
    (`0.26 - 0.25` is `0.010000000000000009`, which no author meant)."""
    value = float(f"{value:.12g}")
    return int(value) if value.is_integer() and abs(value) < 1e15 else value
