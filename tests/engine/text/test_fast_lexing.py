"""The lexers that try only the rules that can match (engine.text.fast_lexing) give
Pygments' own tokens.

On every code cell and fenced code block of the sample course and the complete fixture
course, on files of the standard library lexed as Python, and on the same files fed to
lexers of other languages (whatever the input, the tokens must be the same), and on a
lexer made of the awkward cases.
"""

from __future__ import annotations

import re
import sysconfig
from pathlib import Path

import pytest
from pygments.lexer import Lexer, RegexLexer, bygroups, default
from pygments.lexers import get_lexer_by_name
from pygments.token import Keyword, Name, Number, Punctuation, String, Text

from engine.loading.loader import load_course
from engine.text import markdown
from engine.text.fast_lexing import StateRules, faster
from tests.engine.text.test_markdown_fast import _course_texts

ROOT = Path(__file__).resolve().parents[3]
COURSES = [ROOT / "content" / "intro-to-rnns", ROOT / "tests" / "fixtures" / "courses" / "complete"]
STDLIB = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("**/*.py"))
FENCE = re.compile(r"^```([A-Za-z0-9_+#.-]+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _plain(name: str) -> Lexer:
    return get_lexer_by_name(name, stripnl=False, ensurenl=False)


def _assert_same_tokens(plain: Lexer, fast: Lexer, text: str) -> None:
    assert "get_tokens_unprocessed" not in vars(plain)  # Pygments' own loop
    assert list(fast.get_tokens_unprocessed(text)) == list(plain.get_tokens_unprocessed(text))


def _course_code(root: Path) -> list[tuple[str, str]]:
    """(language, source) of every code cell and of every fenced block with a language
    in the course's Markdown."""
    course = load_course(root)
    found = [("python", cell.source) for chapter in course.chapters
             for cell in chapter.code_cells]
    for text in _course_texts(root):
        found += FENCE.findall(text)
    return found


def test_most_rules_of_the_python_lexer_are_skipped_where_they_cannot_match() -> None:
    # Else the comparisons below would compare Pygments with itself.
    lexer = markdown._lexer("python")
    assert lexer is not None
    states: dict[str, StateRules] = lexer.get_tokens_unprocessed.args[1]  # type: ignore[attr-defined]
    root = states["root"]
    assert len(root.for_char("#")) < len(root.rules) / 5
    assert len(root.for_char("x")) < len(root.rules) / 2


@pytest.mark.parametrize("root", COURSES, ids=["sample", "complete"])
def test_the_courses_code_is_lexed_as_pygments_lexes_it(root: Path) -> None:
    code = _course_code(root)
    assert len(code) >= 4  # the complete course has four cells, the sample course 34
    for language, source in code:
        fast = markdown._lexer(language)
        if fast is not None:
            _assert_same_tokens(_plain(language), fast, source)


def test_the_standard_library_is_lexed_as_pygments_lexes_it() -> None:
    files = STDLIB[::100]
    assert len(files) > 100
    plain, fast = _plain("python"), faster(_plain("python"))
    for path in files:
        _assert_same_tokens(plain, fast, path.read_text(encoding="utf-8", errors="replace"))


@pytest.mark.parametrize("language", ["bash", "javascript", "json", "yaml", "c", "r", "sql"])
def test_other_lexers_give_pygments_tokens_on_any_text(language: str) -> None:
    plain, fast = _plain(language), faster(_plain(language))
    for path in STDLIB[7::700]:
        _assert_same_tokens(plain, fast, path.read_text(encoding="utf-8", errors="replace"))


class Awkward(RegexLexer):
    """A backreference, flags of a rule's own, groups for `bygroups`, a rule matching the
    empty string, state changes and characters no rule matches."""

    tokens = {  # noqa: RUF012 (Pygments' own class attribute)
        "root": [
            (r"(?i)begin\b", Keyword, "block"),
            (r"(\w+)(=)(\d+)", bygroups(Name, Punctuation, Number)),
            (r"(['\"])", String, "quoted"),
            (r"\s+", Text),
        ],
        "block": [
            (r"end\b", Keyword, "#pop"),
            (r"\d+", Number),
            (r"\s+", Text),
            default("#pop"),
        ],
        "quoted": [
            (r"([^'\"]*)(['\"])\1", String),
            (r"[^'\"]+", String),
            (r"['\"]", String, "#pop"),
        ],
    }


def test_awkward_rules_give_pygments_tokens() -> None:
    plain, fast = Awkward(), faster(Awkward())
    for text in ["BEGIN 1 2 end x=42 'ab'a' \"q\" ?! begin\n7 ¿", "", "\n\n€", "x=1y=2",
                 "bEgIn end begin"]:
        _assert_same_tokens(plain, fast, text)


def test_lexers_with_a_loop_of_their_own_are_left_alone() -> None:
    ruby = _plain("ruby")  # an ExtendedRegexLexer
    assert faster(ruby) is ruby and "get_tokens_unprocessed" not in vars(ruby)
