"""Rules of cloze questions: every [[marker]] has its blank and every blank its marker,
markers written with spaces, formulas cut by a blank, and each blank's own answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.checking.answer_rules import example_rule, number_rules, pattern_rule
from engine.checking.markdown_rules import span_at
from engine.diagnostics import Code, Diagnostic
from engine.field_types import MARKER
from engine.loading.scalar_map import text_offset_span, value_offset_span
from engine.model import Blank, Cloze
from engine.node import source_of
from engine.span import Span


def cloze_rules(q: Cloze) -> Iterator[Diagnostic]:
    markers = {m.group(1): m.start() for m in MARKER.finditer(q.prompt)}
    for name, offset in markers.items():
        if name not in q.blanks:
            from engine.diagnostics import did_you_mean

            guess = did_you_mean(name, list(q.blanks))
            yield Diagnostic.of(
                Code.MARKER_WITHOUT_BLANK,
                f"marker [[{name}]] has no entry in 'blanks'",
                _marker_span(q, offset),
                hint=f"did you mean '{guess}'?" if guess else None,
            )
    yield from _formula_rules(q)
    spaced: dict[str, Span | None] = {}
    if "[[" in q.prompt:
        for match in _SPACED_MARKER.finditer(q.prompt):
            at = _marker_span(q, match.start())
            spaced.setdefault(match.group(1), at)
            yield Diagnostic.of(
                Code.MARKER_SPACES,
                f"'{match.group(0)}' has spaces inside the brackets, so it is shown as "
                "text, not as a blank",
                at,
                hint=f"write [[{match.group(1)}]]",
            )
    for name, blank in q.blanks.items():
        if name not in markers:
            near = spaced.get(name)
            yield Diagnostic.of(
                Code.BLANK_WITHOUT_MARKER,
                f"blank '{name}' has no [[{name}]] marker in the prompt",
                span_at(q, "blanks", name, key=True),
                hint=(
                    f"the prompt has it with spaces"
                    f"{f' on line {near.line}' if near else ''}: write [[{name}]]"
                )
                if name in spaced
                else None,
            )
        yield from _blank_rules(name, blank)


def _formula_rules(q: Cloze) -> Iterator[Diagnostic]:
    """Each formula piece next to a blank must typeset alone (see engine.text.cloze_math)."""
    if "$" not in q.prompt:
        return
    from engine.text.cloze_math import math_pieces

    pieces = math_pieces(q.prompt)
    if not pieces:
        return
    from engine.text.mathml import latex_to_mathml  # (only where a piece is typeset)

    for piece in pieces:
        if 'class="math-error"' in latex_to_mathml(piece, False):
            marker = MARKER.search(q.prompt)
            offset = marker.start() if marker else 0
            yield Diagnostic.of(
                Code.BLANK_IN_FORMULA,
                f"the formula around a blank cannot be cut there: ${piece}$ does not "
                "typeset on its own",
                _marker_span(q, offset),
                hint="put the blank outside the formula, or cut the formula where each "
                "piece is whole",
            )
            return


_SPACED_MARKER = re.compile(r"\[\[(?=[^\]]*\s)\s*([A-Za-z0-9_-]+)\s*\]\]")
"""`[[ name ]]`, `[[name ]]`: meant as a marker, but MARKER allows no spaces."""


def _marker_span(q: Cloze, offset: int) -> Span | None:
    """Where a marker is: mapped through the prompt's quoting and indentation; failing
    that, exact in a `|` block and column-shifted in a one-line prompt."""
    # (Looked up only for a marker that is reported: see SourceMap.let_go.)
    span = q.span_of("prompt")
    if span is None:
        return None
    src = source_of(q)
    if src is not None:
        exact = value_offset_span(src[0], (*src[1], "prompt"), offset)
        if exact is not None:
            return exact
    own = q.span_of("id")
    block = bool(own and span.line > own.line and "\n" in q.prompt)
    quoted = False
    if src is not None and not block:
        lines = src[0].text.splitlines()
        line = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
        quoted = line[span.column - 1 : span.column] in ("'", '"')
    return text_offset_span(span, block, q.prompt, offset + (1 if quoted else 0))


def _blank_rules(name: str, blank: Blank) -> Iterator[Diagnostic]:
    typed = bool(blank.accept or blank.pattern is not None)
    numeric = blank.tolerance is not None or blank.range is not None
    if sum((bool(blank.choices), typed, numeric)) > 1:
        yield Diagnostic.of(
            Code.BAD_BLANK,
            f"blank '{name}' mixes choices, typed answers and numbers; give one kind",
            blank.span,
        )
        return
    match blank.blank_kind:
        case "choice":
            if blank.answer is None:
                yield Diagnostic.of(
                    Code.BAD_BLANK, f"blank '{name}' has choices but no 'answer'", blank.span
                )
            elif blank.answer not in blank.choices:
                yield Diagnostic.of(
                    Code.BAD_BLANK,
                    f"answer '{blank.answer}' of blank '{name}' is not one of its choices",
                    blank.span_of("answer"),
                )
        case "text":
            yield from pattern_rule(blank.pattern, blank)
            yield from example_rule(blank.pattern, blank.accept, blank)
        case "numeric":
            from engine.grading.score import parse_number

            if blank.answer is not None and parse_number(blank.answer) is None:
                yield Diagnostic.of(
                    Code.BAD_BLANK,
                    f"answer '{blank.answer}' of blank '{name}' is not a number",
                    blank.span_of("answer"),
                    hint="give 'accept: [...]' for a typed text answer",
                )
            yield from number_rules(blank.answer, blank.tolerance, blank.range, blank)
