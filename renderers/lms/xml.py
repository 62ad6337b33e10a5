"""Building XML with the standard library, deterministically.

Elements use plain (unprefixed) names and the namespace declarations are written as
ordinary attributes on the root, so the output is exactly what we wrote, attribute
order included, on every Python version. Text is cleaned of the characters XML 1.0
forbids (a stray control character in a YAML string must not make a package unreadable).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from xml.etree.ElementTree import Element, tostring

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

XSI = "http://www.w3.org/2001/XMLSchema-instance"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

Attrs = Mapping[str, str | None]


def clean(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


def el(tag: str, attrs: Attrs | str | None = None, text: str | None = None) -> Element:
    """A new element; attributes whose value is None are left out.

    A string in place of `attrs` is the element's text (`el("title", "Intro")`).
    """
    if isinstance(attrs, str):
        attrs, text = None, attrs
    element = Element(tag, _attributes(attrs))
    if text is not None:
        element.text = clean(text)
    return element


def sub(parent: Element, tag: str, attrs: Attrs | str | None = None,
        text: str | None = None) -> Element:
    """A new element appended to `parent` (same arguments as `el`)."""
    child = el(tag, attrs, text)
    parent.append(child)
    return child


def _attributes(attrs: Attrs | None) -> dict[str, str]:
    return {k: clean(v) for k, v in (attrs or {}).items() if v is not None}


def extend(parent: Element, children: Iterable[Element]) -> Element:
    """Append `children` to `parent` and return `parent`."""
    parent.extend(children)
    return parent


def indent(root: Element, opaque: frozenset[str] = frozenset(), level: int = 0) -> None:
    """Pretty-print structure, but never touch mixed content.

    `xml.etree.ElementTree.indent` rewrites whitespace-only tails everywhere, which would
    change the text of HTML inside an item (spaces between spans in a <pre>). Elements
    named in `opaque`, and any element holding text, keep their content byte for byte.
    """
    if root.tag in opaque or len(root) == 0:
        return
    if (root.text and root.text.strip()) or any(c.tail and c.tail.strip() for c in root):
        return
    pad = "\n" + "  " * (level + 1)
    root.text = pad
    for child in root:
        indent(child, opaque, level + 1)
        child.tail = pad
    root[-1].tail = "\n" + "  " * level


def to_bytes(root: Element, opaque: frozenset[str] = frozenset()) -> bytes:
    """The document as UTF-8 bytes with an XML declaration and a final newline."""
    indent(root, opaque)
    return (DECLARATION + tostring(root, encoding="unicode") + "\n").encode("utf-8")
