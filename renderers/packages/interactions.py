"""How each question is described to an LMS: interaction type, ids and correct responses.

Three vocabularies share one shape. SCORM 1.2 (RTE 3.4.2.7) identifies choices with
single characters `0-9a-z` and separates list items with `,` and pairs with `.`.
SCORM 2004 4th edition (RTE 4.1.6) and xAPI (whose interaction activities copy the
2004 data model) use the bracketed delimiters `[,]`, `[.]` and `[:]`, and allow at most
36 choices, pairs or steps and 10 fill-in items.

The runtime bridge formats the learner's response with the same rules (the ids below
are positions in the author's order, never in the shuffled order on screen), so the
correct-response patterns computed here and the responses the bridge writes always
match. lessonkit's own grader decides every result; patterns are for LMS reports.
What a report would then miss is a fidelity warning: a question with no listable
correct response (only a regular expression, a blank answered by a range), a second
accepted numeric interval, responses beyond the standards' limits. A regular expression
next to listed answers is left out silently: the listed answers show what is right.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, assert_never

from engine.field_types import MARKER
from engine.grading.score import matching_options, parse_number
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
from engine.text.markdown_dialect import plain_text
from renderers.common.numbers import accepted_intervals, decimal_text

Standard = Literal["scorm12", "scorm2004", "xapi"]

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
"""Choice, pair and item ids by position: SCORM 1.2 allows single characters only."""

MAX_IDS = len(ALPHABET)
"""The most choices, pairs or steps one interaction can name (36 in all three standards)."""
MAX_FILL_IN = 10
"""SCORM 2004's limit on fill-in items (cloze blanks) in one response and on patterns."""
_DELIMITERS = ("[,]", "[.]", "[:]")

Reporter = Callable[[QuestionType, str], None]
"""Receives (question, message) for each loss of fidelity."""


@dataclass(frozen=True)
class Interaction:
    """What the bridge needs to write one question's interaction."""

    kind: str
    """The lessonkit question type (the shape of the response in lessonkit:answer)."""
    type: str
    """The standard's interaction type: choice, true-false, fill-in, numeric, ..."""
    weighting: float
    """The question's points."""
    correct: tuple[str, ...]
    """Correct-response patterns in the standard's syntax (each one fully right)."""
    responses: bool = True
    """False when the learner's response does not fit the standard's vocabulary."""
    blanks: tuple[str, ...] = ()
    """Cloze blank names in prompt order: the order of fill-in items."""
    description: str = ""
    """The prompt as plain text (at most 250 characters)."""
    choices: tuple[tuple[str, str], ...] = field(default=())
    """(id, plain text) of choices or items: xAPI `choices` components."""
    sources: tuple[tuple[str, str], ...] = field(default=())
    """(id, plain text) of the left sides of a matching question."""
    targets: tuple[tuple[str, str], ...] = field(default=())
    """(id, plain text) of the right-side options of a matching question."""

    def to_json(self) -> dict[str, object]:
        """The fields the JavaScript bridge reads."""
        data: dict[str, object] = {
            "kind": self.kind,
            "type": self.type,
            "weighting": self.weighting,
            "correct": list(self.correct),
            "responses": self.responses,
            "description": self.description,
        }
        if self.blanks:
            data["blanks"] = list(self.blanks)
        return data


def _plain(markdown: str) -> str:
    """What LMS reports show of a text: its words on one line; cloze markers become `___`."""
    return plain_text(MARKER.sub("___", markdown), 250, blocks=True)


def _ids(texts: list[str] | None) -> tuple[tuple[str, str], ...]:
    return tuple((ALPHABET[i], _plain(t)) for i, t in enumerate((texts or [])[:MAX_IDS]))


class _Syntax:
    """The delimiters of one standard."""

    def __init__(self, standard: Standard) -> None:
        old = standard == "scorm12"
        self.standard = standard
        self.items = "," if old else "[,]"
        self.pair = "." if old else "[.]"
        self.true, self.false = ("t", "f") if old else ("true", "false")

    def literal(self, text: str, item: bool = False) -> str | None:
        """`text` as a fill-in literal, or None when a delimiter inside would corrupt it.

        `item`: one of several items joined into one pattern (a cloze blank), where a
        SCORM 1.2 comma would read as the separator.
        """
        text = " ".join(text.split())
        if self.standard == "scorm12":
            return None if len(text) > 255 or (item and "," in text) else text
        if any(d in text for d in _DELIMITERS) or text.startswith("{") or len(text) > 250:
            return None
        return text


