"""Regular expressions from authors, matched against learners' answers without hanging.

A backtracking engine (Python's `re`, every browser's) takes exponential time on some
patterns: `(a+)+b` against 45 `a`s does not finish. Three layers keep a quiz responsive:

1. `check` refuses the shapes that backtrack exponentially (`slow_pattern_reason`): a
   repeated part that can itself match one string in several ways (`(a+)+`, `(a|aa)*`,
   `(\\s*\\w+)*`). The JavaScript grader never sees such a pattern.
2. Answers longer than `MAX_ANSWER` characters are not matched (both graders), which
   bounds the polynomial cases (`a*a*a*b`) too.
3. The Python grader matches with the `regex` module's time limit (`MATCH_SECONDS`), so
   a pattern that slips past the check costs a wrong answer, never a hung terminal.

The structural check reads the pattern with the standard library's own parser
(`re._parser`), so it sees exactly the syntax `re` accepts.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

import regex  # type: ignore[import-untyped]

# The standard library's own regular-expression parser (private, without type stubs).
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

MAX_ANSWER = 300
"""Longest typed answer a pattern is matched against (characters)."""

MATCH_SECONDS = 0.25
"""Longest a single pattern match may take in the Python grader."""

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT}
_ANY: frozenset[Any] = frozenset({"any"})


def slow_pattern_reason(pattern: str) -> str | None:
    """Why `pattern` can backtrack exponentially, or None. Invalid patterns give None
    (the `bad-pattern` rule reports them)."""
    try:
        parsed = _parser.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    return _scan(list(parsed))


def _children(op: Any, av: Any) -> list[list[tuple[Any, Any]]]:
    """The sub-patterns of one parsed item (group bodies, branch alternatives...)."""
    if op in _REPEATS or op == getattr(_c, "POSSESSIVE_REPEAT", None):
        return [list(av[2])]
    if op == _c.SUBPATTERN:
        return [list(av[-1])]
    if op == _c.BRANCH:
        return [list(alt) for alt in av[1]]
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [list(av[1])]
    if op == getattr(_c, "ATOMIC_GROUP", None):
        return [list(av)]
    if op == _c.GROUPREF_EXISTS:
        return [list(p) for p in av[1:] if p is not None]
    return []


def _scan(items: list[tuple[Any, Any]]) -> str | None:
    """The reason of the first repetition in `items` (at any depth) that can backtrack
    exponentially.

    A repeated body is dangerous when one string splits into its iterations in many ways:
    it holds a part of varying length (`a+`, `a?`, `(a|aa)`) and no required part that
    the varying parts cannot match (the `,` of `([a-z]+,)*` tells where each iteration
    ends; nothing does in `(a+)+` or `(\\s*\\w+)*`).
    """
    for op, av in items:
        if op in _REPEATS and av[1] > 1:
            body = _unwrap(list(av[2]))
            if any((item[0] == _c.IN and _ambiguous_set(item[1]))
                   or (item[0] == _c.BRANCH and _repeated_alternative(item[1][1]))
                   for item in body):
                # `(a|a)*` and `(\\w|\\d)+` become one character set here, but a
                # JavaScript engine tries each alternative: exponential in the browser.
                return ("a repeated choice between alternatives that match the same "
                        "character (such as '(a|a)*' or '(\\w|\\d)+')")
            varying = [item for item in body if _varies([item])]
            if varying:
                reach = frozenset().union(*(_chars([item]) for item in varying))
                fixed = [_chars([item]) for item in body if item not in varying
                         and _width([item])[0] > 0]
                if not any(_disjoint(chars, reach) for chars in fixed):
                    return ("a repetition of a part that can itself match in several ways "
                            "(such as '(a+)+' or '(a|aa)*')")
        for sub in _children(op, av):
            found = _scan(sub)
            if found is not None:
                return found
    return None


def _disjoint(one: frozenset[Any], other: frozenset[Any]) -> bool:
    return not (one & other) and "any" not in one and "any" not in other


def _varies(items: list[tuple[Any, Any]]) -> bool:
    """Whether a sub-pattern can match strings of more than one length."""
    low, high = _width(items)
    return low != high


def _width(items: list[tuple[Any, Any]]) -> tuple[int, int]:
    try:
        parsed = _parser.SubPattern(_parser.State(), items)
        low, high = parsed.getwidth()
        return int(low), int(high)
    except Exception:  # an unusual item: assume the worst
        return 0, 1 << 30


def _unwrap(body: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    while len(body) == 1 and body[0][0] == _c.SUBPATTERN:
        body = list(body[0][1][-1])
    return body


_DIGITS = frozenset(map(ord, "0123456789"))
_SPACES = frozenset(map(ord, " \t\n\r\f\v"))


def _chars(items: list[tuple[Any, Any]]) -> frozenset[Any]:
    """Every character a sub-pattern can match (case folded), or {"any"} for wide sets."""
    found: set[Any] = set()
    for op, av in items:
        if op == _c.LITERAL:
            found |= _set_chars([(op, av)])
        elif op == _c.IN:
            found |= _set_chars(av)
        elif op == _c.AT:
            continue
        elif op in _REPEATS or op in (_c.SUBPATTERN, _c.BRANCH) or (
            op == getattr(_c, "POSSESSIVE_REPEAT", None)
        ):
            for sub in _children(op, av):
                found |= _chars(sub)
        else:  # any character, a back reference, a negated literal...
            return _ANY
    return frozenset(found)


def _repeated_alternative(alternatives: Any) -> bool:
    """Whether two alternatives are the same (after `re` moved a common prefix out)."""
    seen: list[Any] = []
    for alternative in alternatives:
        if list(alternative) in seen:
            return True
        seen.append(list(alternative))
    return False


def _ambiguous_set(members: Any) -> bool:
    """Whether two members of a character set can match the same character."""
    parts: list[frozenset[Any]] = []
    for member in members:
        op, av = member
        if op == _c.NEGATE:
            return False  # `[^...]`: one set, no alternatives
        if op == _c.CATEGORY and av == _c.CATEGORY_WORD:
            parts.append(frozenset({"word"}))
        else:
            parts.append(_set_chars([member], fold=False))
    for i, one in enumerate(parts):
        for other in parts[i + 1 :]:
            if _overlap(one, other):
                return True
    return False


def _overlap(one: frozenset[Any], other: frozenset[Any]) -> bool:
    if "any" in one or "any" in other:
        return bool(one and other)
    if "word" in one or "word" in other:
        rest = (other if "word" in one else one) - {"word"}
        return "word" in (one & other) or any(
            chr(code).isalnum() or chr(code) == "_" for code in rest
        )
    return bool(one & other)


def _set_chars(members: Any, fold: bool = True) -> frozenset[Any]:
    found: set[Any] = set()

    def add(code: int) -> None:
        found.add(code)
        if fold:  # graders ignore case unless the question is case-sensitive
            found.update((ord(chr(code).lower()[0]), ord(chr(code).upper()[0])))

    for op, av in members:
        if op == _c.NEGATE:
            return _ANY
        if op == _c.LITERAL:
            add(av)
        elif op == _c.RANGE and av[1] - av[0] < 256:
            for code in range(av[0], av[1] + 1):
                add(code)
        elif op == _c.CATEGORY and av == _c.CATEGORY_DIGIT:
            found |= _DIGITS
        elif op == _c.CATEGORY and av == _c.CATEGORY_SPACE:
            found |= _SPACES
        else:
            return _ANY
    return frozenset(found)


def pattern_matches(pattern: str, answer: str, ignore_case: bool) -> bool:
    """Whether `answer` matches all of `pattern`, within the length and time limits."""
    if len(answer) > MAX_ANSWER:
        return False
    flags = regex.VERSION0 | (regex.IGNORECASE if ignore_case else 0)
    try:
        return regex.fullmatch(pattern, answer, flags, timeout=MATCH_SECONDS) is not None
    except (regex.error, TimeoutError):
        return False
