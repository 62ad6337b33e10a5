"""Rendered HTML as QTI 2.1 body content: the XHTML subset the item schema allows.

QTI 2.1 (imsqti_v2p1.xsd) takes a fixed list of XHTML elements, each with a fixed list
of attributes, plus MathML. Markdown output can hold more: `<s>` (strikethrough),
`<section>` (footnotes), `<figure>`, `<input>` (task lists), `style` attributes on table
cells. Elements outside the list are renamed to a neutral `<div>`/`<span>` (their
content stays; the original name goes into `class`) or, when they have no meaningful
content, dropped; each such name is returned so the renderer can report the loss.
`id` values must be unique NCNames (`xs:ID`), so others are dropped.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from renderers.banks.xhtml import walk

MATHML = "http://www.w3.org/1998/Math/MathML"

_COMMON = frozenset({"id", "class", "xml:lang", "label"})
ALLOWED: dict[str, frozenset[str]] = {
    **dict.fromkeys((
        "abbr", "acronym", "address", "b", "big", "br", "caption", "cite", "code", "dd", "dfn",
        "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li",
        "ol", "p", "pre", "samp", "small", "span", "strong", "sub", "sup", "tbody", "tfoot",
        "thead", "tr", "tt", "ul", "var",
    ), _COMMON),
    "a": _COMMON | {"href", "type"},
    "img": _COMMON | {"src", "alt", "longdesc", "height", "width"},
    "blockquote": _COMMON | {"cite"},
    "q": _COMMON | {"cite"},
    "table": _COMMON | {"summary"},
    "td": _COMMON | {"headers", "scope", "abbr", "axis", "rowspan", "colspan"},
    "th": _COMMON | {"headers", "scope", "abbr", "axis", "rowspan", "colspan"},
    "col": _COMMON | {"span"},
    "colgroup": _COMMON | {"span"},
}
"""Element -> allowed attributes (QTI 2.1 XHTML content model)."""

_BLOCKISH = frozenset({"section", "article", "aside", "figure", "figcaption", "details",
                       "summary", "header", "footer", "nav", "main", "center"})
_DROP = frozenset({"input", "button", "script", "style", "svg", "iframe", "video", "audio",
                   "source", "track", "wbr", "meta", "link"})
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def to_qti_content(tree: Element, used_ids: set[str]) -> list[str]:
    """Make the children of `tree` valid QTI 2.1 content, in place.

    Returns the names of the HTML elements that QTI 2.1 could not keep as they were.
    `used_ids` holds the `id` values already taken in the item (shared across fields).
    """
    changed: list[str] = []
    maths = [e for e in walk(tree) if e.tag == "math"]
    in_math = {id(e) for m in maths for e in [m, *walk(m)]}
    for math in maths:
        math.set("xmlns", MATHML)
    for element in list(walk(tree)):
        tag = element.tag
        if id(element) in in_math:
            continue
        if tag in _DROP:
            changed.append(tag)
            _remove(tree, element)
            continue
        if tag not in ALLOWED:
            changed.append(tag)
            element.set("class", " ".join(filter(None, [element.get("class"), tag])))
            element.tag = "div" if tag in _BLOCKISH else "span"
        allowed = ALLOWED[element.tag]
        for name in list(element.attrib):
            if name not in allowed:
                del element.attrib[name]
        identifier = element.get("id")
        if identifier is not None:
            if not _NCNAME.match(identifier) or identifier in used_ids:
                del element.attrib["id"]
            else:
                used_ids.add(identifier)
        if element.tag == "img" and "alt" not in element.attrib:
            element.set("alt", "")
    return sorted(set(changed))


def _remove(root: Element, target: Element) -> None:
    for parent in [root, *walk(root)]:
        children = list(parent)
        if target in children:
            index = children.index(target)
            tail = target.tail or ""
            parent.remove(target)
            if index == 0:
                parent.text = (parent.text or "") + tail
            else:
                previous = children[index - 1]
                previous.tail = (previous.tail or "") + tail
            return
