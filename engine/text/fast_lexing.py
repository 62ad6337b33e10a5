"""Pygments' regex lexers, trying at each position only the rules that can match there.

A Pygments `RegexLexer` finds each token by trying the rules of the current state one by
one, from Python, until one matches where the text is: some thirty calls into the regex
engine for each token of Python code. Highlighting was the largest cost of building a
site of distinct chapters (43 % of the CPU time at 1000 chapters), and most of it that
loop.

Here each rule has a test of the characters its match can begin with, read from its
pattern's parse tree (engine/text/first_chars.py), and the rules of a state that pass for
a character are listed, in their order, the first time the character is met in that
state. At a position only those are tried: the first of them that matches is the first
of all the state's rules that matches, since the others cannot match there. A rule
whose pattern can match the empty string, or whose start is not understood, has no test
and is tried everywhere. The rest of the loop (actions, state changes, the fallbacks at
an unmatched character) is Pygments' own, copied from `RegexLexer.get_tokens_unprocessed`,
and every match is made by the rule's own compiled pattern.

A cell of the sample course takes 0.50 ms instead of 2.29, and the files of the standard
library 4.4 times less time, with the same tokens; the tests are made the first time a
state is used (0.04 s for all of the Python lexer's). A lexer whose class has a loop of
its own (`ExtendedRegexLexer`, hand-written lexers) is left as it is.

`tests/engine/text/test_fast_lexing.py` compares the tokens with Pygments' own on every
code cell of the sample course and on files of the standard library, lexed as Python and
as other languages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

from pygments.lexer import Lexer, RegexLexer
from pygments.token import Error, Whitespace, _TokenType

from engine.text.first_chars import CharTest, first_char_test

Rule = tuple[Callable[..., Any], Any, Any]
"""A processed rule of a Pygments lexer: the pattern's `match`, the action, the new state."""


class StateRules:
    """The rules of one state, and for each character met the ones that can match there."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.tests: list[CharTest | None] | None = None
        self.by_char: dict[str, tuple[Rule, ...]] = {"": self.rules}

    def for_char(self, char: str) -> tuple[Rule, ...]:
        """The rules, in order, that can match where the text has `char`."""
        if self.tests is None:
            self.tests = [_first_char_test(rule) for rule in self.rules]
        found = self.by_char[char] = tuple(
            rule for rule, test in zip(self.rules, self.tests, strict=True)
            if test is None or test(char))
        return found


def faster(lexer: Lexer) -> Lexer:
    """`lexer`, trying only the rules that can match where it is, if it is a plain
    `RegexLexer` (the same instance, changed; an instance of another kind is returned
    unchanged)."""
    if not isinstance(lexer, RegexLexer) or (
            type(lexer).get_tokens_unprocessed is not RegexLexer.get_tokens_unprocessed):
        return lexer
    states = {state: StateRules(rules) for state, rules in _tokendefs(lexer).items()}
    # Instance attribute: Lexer.get_tokens, and `using(this)` actions, call it by name.
    lexer.get_tokens_unprocessed = partial(_lex, lexer, states)  # type: ignore[method-assign]
    return lexer


def _first_char_test(rule: Rule) -> CharTest | None:
    compiled = getattr(rule[0], "__self__", None)  # the rule's `match` is a bound method
    pattern = getattr(compiled, "pattern", None)
    if not isinstance(pattern, str):
        return None
    return first_char_test(pattern, compiled.flags)  # type: ignore[union-attr]


def _tokendefs(lexer: RegexLexer) -> dict[str, Sequence[Rule]]:
    """The processed rules of `lexer`, by state (made by its class when first used)."""
    tokendefs: dict[str, Sequence[Rule]] = lexer._tokens  # type: ignore[attr-defined]
    return tokendefs


def _lex(
    lexer: RegexLexer, states: dict[str, StateRules], text: str,
    stack: Sequence[str] = ("root",),
) -> Iterator[tuple[int, Any, str]]:
    """`RegexLexer.get_tokens_unprocessed`, trying at each position only the rules of
    the state that can match the character there."""
    pos = 0
    statestack = list(stack)
    state = states[statestack[-1]]
    while True:
        char = text[pos:pos + 1]
        by_char = state.by_char
        for rexmatch, action, new_state in (
                by_char[char] if char in by_char else state.for_char(char)):
            m = rexmatch(text, pos)
            if m:
                if action is not None:
                    if type(action) is _TokenType:
                        yield pos, action, m.group()
                    else:
                        yield from action(lexer, m)
                pos = m.end()
                if new_state is not None:
                    _change_state(statestack, new_state)
                    state = states[statestack[-1]]
                break
        else:
            # No rule matched here.
            try:
                if text[pos] == "\n":
                    # at EOL, reset state to "root"
                    statestack = ["root"]
                    state = states["root"]
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
