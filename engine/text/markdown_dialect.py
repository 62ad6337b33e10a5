"""The one Markdown dialect of a course, as a configured markdown-it parser.

Every reader of an author's Markdown parses it with `new_parser` or `parser`: the site and
the packages (engine/text/markdown.py adds its HTML rendering rules), the terminal
(renderers/terminal/render.py), plain text (`plain_text`) and `check`. So a text means the
same everywhere: CommonMark plus tables, strikethrough, footnotes, `!!! note "Title"`
admonitions and `$inline$` / `$$display$$` math.

Math follows pandoc's rule: the opening `$` must be followed by a non-space and the
closing `$` preceded by one and not followed by a digit, so "It costs $5 and $10" stays
text. Links whose scheme would run code or embed content (`javascript:`, `data:`...) or
whose path leaves the site (`/etc/passwd`, `//host`) are not links at all: their text
stays visible, inert.

This module is light (markdown-it and its plugins, no highlighter, no MathML), so the
terminal quiz starts fast.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from engine.text.mathtext import to_unicode

_UNSAFE_SCHEME = re.compile(r"^(javascript|vbscript|file|data):", re.IGNORECASE)
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


def browser_scheme(url: str) -> str:
    """The scheme of `url` as a browser reads it, lower case (what precedes the first `:`)."""
    return _IGNORED_IN_SCHEME.sub("", unquote(url)).split(":", 1)[0].lower()


def is_unsafe_url(url: str) -> bool:
    """Whether a URL would run code or embed content when followed (`javascript:`, `data:`...).

    Browsers drop ASCII whitespace and control characters inside a scheme
    (`java\\tscript:` runs), so those are removed before looking at it.
    """
    return bool(_UNSAFE_SCHEME.match(_IGNORED_IN_SCHEME.sub("", unquote(url))))


def is_outside_url(url: str) -> bool:
    """Whether a URL names a path outside the site: `/x`, `//host/x` (protocol-relative),
    `\\x` or `C:\\x`. The site and the packages open from anywhere (`file://`, an LMS
    folder), so such a link could only reach the reader's own files or another host."""
    from engine.safety.coursefiles import is_absolute

    return is_absolute(_IGNORED_IN_SCHEME.sub("", unquote(url)))


def _validate_link(url: str) -> bool:
    return not is_unsafe_url(url) and not is_outside_url(url)


def new_parser(*, html: bool = False, check_links: bool = True) -> MarkdownIt:
    """A fresh parser of the dialect, for a caller that adds its own render rules.

    `html` keeps raw HTML as HTML (the course's `allow_html`); otherwise it is text.
    `check_links=False` turns every link into one, safe or not: only for finding the
    unsafe ones to report, never for rendering.
    """
    md = MarkdownIt("commonmark", {"html": html})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(admon_plugin)
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False,
           double_inline=True)
    if check_links:
        md.validateLink = _validate_link  # type: ignore[method-assign]
    else:
        md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


@functools.cache
def parser(*, html: bool = False) -> MarkdownIt:
    """The shared parser of the dialect, for readers that only parse (raw HTML as text)."""
    return new_parser(html=html)


_PLAIN = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z0-9\u00c0-\u024f ,.;:?'\"()/%+=-]*")
"""One line of prose with no character Markdown gives a meaning to (and starting with a
letter, so it cannot open a list or a heading): rendering it is escaping it."""


def is_plain(text: str) -> bool:
    """Whether `text` is one line of prose that Markdown leaves as it is (see `_PLAIN`)."""
    return _PLAIN.fullmatch(text) is not None


_TEXT_TOKENS = frozenset({"text", "code_inline", "html_inline", "html_block", "fence",
                          "code_block"})


def plain_text(text: str, limit: int | None = None, *, blocks: bool = False) -> str:
    """The visible text of Markdown on one line, without markup, math as Unicode (`Wₕₕ`).

    For places that hold text only: `<option>` labels, `<title>` and accessible names on
    the site (a screen reader must not read "W underscore brace h h"), and the
    descriptions LMS reports show. `blocks` reads `text` as a whole document (paragraphs,
    lists, code blocks become words on one line) rather than one paragraph's inline
    content; `limit` cuts the result at that many characters, ending it with "…".
    """
    return _plain_text(text, limit, blocks)


@functools.lru_cache(maxsize=1 << 14)
def _plain_text(text: str, limit: int | None, blocks: bool) -> str:
    # Once per distinct text and process: a page asks it of each option text twice (the
    # option and its label for scripts), and courses repeat their options.
    if is_plain(text):
        flat = " ".join(text.split())  # nothing in it is markup (see `_PLAIN`)
    else:
        parts: list[str] = []

        def collect(tokens: Sequence[Token]) -> None:
            for token in tokens:
                if token.type in _TEXT_TOKENS:
                    parts.append(token.content)
                elif token.type in ("math_inline", "math_inline_double", "math_block"):
                    parts.append(to_unicode(token.content.strip()))
                elif token.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
                elif token.type == "image":
                    parts.append(token.content)  # the alt text; its children repeat it
                elif token.children:
                    collect(token.children)
                if token.block and token.type.endswith("_close"):
                    parts.append(" ")

        md = parser()
        collect(md.parse(text, {}) if blocks else md.parseInline(text, {}))
        flat = " ".join("".join(parts).split())
    if limit is not None and len(flat) > limit:
        flat = flat[: max(0, limit - 1)].rstrip() + "…"
    return flat
