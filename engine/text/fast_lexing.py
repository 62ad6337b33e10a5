"""Pygments' regex lexers, with the rules of each state tried as one pattern.

A Pygments `RegexLexer` finds each token by trying the rules of the current state one by
one, from Python, until one matches where the text is: some thirty calls into the regex
engine for each token of Python code. Highlighting was the largest cost of building a
site of distinct chapters (43 % of the CPU time at 1000 chapters), and most of it that
loop.

Here the rules of a state are joined into one alternation, each rule a named group.
Python's `re` tries the branches of an alternation in order and takes the first that
matches, which is what the lexer's loop does, so the match is the same; the group that
matched names the rule. And a branch is only there for the characters a match of its
rule can begin with (engine/text/first_chars.py): the alternation tried where the text
has a `#` holds the comment rule and the few others that can start with one. A rule
whose action needs the match's own groups (`bygroups`, `using`) is matched once more
with its own pattern, so that its group numbers are its own. The rest of the loop
(actions, state changes, the fallbacks at an unmatched character) is Pygments' own,
copied from `RegexLexer.get_tokens_unprocessed`.

On the 13,353 files of the standard library the Python lexer took 33.7 s instead of
150.8 (4.5 times faster), 1.16 ms instead of 2.27 for a cell of the sample course, with
the same tokens for every file; joining alone, without the choice by character, gained
a tenth.

A state keeps the one-by-one loop where a rule could not be joined: a backreference or
a conditional group (they count groups, which joining renumbers), a name used by two
rules' groups, or flags a branch cannot carry. A lexer whose class has a loop of its own
(`ExtendedRegexLexer`, hand-written lexers) is left as it is.

`tests/engine/text/test_fast_lexing.py` compares the tokens with Pygments' own on every
code cell of the sample course and on files of the standard library, lexed as Python and
as other languages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

from pygments.lexer import Lexer, RegexLexer
from pygments.token import Error, Whitespace, _TokenType

from engine.text.first_chars import CharTest, first_char_test

_COUNTS_GROUPS = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
"""A backreference or a conditional group: joined with other rules, the group numbers
they use would point elsewhere."""
_LEADING_FLAGS = re.compile(r"^(?:\(\?[aiLmsux]+\))+")
_SCOPED_FLAGS = {re.IGNORECASE: "i", re.MULTILINE: "m", re.DOTALL: "s", re.VERBOSE: "x"}
_JOINED_FLAGS = re.MULTILINE | re.UNICODE
"""The flags of the joined pattern; a rule compiled with others gets them as scoped
flags on its branch."""

Rule = tuple[Callable[..., Any], Any, Any]
"""A processed rule of a Pygments lexer: the pattern's `match`, the action, the new state."""
Matcher = tuple[Callable[[str, int], "re.Match[str] | None"], dict[str, int]] | None
"""A joined pattern's `match`, and the rule index of each branch's group name; None where
no rule can match."""


class JoinedState:
    """The rules of one state, joined: for each character, the alternation of the rules
    a match can begin with it (engine/text/first_chars.py), in their order, made when the
    character is first met in this state."""

    def __init__(self, branches: list[str], tests: list[CharTest | None]) -> None:
        self.branches = branches
        self.tests = tests
        self.names = {f"_r{n}": n for n in range(len(branches))}
        self.every_rule = self._joined(tuple(range(len(branches))))
        self.by_char: dict[str, Matcher] = {"": self.every_rule}
        self.by_rules: dict[tuple[int, ...], Matcher] = {}

    def matcher(self, char: str) -> Matcher:
        """The joined pattern of the rules that may match where `char` is."""
        if char in self.by_char:
            return self.by_char[char]
        rules = tuple(n for n, test in enumerate(self.tests) if test is None or test(char))
        if rules not in self.by_rules:
            self.by_rules[rules] = self._joined(rules) if rules else None
        found = self.by_char[char] = self.by_rules[rules]
        return found

    def _joined(self, rules: tuple[int, ...]) -> Matcher:
        pattern = re.compile("|".join(self.branches[n] for n in rules), _JOINED_FLAGS)
        return pattern.match, self.names


def faster(lexer: Lexer) -> Lexer:
    """`lexer`, lexing with joined patterns where it is a plain `RegexLexer` (the same
    instance, changed; an instance of another kind is returned unchanged)."""
    if not isinstance(lexer, RegexLexer) or (
            type(lexer).get_tokens_unprocessed is not RegexLexer.get_tokens_unprocessed):
        return lexer
    joined = joined_states(_tokendefs(lexer))
    # Instance attribute: Lexer.get_tokens, and `using(this)` actions, call it by name.
    lexer.get_tokens_unprocessed = partial(_lex, lexer, joined)  # type: ignore[method-assign]
    return lexer


