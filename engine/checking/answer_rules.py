"""Rules on how an answer is given: a number (answer, tolerance, range) or typed text (a
pattern and the example answers it must come with). Numeric and text questions and the
blanks of a cloze share them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from engine.diagnostics import Code, Diagnostic
from engine.field_types import LARGEST
from engine.model import Blank, Numeric
from engine.node import Node


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


def pattern_rule(pattern: str | None, node: Node) -> Iterator[Diagnostic]:
    """Problems of the `pattern` of `node` (a text question or a blank), reported at it."""
    if pattern is None:
        return
    problem = _pattern_problem(pattern)
    if problem is None:
        return
    code, message = problem
    # (Spans are looked up only for a problem: see SourceMap.let_go.)
    if code is Code.BAD_PATTERN:
        yield Diagnostic.of(code, message, node.span_of("pattern"))
    else:
        yield Diagnostic.of(
            code, message, node.span_of("pattern"),
            hint="repeat a part that matches in one way only, e.g. '(a+)+' -> 'a+'",
        )


@lru_cache(maxsize=1 << 12)
def _pattern_problem(pattern: str) -> tuple[Code, str] | None:
    """What is wrong with `pattern`, once per distinct pattern and process: reading a
    pattern's structure takes the standard library's parser, and courses repeat them."""
    try:
        re.compile(pattern)
    except re.error as err:
        return Code.BAD_PATTERN, f"pattern is not a valid regular expression: {err}"
    from engine.grading.patterns import slow_pattern_reason  # (with the `regex` module)

    slow = slow_pattern_reason(pattern)
    if slow is not None:
        return Code.SLOW_PATTERN, f"pattern can take forever on some answers: it has {slow}"
    return None


def example_rule(pattern: str | None, accept: list[str], node: Node) -> Iterator[Diagnostic]:
    """A `pattern` of `node` without an example answer among `accept`."""
    if pattern is not None and not accept:
        yield Diagnostic.of(
            Code.PATTERN_WITHOUT_EXAMPLE,
            "a pattern needs at least one example answer in 'accept'",
            node.span_of("pattern"),
            hint="add accept: [<an answer the pattern matches>]",
        )
