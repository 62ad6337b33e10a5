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
    plain = _plain_words(problem, context, lines, span, display)
    if plain is not None:
        # The parser's own words stay as a note: they are what a web search finds.
        message, hint, at = plain
        return Diagnostic.of(
            Code.YAML_SYNTAX, message, at, hint=hint, notes=(f"YAML says: {problem}{where}",)
        )
    return Diagnostic.of(Code.YAML_SYNTAX, f"{problem}{where}", span)


_INDENTATION_PROBLEMS = (
    "did not find expected '-' indicator",  # libyaml
    "did not find expected key",  # libyaml
    "expected <block end>",  # the pure-Python parser, for the same two slips
)
_NO_SPACE_AFTER_COLON = re.compile(r"^(\s*(?:- +)?)([A-Za-z_][\w.-]*):(?=[^\s:/])")


def _plain_words(
    problem: str, context: str, lines: list[str], span: Span, display: str
) -> tuple[str, str, Span] | None:
    """(message, hint, where) in an author's words for the everyday slips, or None."""
    line = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
    if problem.startswith(_INDENTATION_PROBLEMS):
        return _indentation(lines, span, display)
    if "could not find expected ':'" in problem:
        slip = _NO_SPACE_AFTER_COLON.match(line)
        if slip:
            key = slip.group(2)
            rest = line[slip.end() :].split(" #")[0].strip()
            column = slip.end() + 1
            return (
                f"'{key}:{rest}' has no space after the colon, so YAML reads the whole line "
                "as text instead of a key and its value",
                f"write '{key}: {rest}'",
                Span(display, span.line, column),
            )
        return (
            "this line is neither 'key: value' nor a list item ('- ...')",
            "add the missing 'key:' or join the line to the value above it",
            span,
        )
    if problem.startswith("found unexpected end of stream") and "quoted scalar" in context:
        quote = line[span.column - 1 : span.column] or '"'
        inside = "as \\\"" if quote == '"' else "by doubling it ('')"
        return (
            f"the quote {quote} that opens here is never closed",
            f"end the value with {quote}; write a {quote} inside the text {inside}",
            span,
        )
    return None


def _indentation(lines: list[str], span: Span, display: str) -> tuple[str, str, Span]:
    """A line indented so that it belongs to no list or mapping above it."""
    line = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
    indent = len(line) - len(line.lstrip(" "))
    here = Span(display, span.line, indent + 1)
    is_item = line.lstrip(" ").startswith("-")
    for number in range(span.line - 1, 0, -1):
        above = lines[number - 1]
        stripped = above.lstrip(" ")
        if not stripped or stripped.startswith("#") or stripped.startswith("-") != is_item:
            continue
        other = len(above) - len(stripped)
        if other == indent:
            continue
        what = "list item" if is_item else "key"
        more = f"{abs(indent - other)} space{'s' if abs(indent - other) > 1 else ''}"
        side = "more" if indent > other else "less"
        name = "item" if is_item else f"'{stripped.split(':', 1)[0]}'"
        return (
            f"this {what} is indented {more} {side} than the {name} on line {number}, "
            f"so it belongs to no {'list' if is_item else 'mapping'} above it",
            "line up its '-' with the other items of its list"
            if is_item
            else "line it up with the other keys of its mapping",
            here,
        )
    return (
        "this line is indented so that it belongs to no list or mapping above it",
        "line it up with the keys or list items it belongs with",
        here,
    )


def reader_diagnostic(err: yaml.reader.ReaderError, text: str, display: str) -> Diagnostic:
    """A character YAML does not allow (NUL, other control characters), where it is."""
    index = max(0, min(err.position, len(text)))
    wanted = chr(err.character) if isinstance(err.character, int) else str(err.character)
    if text[index : index + 1] != wanted:
        # libyaml counts bytes of the UTF-8 text, the pure-Python reader characters.
        index = len(text.encode("utf-8")[: err.position].decode("utf-8", errors="ignore"))
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    code = err.character if isinstance(err.character, int) else ord(str(err.character)[:1] or " ")
    name = "a NUL character (code 0)" if code == 0 else f"the control character U+{code:04X}"
    return Diagnostic.of(
        Code.YAML_SYNTAX,
        f"the file contains {name}, which YAML does not allow",
        Span(display, line, column),
        hint="delete it (most editors show it as a blank or not at all)",
        notes=(f"YAML says: {err.reason}",),
    )


def utf16_name(raw: bytes) -> str | None:
    """"UTF-16" when the bytes are UTF-16 text (a Windows editor's "Unicode"), else None."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = raw[:512]
    # Without a byte-order mark, ASCII text in UTF-16 has a zero byte every other byte.
    if len(head) >= 4 and head.count(0) * 3 >= len(head):
        return "UTF-16"
    return None
