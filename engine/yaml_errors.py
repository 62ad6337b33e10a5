"""A YAML syntax error as the author needs it: the right code, place and hint.

PyYAML reports where the parser gave up, which is often not where the author must edit:
an unclosed quote is found at the end of the file, a key indented one space too far
reads as "mapping values are not allowed here". This module turns the parser's marks
into the place and words that lead to the fix.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from engine.diagnostics import Code, Diagnostic
from engine.span import Span


def _span(file: str, mark: Any) -> Span:
    return Span(file, mark.line + 1, mark.column + 1)


_OPENER_CONTEXTS = (
    "while scanning a quoted scalar",
    "while parsing a flow",
    "while scanning a simple key",
)
_KEY_AT_LINE_START = re.compile(r"^(\s*)(- +)?[^\s:#'\"][^:#]*?:(\s|$)")


def syntax_diagnostic(err: yaml.MarkedYAMLError, text: str, display: str) -> Diagnostic:
    context = err.context or ""
    use_context = err.context_mark is not None and context.startswith(_OPENER_CONTEXTS)
    # An unclosed quote or bracket is found at the end of the file; the author must edit
    # where it was opened.
    mark = err.context_mark if use_context else (err.problem_mark or err.context_mark)
    span = _span(display, mark) if mark is not None else Span(display, 1, 1)
    problem = err.problem or "invalid YAML"
    lines = text.splitlines()
    line = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
    if "\t" in problem or "\\t" in problem or (line[: span.column].strip(" ") == "\t"):
        tab = line.find("\t")
        column = tab + 1 if tab >= 0 else span.column
        return Diagnostic.of(
            Code.TAB_INDENT,
            "a tab is used for indentation",
            Span(display, span.line, column),
            hint="indent with spaces",
        )
    if "mapping values are not allowed" in problem:
        key = _KEY_AT_LINE_START.match(line)
        first_colon = line.find(":")
        if key and span.column - 1 == first_colon:
            # The colon ends a key at the start of its line: the key is indented more
            # than the keys around it, so YAML read it as part of the value above.
            column = len(key.group(1)) + len(key.group(2) or "") + 1
            return Diagnostic.of(
                Code.YAML_SYNTAX,
                "this key is indented differently from the keys above it",
                Span(display, span.line, column),
                hint="line it up with the other keys of its mapping",
            )
        value_start = line.find(": ")
        column = value_start + 3 if 0 <= value_start < span.column - 1 else span.column
        return Diagnostic.of(
            Code.UNQUOTED_COLON,
            "this value contains ': ', which YAML reads as the start of a nested mapping",
            Span(display, span.line, column),
            hint="put the whole value in quotes",
        )
    where = f" ({context})" if context else ""
    return Diagnostic.of(Code.YAML_SYNTAX, f"{problem}{where}", span)
