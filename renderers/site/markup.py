"""Author text to safe HTML fragments, in the three contexts a page has.

- Markdown (block or inline) goes through `engine.text.markdown`, which escapes raw HTML unless
  the course allows it and drops `javascript:`/`data:` links.
- Plain strings go through Jinja's autoescape in templates (text and attributes).
- Data for scripts goes into `<script type="application/json">` through `json_script`,
  which escapes `<`, `>`, `&` and U+2028/U+2029 so no author string can close the element.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from markupsafe import Markup

from engine.text.anchors import PageAnchors
from engine.text.markdown import render_markdown
from engine.text.markdown_dialect import plain_text

_SCRIPT_ESCAPES = (
    ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
    ("\u2028", "\\u2028"), ("\u2029", "\\u2029"),
)


def json_text(data: object) -> str:
    """Compact, deterministic JSON safe to place inside a `<script>` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in _SCRIPT_ESCAPES:  # str.replace runs in C; a 1 MB course.js notices
        text = text.replace(char, escaped)
    return text


def json_script(data: object) -> Markup:
    """`json_text` marked safe for templates."""
    return Markup(json_text(data))


class PageMarkdown:
    """Renders one page's Markdown with its link resolver and the course's HTML setting.

    Headings of the chapter's explanations get ids unique on the page (`anchors`), for
    links and search results; the small Markdown of questions (prompts, hints) gets none,
    a question being reached by its own id.
    """

    def __init__(
        self, allow_html: bool, resolve_url: Callable[[str], str | None],
        anchors: PageAnchors | None = None,
    ) -> None:
        self.allow_html = allow_html
        self.resolve_url = resolve_url
        self.anchors = anchors

    def block(self, text: str) -> Markup:
        """Block Markdown: paragraphs, lists, tables, code, display math."""
        return Markup(
            render_markdown(text, allow_html=self.allow_html, resolve_url=self.resolve_url)
        )

    def explanation(self, text: str) -> Markup:
        """An explanation block: block Markdown whose headings get the page's ids."""
        return Markup(render_markdown(
            text, allow_html=self.allow_html, resolve_url=self.resolve_url, anchors=self.anchors))

    def inline(self, text: str) -> Markup:
        """Phrasing content only (for labels, options and list items)."""
        return Markup(
            render_markdown(
                text, allow_html=self.allow_html, inline=True, resolve_url=self.resolve_url
            )
        )

    @staticmethod
    def text(text: str) -> str:
        """Visible text without markup (for `<option>` and `aria-label`)."""
        return plain_text(text)
