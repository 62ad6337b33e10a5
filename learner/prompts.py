"""What a learner types, read into the response shapes that `engine.grading.score` scores.

Options are shown in a shuffled order (`Layout`), so every parser maps the labels the
learner saw (1-based numbers or letters) back to the indices the author wrote before
grading; that is what makes the terminal and the website give the same score.

Typed forms, per question type (also in `lessonkit quiz --help`):

| type       | what to type                                         | example         |
|------------|------------------------------------------------------|-----------------|
| single     | the number or the letter of one option               | `2` or `b`      |
| multiple   | every right option, by number or letter              | `1,3` or `ac`   |
| true_false | `t`/`true`/`y`/`yes` or `f`/`false`/`n`/`no`         | `t`             |
| numeric    | a number; `0,25` and `1 000` work; the unit may follow | `0.25`        |
| text       | the answer                                           | `BPTT`          |
| cloze      | one answer per blank, each at its own prompt          | `LSTM`          |
| matching   | one letter per numbered item, in order, or pairs     | `bca`, `1b 2c 3a` |
| ordering   | the numbers (or letters) in the right order          | `3 1 2`, `cab`  |
"""

from __future__ import annotations

import re
from typing import assert_never

from engine.grading.score import Response, number_readings
from engine.i18n import Catalog
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
from engine.text.cloze_math import option_label
from renderers.terminal.layout import LETTERS, Layout

TRUE_WORDS = frozenset({"t", "true", "y", "yes", "v", "verdadeiro"})
FALSE_WORDS = frozenset({"f", "false", "n", "no", "falso", "não", "nao"})
"""English and Portuguese words (the catalog's `term.how.true_false` names them)."""


class AnswerError(ValueError):
    """The input is not in the form the question expects; the message says which form is.

    Carried as a catalog key and its values, so the quiz shows it in the course's
    interface language (`message`); `str()` gives the English text.
    """

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def message(self, t: Catalog) -> str:
        template, _ = t.form(f"term.error.{self.key}", None)
        return template.format_map(self.values) if self.values else template

    def __str__(self) -> str:
        return self.message(Catalog.for_language("en", "terminal"))


def parse_answer(question: QuestionType, layout: Layout, text: str) -> Response:
    """The response for `text` typed at `question`'s prompt (cloze: see `parse_blank`)."""
    typed = text.strip()
    if not typed:
        raise AnswerError("empty")
    match question:
        case SingleChoice():
            position = _pick(typed.rstrip(").").lower(), len(question.choices))
            if position is None:
                raise AnswerError("one_option", **_range(len(question.choices)))
            return layout.authored(position)
        case MultipleChoice():
            positions = _picks(typed.lower(), len(question.choices))
            if positions is None:
                raise AnswerError("every_option", **_range(len(question.choices)))
            return sorted(layout.authored(p) for p in positions)
        case TrueFalse():
            word = typed.lower().rstrip(".")
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
            raise AnswerError("true_false")
        case Numeric():
            return _number(_without_unit(typed, question.unit))
        case Text():
            return typed
        case Cloze():
            raise AnswerError("cloze")
        case Matching():
            return _parse_matching(question, layout, typed.lower())
        case Ordering():
            count = len(question.items)
            positions = _picks(typed.lower(), count, allow_repeats=True)
            if positions is None or sorted(positions) != list(range(count)):
                raise AnswerError("ordering", count=count,
                                  example=" ".join(str(n) for n in range(count, 0, -1)))
            return [layout.authored(p) for p in positions]
        case other:
            assert_never(other)


def parse_blank(blank: Blank, order: tuple[int, ...], text: str) -> str:
    """The text to grade for one cloze blank (a choice blank also takes the number or letter
    it is shown with; `order[position]` is the authored index of the option shown there)."""
    typed = text.strip()
    if not typed:
        raise AnswerError("empty_blank")
    match blank.blank_kind:
        case "choice":
            position = _pick(typed.lower().rstrip(")."), len(blank.choices))
            if position is not None:
                return blank.choices[order[position] if order else position]
            return _choice_by_text(blank.choices, typed)
        case "numeric":
            _number(typed)
            return typed
        case "text":
            return typed
        case other:
            assert_never(other)


