"""The compiled path for course Markdown: markdown-it-pyrs where it renders what ours does.

markdown-it-pyrs is markdown-it compiled (Rust), about 25 times faster than markdown-it-py
on course prose, and renders CommonMark, tables and strikethrough to the same bytes. What
it lacks is ours: math, admonitions, footnotes, the link and image rules (scheme checks,
URL rewriting, lazy images), raw HTML handling and code highlighting. So a text goes
through it only when it holds none of those (a `<` is fine inside a code span or a
formula, where it is text to both), and the two differences that are only about
output are applied after it: tables get their scrolling wrapper and fenced code with a
language gets Pygments' highlighting, exactly as engine.text.markdown's render rules do.
Everything else (`None` from `render_fast`) goes to markdown-it-py with the plugins.

`tests/engine/text/test_markdown_fast.py` holds the two paths byte-identical on every
Markdown field of the sample course and of the complete fixture course.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from html import unescape

import markdown_it_pyrs

from engine.text.anchors import PageAnchors
from engine.text.markdown_math import (
    fence_left_open,
    mask_math,
    placeholders_in_place,
    unmask_math,
    without_code_spans,
    without_fences,
)

ENABLED = os.environ.get("LESSONKIT_FAST_MARKDOWN", "1") != "0"
"""`LESSONKIT_FAST_MARKDOWN=0` renders everything with markdown-it-py (for comparisons)."""


_COMPILED = markdown_it_pyrs.MarkdownIt("zero").enable_many([
    # CommonMark without raw HTML (escaped as text, as markdown-it-py with html=False),
    # plus the dialect's tables and strikethrough.
    "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph",
    "reference", "autolink", "backticks", "emphasis", "entity", "escape", "image", "link",
    "newline", "table", "strikethrough",
])


def _holds_plugin_mark(text: str) -> bool:
    """Raw HTML or autolinks, admonitions, footnotes, inline links and images, link
    reference definitions: the parts of the dialect only the Python plugins and rules
    render (one substring search each runs faster than one pattern of them all)."""
    return "<" in text or _holds_other_plugin_mark(text)


def _holds_other_plugin_mark(text: str) -> bool:
    return ("!!!" in text or "???" in text or "[^" in text or "](" in text
            or "]:" in text)


_NESTED_FENCE = re.compile(r"\n[^`\n]+```")
_FENCE_INFO = re.compile(r"^[ \t>*+\-\d.)]*(?:`{3,}|~{3,})(.*)$", re.MULTILINE)
_LANGUAGE_WORD = re.compile(r"[A-Za-z0-9_+#.-]*")


def _spaced_code(html: str) -> bool:
    """Whether a code span starts or ends with a space: the two trim such spans
    differently (two substring searches run faster than one pattern of both)."""
    return "<code> " in html or " </code>" in html


_QUOTE = re.compile(r"\n {0,3}>")
_CODE = re.compile(r'<pre><code class="language-([^"]*)">(.*?)</code></pre>\n', re.DOTALL)


_AFTER_TABLE = re.compile(r"\n.*\|.*\n {0,3}(?:[-*+>#]|\d+[.)]|```|~~~)")
"""A table row followed by a line that opens another block: markdown-it-py (following
markdown-it 14) ends the table there, the compiled parser reads on."""


_TABLE_HEAD = re.compile(r"\n(.*)\n([ \t|:-]*-[ \t|:-]*)$", re.MULTILINE)
"""A header row and a delimiter row: both parsers agree on tables whose rows open with
`|`, as the courses write them."""

_TABLE_AFTER_TEXT = re.compile(r"\n[ \t]*\S.*\n[ \t]*\|.*\n[ \t]*\|[ \t|:-]*-[ \t|:-]*$",
                               re.MULTILINE)
"""A table right under a line of text (a paragraph or a quote it may continue)."""

_EMPTY_ITEM = re.compile(r"\n[ \t>]*(?:[-*+]|\d+[.)])[ \t]*$", re.MULTILINE)
"""A list item with nothing in it, which the two parsers' versions let interrupt
different blocks."""


def needs_plugins(text: str) -> bool:
    """Whether `text` may hold a part of the dialect only markdown-it-py renders, or one
    of the few corners where the two parsers' versions differ."""
    # The line patterns match a line's start as the newline before it: a search for a
    # character is much faster than trying `^` at every position.
    lined = "\n" + text
    if (_holds_plugin_mark(text) and not _angles_are_text(text)) or "~~~" in text:
        return True
    if "|" in text and (_AFTER_TABLE.search(lined) or any(
            not (header.lstrip().startswith("|") and row.lstrip().startswith("|"))
            for header, row in _TABLE_HEAD.findall(lined)) or _TABLE_AFTER_TEXT.search(lined)):
        return True
    if "`" in text and "[" in text and without_code_spans(without_fences(text)) is None:
        # markdown-it-pyrs 0.4 pairs code spans after a `[` wrongly (or panics) unless
        # they are plain single-backtick pairs.
        return True
    if _EMPTY_ITEM.search(lined) or ("`" in text and _QUOTE.search(lined)):
        return True  # (code spans in quotes: their continuation lines are read differently)
    if ("```" in text) and text.rsplit("\n", 1)[-1].isspace():
        return True  # spaces after an unclosed fence: markdown-it-py drops that line
    if "```" in text and not text.endswith("\n") and fence_left_open(text):
        return True  # an unclosed fence's last line: markdown-it-py ends it without "\n"
    if "```" in text and _NESTED_FENCE.search(lined):
        return True  # after a list item's text the two place highlighted code differently
    if "```" in text or "~~~" in text:
        # A fence's info string is unescaped and split by markdown-it-py's own rules: keep
        # to a bare language word, which both read the same way.
        for match in _FENCE_INFO.finditer(text):
            info = match.group(1).strip()
            if info and not _LANGUAGE_WORD.fullmatch(info):
                return True
    return False




