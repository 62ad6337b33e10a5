"""Rules on how an answer is given: a number (answer, tolerance, range) or typed text (a
pattern and the example answers it must come with). Numeric and text questions and the
blanks of a cloze share them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.diagnostics import Code, Diagnostic
from engine.field_types import LARGEST
from engine.grading.patterns import slow_pattern_reason
from engine.model import Blank, Numeric
from engine.span import Span


def number_rules(
    answer: float | str | None,
    tolerance: float | str | None,
    bounds: tuple[float, float] | None,
    node: Numeric | Blank,
) -> Iterator[Diagnostic]:
    if answer is None and bounds is None:
        yield Diagnostic.of(Code.NO_ANSWER, "a numeric answer needs 'answer' or 'range'", node.span)
    if isinstance(tolerance, float | int) and abs(tolerance) > LARGEST:
        # Checked here, not by the schema: a union's error would call 1e308 "not a number".
        yield Diagnostic.of(
            Code.INVALID_VALUE,
            f"tolerance {tolerance:g} is too large; use a number between -1e100 and 1e100",
            node.span_of("tolerance"),
        )
    if isinstance(tolerance, float | int) and tolerance < 0:
        yield Diagnostic.of(
            Code.NEGATIVE_TOLERANCE,
            f"tolerance {tolerance:g} is negative",
            node.span_of("tolerance"),
        )
    if bounds is not None and bounds[0] > bounds[1]:
        yield Diagnostic.of(
            Code.BAD_RANGE,
            f"range [{bounds[0]:g}, {bounds[1]:g}] has its minimum above its maximum",
            node.span_of("range"),
        )


def pattern_rule(pattern: str | None, span: Span | None) -> Iterator[Diagnostic]:
    if pattern is None:
        return
    try:
        re.compile(pattern)
    except re.error as err:
        yield Diagnostic.of(
            Code.BAD_PATTERN, f"pattern is not a valid regular expression: {err}", span
        )
        return
    slow = slow_pattern_reason(pattern)
    if slow is not None:
        yield Diagnostic.of(
            Code.SLOW_PATTERN,
            f"pattern can take forever on some answers: it has {slow}",
            span,
            hint="repeat a part that matches in one way only, e.g. '(a+)+' -> 'a+'",
        )


def example_rule(
    pattern: str | None, accept: list[str], span: Span | None
) -> Iterator[Diagnostic]:
    if pattern is not None and not accept:
        yield Diagnostic.of(
            Code.PATTERN_WITHOUT_EXAMPLE,
            "a pattern needs at least one example answer in 'accept'",
            span,
            hint="add accept: [<an answer the pattern matches>]",
        )