def _choice_by_text(choices: list[str], typed: str) -> str:
    """The option whose text is `typed`, or the only one that starts with it (any case).

    "vanish" picks "vanishing"; a prefix two options share asks again, naming them.
    """
    wanted = " ".join(typed.split()).casefold()

    def readings(choice: str) -> tuple[str, ...]:
        # As written (`W_hh`) or as shown (`Wₕₕ`): a learner may copy either.
        return tuple({" ".join(c.split()).casefold() for c in (choice, option_label(choice))})

    for choice in choices:
        if wanted in readings(choice):
            return choice
    starting = [c for c in choices if any(r.startswith(wanted) for r in readings(c))]
    if len(starting) == 1:
        return starting[0]
    if len(starting) > 1:
        raise AnswerError("prefix", typed=typed, options=" / ".join(map(option_label, starting)))
    raise AnswerError("one_option", **_range(len(choices)))


def _number(typed: str) -> float:
    """The one number `typed` means; asks again when it is not a number or is ambiguous."""
    readings = number_readings(typed)
    if not readings:
        raise AnswerError("number")
    if len(readings) > 1:
        # 1,440 is 1440 or 1.44 depending on the reader's habits: grading one reading
        # silently would mark a right answer wrong.
        decimal, whole = (_plain(r) for r in readings)
        raise AnswerError("ambiguous_number", typed=typed.strip(), whole=whole, decimal=decimal)
    return readings[0]


def _plain(value: float) -> str:
    return f"{value:.12g}"


def _pick(token: str, count: int) -> int | None:
    if token.isdigit() and 1 <= int(token) <= count:
        return int(token) - 1
    if len(token) == 1 and token in LETTERS[:count]:
        return LETTERS.index(token)
    return None


def _picks(text: str, count: int, allow_repeats: bool = False) -> list[int] | None:
    tokens = [t for t in re.split(r"[\s,;]+", text.strip(" .")) if t]
    if len(tokens) == 1:
        token = tokens[0]
        if token.isalpha() or (token.isdigit() and count <= 9 and _pick(token, count) is None):
            # "ac" or "13": one label per character, when that is the only reading.
            tokens = list(token)
    picks = [_pick(t.rstrip(")"), count) for t in tokens]
    if not picks or any(p is None for p in picks):
        return None
    positions = [p for p in picks if p is not None]
    if not allow_repeats:
        positions = sorted(set(positions))
    return positions


def _range(count: int) -> dict[str, object]:
    return {"count": count, "last": LETTERS[count - 1]}


def _without_unit(text: str, unit: str | None) -> str:
    if unit and text.lower().endswith(unit.lower()):
        return text[: -len(unit)].strip()
    return text


def _parse_matching(question: Matching, layout: Layout, typed: str) -> list[int | None]:
    lefts = len(question.pairs)
    options = len(layout.order)
    expected = AnswerError("matching", last=LETTERS[options - 1], count=lefts,
                           example=LETTERS[:lefts][::-1])
    pairs = re.findall(r"(\d+)\s*[-=:>)]*\s*([a-z])", typed)
    if pairs:
        leftover = re.sub(r"(\d+)\s*[-=:>)]*\s*([a-z])", "", typed)
        chosen: dict[int, str] = {}
        for number, letter in pairs:
            chosen[int(number)] = letter
        if leftover.strip(" ,;") or sorted(chosen) != list(range(1, lefts + 1)):
            raise expected
        letters = [chosen[n] for n in range(1, lefts + 1)]
    else:
        letters = [ch for ch in typed if not ch.isspace() and ch not in ",;"]
    if len(letters) != lefts or any(ch not in LETTERS[:options] for ch in letters):
        raise expected
    return [layout.authored(LETTERS.index(ch)) for ch in letters]
