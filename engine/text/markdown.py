"""Course Markdown as safe HTML, for the site and the packages.

The dialect itself (CommonMark plus tables, strikethrough, footnotes, admonitions and
math) is engine/text/markdown_dialect.py's, shared with the terminal and plain text. Here math
is turned into MathML at build time, so pages need no math JavaScript, and fenced code is
highlighted by Pygments with CSS classes (no inline styles, so a strict
Content-Security-Policy holds).

Safety: raw HTML is escaped unless the course sets `allow_html`, links or images whose
scheme is `javascript:`, `vbscript:`, `file:` or `data:`, or whose path is absolute or
protocol-relative (`/etc/passwd`, `//host`), are not turned into links at all (the text
stays visible, inert), and math goes through engine.text.mathml's allow-list.
What `check` looks for in a text (raw HTML, unsafe links, local files, formulas) is
engine/checking/markdown_inspect.py's.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from engine.text.anchors import PageAnchors
from engine.text.fast_lexing import faster
from engine.text.markdown_dialect import (
    is_plain,
    new_parser,
)
from engine.text.markdown_fast import render_fast, with_heading_ids
from engine.text.mathml import latex_to_mathml

UrlResolver = Callable[[str], "str | None"]
"""Maps a link or image URL as written (percent-encoded) to the URL to emit; None keeps it."""

_LANGUAGE = re.compile(r"^[A-Za-z0-9_+#.-]{1,40}$")

CODE_CSS_CLASS = "highlight"
"""The class on every highlighted `<pre>`; Pygments' style sheets are scoped to it."""


# --- code and math ------------------------------------------------------------------------

_FORMATTER = HtmlFormatter(nowrap=True)


@lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer | None:
    try:
        return faster(get_lexer_by_name(language, stripnl=False, ensurenl=False))
    except ClassNotFound:
        return None


@lru_cache(maxsize=1 << 12)
def highlight_code(source: str, language: str) -> str:
    """Source code as a `<pre class="highlight">` block with Pygments token classes.

    Once per distinct source and process: Pygments is the slowest step of a page, and
    `serve` renders again pages whose code did not change."""
    language = language.strip()
    lexer = _lexer(language.lower()) if _LANGUAGE.match(language) else None
    body = pygments_highlight(source, lexer, _FORMATTER) if lexer else escape(source, quote=False)
    label = f' class="language-{escape(language)}"' if lexer else ""
    return f'<pre class="{CODE_CSS_CLASS} scroll-x"><code{label}>{body}</code></pre>\n'


def _highlight_fence(source: str, language: str, _attrs: str) -> str:
    return highlight_code(source, language)


