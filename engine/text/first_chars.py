"""Which characters a match of a regular expression can begin with.

`first_char_test` reads a pattern's parse tree (Python's own parser, `re._parser`) and
makes a test that is true of every character a match can begin with. It may also be true
of characters no match begins with, never the other way round: where a part of the
pattern is not understood here (a backreference, flags scoped to a group), or where the
pattern can match the empty string, there is no test and any character may begin a
match. The test is itself a pattern, of the one-character pieces that can come first,
compiled with the pattern's flags, so that case-folding is the regex engine's own.

engine/text/fast_lexing.py uses it to try, at each position, only the lexer rules that
can match the character found there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

CharTest = Callable[[str], Any]
"""True (a match object) for a character a match may begin with."""

_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W",
}
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_KEPT_FLAGS = re.IGNORECASE | re.ASCII | re.UNICODE
"""The flags that change which character a one-character piece matches."""

Pieces = list[str] | None
"""One-character patterns, one of which the first character matches; None: any character."""


def first_char_test(pattern: str, flags: int) -> CharTest | None:
    """A test true of every character a match of `pattern` (compiled with `flags`) can
    begin with, or None when any character may begin one."""
    try:
        parsed = sre_parse.parse(pattern, flags)
    except (re.error, RecursionError, OverflowError):
        return None
    pieces, empty = _sequence(list(parsed))
    if pieces is None or empty:
        return None
    if not pieces:
        return lambda _char: False  # matches nothing at all
    return re.compile("|".join(pieces), parsed.state.flags & _KEPT_FLAGS).match


def _sequence(items: list[tuple[Any, Any]]) -> tuple[Pieces, bool]:
    """The pieces that can begin a match of `items` in a row, and whether they can all
    match the empty string."""
    pieces: list[str] = []
    for op, av in items:
        first, empty = _item(op, av)
        if first is None:
            return None, False
        pieces += first
        if not empty:
            return pieces, False
    return pieces, True


def _item(op: Any, av: Any) -> tuple[Pieces, bool]:
    if op is sre.LITERAL:
        return [re.escape(chr(av))], False
    if op is sre.NOT_LITERAL:
        return [f"[^{re.escape(chr(av))}]"], False
    if op is sre.IN:
        piece = _class(av)
        return ([piece] if piece is not None else None), False
    if op is sre.BRANCH:
        pieces: list[str] = []
        empty = False
        for branch in av[1]:
            first, branch_empty = _sequence(list(branch))
            if first is None:
                return None, False
            pieces += first
            empty = empty or branch_empty
        return pieces, empty
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, body = av
        if add_flags or del_flags:
            return None, False  # flags of its own: not followed here
        return _sequence(list(body))
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _sequence(list(av))
    if op in _REPEATS:
        least, _most, body = av
        first, empty = _sequence(list(body))
        return first, (empty or least == 0)
    if op in _ZERO_WIDTH:
        return [], True  # an anchor or a lookaround: what follows begins the match
    return None, False  # ANY, a backreference, a conditional group...


def _class(items: list[tuple[Any, Any]]) -> str | None:
    """A character class `[...]` as a pattern again, or None if a part is not understood."""
    parts = []
    negate = False
    for op, av in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            parts.append(re.escape(chr(av)))
        elif op is sre.RANGE:
            parts.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is sre.CATEGORY and av in _CATEGORIES:
            parts.append(_CATEGORIES[av])
        else:
            return None
    if not parts:
        return None
    return f"[{'^' if negate else ''}{''.join(parts)}]"