def joined_states(tokendefs: dict[str, Sequence[Rule]]) -> dict[str, JoinedState]:
    """The joined rules of every state whose rules can be joined."""
    joined: dict[str, JoinedState] = {}
    for state, rules in tokendefs.items():
        branches = [_branch(rule, n) for n, rule in enumerate(rules)]
        if not branches or any(b is None for b in branches):
            continue
        try:
            joined[state] = JoinedState(
                list(map(str, branches)),
                [first_char_test(_pattern(rule).pattern, _pattern(rule).flags)
                 for rule in rules])
        except re.error:
            continue  # two rules naming a group alike, flags a branch cannot scope...
    return joined


def _pattern(rule: Rule) -> Any:
    """The compiled pattern of `rule` (its `match` is the pattern's bound method)."""
    return getattr(rule[0], "__self__", None)


def _branch(rule: Rule, n: int) -> str | None:
    """Rule `n`'s pattern as a branch of its state's alternation, or None if it cannot be one."""
    compiled = _pattern(rule)
    if not isinstance(compiled, re.Pattern) or not isinstance(compiled.pattern, str):
        return None
    if compiled.flags & (re.ASCII | re.LOCALE) or _COUNTS_GROUPS.search(compiled.pattern):
        return None
    flags = compiled.flags
    add = "".join(c for f, c in _SCOPED_FLAGS.items() if flags & f and not _JOINED_FLAGS & f)
    drop = "".join(c for f, c in _SCOPED_FLAGS.items() if _JOINED_FLAGS & f and not flags & f)
    # Flags written at the start of the pattern are in `flags` already.
    body = _LEADING_FLAGS.sub("", compiled.pattern)
    if add or drop:
        body = f"(?{add}{'-' + drop if drop else ''}:{body})"
    return f"(?P<_r{n}>{body})"


def _tokendefs(lexer: RegexLexer) -> dict[str, Sequence[Rule]]:
    """The processed rules of `lexer`, by state (made by its class when first used)."""
    tokendefs: dict[str, Sequence[Rule]] = lexer._tokens  # type: ignore[attr-defined]
    return tokendefs


def _lex(
    lexer: RegexLexer, joined: dict[str, JoinedState], text: str,
    stack: Sequence[str] = ("root",),
) -> Iterator[tuple[int, Any, str]]:
    """`RegexLexer.get_tokens_unprocessed`, finding each state's rule with its joined
    pattern where it has one."""
    pos = 0
    tokendefs = _tokendefs(lexer)
    statestack = list(stack)
    statetokens = tokendefs[statestack[-1]]
    state_joined = joined.get(statestack[-1])
    while True:
        rule: Rule | None = None
        m: Any = None
        if state_joined is not None:
            char = text[pos:pos + 1]
            by_char = state_joined.by_char
            matcher = by_char[char] if char in by_char else state_joined.matcher(char)
            m = matcher[0](text, pos) if matcher is not None else None
            if m is not None:
                rule = statetokens[matcher[1][m.lastgroup]]  # type: ignore[index]
        else:
            for candidate in statetokens:
                m = candidate[0](text, pos)
                if m:
                    rule = candidate
                    break
        if rule is not None:
            rexmatch, action, new_state = rule
            if action is not None:
                if type(action) is _TokenType:
                    yield pos, action, m.group()
                else:
                    if state_joined is not None:
                        m = rexmatch(text, pos)  # the rule's own groups, for its action
                    yield from action(lexer, m)
            pos = m.end()
            if new_state is not None:
                _change_state(statestack, new_state)
                statetokens = tokendefs[statestack[-1]]
                state_joined = joined.get(statestack[-1])
            continue
        # No rule matched here.
        try:
            if text[pos] == "\n":
                # at EOL, reset state to "root"
                statestack = ["root"]
                statetokens = tokendefs["root"]
                state_joined = joined.get("root")
                yield pos, Whitespace, "\n"
                pos += 1
                continue
            yield pos, Error, text[pos]
            pos += 1
        except IndexError:
            break


def _change_state(statestack: list[str], new_state: Any) -> None:
    """Pygments' state transition, on `statestack` in place."""
    if isinstance(new_state, tuple):
        for state in new_state:
            if state == "#pop":
                if len(statestack) > 1:
                    statestack.pop()
            elif state == "#push":
                statestack.append(statestack[-1])
            else:
                statestack.append(state)
    elif isinstance(new_state, int):
        # pop, but keep at least one state on the stack
        if abs(new_state) >= len(statestack):
            del statestack[1:]
        else:
            del statestack[new_state:]
    elif new_state == "#push":
        statestack.append(statestack[-1])
    else:
        raise AssertionError(f"wrong state def: {new_state!r}")
