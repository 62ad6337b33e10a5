"""The helpers behind plain-text fields and importer-safe output: readable math in plain
text, CDATA for Moodle, whole-number answer ids for Canvas."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from engine.text.markdown import render_markdown
from renderers.banks.answer_ids import BLOCK, AnswerNumbers
from renderers.banks.canvas_math import keep_spaces, space_text
from renderers.banks.cdata import to_bytes_cdata
from renderers.banks.plaintext import has_math, readable_text
from renderers.banks.xhtml import parse_fragment
from renderers.common.xml import el, sub


def plain(markdown: str) -> str:
    return readable_text(parse_fragment(render_markdown(markdown, inline=True)))


@pytest.mark.parametrize(("markdown", "text"), [
    (r"Uniform $\pm 1/\sqrt{H}$", "Uniform ±1/√H"),  # was "±1/H": a different number
    (r"$y_{t+1-m}$", "y_(t+1−m)"),  # was "yt+1−m"
    (r"$x^2$ and $e^{-x}$", "x^2 and e^(−x)"),
    (r"$\frac{a+b}{2}$", "(a+b)/2"),
    (r"$\sqrt{1 + 4}$", "√(1+4)"),
    (r"$\hat{y}$", "ŷ"),
    (r"$\sum_{p} x_p$", "∑_p x_p"),
    (r"$W_{hh}$", "W_(hh)"),
    ("**bold** and `code`", "bold and code"),
    ("no math", "no math"),
])
def test_math_reads_as_people_type_it(markdown: str, text: str) -> None:
    assert plain(markdown) == text


def test_has_math() -> None:
    assert has_math(parse_fragment(render_markdown("$x$", inline=True)))
    assert not has_math(parse_fragment(render_markdown("*x*", inline=True)))


def test_cdata_keeps_text_byte_for_byte() -> None:
    root = el("quiz")
    texts = ["<p><strong>a</strong> <em>b</em></p>", "x ]]> y & z", "plain", "a < b"]
    for text in texts:
        sub(sub(root, "question"), "text", text)
    data = to_bytes_cdata(root, frozenset({"text"}), frozenset({"text"}))
    assert data.count(b"<![CDATA[") == 4  # `]]>` splits one section in two; "plain" has none
    assert b"<text>plain</text>" in data
    parsed = etree.fromstring(data)
    assert [t.text for t in parsed.iter("text")] == texts
    # the tree is left as it was
    assert [t.text for t in root.iter("text")] == texts


def test_answer_numbers_are_whole_distinct_and_stable() -> None:
    numbers = AnswerNumbers("course")
    seen: set[str] = set()
    first: dict[str, str] = {}
    for question in ("q1", "q2", "q3"):
        numbers.start(question)
        idents = [numbers.ident(str(n)) for n in range(5)]
        first[question] = idents[0]
        assert all(re.fullmatch(r"[1-9][0-9]{8}", i) for i in idents)
        assert numbers.ident("0") == idents[0]
        assert not seen & set(idents)
        seen |= set(idents)
    again = AnswerNumbers("course")  # a new build: the same numbers
    again.start("q1")
    assert again.ident("0") == first["q1"]


def test_answer_number_blocks_never_collide() -> None:
    numbers = AnswerNumbers("c")
    blocks = set()
    for n in range(3000):
        numbers.start(f"q{n}")
        blocks.add(int(numbers.ident("x")) // BLOCK)
    assert len(blocks) == 3000


@pytest.mark.parametrize(("width", "text"), [
    ("0.167em", "\u2009"), ("0.222em", "\u205f"), ("0.278em", "\u2004"), ("1em", "\u2003"),
    ("2em", "\u2003\u2003"), ("0.5em", "\u2002"), ("-0.167em", ""),
])
def test_canvas_keeps_tex_spaces_as_characters(width: str, text: str) -> None:
    assert space_text(width) == text
    tree = parse_fragment(f'<math><mi>a</mi><mspace width="{width}"></mspace><mi>b</mi></math>')
    keep_spaces(tree)
    assert [(e.tag, e.text) for e in tree.iter() if e.tag in ("mspace", "mtext")] == [
        ("mtext", text)]
