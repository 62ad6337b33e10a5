"""Control characters: the one definition of what is removed from text or made visible.

ESC starts terminal sequences (`ESC]0;title BEL` retitles the window, `ESC[2J` clears
it), NUL cuts strings short in C libraries and LMS databases, and none of them prints.
Tab and newline are text. A course's own values lose them when loaded (engine.source
reports where), code cell outputs when captured, and diagnostics show them escaped.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 controls but tab and newline, DEL, and the C1 controls."""


def without_controls(text: str) -> str:
    """`text` with every control character (but tab and newline) removed."""
    return CONTROL.sub("", text) if CONTROL.search(text) else text


def visible_controls(text: str) -> str:
    """`text` with every control character (but newline) written as `\\x1b`, for messages."""
    return re.sub(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]",
                  lambda m: f"\\x{ord(m.group(0)):02x}", text)
