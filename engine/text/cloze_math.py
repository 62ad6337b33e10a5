"""Cloze blanks inside formulas: the math around a blank, as pieces that typeset alone.

An author who puts a blank into a formula writes either `$h_t = $ [[act]] $(x)$`
(the formula cut at the blank) or `$h_t = [[act]](x)$` (the blank inside it). Neither
typesets as written: a `$...$` span may not start or end with a space (so "costs $5 and
$10" stays text), and a form control cannot sit inside MathML. So each formula that
touches a blank is cut at the blank into pieces written tight (`$h_t =$ [[act]]
$(x)$`); every piece is then typeset on its own, with the control between them.

A piece must be valid TeX by itself: `$\\frac{1}{[[d]]}$` cannot be cut, and
`lessonkit check` says so (see `untypesettable_pieces`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from engine.field_types import MARKER
from engine.text.mathtext import to_unicode

_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)((?:\\.|[^$\\])+?)\$(?!\$)")
"""One `$...$` span (not `$$`); a backslash-escaped dollar does not open or close it."""
_MARKER_AT_END = re.compile(MARKER.pattern + r"[ \t]*\Z")
_MARKER_AT_START = re.compile(r"[ \t]*" + MARKER.pattern)


def tighten_math_around_markers(prompt: str) -> str:
    """The prompt with every formula that touches a `[[name]]` marker cut at the marker.

    Formulas that touch no marker are left exactly as written.
    """
    out: list[str] = []
    last = 0
    for match in _INLINE_MATH.finditer(prompt):
        start, end = match.span()
        body = match.group(1)
        before = prompt[last:start]
        touches = (
            MARKER.search(body) is not None
            or _ends_with_marker(before)
            or _starts_with_marker(prompt[end:])
        )
        out.append(before)
        out.append(_cut(body) if touches else match.group(0))
        last = end
    out.append(prompt[last:])
    return "".join(out)


def math_pieces(prompt: str) -> list[str]:
    """The TeX of each formula piece next to or around a blank, after cutting."""
    tightened = tighten_math_around_markers(prompt)
    pieces = []
    for match in _INLINE_MATH.finditer(tightened):
        body = match.group(1)
        before = tightened[: match.start()]
        after = tightened[match.end():]
        if _ends_with_marker(before) or _starts_with_marker(after):
            pieces.append(body)
    return pieces


_BARE_TEX = re.compile(r"[_^][A-Za-z0-9{]|\\[A-Za-z]")
"""A choice written as TeX without dollars, `W_hh` or `h_{t-1}` or `\\tanh`."""


_SCRIPT_RUN = re.compile(r"([_^])([A-Za-z0-9]+)")


@lru_cache(maxsize=1 << 12)
def option_label(choice: str) -> str:
    """How a drop-down shows a choice: an `<option>` holds text only, so math is Unicode.
    Once per distinct choice and process: a course repeats its drop-downs.

    `$W_{hh}$`, and TeX written without dollars (`W_hh`, `h_{t-1}`), read as `Wₕₕ` and
    `hₜ₋₁`; the value graded stays the choice as written.
    """
    if "$" in choice:
        return _INLINE_MATH.sub(lambda m: to_unicode(m.group(1)), choice)
    if _BARE_TEX.search(choice):
        # Written without dollars, `W_hh` means W with the subscript hh (TeX would
        # subscript one letter only).
        return to_unicode(_SCRIPT_RUN.sub(r"\1{\2}", choice))
    return choice


def _cut(body: str) -> str:
    parts = MARKER.split(body)  # text, name, text, name, ..., text
    written = []
    for i, part in enumerate(parts):
        if i % 2:
            written.append(f"[[{part}]]")
        elif part.strip():
            written.append(f"${part.strip()}$")
    return " ".join(written)


def _ends_with_marker(text: str) -> bool:
    return _MARKER_AT_END.search(text) is not None


def _starts_with_marker(text: str) -> bool:
    return _MARKER_AT_START.match(text) is not None
