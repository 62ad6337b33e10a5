"""A scripted learner: answers the completeness course through the site's own controls.

The answers are chosen so that every question type is tried, some right, some wrong,
some partly right, one with a hint, and so that the course ends below the passing
score (63.33 %) in the first session and exactly on it (70 %) after two corrections.
Control ids follow the HTML renderer's markup (`_q-<question>-c<choice>` and so on);
every control carries the author's index, whatever the order on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Answer:
    """One answer: which controls to set, and what the LMS must then record."""

    chapter: str
    question: str
    action: str
    value: Any
    response12: str
    """The learner response as SCORM 1.2 writes it."""
    response2004: str
    """The learner response as SCORM 2004 and xAPI write it."""
    result12: str
    result2004: str
    hints: int = 0


FIRST_SESSION = [
    Answer("choices", "single-all-options", "choose", [0], "a", "a", "correct", "correct", 1),
    Answer("choices", "multiple-partial", "choose", [0, 1, 3], "a,b,d", "a[,]b[,]d",
           "0.3333", "0.3333"),
    Answer("choices", "multiple-strict", "choose", [0, 1], "a,b", "a[,]b", "correct", "correct"),
    Answer("choices", "tf-true", "truth", False, "f", "false", "wrong", "incorrect"),
    Answer("values", "numeric-abs", "type", "0,25", "0.25", "0.25", "correct", "correct"),
    Answer("values", "numeric-rel", "type", "90000", "90000", "90000", "wrong", "incorrect"),
    Answer("values", "numeric-range", "type", "1.5", "1.5", "1.5", "correct", "correct"),
    Answer("values", "text-accept", "type", "Back prop  through time",
           "Back prop through time", "Back prop through time", "correct", "correct"),
    Answer("values", "text-case", "type", "H_t", "H_t", "H_t", "wrong", "incorrect"),
]
SECOND_SESSION = [
    Answer("structures", "cloze-all-kinds", "blanks",
           {"cell": "lstm", "bound": "1.0005", "which": "LSTM"},
           "lstm,1.0005,LSTM", "lstm[,]1.0005[,]LSTM", "0.6667", "0.6667"),
    Answer("structures", "cloze-strict", "blanks", {"sum": "five", "slope": "0.25"},
           "five,0.25", "five[,]0.25", "wrong", "incorrect"),
    Answer("structures", "matching", "match", [0, 1, 3], "a.a,b.b,c.d", "a[.]a[,]b[.]b[,]c[.]d",
           "0.6667", "0.6667"),
    Answer("structures", "ordering-all", "order", [0, 1, 2, 3, 4], "a,b,c,d,e",
           "a[,]b[,]c[,]d[,]e", "correct", "correct"),
    Answer("structures", "ordering-partial", "order", [0, 2, 1], "a,c,b", "a[,]c[,]b",
           "0.3333", "0.3333"),
]
CORRECTIONS = [
    Answer("choices", "tf-true", "truth", True, "t", "true", "correct", "correct"),
    Answer("values", "text-case", "type", "h_t", "h_t", "h_t", "correct", "correct"),
]
"""Asked again in the second session: the score reaches the passing score exactly."""

POINTS = {"single-all-options": 2.0}
"""Questions worth more than one point."""


def _in(question: str) -> str:
    return f'[data-question="{question}"]'


def retry(frame: Any, item: Answer) -> None:
    """Press "Try again" on an answered question (the site then times the answer afresh)."""
    frame.click(f"{_in(item.question)} [data-q-retry]")


def answer(frame: Any, item: Answer) -> None:
    """Set the controls of one question in `frame`, reveal hints, press Check."""
    q = item.question
    for _ in range(item.hints):
        frame.click(f"{_in(q)} [data-q-hint]")
    match item.action:
        case "choose":
            for index in item.value:
                frame.check(f"#_q-{q}-c{index}")
        case "truth":
            frame.check(f"#_q-{q}-{'true' if item.value else 'false'}")
        case "type":
            frame.fill(f"#_q-{q}-value", item.value)
        case "blanks":
            for name, text in item.value.items():
                control = frame.locator(f'{_in(q)} [data-blank="{name}"]')
                if control.evaluate("e => e.tagName") == "SELECT":
                    control.select_option(text)
                else:
                    control.fill(text)
        case "match":
            for row, option in enumerate(item.value):
                frame.select_option(f"#_q-{q}-m{row}", str(option))
        case "order":
            _reorder(frame, q, item.value)
        case other:
            raise ValueError(other)
    frame.click(f"{_in(q)} [data-q-check]")
    frame.wait_for_selector(f"{_in(q)} [data-q-retry]:not([hidden])")


def _reorder(frame: Any, question: str, wanted: list[int]) -> None:
    """Move items up with their buttons until the list reads `wanted` (author indices)."""
    for position, item in enumerate(wanted):
        current = frame.eval_on_selector_all(
            f"{_in(question)} [data-item]", "els => els.map(e => Number(e.dataset.item))"
        )
        for _ in range(current.index(item) - position):
            frame.click(f'{_in(question)} [data-item="{item}"] [data-move="-1"]')
