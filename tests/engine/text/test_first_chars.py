"""first_char_test is true of every character a match can begin with.

On chosen patterns (the cases the parse tree makes), and on every rule of Pygments'
Python lexer at every place in real code where the rule matches: a test that said no
there would make the lexer skip a rule that matches.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pygments.lexers import get_lexer_by_name

from engine.text.first_chars import first_char_test

ROOT = Path(__file__).resolve().parents[3]
ALPHABET = [chr(c) for c in range(128)] + list("éÉßſKΩ€\u00a0\u2028")


@pytest.mark.parametrize(("pattern", "flags", "starts"), [
    ("abc", 0, "a"),
    ("[a-c]x|d", 0, "abcd"),
    ("[^a-y]", 0, None),  # any but a-y: checked against the pattern itself below
    (r"\d+\.\d*", 0, "0123456789"),
    ("(?i)k", 0, "kK"),  # and the Kelvin sign, which folds to k
    ("k", re.IGNORECASE, "kK"),
    ("[rR]?'", 0, "rR'"),
    ("(?:b|r)?(?:u)?\"", 0, "bru\""),
    (r"^#.*$", re.MULTILINE, "#"),
    (r"(?<=\.)foo", 0, "f"),
    (r"(?!if)[a-z]+", 0, "abcdefghijklmnopqrstuvwxyz"),
    (r"\s+", 0, " \t\n\r\f\v"),
])
def test_the_test_accepts_what_can_begin_a_match(
    pattern: str, flags: int, starts: str | None
) -> None:
    test = first_char_test(pattern, flags)
    assert test is not None
    compiled = re.compile(pattern, flags)
    for char in ALPHABET:
        # A match beginning with `char` (any continuation a match may need) must pass.
        if any(compiled.match(char + rest) for rest in ("", "x", "foo", "1", " ", "'")):
            assert test(char), (pattern, char)
    if starts is not None:
        assert {c for c in ALPHABET if test(c)} >= set(starts)
    if pattern == "(?i)k":
        assert test("\u212a")


@pytest.mark.parametrize("pattern", ["", "a*", "(?:x)?", r"\b", "$", "(a)?\\1b", "(?i:a)b", "."])
def test_no_test_where_any_character_may_begin(pattern: str) -> None:
    # Matches of nothing at all, backreferences, scoped flags, any character.
    assert first_char_test(pattern, 0) is None


def test_every_python_lexer_rule_passes_where_it_matches_in_real_code() -> None:
    lexer = get_lexer_by_name("python")
    text = (ROOT / "engine" / "text" / "markdown_math.py").read_text(encoding="utf-8")
    text += "\n" + "x = 0x1F + 1e-3j; b'\\x00' f'{a!r:>{w}}' r'\\d' @dec\nclass K: ..."
    checked = 0
    for rules in lexer._tokens.values():  # type: ignore[attr-defined]
        for rule in rules:
            compiled = rule[0].__self__
            test = first_char_test(compiled.pattern, compiled.flags)
            if test is None:
                continue
            pos = 0
            while pos < len(text) and (m := compiled.search(text, pos)) is not None:
                if m.end() > m.start():
                    assert test(text[m.start()]), (compiled.pattern, text[m.start()])
                    checked += 1
                pos = m.start() + 1
    assert checked > 10_000