def _render_math_inline(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return latex_to_mathml(tokens[idx].content.strip(), False)


def _render_math_display(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    mathml = latex_to_mathml(tokens[idx].content.strip(), True)
    if tokens[idx].block:
        return f'<div class="math-display scroll-x">{mathml}</div>\n'
    # `$$...$$` inside a paragraph: <math display="block"> is phrasing content, a div is not.
    return mathml


# --- containers ---------------------------------------------------------------------------


def _render_table_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # Wide tables scroll inside their own box instead of widening a 375 px page.
    return '<div class="table-wrap scroll-x">\n<table>\n'


def _render_table_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</table>\n</div>\n"


def _admonition_stack(env: EnvType) -> list[bool]:
    stack: list[bool] = env.setdefault("admonitions", [])
    return stack


def _render_admonition_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    tag = str(token.meta.get("tag", "")) or "note"
    collapsible = token.markup.startswith("?")
    _admonition_stack(env).append(collapsible)
    classes = f"admonition admonition-{escape(tag)}"
    if collapsible:
        is_open = " open" if token.markup.endswith("+") else ""
        return f'<details class="{classes}"{is_open}>\n'
    return f'<div class="{classes}" role="note">\n'


def _render_admonition_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</details>\n" if _admonition_stack(env).pop() else "</div>\n"


def _render_admonition_title_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "<summary>" if _admonition_stack(env)[-1] else '<p class="admonition-title">'


def _render_admonition_title_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</summary>\n" if _admonition_stack(env)[-1] else "</p>\n"


def _render_image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    src = escape(str(token.attrGet("src") or ""))
    title = token.attrGet("title")
    title_attr = f' title="{escape(str(title))}"' if title else ""
    return f'<img src="{src}" alt="{escape(alt)}"{title_attr} loading="lazy">'


# --- URL rewriting ------------------------------------------------------------------------


def _rewrite_urls(state: StateCore) -> None:
    resolver = state.env.get("resolve_url")
    if resolver is None:
        return
    for token in _walk(state.tokens):
        attr = "href" if token.type == "link_open" else "src" if token.type == "image" else None
        if attr is None:
            continue
        url = token.attrGet(attr)
        if isinstance(url, str):
            new = resolver(url)
            if new is not None:
                token.attrSet(attr, new)


def _heading_ids(state: StateCore) -> None:
    anchors: PageAnchors | None = state.env.get("anchors")
    if anchors is None:
        return
    tokens = state.tokens
    for at, token in enumerate(tokens):
        if token.type != "heading_open" or at + 1 >= len(tokens):
            continue
        written = token.attrGet("id")
        if isinstance(written, str):
            anchors.reserve([written])
            continue
        words = (child.content if child.type != "softbreak" else " "
                 for child in tokens[at + 1].children or ()
                 if child.type in ("text", "code_inline", "math_inline", "softbreak"))
        token.attrSet("id", anchors.claim("".join(words)))


def _walk(tokens: Sequence[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


# --- the instances ------------------------------------------------------------------------


def _build(*, html: bool, check_links: bool = True) -> MarkdownIt:
    md = new_parser(html=html, check_links=check_links)
    md.options["highlight"] = _highlight_fence
    rules: dict[str, Callable[..., str]] = {
        "math_inline": _render_math_inline,
        "math_inline_double": _render_math_display,
        "math_block": _render_math_display,
        "table_open": _render_table_open,
        "table_close": _render_table_close,
        "admonition_open": _render_admonition_open,
        "admonition_close": _render_admonition_close,
        "admonition_title_open": _render_admonition_title_open,
        "admonition_title_close": _render_admonition_title_close,
        "image": _render_image,
    }
    for name, rule in rules.items():
        md.add_render_rule(name, rule)
    md.core.ruler.push("lessonkit_urls", _rewrite_urls)
    md.core.ruler.push("lessonkit_heading_ids", _heading_ids)
    return md


ESCAPING = _build(html=False)
"""The parser of texts without raw HTML (also the inspection's,
engine/checking/markdown_inspect.py)."""
_RAW_HTML = _build(html=True)
INSPECTING = _build(html=True, check_links=False)
"""A parser that keeps every link and raw HTML as tokens, for the inspection."""
"""Sees raw HTML and every link, safe or not, so problems can be reported (never rendered)."""


def _plain(text: str, inline: bool) -> str | None:
    # A fast path: most choices, hints and feedback are one plain sentence, and the
    # 5000-chapter benchmark renders tens of thousands of them.
    if len(text) > 200 or text != text.rstrip() or "  " in text or not is_plain(text):
        return None
    escaped = text.replace('"', "&quot;")
    return escaped if inline else f"<p>{escaped}</p>\n"


def render_markdown(
    text: str,
    *,
    allow_html: bool = False,
    inline: bool = False,
    resolve_url: UrlResolver | None = None,
    anchors: PageAnchors | None = None,
) -> str:
    """Safe HTML for an author's Markdown.

    `inline` renders one paragraph's worth of phrasing content (no `<p>`), for labels,
    options and titles. `resolve_url` rewrites link and image targets (the HTML site maps
    `../assets/x.svg` to the copied file). With `anchors`, every heading gets an id
    unique on the page those anchors belong to (engine.text.anchors), so it can be linked to.
    """
    if anchors is None:
        known = _KNOWN.get((text, allow_html, inline))
        if known is not None:
            return known
    fast = _plain(text, inline)
    if fast is not None:
        return _known(text, allow_html, inline, fast) if anchors is None else fast
    # The compiled path takes no text that holds a link (engine.text.markdown_fast).
    links = resolve_url is not None and _may_link(text) and _fast_once(
        text, inline) is None
    headings = anchors is not None and _MAY_HEAD.search("\n" + text)
    if not links:
        # Without a link the resolver cannot change the output: the same text renders
        # once per process, whichever page or package shows it again.
        html, compiled = _render_once(text, allow_html, inline)
        if not headings:
            # Without a resolver, a text with a link rendered as it is written.
            settled = anchors is None and (resolve_url is not None or not _may_link(text))
            return _known(text, allow_html, inline, html) if settled else html
        if compiled and anchors is not None:
            return with_heading_ids(html, anchors)
    elif not headings and resolve_url is not None:
        return _render_resolved(text, allow_html, inline, resolve_url)
    return _render(text, allow_html, inline, resolve_url, anchors)


_KNOWN: dict[tuple[str, bool, bool], str] = {}
"""Texts rendered before whose HTML no resolver can change, without anchors: a page
asks for the same prompts, options and hints as many pages before it."""


def _known(text: str, allow_html: bool, inline: bool, html: str) -> str:
    if len(_KNOWN) >= 1 << 16:
        _KNOWN.clear()  # a bound for long `serve` sessions
    _KNOWN[text, allow_html, inline] = html
    return html


_RESOLVED: dict[tuple[str, bool, bool], tuple[str, tuple[tuple[str, str | None], ...]]] = {}
"""Texts with links rendered before: their HTML and what the resolver answered, URL by URL."""


def _render_resolved(text: str, allow_html: bool, inline: bool, resolve_url: UrlResolver
                     ) -> str:
    """`text` rendered with `resolve_url`, parsed once per process: the parser asks the
    resolver about the same URLs in the same order every time, so when this resolver
    answers as the one of the last rendering did, the HTML is that rendering's."""
    key = (text, allow_html, inline)
    known = _RESOLVED.get(key)
    if known is not None and all(resolve_url(url) == new for url, new in known[1]):
        return known[0]
    asked: list[tuple[str, str | None]] = []

    def recording(url: str) -> str | None:
        new = resolve_url(url)
        asked.append((url, new))
        return new

    html = _render(text, allow_html, inline, recording, None)
    if len(_RESOLVED) >= 1 << 14:
        _RESOLVED.clear()  # a bound for long `serve` sessions
    _RESOLVED[key] = (html, tuple(asked))
    return html


def _may_link(text: str) -> bool:
    """Whether `text` may hold an inline link or image, a reference definition or an
    autolink: where URLs come from."""
    return "](" in text or "]:" in text or "<" in text


_MAY_HEAD = re.compile(r"\n {0,3}(?:#|=+[ \t]*$|-+[ \t]*$)", re.MULTILINE)
"""A line that may open an ATX heading or underline a setext one, matched from the
newline before it (`"\\n" + text`): a search for a character is much faster than trying
`^` at every position."""


@lru_cache(maxsize=1 << 16)
def _render_once(text: str, allow_html: bool, inline: bool) -> tuple[str, bool]:
    """The HTML of `text` without a resolver or anchors, and whether the compiled path
    (engine.text.markdown_fast) made it."""
    fast = _fast_once(text, inline)
    if fast is not None:
        return fast, True
    return _render(text, allow_html, inline, None, None), False


@lru_cache(maxsize=1 << 16)
def _fast_once(text: str, inline: bool) -> str | None:
    """`text` rendered by the compiled path, or None; once per distinct text and process."""
    return render_fast(text, inline, highlight_code)


def _render(text: str, allow_html: bool, inline: bool, resolve_url: UrlResolver | None,
            anchors: PageAnchors | None) -> str:
    md = _RAW_HTML if allow_html else ESCAPING
    env: dict[str, Any] = {}
    if resolve_url is not None:
        env["resolve_url"] = resolve_url
    if anchors is not None:
        env["anchors"] = anchors
    if "[^" in text:
        # Footnote ids must stay unique when several Markdown fields share one page.
        env["docId"] = hashlib.sha1(text.encode()).hexdigest()[:8]
    if inline:
        return str(md.renderInline(text, env))
    return str(md.render(text, env))
