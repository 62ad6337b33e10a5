"""The order a question's options are shown in on the terminal, and their labels.

Each session shuffles options from its own seed; the same seed gives the same order, so a
resumed session shows the options where the learner saw them. Input parsing
(learner/prompts.py) maps the labels the learner typed back through the same `Layout`.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from typing import assert_never

from engine.grading.score import matching_options
from engine.model import (
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

LETTERS = string.ascii_lowercase
"""What a learner may type instead of an option's number; matching labels its right side
with them."""


@dataclass(frozen=True)
class Layout:
    """The order in which a question's options are shown.

    `order[position]` is the authored index of the option shown at `position`: choices for
    single/multiple, right-side options for matching, items for ordering; empty otherwise.
    """

    order: tuple[int, ...] = ()
    blanks: tuple[tuple[str, tuple[int, ...]], ...] = ()
    """For a cloze question: each drop-down blank's name and the order of its options."""

    def blank_order(self, name: str) -> tuple[int, ...]:
        """`order[position]` of the drop-down blank `name` (empty for a typed blank)."""
        return dict(self.blanks).get(name, ())

    def authored(self, position: int) -> int:
        """The authored index of the option shown at `position`."""
        return self.order[position]

    def position(self, authored: int) -> int:
        """Where the option with authored index `authored` is shown."""
        return self.order.index(authored)


def label(position: int) -> str:
    """The label shown before the option at `position`: `1)`, `2)`, ..."""
    return f"{position + 1})"


def layout_for(question: QuestionType, seed: int) -> Layout:
    """The display order of `question`'s options for a session seeded with `seed`.

    The same seed always gives the same order, so a resumed session shows the options
    where the learner saw them before.
    """
    rng = random.Random(f"{seed}:{question.id}")
    match question:
        case SingleChoice() | MultipleChoice():
            fixed = [c.fixed for c in question.choices]
            return Layout(_shuffled(len(question.choices), rng, question.shuffle, fixed))
        case Matching():
            count = len(matching_options(question))
            return Layout(_shuffled(count, rng, question.shuffle, [False] * count))
        case Ordering():
            count = len(question.items)
            order = _shuffled(count, rng, True, [False] * count)
            if count > 1 and [question.items[i] for i in order] == question.items:
                # Never show the items already in the right order (duplicates included).
                order = order[1:] + order[:1]
            return Layout(order)
        case Cloze():
            # Each drop-down by the choices' rule, with its own stream, so adding a blank
            # does not reorder the others. Authors tend to write the key first.
            return Layout(blanks=tuple(
                (name, _shuffled(len(blank.choices), random.Random(f"{seed}:{question.id}:{name}"),
                                 True, [False] * len(blank.choices)))
                for name, blank in question.blanks.items() if blank.blank_kind == "choice"
            ))
        case TrueFalse() | Numeric() | Text():
            return Layout()
        case other:
            assert_never(other)


def _shuffled(count: int, rng: random.Random, shuffle: bool, fixed: list[bool]) -> tuple[int, ...]:
    if not shuffle:
        return tuple(range(count))
    movable = [i for i in range(count) if not fixed[i]]
    rng.shuffle(movable)
    it = iter(movable)
    # Fixed options ("None of the above") keep their authored position.
    return tuple(i if fixed[i] else next(it) for i in range(count))