def _angles_are_text(text: str) -> bool:
    """Whether every `<` of `text` is inside a code span or a formula, where neither
    raw HTML nor an autolink can start (`x < 1` in math, `` `<pad>` `` in prose), and
    nothing else needs the plugins."""
    if _holds_other_plugin_mark(text):
        return False
    if "$" in text:
        masked = mask_math(text)
        if masked is None:
            return False
        text = masked[0]
    bare = without_code_spans(without_fences(text))
    return bare is not None and "<" not in bare


def render_fast(text: str, inline: bool, highlight: Callable[[str, str], str]) -> str | None:
    """`text` rendered by the compiled parser as engine.text.markdown renders it, or None when
    only markdown-it-py can (see `needs_plugins`)."""
    if not ENABLED or needs_plugins(text):
        return None
    formulas: Sequence[tuple[str, str]] = ()
    if "$" in text:
        masked = mask_math(text)
        if masked is None:
            return None
        text, formulas = masked
    html = _render_compiled(text, inline, highlight)
    if html is None or not formulas:
        return html
    return unmask_math(html, formulas)


def _render_compiled(text: str, inline: bool, highlight: Callable[[str, str], str]
                     ) -> str | None:
    if inline:
        # markdown-it-py's inline mode is one paragraph's content: the compiled parser's
        # block output is the same when the text is one line that makes one paragraph.
        if "\n" in text or "\r" in text or text != text.strip():
            return None
        html = _compiled_html(text)
        if html is None or html.count("<p>") != 1 or not (
                html.startswith("<p>") and html.endswith("</p>\n")):
            return None
        return None if _spaced_code(html) else html[3:-5]
    block = _compiled_block(text)
    if block is None:
        return None
    html = block
    if "<table>" in html:
        # Raw HTML is escaped on this path, so each tag here is a table of the text.
        html = html.replace("<table>\n", '<div class="table-wrap scroll-x">\n<table>\n')
        html = html.replace("</table>\n", "</table>\n</div>\n")
    if "<pre><code class=" in html:
        html = _CODE.sub(
            lambda m: highlight(unescape(m.group(2)), unescape(m.group(1))) + "\n", html)
    return html


def _compiled_html(text: str) -> str | None:
    """The compiled parser's HTML of `text`, or None where it fails.

    markdown-it-pyrs 0.4 panics (a Rust panic, raised as a BaseException) on a `[`
    followed by a backtick that nothing closes (`see [`x`); markdown-it-py renders it."""
    try:
        html: str = _COMPILED.render(text)
    except Exception:
        raise
    except BaseException as error:
        if type(error).__name__ != "PanicException":
            raise
        return None
    return html


@lru_cache(maxsize=1 << 14)
def _compiled_block(text: str) -> str | None:
    """The compiled parser's HTML of block `text` before our markup, or None where it may
    differ from markdown-it-py's. Once per distinct text and process: `check` looks for
    formulas in the text the site renders."""
    html = _compiled_html(text)
    if html is None:
        return None
    if "<blockquote>\n</blockquote>" in html or _spaced_code(html):
        return None  # an empty quote, a code span of spaces: the two write them differently
    if "<pre><code>" in html:
        # An indented code block or a fence without language: markdown-it-py highlights
        # only the second, and the output does not tell them apart.
        return None
    return html


def find_formulas(text: str) -> list[str] | None:
    """The LaTeX of every formula of block `text`, in order, as the dollarmath plugin finds
    them, without rendering anything; None where only markdown-it-py can tell (the texts
    `render_fast` leaves to it). `check` asks this of every text holding a dollar."""
    if not ENABLED or needs_plugins(text):
        return None
    masked = mask_math(text)
    if masked is None:
        return None
    masked_text, formulas = masked
    if not formulas:
        return []
    html = _compiled_block(masked_text)
    if html is None or not placeholders_in_place(html, formulas):
        return None
    return [latex for _, latex in formulas]


_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def with_heading_ids(html: str, anchors: PageAnchors) -> str:
    """The compiled path's `html` with the heading ids engine.text.markdown's rule gives.

    The id is claimed from the heading's words (its text and inline code, as the rule
    reads them from the tokens): on this path the HTML holds no raw HTML, math, links or
    images, so the words are the heading's content without its tags; a hard break joins
    the words on either side as the rule does.
    """

    def identify(match: re.Match[str]) -> str:
        level, inner = match.group(1), match.group(2)
        words = unescape(_TAG.sub("", inner.replace("<br />\n", "")))
        return f'<h{level} id="{anchors.claim(words)}">{inner}</h{level}>'

    return _HEADING.sub(identify, html)
