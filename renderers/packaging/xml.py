"""A small, deterministic XML writer for package manifests.

Manifests are read by LMS parsers of very uneven quality, so the output is kept plain:
an XML declaration without a BOM, UTF-8, explicit namespace prefixes exactly as the
specifications' examples spell them, attributes in the order given, two-space
indentation and no mixed content. ElementTree would rename prefixes (`ns0:`) unless
they are registered process-wide, which is why this writer exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;",
     "\r": "&#13;"}
)


@dataclass
class Element:
    """One element: a prefixed tag name, attributes in order, and text or children."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element] = field(default_factory=list)
    text: str | None = None

    def add(self, child: Element) -> Element:
        """Append `child` and return it, so nested structures read top-down."""
        self.children.append(child)
        return child


def element(
    tag: str, attrs: dict[str, str] | None = None, *children: Element, text: str | None = None
) -> Element:
    """Shorthand for building an `Element`."""
    return Element(tag, dict(attrs or {}), list(children), text)


def clean(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry at all (C0 controls and such)."""
    return _NOT_XML_CHAR.sub("", text)


def _attrs(attrs: dict[str, str]) -> str:
    return "".join(f' {name}="{clean(value).translate(_ATTR_ESCAPES)}"'
                   for name, value in attrs.items())


def _lines(node: Element, depth: int) -> Iterable[str]:
    pad = "  " * depth
    head = f"{pad}<{node.tag}{_attrs(node.attrs)}"
    if node.children:
        if node.text is not None:
            raise ValueError(f"<{node.tag}> has both text and children")
        yield head + ">"
        for child in node.children:
            yield from _lines(child, depth + 1)
        yield f"{pad}</{node.tag}>"
    elif node.text is not None:
        yield f"{head}>{clean(node.text).translate(_TEXT_ESCAPES)}</{node.tag}>"
    else:
        yield head + "/>"


def to_bytes(root: Element) -> bytes:
    """The document as UTF-8 bytes: declaration, indented elements, final newline."""
    body = "\n".join(_lines(root, 0))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()
