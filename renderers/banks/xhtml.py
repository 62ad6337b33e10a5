"""HTML fragments as element trees, and back to HTML text.

`engine.text.markdown` returns HTML text. The exports need it as a tree: QTI 2.1 embeds it
as XML elements, every format rewrites image sources, and cloze blanks are spliced
into it. The standard library's tolerant HTML parser builds the tree; void elements
(`<br>`, `<img>`) are closed, entities are decoded, and unclosed elements are closed
at the end, so any HTML that markdown-it emits becomes well-formed XML.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from html.parser import HTMLParser
from xml.etree.ElementTree import Element

from renderers.common.xml import clean

FRAGMENT = "fragment"
"""Tag of the container element that holds a parsed fragment (never serialized)."""

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element(FRAGMENT)
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: clean(v if v is not None else k) for k, v in attrs})
        self.stack[-1].append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        append_text(self.stack[-1], clean(data))


def append_text(parent: Element, text: str) -> None:
    """Add `text` after the last child of `parent` (or as its text when it has none)."""
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def parse_fragment(html: str) -> Element:
    """The fragment's content as children (and text) of a `fragment` container."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def walk(root: Element) -> Iterator[Element]:
    """Every element below `root`, in document order (root excluded)."""
    for child in root:
        yield child
        yield from walk(child)


def to_html(root: Element) -> str:
    """The content of `root` as HTML text (void elements as `<br />`, others closed)."""
    parts: list[str] = [escape(root.text or "", quote=False)]
    for child in root:
        parts.append(_element_html(child))
    return "".join(parts)


def _element_html(element: Element) -> str:
    attrs = "".join(f' {k}="{escape(v, quote=True)}"' for k, v in element.attrib.items())
    if element.tag in VOID:
        html = f"<{element.tag}{attrs} />"
    else:
        html = f"<{element.tag}{attrs}>{to_html(element)}</{element.tag}>"
    return html + escape(element.tail or "", quote=False)


def element_text(root: Element) -> str:
    """The text of a fragment with tags removed and whitespace runs made single spaces."""
    return " ".join("".join(root.itertext()).split())


def split_text(root: Element, token: str, replacement: Element) -> bool:
    """Replace the first occurrence of `token` in the text under `root` by `replacement`.

    Cloze markers survive Markdown as plain words; this puts the interaction element
    where the word was, keeping the text on both sides. Returns whether it was found.
    """
    if root.text and token in root.text:
        before, after = root.text.split(token, 1)
        root.text = before
        replacement.tail = after
        root.insert(0, replacement)
        return True
    for index, child in enumerate(list(root)):
        if split_text(child, token, replacement):
            return True
        if child.tail and token in child.tail:
            before, after = child.tail.split(token, 1)
            child.tail = before
            replacement.tail = after
            root.insert(index + 1, replacement)
            return True
    return False
