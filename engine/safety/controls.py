"""Control characters: the one definition of what is removed from text or made visible.

ESC starts terminal sequences (`ESC]0;title BEL` retitles the window, `ESC[2J` clears
it), NUL cuts strings short in C libraries and LMS databases, and none of them prints.
Tab and newline are text. A course's own values lose them when loaded (engine.loading.source
reports where), code cell outputs when captured, and diagnostics show them escaped.
"""

from __future__ import annotations

import re
from typing import Any

from engine.span import Span

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 controls but tab and newline, DEL, and the C1 controls."""


def without_controls(text: str) -> str:
    """`text` with every control character (but tab and newline) removed."""
    return CONTROL.sub("", text) if CONTROL.search(text) else text


def visible_controls(text: str) -> str:
    """`text` with every control character (but newline) written as `\\x1b`, for messages."""
    return re.sub(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]",
                  lambda m: f"\\x{ord(m.group(0)):02x}", text)


_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_NAMED_ESCAPES = {"0": 0, "a": 7, "b": 8, "v": 11, "f": 12, "r": 13, "e": 27, "N": 0x85}


def control_escape_span(file: str, text: str, node: Any) -> Span | None:
    """Where the first escape that stands for a control character is in a double-quoted
    YAML scalar (a composed node), or None."""
    start, end = node.start_mark.index, node.end_mark.index
    for match in _ESCAPE.finditer(text, start, end):
        escape = match.group(1)
        code = int(escape[1:], 16) if len(escape) > 1 else _NAMED_ESCAPES.get(escape, 32)
        if CONTROL.match(chr(code)):
            line = text.count("\n", 0, match.start())
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1)
            return Span(file, line + 1, column + 1)
    return None
