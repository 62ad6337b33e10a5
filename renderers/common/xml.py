"""Building XML with the standard library, deterministically: every format's one XML helper.

Elements use the names as written (`imsmd:lom`, `adlcp:scormtype`) and the namespace
declarations are written as ordinary attributes on the root, so the output is exactly what
we wrote, attribute order included, on every Python version (ElementTree's namespace
handling would rename prefixes to `ns0:`). Text is cleaned of the characters XML 1.0
forbids (a stray control character in a YAML string must not make a package unreadable).

Two spellings of the same elements: `to_bytes` (question banks and QTI/CC packages; mixed
content such as HTML kept byte for byte) and `manifest_bytes` (SCORM and cmi5 manifests,
read by LMS parsers of very uneven quality: one element per line, two-space indentation,
no mixed content, `<empty/>`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from xml.etree.ElementTree import Element, tostring

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;",
     "\r": "&#13;"}
)

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


def element(
    tag: str, attrs: Attrs | None = None, *children: Element, text: str | None = None
) -> Element:
    """A new element with its children, so nested structures read top-down."""
    node = el(tag, attrs, text)
    node.extend(children)
    return node


def add(parent: Element, child: Element) -> Element:
    """Append `child` to `parent` and return `child`."""
    parent.append(child)
    return child


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


def manifest_bytes(root: Element) -> bytes:
    """The document spelled for manifests: declaration, one indented element per line, final
    newline. An element holds text or children, never both."""
    return (DECLARATION + "\n".join(_lines(root, 0)) + "\n").encode("utf-8")


def _attrs(attrs: Mapping[str, str]) -> str:
    return "".join(f' {name}="{clean(value).translate(_ATTR_ESCAPES)}"'
                   for name, value in attrs.items())


def _lines(node: Element, depth: int) -> Iterable[str]:
    pad = "  " * depth
    head = f"{pad}<{node.tag}{_attrs(node.attrib)}"
    if len(node):
        if node.text is not None:
            raise ValueError(f"<{node.tag}> has both text and children")
        yield head + ">"
        for child in node:
            yield from _lines(child, depth + 1)
        yield f"{pad}</{node.tag}>"
    elif node.text is not None:
        yield f"{head}>{clean(node.text).translate(_TEXT_ESCAPES)}</{node.tag}>"
    else:
        yield head + "/>"
