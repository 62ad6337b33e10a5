"""Rules about shuffled options: answer keys that all sit in one authored position.

The code is documented in engine/diagnostics.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from engine.diagnostics import Code, Diagnostic
from engine.model import Cloze, Course, SingleChoice
from engine.node import Node

KEYED_AT_LEAST = 5
"""A course with fewer keyed questions (or blanks) of one kind may well have them all in one
position by chance: 1 in 4**(n-1) with four options."""


def shuffle_rules(course: Course) -> Iterator[Diagnostic]:
    """Course-wide: the answer keys of one kind all in one position."""
    yield from _key_positions(course)


class _Key(NamedTuple):
    position: int
    node: Node
    field: str


def _key_positions(course: Course) -> Iterator[Diagnostic]:
    singles: list[_Key] = []
    blanks: list[_Key] = []
    for q in course.questions:
        if isinstance(q, SingleChoice):
            right = [i for i, c in enumerate(q.choices) if c.correct]
            if len(right) == 1:
                singles.append(_Key(right[0], q.choices[right[0]], "correct"))
        elif isinstance(q, Cloze):
            for blank in q.blanks.values():
                if blank.blank_kind == "choice" and blank.answer in blank.choices:
                    blanks.append(_Key(blank.choices.index(str(blank.answer)), blank, "answer"))
    for keys, what, of in ((singles, "single-choice questions", "choice"),
                           (blanks, "drop-down blanks", "option")):
        if len(keys) < KEYED_AT_LEAST or len({k.position for k in keys}) != 1:
            continue
        first = keys[0]
        yield Diagnostic.of(
            Code.ANSWER_KEY_POSITION,
            f"the right {of} is {of} {first.position + 1} in all {len(keys)} {what}: "
            f"where options are not shuffled, always picking {of} {first.position + 1} "
            "scores full marks",
            first.node.span_of(first.field) or first.node.span,
            hint="reorder some options in the YAML so the right ones are spread out",
        )
