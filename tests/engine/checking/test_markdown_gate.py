"""The cheap test that lets `check` skip parsing a Markdown text for raw HTML and unsafe
links (engine.checking.markdown_rules._may_be_unsafe) must never skip a text that holds one:
whenever it says no, the parser finds nothing either. The same for its part that tells
tags written in code spans (engine.checking.quiet_angles): whenever it says all are code,
the parser finds no raw HTML."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.checking.markdown_inspect import problem_sites
from engine.checking.markdown_rules import _may_be_unsafe
from engine.checking.quiet_angles import angles_are_code
from engine.diagnostics import Code

TRICKY = [
    "<b>bold</b>",
    "a <span>x</span> b",
    "</div>",
    "<!-- note -->",
    "<?php ?>",
    "<!DOCTYPE html>",
    "<javascript:alert(1)>",
    "<JaVaScRiPt:alert(1)>",
    "<1@example.com>",
    "a < b and c > d",
    "[x](javascript:alert(1))",
    "[x](java%73cript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](data:text/html,hi)",
    "[x](vbscript:msgbox)",
    "[x](file:///etc/passwd)",
    "[x](FILE:///etc/passwd)",
    "![i](javascript:alert(1))",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x]\n\n[x]: javascript:alert(1)",
    "[a\nb]\n\n[a\nb]: javascript:alert(1)",
    "[x] (javascript:alert(1))",
    "[x]\n(javascript:alert(1))",
    "[r] : javascript:alert(1)\n\n[r]",
    "[^1]\n\n[^1]: javascript:alert(1)",
    "50% of &amp; the data: javascript: is text",
    "- [x](javascript:alert(1))\n> <i>q</i>",
    "| a |\n|---|\n| [x](javascript:1) |",
    "$x < y$ and $a<b$",
]

_PIECES = st.sampled_from([
    "<", ">", "b", "/", "!", "?", "1", "[", "]", "(", ")", ":", "![", "](", "]:", "&", "#58;",
    "%", "73", "javascript", "data", "vbscript", "file", "script", " ", "\n", "\t", "x",
    "@", "a.b", "-", "|", "`", "$", "\\", "^",
])


def _sites(text: str) -> list[tuple[int, str, object, str]]:
    return [*problem_sites(text, allow_html=False)]


def test_no_skipped_tricky_text_holds_a_problem() -> None:
    skipped = [text for text in TRICKY if not _may_be_unsafe(text)]
    assert skipped  # the gate does skip some of them, or this test proves nothing
    assert {text: _sites(text) for text in skipped} == {text: [] for text in skipped}


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_a_skipped_text_holds_no_problem(text: str) -> None:
    if not _may_be_unsafe(text):
        assert _sites(text) == []


# Texts whose tags may be code (engine.checking.quiet_angles): each one either really holds
# its `<` in code, or holds raw HTML that the gate must send to the parser.
IN_CODE = [
    "`<pad>` and `<unk>`",
    "| id | token |\n|---|---|\n| 0 | `<pad>` |",
    "a `<b>`\n\n```\n<div>\n```\n",
    "- item\n```\n<b>\n```",
    "> a\n```\n`<b>`\n```",
    "~~~\n<b>\n~~~",
    "$x$ and `<b>`\n\n$y$",
    "`<b>`\n\n$a$ and $b$",
    "!!! a` \"x` y `<b>` z\"",
    "a `\r<div>`",
    "$$\n```\n$$\n<div>\n```\n",
    "$a `x$ `<b>` c`",
    "$a\nb ` $ c `<b>`",
    "<1`@x.y>`x` <b> `",
    "- item\n  ```\n- <b>\n  ```",
    "```text\n<b>\n```\n<i>",
    "``` a`b\n<b>\n```",
    "    ```\n<b>\n```",
    "`a` <b> `c`",
    "\\`<b>`",
    "``<b>`` `",
    "a `b\nc` <d> `e`",
    "| a `|` b | <i> `c` |\n|---|---|\n| x | y |",
    "[x] `<b>`\n\n[x]: /y",
    "^[note `] <b> `]",
    "```\n<b>\n    ```\n<i>\n```",
    "$a`$ `x` <b> `",
    "$a\nb`$ `x` <b> `",
    "```\n~~~\n```\n<b>\n",
    "````\n```\n````\n<b>\n",
    "[a](`x) <b> `",
    "  ~~~ `<b>`\n~~~\n</i>",
    "  ```\n```\n<i>\n```",
    "| `a | <b>` |\n|---|---|",
]


def _raw_html(text: str) -> list[str]:
    return [needle for _, needle, code, _ in _sites(text) if code is Code.RAW_HTML]


def test_no_tag_left_to_code_spans_is_raw_html() -> None:
    in_code = [text for text in IN_CODE if angles_are_code(text)]
    assert len(in_code) >= 6  # some tags are told to be code, or this test proves nothing
    assert {text: _raw_html(text) for text in in_code} == {text: [] for text in in_code}
    skipped = [text for text in IN_CODE if not _may_be_unsafe(text)]
    assert {text: _sites(text) for text in skipped} == {text: [] for text in skipped}


_CODE_PIECES = st.sampled_from([
    "`", "``", "<b>", "</i>", "<", ">", "1@x.y>", "```", "~~~", "\n", "\n\n", "$", "$$",
    "!!! ", "???", "|", "|---|", "- ", "> ", "    ", "  ", "\\", "\r", "x", " ", "[", "]",
    "^[", "]:", "#", "\n```\n", "\n~~~\n", "1. ", "\t",
])


@settings(max_examples=1500, deadline=None)
@given(st.lists(_CODE_PIECES, max_size=16).map("".join))
def test_a_skipped_text_with_code_holds_no_raw_html(text: str) -> None:
    if angles_are_code(text):
        assert _raw_html(text) == []
    if not _may_be_unsafe(text):
        assert _sites(text) == []