def describe(question: QuestionType, standard: Standard, report: Reporter) -> Interaction:
    """The interaction of `question` in `standard`; losses go to `report`."""
    syntax = _Syntax(standard)
    description = _plain(question.prompt)

    def build(
        type_: str,
        correct: tuple[str, ...],
        fits: bool = True,
        blanks: tuple[str, ...] = (),
        choices: list[str] | None = None,
        sources: list[str] | None = None,
        targets: list[str] | None = None,
    ) -> Interaction:
        return Interaction(
            question.type, type_, question.points, correct if fits else (), fits, blanks,
            description, _ids(choices), _ids(sources), _ids(targets),
        )

    match question:
        case SingleChoice() | MultipleChoice():
            texts = [c.text for c in question.choices]
            right = [ALPHABET[i] for i, c in enumerate(question.choices[:MAX_IDS]) if c.correct]
            fits = _fits(question, len(texts), "choices", report)
            return build("choice", (syntax.items.join(right),), fits, choices=texts)
        case TrueFalse():
            return build("true-false", (syntax.true if question.answer else syntax.false,))
        case Numeric():
            return build("numeric", _numeric(question, standard, report))
        case Text():
            return build("fill-in", _text(question, syntax, report))
        case Cloze():
            names = tuple(question.blanks)
            fits = _fits(question, len(names), "blanks", report, MAX_FILL_IN)
            return build("fill-in", _cloze(question, syntax, report) if fits else (), fits, names)
        case Matching():
            options = matching_options(question)
            fits = _fits(question, max(len(question.pairs), len(options)), "options", report)
            pairs = [
                f"{ALPHABET[i]}{syntax.pair}{ALPHABET[options.index(p.right)]}"
                for i, p in enumerate(question.pairs[:MAX_IDS])
            ]
            return build(
                "matching", (syntax.items.join(pairs),), fits,
                sources=[p.left for p in question.pairs], targets=options,
            )
        case Ordering():
            n = len(question.items)
            fits = _fits(question, n, "items", report)
            order = syntax.items.join(ALPHABET[:n])
            return build("sequencing", (order,), fits, choices=list(question.items))
        case other:
            assert_never(other)


def _fits(
    question: QuestionType, count: int, what: str, report: Reporter, limit: int = MAX_IDS
) -> bool:
    if count <= limit:
        return True
    report(
        question,
        f"{count} {what} exceed the {limit} an LMS interaction can name: the LMS records "
        "this question's result and score but not the learner's response",
    )
    return False


def _numeric(question: Numeric, standard: Standard, report: Reporter) -> tuple[str, ...]:
    intervals = accepted_intervals(question.answer, question.tolerance, question.range)
    first = intervals[0]
    if len(intervals) > 1:
        report(
            question,
            "an LMS numeric interaction holds one correct range: the range "
            f"{decimal_text(first.low)} to {decimal_text(first.high)} is written, the other "
            "accepted values are graded but not listed",
        )
    if standard == "scorm12":
        # SCORM 1.2 numeric patterns are a single CMIDecimal: the centre of the interval.
        return (decimal_text(first.center),)
    if first.margin == 0:
        return (decimal_text(first.center),)
    return (f"{decimal_text(first.low)}[:]{decimal_text(first.high)}",)


def _text(question: Text, syntax: _Syntax, report: Reporter) -> tuple[str, ...]:
    literals = [syntax.literal(a) for a in question.accept]
    kept = [lit for lit in literals if lit is not None][:MAX_FILL_IN]
    if not kept:
        # With accepted answers listed, a regular expression that also accepts variants
        # loses nothing an LMS report needs; with none listed, the report shows no answer.
        report(
            question,
            "no correct response can be listed (a regular expression, or answers holding a "
            "'[,]'-style delimiter): the LMS records results but shows no correct answer",
        )
    if syntax.standard == "scorm12":
        return tuple(kept)
    case = "true" if question.case_sensitive else "false"
    return tuple(f"{{case_matters={case}}}{lit}" for lit in kept)


def _blank_literal(blank: Blank) -> str | None:
    match blank.blank_kind:
        case "choice":
            return None if blank.answer is None else str(blank.answer)
        case "text":
            return blank.accept[0] if blank.accept else None
        case "numeric":
            value = parse_number(blank.answer)
            return None if value is None else decimal_text(value)
        case other:
            assert_never(other)


def _cloze(question: Cloze, syntax: _Syntax, report: Reporter) -> tuple[str, ...]:
    literals = [_blank_literal(b) for b in question.blanks.values()]
    items = [None if lit is None else syntax.literal(lit, item=True) for lit in literals]
    if any(item is None for item in items):
        report(
            question,
            "a blank answered by a pattern or a range (or by text holding a delimiter) cannot "
            "be written as a correct-response pattern: the blanks are graded, none is listed",
        )
        return ()
    text = syntax.items.join(item for item in items if item is not None)
    if syntax.standard == "scorm12":
        return (text,)
    case = any(b.case_sensitive for b in question.blanks.values() if b.blank_kind == "text")
    return (f"{{case_matters={str(case).lower()}}}{{order_matters=true}}{text}",)
