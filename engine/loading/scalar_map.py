"""Where a character of a YAML scalar's value is in the file.

A problem inside a value (a link target in Markdown, a syntax error in a code cell) is
found at an offset of the value, but the author edits the file, where the value may be
indented (`|`), quoted with escapes (`"a\\nb"`, `'it''s'`) or folded over several lines.
This module replays how YAML turned the written characters into the value, keeping the
file position of each one, and checks the replay against the value the parser produced:
when they differ (a construct not replayed here, such as folded `>` text), there is no
answer and the caller keeps its coarser position.

Only called for values that hold a problem, so it costs nothing on a clean course.
"""

from __future__ import annotations

import yaml
from pydantic import BaseModel

from engine.loading.source_map import Path_, SourceMap
from engine.span import Span

_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
    "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def value_offset_span(smap: SourceMap, path: Path_, offset: int) -> Span | None:
    """The file position of character `offset` of the scalar at `path`, or None."""
    node = smap.value_nodes.get(path)
    if not isinstance(node, yaml.ScalarNode) or offset < 0:
        return None
    positions = scalar_positions(smap.text, node)
    if positions is None or offset >= len(positions):
        return None
    return position_span(smap.file, smap.text, positions[offset])


def position_span(file: str, text: str, index: int) -> Span:
    """The 1-based line and column of character `index` of `text`."""
    line_start = text.rfind("\n", 0, index) + 1
    return Span(file, text.count("\n", 0, index) + 1, index - line_start + 1)


def scalar_positions(text: str, node: yaml.ScalarNode) -> list[int] | None:
    """For each character of `node.value`, its index in `text`; None when not replayable."""
    style = node.style or ""
    start, end = node.start_mark.index, node.end_mark.index
    if style == "|":
        chars, positions = _literal(text, start, end)
    elif style in ("'", '"'):
        chars, positions = _flow(text, start + 1, end - 1, style)
    elif style == "":
        chars, positions = _flow(text, start, end, style)
    else:
        return None  # folded `>`: its line rules are not replayed
    value = node.value
    if "".join(chars[: len(value)]) != value or len(chars) < len(value):
        return None
    return positions[: len(value)]


def _literal(text: str, start: int, end: int) -> tuple[list[str], list[int]]:
    """A `|` block: every content line minus the block's indentation, breaks kept."""
    header_end = text.find("\n", start)
    if header_end < 0:
        return [], []
    header = text[start:header_end].split("#", 1)[0]
    explicit = next((int(c) for c in header if c.isdigit()), 0)
    lines_start = header_end + 1
    body = text[lines_start:end]
    indent = 0
    if explicit:
        parent = text.rfind("\n", 0, start) + 1
        indent = len(text[parent:start]) - len(text[parent:start].lstrip(" ")) + explicit
    else:
        for line in body.split("\n"):
            if line.strip():
                indent = len(line) - len(line.lstrip(" "))
                break
    chars: list[str] = []
    positions: list[int] = []
    at = lines_start
    for line in body.split("\n"):
        content = line[indent:] if len(line) > indent else ""
        for i, char in enumerate(content):
            chars.append(char)
            positions.append(at + indent + i)
        chars.append("\n")
        positions.append(at + len(line))
        at += len(line) + 1
    return chars, positions


def _flow(text: str, start: int, end: int, style: str) -> tuple[list[str], list[int]]:
    """A plain or quoted scalar: escapes decoded, line breaks folded as YAML folds them."""
    chars: list[str] = []
    positions: list[int] = []
    i = start
    while i < end:
        char = text[i]
        if char in "\r\n":
            # Trailing blanks before a break are dropped; the break becomes a space, or
            # one newline per empty line that follows; leading blanks are dropped.
            while chars and chars[-1] in " \t" and positions[-1] >= start:
                if style == '"' and _escaped(text, positions[-1]):
                    break
                chars.pop()
                positions.pop()
            breaks, i = _skip_breaks(text, i, end)
            if breaks > 1:
                chars.extend("\n" * (breaks - 1))
                positions.extend([i - 1] * (breaks - 1))
            else:
                chars.append(" ")
                positions.append(i - 1)
            continue
        if style == "'" and char == "'" and text[i + 1 : i + 2] == "'":
            chars.append("'")
            positions.append(i)
            i += 2
            continue
        if style == '"' and char == "\\":
            decoded, width = _escape(text, i, end)
            if decoded is None:
                # An escaped line break joins the lines without a space.
                _, i = _skip_breaks(text, i + 1, end)
                continue
            chars.append(decoded)
            positions.append(i)
            i += width
            continue
        chars.append(char)
        positions.append(i)
        i += 1
    return chars, positions


def _escaped(text: str, index: int) -> bool:
    return index > 0 and text[index - 1] == "\\"


def _skip_breaks(text: str, i: int, end: int) -> tuple[int, int]:
    """From a line break: how many breaks follow (blank lines included), and where the
    next line's text starts."""
    breaks = 0
    while i < end:
        if text[i] == "\r" and text[i + 1 : i + 2] == "\n":
            i += 1
        if text[i] in "\r\n":
            breaks += 1
            i += 1
            while i < end and text[i] in " \t":
                i += 1
            continue
        break
    return breaks, i


def _escape(text: str, i: int, end: int) -> tuple[str | None, int]:
    """The character a `\\` escape at `i` stands for and its width; None for a line break."""
    code = text[i + 1 : i + 2]
    if code in ("\n", "\r"):
        return None, 1
    if code in _ESCAPES:
        return _ESCAPES[code], 2
    digits = _HEX_ESCAPES.get(code)
    if digits:
        try:
            return chr(int(text[i + 2 : i + 2 + digits], 16)), 2 + digits
        except ValueError:
            pass
    return "\\", 1  # not a valid escape: the parser refused the file before we get here


def text_position_span(node: BaseModel, field: str, line: int, column: int) -> Span | None:
    """The file position of 1-based `line`:`column` of the text in `node.field`, or None."""
    from engine.node import source_of

    src = source_of(node)
    text = getattr(node, field, None)
    if src is None or not isinstance(text, str) or line < 1 or column < 1:
        return None
    lines = text.split("\n")
    if line > len(lines):
        return None
    offset = sum(len(before) + 1 for before in lines[: line - 1]) + column - 1
    smap, path = src
    return value_offset_span(smap, (*path, field), offset)


def text_offset_span(base: Span | None, style_block: bool, text: str, offset: int) -> Span | None:
    """The span of the character at `offset` in a scalar whose value starts at `base`.

    Exact for block scalars (`|`), where text lines are file lines; for one-line scalars
    the column is shifted by the offset.
    """
    if base is None:
        return None
    before = text[:offset]
    line = before.count("\n")
    if line == 0:
        return Span(base.file, base.line, base.column + offset)
    column = offset - before.rfind("\n")
    if style_block:
        return Span(base.file, base.line + line, base.column + column - 1)
    return Span(base.file, base.line + line, 1)
