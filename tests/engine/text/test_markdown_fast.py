"""The compiled Markdown path (engine.text.markdown_fast) renders what markdown-it-py renders.

Field by field on every Markdown text of the sample course and of the complete fixture
course, in both modes (block and inline) and with raw HTML allowed or not; and on the
whole output of every format of the sample course, built with the compiled path on and
off (LESSONKIT_FAST_MARKDOWN=0).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it.token import Token

from engine.checking import markdown_inspect
from engine.checking.markdown_rules import markdown_fields
from engine.loading.loader import load_course
from engine.node import Node
from engine.text import markdown, markdown_fast
from engine.text.anchors import PageAnchors

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "content" / "intro-to-rnns"
COMPLETE = ROOT / "tests" / "fixtures" / "courses" / "complete"


def _texts(node: Node) -> Iterator[str]:
    fields = markdown_fields(type(node))
    values = node.__dict__
    for name in fields.texts:
        if isinstance(values.get(name), str):
            yield values[name]
    for name in fields.lists:
        yield from values.get(name) or ()
    for name in fields.maps:
        yield from (values.get(name) or {}).values()
    for name in fields.nodes:
        value = values.get(name)
        children = value.values() if isinstance(value, dict) else (
            value if isinstance(value, list | tuple) else (value,))
        for child in children:
            if isinstance(child, Node):
                yield from _texts(child)


def _course_texts(root: Path) -> list[str]:
    course = load_course(root)
    return sorted({text for chapter in course.chapters for text in _texts(chapter)})


def _plugins_only(text: str, allow_html: bool, inline: bool,
                  anchors: PageAnchors | None = None) -> str:
    md = markdown._RAW_HTML if allow_html else markdown.ESCAPING
    env = {} if anchors is None else {"anchors": anchors}
    return str(md.renderInline(text, env) if inline else md.render(text, env))


@pytest.mark.parametrize("root", [SAMPLE, COMPLETE], ids=["sample", "complete"])
def test_every_markdown_field_renders_the_same_on_both_paths(root: Path) -> None:
    texts = _course_texts(root)
    compiled = headings = 0
    for text in texts:
        for inline in (False, True):
            fast = markdown_fast.render_fast(text, inline, markdown.highlight_code)
            if fast is None:
                continue
            compiled += 1
            for allow_html in (False, True):
                assert fast == _plugins_only(text, allow_html, inline), (text, inline)
            # On a page whose headings get ids (the site's explanations), two headings
            # already taken, so the ids are claimed as the plugins' rule claims them.
            taken = ["a-one-unit-network", "section"]
            with_ids = markdown_fast.with_heading_ids(fast, PageAnchors(taken))
            assert with_ids == _plugins_only(text, False, inline, PageAnchors(taken)), text
            headings += with_ids.count("<h")
    # The comparison means something only if the compiled path took a good share.
    assert compiled >= len(texts) // 2, (compiled, len(texts))
    assert headings >= 2 or root == COMPLETE  # the sample course has many headings


@pytest.mark.parametrize("text", [
    "<b>bold</b>", "!!! note\n    body", "a[^1]\n\n[^1]: n",
    "[a](b)", "[a]\n\n[a]: b", "```\nno language\n```\n", "    indented code\n",
    "```python {.x}\nx\n```\n", "- a list", "two\nlines", "see [`x", "[`a`` b` c `",
    "```python\nx = 1",
])
def test_what_needs_the_plugins_goes_to_them(text: str) -> None:
    # Block or inline, each of these is left to markdown-it-py.
    inline = text in ("- a list", "two\nlines")
    assert markdown_fast.render_fast(text, inline, markdown.highlight_code) is None


_MATH_CORNERS = [
    "Costs $5 and $10 here", "$x$ equals 5", "a**$x$**b", "12$x$", "$x$5", "$ x$", "$x $",
    "| $a|b$ | c |\n|---|---|\n| 1 | $y$ |", "| a | b |\n|---|---|\n| $y$ | 2 |",
    "text\n$$\nx^2\n$$\nmore", "before\n\n$$\nx^2\n$$\nafter", "$$x$$ inline",
    "`$x$` code", "- $x$ item 3", "1. $x$ and $y$", "# $x$ heading", "a $b\nc$ d",
    "\\$x$", "```\n$x$\n```\n", "    $x$ code", "$$\nx\n\ny\n$$", "*$a$*, _$b$_",
    "$a$$b$", "$$a$b$$", "a $x$\n---", "> $x$ quoted\n> 4", "$\\alpha$ and $\\beta_1$.",
    "costs 3$ or $4", "$x$ $y$ $z$", "- a\n\n  $$\n  x\n  $$\n",
    "$x$ opens a line ending in 3\nof a paragraph that does not.",
    "$x$ opens a paragraph\nwhose last line ends in 3", "$x$ a\n- b 1", "$x$ a\n1. b\nc.",
    "a\n$x$ b 2\nc.", "    code\n$x$ b 2", "# h\n$x$ b 2", "| $x$ 1 | b |\n|---|---|\n| 2 | $y$ |",
    "| $x$ | 1 |\n|---|---|\n| $y$ 2 | c |", "| a | b |\n|---|---|\n| `x|y` | $z$ 1 |",
    "`a` and $x$ and `b`", "`$x$` and $y$", "$x`y$ and `z`", "``a`` $x$", "\\`a` $x$ `b`",
    "`<pad>` and `<unk>`", "$a < b$ and $c<d$", "`<a>` $x < 1$", "`a` <b> `c`",
    "`a\nb` <x@y.z> `c`", "| `<a>` | <b> |\n|---|---|", "<http://x.y> `<z>`",
    "$|x|$ is\n|---|---|", "a $|x|$ b\n\n| a | b |\n|---|---|\n| $c$ | d |", "`X[t]` and [a]",
    "[a] `b", "```text\n[a] <b>\n```\n`c`", "```python\nx = 1", "```` b\n| a1$]|",
]


def test_the_compiled_path_takes_code_spans_angles_and_formulas_opening_a_paragraph() -> None:
    # Where only the plugins could tell before: a formula opening a paragraph one of whose
    # lines (not the last) ends in a digit, a table cell that does, dollars and code spans
    # in one paragraph, `<` inside code spans and formulas.
    for text in ["$x$ opens a line ending in 3\nof a paragraph that does not.",
                 "| $x$ | 1 |\n|---|---|\n| $y$ b | 2 |", "`a` and $x$ and `b`",
                 "`<pad>` and `<unk>`", "$a < b$ and $c<d$", "`<a>` $x < 1$",
                 "a $|x|$ b", "`X[t]` and [a]", "```text\n[a] <b>\n```\n`c`"]:
        fast = markdown_fast.render_fast(text, False, markdown.highlight_code)
        assert fast is not None, text
        assert fast == _plugins_only(text, False, False), text


@pytest.mark.parametrize("text", _MATH_CORNERS)
def test_math_on_the_compiled_path_is_found_as_the_plugin_finds_it(text: str) -> None:
    for inline in (False, True):
        fast = markdown_fast.render_fast(text, inline, markdown.highlight_code)
        if fast is not None:
            assert fast == _plugins_only(text, False, inline), (text, inline)


def test_fenced_code_and_tables_get_our_markup_on_the_compiled_path() -> None:
    text = "| a | b |\n|---|--:|\n| 1 | 2 |\n\n```python\nif x < 1 & y:\n    pass\n```\n"
    assert "<" not in text.replace("x < 1", "")
    fast = markdown_fast.render_fast(text.replace("x < 1", "x == 1"), False,
                                     markdown.highlight_code)
    assert fast is not None
    assert fast == _plugins_only(text.replace("x < 1", "x == 1"), False, False)
    assert '<div class="table-wrap scroll-x">' in fast and 'class="highlight scroll-x"' in fast


@pytest.mark.xdist_group("sample-build")
def test_every_format_of_the_sample_course_is_byte_identical_with_the_compiled_path_off(
    tmp_path: Path,
) -> None:
    course = tmp_path / "course"
    shutil.copytree(SAMPLE, course)  # with its cached cell outputs, so nothing runs
    trees = []
    for fast in ("1", "0"):
        out = tmp_path / f"out-{fast}"
        done = subprocess.run(
            [sys.executable, "-m", "cli", "build", str(course), "-f", "all", "-o", str(out),
             "--quiet", "--no-execute"],
            cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
            env={**os.environ, "LESSONKIT_FAST_MARKDOWN": fast})
        assert done.returncode == 0, done.stdout + done.stderr
        trees.append({p.relative_to(out).as_posix(): p.read_bytes()
                      for p in sorted(out.rglob("*"))
                      if p.is_file() and not p.relative_to(out).parts[0].startswith(".")})
    on, off = trees
    assert len(on) > 50
    assert on.keys() == off.keys()
    assert [path for path in on if on[path] != off[path]] == []


_PIECES = ["$", "$$", "x", " ", "\n", "\n\n", "1", "a_b", "*", "**", "_", "|", "- ", "1. ",
           "> ", "# ", "`", "\\", "\\alpha", "---", "===", "    ", "```python\n", "```\n",
           "| a | b |\n|---|---|\n", "~~", "&amp;", "{", "}", "^2", ".", "(", ")", "2",
           "`a`", "`<b>`", "\n| $x$ | 1 |"]


def test_random_markdown_renders_the_same_wherever_the_compiled_path_takes_it() -> None:
    # Texts made of the pieces where parsers and the math rule disagree most easily.
    rng = random.Random(9)
    compiled = 0
    for _ in range(3000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 25)))
        for inline in (False, True):
            fast = markdown_fast.render_fast(text, inline, markdown.highlight_code)
            if fast is not None:
                compiled += 1
                assert fast == _plugins_only(text, False, inline), (text, inline)
    assert compiled > 900


def _plugin_formulas(text: str) -> list[str]:
    return [token.content.strip() for token in _walk_tokens(markdown.ESCAPING.parse(text, {}))
            if token.type.startswith("math_") and token.content.strip()]


def _walk_tokens(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        yield from _walk_tokens(token.children or [])


def test_formulas_found_on_the_compiled_path_are_those_the_plugin_finds() -> None:
    # What `check` validates (engine.checking.markdown_inspect.math_spans) comes from this path
    # wherever it answers: the sample and complete courses, the corner cases above and
    # random texts made of the pieces where the parsers disagree most easily.
    rng = random.Random(17)
    texts = [*_course_texts(SAMPLE), *_course_texts(COMPLETE), *_MATH_CORNERS]
    texts += ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 25)))
              for _ in range(3000)]
    answered = 0
    for text in texts:
        found = markdown_fast.find_formulas(text)
        if found is not None:
            answered += bool(found)
            assert found == _plugin_formulas(text), text
    assert answered > 300


_LINK_PIECES = [*_PIECES, "[a](b.png)", "![i](x.svg)", "](", "[r]", "\n[r]: y.png\n",
                "\n[r]: javascript:x\n", "[j](javascript:$x$)", "[o](/etc/$x$)", "<b>",
                "<", "!!! note\n    ", "[^1]", "\n[^1]: n $y$\n"]


def test_formulas_check_takes_from_its_inspection_are_those_the_plugin_finds() -> None:
    # A text with links is parsed once by `check`, with the parser that follows every link
    # (engine.checking.markdown_inspect); its formulas are used where that parse cannot differ.
    rng = random.Random(23)
    texts = [*_course_texts(SAMPLE), *_course_texts(COMPLETE)]
    texts += ["".join(rng.choice(_LINK_PIECES) for _ in range(rng.randint(1, 25)))
              for _ in range(3000)]
    answered = 0
    for text in texts:
        found = markdown_inspect._inspection(text)[2]
        if found is not None:
            answered += bool(found)
            assert list(found) == _plugin_formulas(text), text
    assert answered > 300
